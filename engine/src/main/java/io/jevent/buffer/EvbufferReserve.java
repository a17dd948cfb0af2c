package io.jevent.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.Arrays;

/**
 * The one open claim an {@link Evbuffer} has on its memory (libevent's {@code evbuffer_reserve_space},
 * {@code evbuffer_commit_space}, and the iovec preparation of {@code evbuffer_read} and
 * {@code evbuffer_write_atmost}): a reservation or a read preparation at the tail, or a write
 * preparation at the front. The three share one set of extents (segment and length each), one kind
 * and one version check: a claim is valid while the buffer stays at the version it was made at, and
 * making a new claim ends the one before it, so a buffer never hands out two sets of extents at once.
 * Ending a claim (its commit, the next claim, any change of the buffer, its free) revokes what it
 * handed out: this buffer's ByteBuffer views go to capacity 0 and the lengths of the iovec array it
 * filled to 0, so a late read or write through them moves nothing.
 * <p>
 * One per buffer, made with it; no allocation per call (the extent arrays and the views grow only
 * when a claim needs more extents than any before it).
 */
final class EvbufferReserve
{
    private static final int NONE = 0;
    private static final int RESERVE = 1;
    private static final int READ = 2;
    private static final int WRITE = 3;

    private final Evbuffer b;
    private int mode = NONE;
    private long version = -1;
    private Segment[] segs = new Segment[4];
    private int[] lens = new int[4];
    private int count;
    private long total;
    private ByteBuffer[] readViews;
    private ByteBuffer[] writeViews;
    private int pointedReadViews;
    private int pointedWriteViews;
    private IovecArray iov;

    EvbufferReserve(final Evbuffer b)
    {
        this.b = b;
    }

    /**
     * @return the bytes the last read or write preparation offered; kept after its commit until the next
     */
    long preparedBytes()
    {
        return total;
    }

    /**
     * @return true while a reservation made since the buffer's last change is open
     */
    boolean reserved()
    {
        return RESERVE == mode && version == b.version;
    }

    /**
     * Called on every change of the buffer: revokes what an I/O preparation handed out, if anything.
     */
    void changed()
    {
        if (0 != (pointedReadViews | pointedWriteViews) || null != iov)
        {
            end();
        }
    }

    /**
     * A preparation refused for a frozen end claims nothing: it ends an open preparation, as any
     * preparation does, and leaves an open reservation to be committed.
     */
    private void endRefused()
    {
        if (RESERVE != mode)
        {
            end();
        }
    }

    /**
     * Ends the current claim: no commit is accepted any more, and whatever it handed out (this buffer's
     * ByteBuffer views, the lengths of the iovec array it filled) moves no byte.
     */
    void end()
    {
        mode = NONE;
        for (int i = 0; i < pointedReadViews; i++)
        {
            DirectViews.repoint(readViews[i], 0, 0);
        }
        pointedReadViews = 0;
        for (int i = 0; i < pointedWriteViews; i++)
        {
            DirectViews.repoint(writeViews[i], 0, 0);
        }
        pointedWriteViews = 0;
        final IovecArray v = iov;
        if (null != v)
        {
            iov = null;
            v.revoke(b);
        }
    }

    /**
     * Forgets every extent, for the buffer's free (which then bumps and {@link #end()}s).
     */
    void clear()
    {
        mode = NONE;
        count = 0;
    }

    // ------------------------------------------------------------------ reserve / commit

    /**
     * The body of {@link Evbuffer#reserveSpace} once the arguments were checked.
     *
     * @param k extents wanted, at least 1
     * @return the number of extents used
     */
    int reserve(final long size, final int k, final Extents extents)
    {
        end();
        count = 0;
        if (1 == k)
        {
            final Segment s = EvbufferChain.expand(b, (int)size);
            add(s, s.writableTail());
        }
        else
        {
            fillTailExtents(size, k, false);
        }
        for (int i = 0; i < count; i++)
        {
            final Segment s = segs[i];
            extents.set(i, s.address + s.end(), lens[i]);
        }
        mode = RESERVE;
        version = b.version;
        extents.stamp(b, version);
        return count;
    }

