package io.jevent.buffer;

import java.nio.ByteBuffer;

/**
 * The segment chain operations of an {@link Evbuffer} (the chain half of libevent's {@code buffer.c}):
 * appending and prepending copies, draining, expanding, pulling up, and the bookkeeping of spares
 * and discarded segments. Every method works on the chain fields of the buffer it is given and keeps
 * the layout invariants stated in the package comment; none checks arguments, state or threads,
 * which the public methods of {@link Evbuffer} did before calling.
 * Stateless: static methods only, no allocation beyond the segments the pool hands out (and the copy
 * of a read-only heap ByteBuffer prepended).
 */
final class EvbufferChain
{
    /** A tail segment holding at most this many bytes may be moved to its start to make room. */
    static final int REALIGN_MAX = 2048;

    private EvbufferChain()
    {
    }

    /**
     * Queues a segment already unlinked from the chain for release once the buffer is consistent,
     * so that a throwing {@link ReferenceCleanup} finds (and leaves) a complete buffer.
     */
    private static void discard(final Evbuffer b, final Segment s)
    {
        s.next = null;
        if (null == b.dead)
        {
            b.dead = s;
        }
        else
        {
            b.deadTail.next = s;
        }
        b.deadTail = s;
    }

    /**
     * Empties the chain for {@link Evbuffer#free()}: every segment, data and spare, is discarded (released
     * at the next {@link #releaseDead}), and the change ends the buffer's claim.
     */
    static void discardAll(final Evbuffer b)
    {
        Segment s = b.first;
        b.first = null;
        b.last = null;
        b.lastWithData = null;
        b.length = 0;
        b.spareCount = 0;
        b.bump();
        b.claim.end();
        while (null != s)
        {
            final Segment next = s.next;
            discard(b, s);
            s = next;
        }
    }

    /**
     * Releases every discarded segment, in chain order, even if cleanups throw.
     *
     * @return the first exception a cleanup threw (later ones suppressed into it), or null
     */
    static Throwable releaseDead(final Evbuffer b)
    {
        Throwable failure = null;
        Segment s = b.dead;
        b.dead = null;
        b.deadTail = null;
        while (null != s)
        {
            final Segment next = s.next;
            s.next = null;
            try
            {
                s.release();
            }
            catch (final RuntimeException | Error ex)
            {
                failure = EvbufferCallbacks.firstOf(failure, ex);
            }
            s = next;
        }
        return failure;
    }

    /**
     * Appends src's remaining bytes and advances it; read-only heap buffers go through the scratch array.
     */
    static void appendFrom(final Evbuffer b, final ByteBuffer src)
    {
        if (!src.isDirect() && src.isReadOnly())
        {
            final byte[] buf = b.scratch();
            while (src.hasRemaining())
            {
                final int chunk = Math.min(Evbuffer.SCRATCH_SIZE, src.remaining());
                src.get(buf, 0, chunk);
                appendCopy(b, buf, Memory.BYTE_ARRAY_BASE, chunk);
            }
        }
        else
        {
            appendCopy(b, Memory.baseOf(src), Memory.offsetOf(src), src.remaining());
            src.position(src.limit());
        }
    }

    /**
     * Appends the remaining bytes of each of {@code srcs[off, off + count)} (none null) in order.
     *
     * @return bytes appended
     */
    static long appendAll(final Evbuffer b, final ByteBuffer[] srcs, final int off, final int count)
    {
        long total = 0;
        for (int i = off; i < off + count; i++)
        {
            final int n = srcs[i].remaining();
            if (n > 0)
            {
                appendFrom(b, srcs[i]);
                total += n;
            }
        }
        return total;
    }

