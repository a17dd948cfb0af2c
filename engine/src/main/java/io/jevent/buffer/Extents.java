package io.jevent.buffer;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A reusable array of memory extents, libevent's {@code struct evbuffer_iovec[]}: filled by
 * {@link Evbuffer#peek} and {@link Evbuffer#reserveSpace}, read back by {@link Evbuffer#commitSpace}.
 * Each extent is an (address, length) pair into a buffer's segments; {@link #buffer(int)} and
 * {@link #wrap(int, UnsafeBuffer)} expose it without copying or allocating. Extents stay valid
 * only until the buffer they came from next changes.
 */
public final class Extents
{
    private final long[] addresses;
    private final int[] lengths;
    private final Segment[] segments;
    private int count;

    /**
     * @param capacity how many extents this array holds (libevent's n_vec), at least 0
     */
    public Extents(final int capacity)
    {
        if (capacity < 0)
        {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        addresses = new long[capacity];
        lengths = new int[capacity];
        segments = new Segment[capacity];
    }

    /**
     * @return how many extents this array can hold
     */
    public int capacity()
    {
        return addresses.length;
    }

    /**
     * @return how many extents the last fill wrote (at most {@link #capacity()})
     */
    public int count()
    {
        return count;
    }

    /**
     * @param i extent index, below {@link #count()}
     * @return its start address
     */
    public long address(final int i)
    {
        check(i);
        return addresses[i];
    }

    /**
     * @param i extent index, below {@link #count()}
     * @return its length in bytes
     */
    public int length(final int i)
    {
        check(i);
        return lengths[i];
    }

    /**
     * Shrinks an extent before {@link Evbuffer#commitSpace}, to commit fewer bytes than reserved.
     *
     * @param i      extent index, below {@link #count()}
     * @param length new length, at least 0
     */
    public void setLength(final int i, final int length)
    {
        check(i);
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length: " + length);
        }
        lengths[i] = length;
    }

    /**
     * @return the sum of the lengths of the filled extents
     */
    public long totalLength()
    {
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            total += lengths[i];
        }
        return total;
    }

    /**
     * The extent as a direct ByteBuffer (position at its start, limit at its end). The returned
     * object is the segment's own view: it is valid until the buffer changes, and is shared with
     * other extents of the same segment.
     *
     * @param i extent index, below {@link #count()}
     * @return the view
     */
    public ByteBuffer buffer(final int i)
    {
        check(i);
        final Segment s = segments[i];
        final int off = (int)(addresses[i] - s.address);
        final ByteBuffer view = s.view;
        view.limit(off + lengths[i]).position(off);
        return view;
    }

    /**
     * Points an Agrona flyweight at the extent.
     *
     * @param i         extent index, below {@link #count()}
     * @param flyweight the buffer to re-wrap
     */
    public void wrap(final int i, final UnsafeBuffer flyweight)
    {
        check(i);
        flyweight.wrap(addresses[i], lengths[i]);
    }

    void clear()
    {
        for (int i = 0; i < count; i++)
        {
            segments[i] = null;
        }
        count = 0;
    }

    void set(final int i, final Segment s, final long address, final int length)
    {
        addresses[i] = address;
        lengths[i] = length;
        segments[i] = s;
        if (i >= count)
        {
            count = i + 1;
        }
    }

    private void check(final int i)
    {
        if (i < 0 || i >= count)
        {
            throw new IndexOutOfBoundsException("extent " + i + " of " + count);
        }
    }
}