    /**
     * The body of {@link Evbuffer#commitSpace} for k &gt; 0 on an end that is not frozen.
     *
     * @return 0, or -1 if the buffer changed since the reservation or an extent does not match
     */
    int commitSpace(final Extents extents, final int k)
    {
        if (!reserved() || extents.source != b || extents.stamp != version || k > count || k > extents.count())
        {
            return -1;
        }
        final long[] addresses = extents.addresses;
        final int[] lengths = extents.lengths;
        long sum = 0;
        for (int i = 0; i < k; i++)
        {
            final Segment s = segs[i];
            if (addresses[i] != s.address + s.end() || lengths[i] > lens[i])
            {
                return -1;
            }
            sum += lengths[i];
        }
        if (0 == sum)
        {
            return 0;
        }
        for (int i = 0; i < k; i++)
        {
            segs[i].length += lengths[i];
        }
        EvbufferChain.normalizeAfterFill(b, b.lastWithData);
        mode = NONE;
        b.length += sum;
        b.bump();
        EvbufferCallbacks.added(b, sum);
        return 0;
    }

    // ------------------------------------------------------------------ read preparation

    /**
     * The body of {@link Evbuffer#prepareRead(int, IovecArray)} after the checks.
     *
     * @return number of iovecs filled, or -1 if the end is frozen
     */
    int prepareRead(final int howmuch, final IovecArray v)
    {
        if (b.frozenEnd)
        {
            endRefused();
            v.count(0);
            return -1;
        }
        end();
        final int k = setupRead(howmuch, v.capacity());
        for (int i = 0; i < k; i++)
        {
            final Segment s = segs[i];
            v.set(i, s.address + s.end(), lens[i]);
        }
        v.count(k);
        preparedIn(v, k);
        return k;
    }

    /**
     * The body of {@link Evbuffer#prepareRead(int, ByteBuffer[])} after the checks.
     *
     * @return number of buffers filled, or -1 if the end is frozen
     */
    int prepareRead(final int howmuch, final ByteBuffer[] bufs)
    {
        if (b.frozenEnd)
        {
            endRefused();
            return -1;
        }
        end();
        final int k = setupRead(howmuch, bufs.length);
        System.arraycopy(pointReadViews(k), 0, bufs, 0, k);
        return k;
    }

    /**
     * The body of {@link Evbuffer#commitRead}.
     *
     * @return 0, or -1 if no read is prepared or the buffer changed since
     */
    int commitRead(final long n)
    {
        if (READ != mode || version != b.version || n < 0 || n > total || b.frozenEnd)
        {
            return -1;
        }
        end();
        if (0 == n)
        {
            return 0;
        }
        long left = n;
        for (int i = 0; i < count && left > 0; i++)
        {
            final int take = (int)Math.min(left, lens[i]);
            segs[i].length += take;
            left -= take;
        }
        rightSizeReadSegments(b.lastWithData);
        EvbufferChain.normalizeAfterFill(b, b.lastWithData);
        b.length += n;
        b.bump();
        EvbufferCallbacks.added(b, n);
        return 0;
    }

    /**
     * The body of {@link Evbuffer#readFrom} after the checks.
     *
     * @return bytes read, 0, {@link Evbuffer#EOF} or {@link Evbuffer#FROZEN}
     */
    long readFrom(final ScatteringByteChannel channel, final int howmuch) throws IOException
    {
        if (b.frozenEnd)
        {
            endRefused();
            return Evbuffer.FROZEN;
        }
        end();
        final int k = setupRead(howmuch, b.readIovecs);
        if (0 == k)
        {
            return 0;
        }
        final ByteBuffer[] views = pointReadViews(k);
        final long n;
        try
        {
            n = 1 == k ? channel.read(views[0]) : channel.read(views, 0, k);
        }
        catch (final Throwable ex)
        {
            end();
            throw ex;
        }
        if (n < 0)
        {
            end();
            return Evbuffer.EOF;
        }
        commitRead(n);
        return n;
    }