    /**
     * Copies n bytes to the end, keeping the single-segment guarantee of {@link Evbuffer#expand}: a tail that
     * cannot hold everything is skipped when the first spare can.
     */
    static void appendCopy(final Evbuffer b, final Object srcBase, final long srcOffset, final int n)
    {
        if (b.length > Long.MAX_VALUE - n)
        {
            throw new IllegalStateException("evbuffer length overflow");
        }
        Segment t = b.lastWithData;
        if (null != t && (t.writableTail() >= n || realigned(t, n)))
        {
            Memory.copy(srcBase, srcOffset, null, t.address + t.end(), n);
            t.length += n;
            b.length += n;
            b.bump();
            return;
        }
        final Segment spare = b.firstSpare();
        final int tailTake = (null == spare || spare.capacity < n) && null != t ? t.writableTail() : 0;
        ensureSpareRoom(b, n - tailTake);
        int done = 0;
        if (tailTake > 0)
        {
            Memory.copy(srcBase, srcOffset, null, t.address + t.end(), tailTake);
            t.length += tailTake;
            done = tailTake;
        }
        while (done < n)
        {
            final Segment s = b.firstSpare();
            final int take = Math.min(n - done, s.capacity);
            Memory.copy(srcBase, srcOffset + done, null, s.address, take);
            s.start = 0;
            s.length = take;
            b.lastWithData = s;
            b.spareCount--;
            done += take;
        }
        b.length += n;
        b.bump();
    }

    /**
     * Moves a small, mostly drained exclusive tail segment's data to its start if that makes room for
     * n more bytes after it, and says whether it did (the caller then bumps the version).
     */
    private static boolean realigned(final Segment t, final int n)
    {
        if (t.isExclusiveMutable() && t.length <= REALIGN_MAX && t.length < (t.capacity >> 1) &&
            t.capacity - t.length >= n)
        {
            Memory.copy(null, t.dataAddress(), null, t.address, t.length);
            t.start = 0;
            return true;
        }
        return false;
    }

    /**
     * Makes the spares hold at least {@code need} bytes, acquiring before any byte is copied so a pool
     * failure leaves the content untouched.
     */
    private static void ensureSpareRoom(final Evbuffer b, final long need)
    {
        long have = 0;
        for (Segment s = b.firstSpare(); null != s && have < need; s = s.next)
        {
            have += s.capacity;
        }
        while (have < need)
        {
            final Segment s = b.pool.acquire((int)Math.min(need - have, BufferConfiguration.MAX_SEGMENT_SIZE));
            appendSpare(b, s);
            have += s.capacity;
        }
    }

    /**
     * Links an empty segment at the very end, as a spare.
     */
    static void appendSpare(final Evbuffer b, final Segment s)
    {
        s.next = null;
        if (null == b.last)
        {
            b.first = s;
        }
        else
        {
            b.last.next = s;
        }
        b.last = s;
        b.spareCount++;
    }

    /**
     * Copies n bytes in front of the data: into an empty buffer's first spare if it holds them all, else
     * into the free room before the first segment's data when it is mutable, the rest into new segments
     * acquired (all of them) before any byte is copied.
     */
    static void prependCopy(final Evbuffer b, final Object srcBase, final long srcOffset, final int n)
    {
        if (b.length > Long.MAX_VALUE - n)
        {
            throw new IllegalStateException("evbuffer length overflow");
        }
        int left = n;
        if (null == b.lastWithData)
        {
            final Segment s = b.firstSpare();
            if (null != s && s.capacity >= n)
            {
                s.start = s.capacity - n;
                s.length = n;
                Memory.copy(srcBase, srcOffset, null, s.dataAddress(), n);
                b.lastWithData = s;
                b.spareCount--;
                b.length += n;
                b.bump();
                return;
            }
        }
        final int room = null != b.lastWithData && b.first.isExclusiveMutable() ? Math.min(b.first.start, n) : 0;
        Segment fresh = acquireChain(b, n - room);
        if (room > 0)
        {
            final Segment f = b.first;
            f.start -= room;
            f.length += room;
            left -= room;
            Memory.copy(srcBase, srcOffset + left, null, f.dataAddress(), room);
        }
        while (left > 0)
        {
            final Segment s = fresh;
            fresh = s.next;
            s.next = null;
            final int take = Math.min(left, s.capacity);
            left -= take;
            s.start = s.capacity - take;
            s.length = take;
            Memory.copy(srcBase, srcOffset + left, null, s.dataAddress(), take);
            s.next = b.first;
            b.first = s;
            if (null == b.lastWithData)
            {
                if (null == b.last)
                {
                    b.last = s;
                }
                b.lastWithData = s;
            }
        }
        b.length += n;
        b.bump();
    }

    /**
     * Prepends src's {@code len} (at least 1) remaining bytes and advances it; a read-only heap buffer,
     * whose array cannot be reached, is copied out first.
     */
    static void prependFrom(final Evbuffer b, final ByteBuffer src, final int len)
    {
        if (!src.isDirect() && src.isReadOnly())
        {
            final byte[] copy = new byte[len];
            src.get(copy);
            prependCopy(b, copy, Memory.BYTE_ARRAY_BASE, len);
        }
        else
        {
            prependCopy(b, Memory.baseOf(src), Memory.offsetOf(src), len);
            src.position(src.limit());
        }
    }

