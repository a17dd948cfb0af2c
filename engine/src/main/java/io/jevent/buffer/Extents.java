package io.jevent.buffer;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A reusable array of memory extents, libevent's {@code struct evbuffer_iovec[]}: filled by
 * {@link Evbuffer#peek} and {@link Evbuffer#reserveSpace}, read back by {@link Evbuffer#commitSpace}.
 * Each extent is an (address, length) pair into a buffer's segments; {@link #buffer(int)} and
 * {@link #wrap(int, UnsafeBuffer)} expose it without copying or allocating (after the first
 * {@link #buffer(int)} of each slot).
 * <p>
 * Extents remember the buffer that filled them and that buffer's state at the time. They are valid
 * only until that buffer next changes (any add, drain, move, commit, pullup, expand, or its free):
 * from then on {@link #address}, {@link #length}, {@link #setLength}, {@link #totalLength},
 * {@link #buffer} and {@link #wrap} throw {@link IllegalStateException} without touching memory, and
 * they also make the buffer's owner check ({@link Evbuffer#setOwner}). What they handed out before
 * (an address, a ByteBuffer, a wrapped flyweight) is raw memory with the same lifetime, which
 * nothing checks: do not use it after the buffer changed, as the memory may by then belong to
 * another buffer. The ByteBuffers of {@link #buffer(int)} belong to this object, one per slot, and are
 * pointed at nothing (capacity 0) when it is filled again.
 */
public final class Extents
{
    final long[] addresses;
    final int[] lengths;
    private final int[] filled;
    Evbuffer source;
    long stamp;
    private ByteBuffer[] views;
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
        filled = new int[capacity];
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
     * @return its start address, raw memory valid until the buffer next changes
     * @throws IllegalStateException if the buffer changed or was freed since the fill
     */
    public long address(final int i)
    {
        check(i);
        return addresses[i];
    }

    /**
     * @param i extent index, below {@link #count()}
     * @return its length in bytes
     * @throws IllegalStateException if the buffer changed or was freed since the fill
     */
    public int length(final int i)
    {
        check(i);
        return lengths[i];
    }

    /**
     * Shrinks an extent before {@link Evbuffer#commitSpace}, to commit fewer bytes than reserved.
     *
     * As libevent's {@code iov_len}, a longer length is accepted here and refused by
     * {@link Evbuffer#commitSpace}; {@link #buffer(int)} and {@link #wrap} never reach past the
     * memory the fill gave the extent, whatever its length says.
     *
     * @param i      extent index, below {@link #count()}
     * @param length new length, at least 0
     * @throws IllegalStateException if the buffer changed or was freed since the fill
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
     * @return the sum of the lengths of the filled extents (0 if never filled)
     * @throws IllegalStateException if the buffer changed or was freed since the fill
     */
    public long totalLength()
    {
        checkCurrent();
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            total += lengths[i];
        }
        return total;
    }

    /**
     * The extent as a direct ByteBuffer: position 0, limit and capacity the extent's length (never past
     * the memory the fill gave it, if {@link #setLength} made it longer). The
     * object belongs to this Extents (one per slot, made on first use and reused); it is raw memory
     * valid until the buffer next changes, and is pointed at nothing when this Extents is filled again.
     *
     * @param i extent index, below {@link #count()}
     * @return the view
     * @throws IllegalStateException if the buffer changed or was freed since the fill
     */
    public ByteBuffer buffer(final int i)
    {
        check(i);
        if (null == views)
        {
            views = new ByteBuffer[addresses.length];
        }
        ByteBuffer view = views[i];
        if (null == view)
        {
            view = DirectViews.newView();
            views[i] = view;
        }
        return DirectViews.repoint(view, addresses[i], Math.min(lengths[i], filled[i]));
    }

    /**
     * Points an Agrona flyweight at the extent: raw memory valid until the buffer next changes.
     *
     * @param i         extent index, below {@link #count()}
     * @param flyweight the buffer to re-wrap
     * @throws IllegalStateException if the buffer changed or was freed since the fill
     */
    public void wrap(final int i, final UnsafeBuffer flyweight)
    {
        check(i);
        flyweight.wrap(addresses[i], Math.min(lengths[i], filled[i]));
    }

    /**
     * Empties the array before a fill: forgets the buffer and revokes the views handed out.
     */
    void clear()
    {
        final ByteBuffer[] v = views;
        if (null != v)
        {
            for (int i = 0; i < count; i++)
            {
                if (null != v[i])
                {
                    DirectViews.repoint(v[i], 0, 0);
                }
            }
        }
        count = 0;
        source = null;
    }

    void set(final int i, final long address, final int length)
    {
        addresses[i] = address;
        lengths[i] = length;
        filled[i] = length;
        if (i >= count)
        {
            count = i + 1;
        }
    }

    /**
     * Ends a fill: the extents are valid while {@code buffer} stays at {@code version}.
     */
    void stamp(final Evbuffer buffer, final long version)
    {
        source = buffer;
        stamp = version;
    }

    private void checkCurrent()
    {
        final Evbuffer b = source;
        if (null != b)
        {
            b.checkCurrent(stamp);
        }
        else if (0 != count)
        {
            throw new IllegalStateException("extents whose fill did not complete");
        }
    }

    private void check(final int i)
    {
        checkCurrent();
        if (i < 0 || i >= count)
        {
            throw new IndexOutOfBoundsException("extent " + i + " of " + count);
        }
    }
}