    /**
     * Sets up a read of at most {@code howmuch} bytes into at most {@code capacity} extents. The one
     * read cap is applied here: a negative howmuch reads {@link Evbuffer#maxRead()} bytes, and an
     * explicit one is capped by maxRead too, except in a buffer whose owner installed a hook
     * ({@link Evbuffer#setOwnerHook}): that owner (a bufferevent) sizes its reads itself, and its size is the
     * only cap.
     */
    private int setupRead(final int howmuch, final int capacity)
    {
        final long want = howmuch < 0 ? b.maxRead : null != b.ownerHook ? howmuch : Math.min(howmuch, b.maxRead);
        final int k = Math.min(capacity, b.readIovecs);
        count = 0;
        total = 0;
        mode = READ;
        version = b.version;
        if (0 == want || k < 1)
        {
            return 0;
        }
        fillTailExtents(want, k, true);
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            final int len = (int)Math.min(lens[i], want - sum);
            lens[i] = len;
            sum += len;
            if (sum == want)
            {
                count = i + 1;
                break;
            }
        }
        total = sum;
        version = b.version;
        return count;
    }

    /**
     * Collects up to k free extents for a read or multi-extent reservation of {@code want} bytes
     * (full free room of each), creating spares as needed, the k-th big enough for the rest. Reads
     * ({@code pooledOnly}) take pooled size classes for all but the k-th extent, so that a read of at
     * most {@code readIovecs * maxPooledSize} bytes never needs an unpooled block.
     */
    private void fillTailExtents(final long want, final int k, final boolean pooledOnly)
    {
        count = 0;
        long avail = 0;
        final Segment t = b.lastWithData;
        if (null != t && t.writableTail() > 0 && (k > 1 || t.writableTail() >= want))
        {
            avail += add(t, t.writableTail());
        }
        Segment s = b.firstSpare();
        while (null != s && count < k && (avail < want || 0 == count))
        {
            if (count == k - 1 && s.capacity < want - avail)
            {
                break;
            }
            avail += add(s, s.capacity);
            s = s.next;
        }
        if (count < k && (avail < want || 0 == count))
        {
            if (null != s)
            {
                EvbufferChain.releaseSparesFrom(b, s);
            }
            do
            {
                final long cap = pooledOnly && count < k - 1 ?
                    b.pool.maxPooledSize() : BufferConfiguration.MAX_SEGMENT_SIZE;
                final Segment fresh = b.pool.acquire((int)Math.max(1, Math.min(want - avail, cap)));
                EvbufferChain.appendSpare(b, fresh);
                b.bump();
                avail += add(fresh, fresh.capacity);
            }
            while (pooledOnly && count < k && avail < want);
        }
    }

    /**
     * After a read committed into fresh segments following {@code from}: a segment the read filled to
     * less than a quarter, larger than the pool's smallest class, has its bytes copied into a segment
     * of their size and stays behind empty (a spare, for the next read or for the pool). An adaptive
     * read guess that was large when a burst ended thus pins at most 4x the bytes it holds, not a
     * 256 KiB segment per few bytes; the copy is of under a quarter of a segment and only happens when
     * the guess is far off.
     */
    private void rightSizeReadSegments(final Segment from)
    {
        Segment prev = from;
        Segment s = null == from ? b.first : from.next;
        final int smallest = b.pool.segmentSize();
        for (int i = 0; i < count && null != s; i++)
        {
            final Segment next = s.next;
            if (s.length > 0 && 0 == s.start && s.capacity > smallest && (long)s.length * 4 < s.capacity &&
                s.sizeClass >= 0 && s.isExclusiveMutable() && 1 == s.refCount)
            {
                final Segment t = b.pool.acquire(s.length);
                Memory.copy(null, s.address, null, t.address, s.length);
                t.start = 0;
                t.length = s.length;
                s.length = 0;
                t.next = s;
                if (null == prev)
                {
                    b.first = t;
                }
                else
                {
                    prev.next = t;
                }
            }
            prev = s;
            s = next;
        }
    }

    // ------------------------------------------------------------------ write preparation

    /**
     * The body of {@link Evbuffer#prepareWrite(long, IovecArray)} after the checks.
     *
     * @return number of iovecs filled (0 when empty), or -1 if the start is frozen
     */
    int prepareWrite(final long howmuch, final IovecArray v)
    {
        if (b.frozenStart)
        {
            endRefused();
            v.count(0);
            return -1;
        }
        end();
        final int k = setupWrite(howmuch, v.capacity());
        for (int i = 0; i < k; i++)
        {
            v.set(i, segs[i].dataAddress(), lens[i]);
        }
        v.count(k);
        preparedIn(v, k);
        return k;
    }

    /**
     * The body of {@link Evbuffer#prepareWrite(long, ByteBuffer[])} after the checks.
     *
     * @return number of buffers filled (0 when empty), or -1 if the start is frozen
     */
    int prepareWrite(final long howmuch, final ByteBuffer[] bufs)
    {
        if (b.frozenStart)
        {
            endRefused();
            return -1;
        }
        end();
        final int k = setupWrite(howmuch, bufs.length);
        System.arraycopy(pointWriteViews(k), 0, bufs, 0, k);
        return k;
    }

    /**
     * The body of {@link Evbuffer#commitWrite}.
     *
     * @return 0, or -1 if no write is prepared or the buffer changed since
     */
    int commitWrite(final long n)
    {
        if (WRITE != mode || version != b.version || n < 0 || n > total || b.frozenStart)
        {
            return -1;
        }
        end();
        if (n > 0)
        {
            EvbufferChain.drain(b, n);
            EvbufferCallbacks.deleted(b, n);
        }
        return 0;
    }

    /**
     * The body of {@link Evbuffer#writeTo} after the checks.
     *
     * @return bytes written, or {@link Evbuffer#FROZEN}
     */
    long writeTo(final GatheringByteChannel channel, final long howmuch) throws IOException
    {
        if (b.frozenStart)
        {
            endRefused();
            return Evbuffer.FROZEN;
        }
        end();
        final int k = setupWrite(howmuch, b.writeIovecs);
        if (0 == k)
        {
            mode = NONE;
            return 0;
        }
        final ByteBuffer[] views = pointWriteViews(k);
        final long n;
        try
        {
            n = 1 == k ? channel.write(views[0]) : channel.write(views, 0, k);
        }
        catch (final Throwable ex)
        {
            end();
            throw ex;
        }
        commitWrite(n);
        return n;
    }

    private int setupWrite(final long howmuch, final int capacity)
    {
        final long want = howmuch < 0 ? b.length : Math.min(howmuch, b.length);
        final int k = Math.min(capacity, b.writeIovecs);
        count = 0;
        total = 0;
        mode = WRITE;
        version = b.version;
        if (0 == want || k < 1)
        {
            return 0;
        }
        long sum = 0;
        for (Segment s = b.first; s != null && count < k && sum < want; s = b.next(s))
        {
            final int len = (int)Math.min(s.length, want - sum);
            add(s, len);
            sum += len;
        }
        total = sum;
        return count;
    }

    // ------------------------------------------------------------------ extents and views

    private int add(final Segment s, final int len)
    {
        final int i = count;
        if (i == segs.length)
        {
            segs = Arrays.copyOf(segs, i * 2);
            lens = Arrays.copyOf(lens, i * 2);
        }
        segs[i] = s;
        lens[i] = len;
        count = i + 1;
        return len;
    }

    /**
     * Remembers the iovec array of the current preparation, so that ending it revokes its lengths.
     */
    private void preparedIn(final IovecArray v, final int k)
    {
        if (k > 0)
        {
            iov = v;
            v.preparedBy = b;
        }
    }

    /**
     * Points the buffer's first k read views (writable) at the extents of the read just set up.
     */
    private ByteBuffer[] pointReadViews(final int k)
    {
        final ByteBuffer[] views = readViews = ensureViews(readViews, k, false);
        for (int i = 0; i < k; i++)
        {
            final Segment s = segs[i];
            DirectViews.repoint(views[i], s.address + s.end(), lens[i]);
        }
        pointedReadViews = k;
        return views;
    }

    /**
     * Points the buffer's first k write views (read-only) at the extents of the write just set up.
     */
    private ByteBuffer[] pointWriteViews(final int k)
    {
        final ByteBuffer[] views = writeViews = ensureViews(writeViews, k, true);
        for (int i = 0; i < k; i++)
        {
            DirectViews.repoint(views[i], segs[i].dataAddress(), lens[i]);
        }
        pointedWriteViews = k;
        return views;
    }

    /**
     * Grows a view array to hold k views, making the missing ones: allocates only the first time a
     * preparation needs more views than any before it.
     */
    private static ByteBuffer[] ensureViews(final ByteBuffer[] views, final int k, final boolean readOnly)
    {
        ByteBuffer[] v = views;
        if (null == v || v.length < k)
        {
            v = null == v ? new ByteBuffer[Math.max(k, 4)] : Arrays.copyOf(v, Math.max(k, v.length * 2));
        }
        for (int i = 0; i < k; i++)
        {
            if (null == v[i])
            {
                v[i] = readOnly ? DirectViews.newReadOnlyView() : DirectViews.newView();
            }
        }
        return v;
    }
}