    /**
     * Acquires segments holding at least {@code bytes}, linked through next; all or nothing.
     */
    private static Segment acquireChain(final Evbuffer b, final int bytes)
    {
        Segment head = null;
        int have = 0;
        try
        {
            while (have < bytes)
            {
                final Segment s = b.pool.acquire(Math.min(bytes - have, BufferConfiguration.MAX_SEGMENT_SIZE));
                s.next = head;
                head = s;
                have += s.capacity;
            }
            return head;
        }
        catch (final RuntimeException ex)
        {
            while (null != head)
            {
                final Segment next = head.next;
                head.next = null;
                head.release();
                head = next;
            }
            throw ex;
        }
    }

    /**
     * Drains k (1 to length) bytes: releases whole segments (keeping one as spare), trims the partial one.
     */
    static void drain(final Evbuffer b, final long k)
    {
        final Segment only = b.first;
        if (k == b.length && only == b.lastWithData && null == only.next && only.isExclusiveMutable() &&
            1 == only.refCount && only.sizeClass >= 0 && only.capacity <= b.maxSpareSize)
        {
            only.start = 0;
            only.length = 0;
            b.lastWithData = null;
            b.spareCount = 1;
            b.length = 0;
            b.bump();
            return;
        }
        long left = k;
        while (left > 0)
        {
            final Segment s = b.first;
            if (s.length > left)
            {
                s.start += (int)left;
                s.length -= (int)left;
                break;
            }
            left -= s.length;
            b.first = s.next;
            if (s == b.lastWithData)
            {
                b.lastWithData = null;
            }
            if (s == b.last)
            {
                b.last = null;
            }
            retire(b, s);
        }
        b.length -= k;
        b.bump();
    }

    /**
     * A segment whose data is all gone: kept as the spare if there is none and it is an exclusive
     * pooled segment of at most {@code maxSpareSize} bytes, otherwise released.
     */
    private static void retire(final Evbuffer b, final Segment s)
    {
        s.next = null;
        if (0 == b.spareCount && s.isExclusiveMutable() && 1 == s.refCount && s.sizeClass >= 0 &&
            s.capacity <= b.maxSpareSize)
        {
            s.start = 0;
            s.length = 0;
            appendSpare(b, s);
        }
        else
        {
            discard(b, s);
        }
    }

    /**
     * Links a chain of data segments after lastWithData (before the spares).
     */
    static void linkDataAtEnd(final Evbuffer b, final Segment head, final Segment tail, final long n)
    {
        final Segment spares = b.firstSpare();
        if (null == b.lastWithData)
        {
            b.first = head;
        }
        else
        {
            b.lastWithData.next = head;
        }
        tail.next = spares;
        if (null == spares)
        {
            b.last = tail;
        }
        b.lastWithData = tail;
        b.length += n;
        b.bump();
    }

    /**
     * Makes room for n more bytes in one segment: the last data segment's free tail (realigning a small,
     * mostly drained one in place), else the first spare, else a new segment put before the spares.
     *
     * @return the segment whose free tail holds n bytes
     */
    static Segment expand(final Evbuffer b, final int n)
    {
        final Segment t = b.lastWithData;
        if (null != t)
        {
            if (t.writableTail() >= n)
            {
                return t;
            }
            if (realigned(t, n))
            {
                b.bump();
                return t;
            }
        }
        final Segment spare = b.firstSpare();
        if (null != spare && spare.capacity >= n)
        {
            return spare;
        }
        final Segment s = b.pool.acquire(n);
        if (null == spare)
        {
            appendSpare(b, s);
        }
        else
        {
            s.next = spare;
            if (null == t)
            {
                b.first = s;
            }
            else
            {
                t.next = s;
            }
            b.spareCount++;
        }
        b.bump();
        return s;
    }

    /**
     * Returns the spare {@code from} and every segment after it to the pool.
     */
    static void releaseSparesFrom(final Evbuffer b, final Segment from)
    {
        Segment prev = null;
        for (Segment s = b.firstSpare(); s != from; s = s.next)
        {
            prev = s;
        }
        if (null == prev)
        {
            if (null == b.lastWithData)
            {
                b.first = null;
                b.last = null;
            }
            else
            {
                b.lastWithData.next = null;
                b.last = b.lastWithData;
            }
        }
        else
        {
            prev.next = null;
            b.last = prev;
        }
        b.bump();
        Segment s = from;
        while (null != s)
        {
            final Segment next = s.next;
            s.next = null;
            b.spareCount--;
            s.release();
            s = next;
        }
    }

    /**
     * After bytes were committed into spares following {@code from} (the old lastWithData, or null),
     * makes the filled spares data and moves any spare left empty between them to the end.
     */
    static void normalizeAfterFill(final Evbuffer b, final Segment from)
    {
        Segment s = null == from ? b.first : from.next;
        Segment dataTail = from;
        Segment emptyHead = null;
        Segment emptyTail = null;
        int empties = 0;
        while (null != s)
        {
            final Segment next = s.next;
            if (s.length > 0)
            {
                if (null == dataTail)
                {
                    b.first = s;
                }
                else
                {
                    dataTail.next = s;
                }
                dataTail = s;
            }
            else
            {
                if (null == emptyHead)
                {
                    emptyHead = s;
                }
                else
                {
                    emptyTail.next = s;
                }
                emptyTail = s;
                empties++;
            }
            s = next;
        }
        if (null != emptyTail)
        {
            emptyTail.next = null;
        }
        if (null == dataTail)
        {
            b.first = emptyHead;
        }
        else
        {
            dataTail.next = emptyHead;
        }
        b.last = null != emptyTail ? emptyTail : dataTail;
        b.lastWithData = dataTail;
        b.spareCount = empties;
    }

    /**
     * Copies n bytes (all there) starting at offset {@code fromOff} of segment {@code from}, across segments.
     */
    static void copyFrom(final Segment from, final int fromOff, final Object dstBase, final long dstOffset,
        final int n)
    {
        int done = 0;
        Segment s = from;
        int off = fromOff;
        while (done < n)
        {
            final int take = Math.min(s.length - off, n - done);
            Memory.copy(null, s.dataAddress() + off, dstBase, dstOffset + done, take);
            done += take;
            s = s.next;
            off = 0;
        }
    }

    /**
     * The body of {@link Evbuffer#pullup(long)} when the first segment holds fewer than {@code size}
     * (at most length and {@link BufferConfiguration#MAX_SEGMENT_SIZE}) bytes: the copy into one
     * segment, then the release of the segments it emptied. If their cleanups changed the buffer, the
     * public pullup runs again on the buffer as they left it.
     *
     * @param n the count given to the public pullup
     * @return the address of the first byte
     */
    static long pullupAddress(final Evbuffer b, final long n, final int size)
    {
        final Segment target = pullup(b, size);
        if (null != b.dead)
        {
            final long stamp = b.version;
            EvbufferCallbacks.rethrow(releaseDead(b));
            if (stamp != b.version)
            {
                return b.pullup(n);
            }
        }
        return target.dataAddress();
    }

    /**
     * Makes the first {@code size} bytes contiguous in one segment, which becomes the first, and
     * discards the segments whose bytes were all copied (their cleanups run at the next release).
     *
     * @return the segment now holding the first {@code size} bytes
     */
    private static Segment pullup(final Evbuffer b, final int size)
    {
        final Segment f = b.first;
        final Segment target;
        int have;
        if (f.isExclusiveMutable() && f.capacity >= size)
        {
            if (f.capacity - f.start < size)
            {
                Memory.copy(null, f.dataAddress(), null, f.address, f.length);
                f.start = 0;
            }
            target = f;
            have = f.length;
        }
        else
        {
            target = b.pool.acquire(size);
            target.next = f;
            b.first = target;
            have = 0;
        }
        Segment s = target.next;
        while (have < size)
        {
            final int take = Math.min(s.length, size - have);
            Memory.copy(null, s.dataAddress(), null, target.address + target.start + have, take);
            have += take;
            target.length += take;
            if (take == s.length)
            {
                final Segment next = s.next;
                target.next = next;
                if (s == b.lastWithData)
                {
                    b.lastWithData = target;
                }
                if (s == b.last)
                {
                    b.last = target;
                }
                discard(b, s);
                s = next;
            }
            else
            {
                s.start += take;
                s.length -= take;
            }
        }
        b.bump();
        return target;
    }
}
