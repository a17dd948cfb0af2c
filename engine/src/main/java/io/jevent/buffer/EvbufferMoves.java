package io.jevent.buffer;

/**
 * Moving data between two {@link Evbuffer}s without copying (libevent's {@code evbuffer_add_buffer},
 * {@code evbuffer_prepend_buffer} and {@code evbuffer_remove_buffer}): whole data segments are relinked
 * from one chain to the other and only the bytes of a last, partial segment are copied; a source
 * emptied by a move to the end is handed one of the destination's spares, so a steady flow between
 * two buffers (an echo) does not touch the pool. Stateless: static methods, called by the public
 * methods of {@link Evbuffer} once both buffers are known live and the arguments valid; they run
 * the callbacks of both buffers.
 */
final class EvbufferMoves
{
    private EvbufferMoves()
    {
    }

    /**
     * The body of {@link Evbuffer#addBuffer} ({@code toFront} false) and {@link Evbuffer#prependBuffer}
     * (true): callbacks run on src (deleted), then on b (added).
     *
     * @return 0 (also for an empty src or src == b); -1 if b's end (or, toFront, its start) or src's
     *     start is frozen
     */
    static int moveAll(final Evbuffer b, final Evbuffer src, final boolean toFront)
    {
        final long n = src.length;
        if (0 == n || src == b)
        {
            return 0;
        }
        if ((toFront ? b.frozenStart : b.frozenEnd) || src.frozenStart)
        {
            return -1;
        }
        relinkAll(b, src, n, toFront);
        EvbufferCallbacks.rethrow(EvbufferCallbacks.firstOf(EvbufferCallbacks.noteDeleted(src, n),
            EvbufferCallbacks.noteAdded(b, n)));
        return 0;
    }

    /**
     * The body of {@link Evbuffer#removeBuffer} once n is known non-negative: callbacks run on dst
     * (added), then on b (deleted); moving everything is {@code dst.addBuffer(b)}.
     *
     * @return bytes moved (0 for n == 0 or dst == b), or -1 if dst's end or b's start is frozen
     */
    static long removeBuffer(final Evbuffer b, final Evbuffer dst, final long n)
    {
        if (0 == n || dst == b)
        {
            return 0;
        }
        if (dst.frozenEnd || b.frozenStart)
        {
            return -1;
        }
        if (n >= b.length)
        {
            final long all = b.length;
            dst.addBuffer(b);
            return all;
        }
        relinkFront(b, dst, n);
        EvbufferCallbacks.rethrow(EvbufferCallbacks.firstOf(EvbufferCallbacks.noteAdded(dst, n),
            EvbufferCallbacks.noteDeleted(b, n)));
        return n;
    }

    /**
     * After a move emptied {@code src} of segments, hands it one of {@code b}'s spares: in a steady
     * flow (an echo moving input to output) the two buffers then swap segments and neither touches
     * the pool.
     */
    private static void giveSpareTo(final Evbuffer b, final Evbuffer src)
    {
        if (0 != src.spareCount || 0 == b.spareCount || src.pool != b.pool)
        {
            return;
        }
        final Segment sp = b.firstSpare();
        if (null == b.lastWithData)
        {
            b.first = sp.next;
        }
        else
        {
            b.lastWithData.next = sp.next;
        }
        if (b.last == sp)
        {
            b.last = b.lastWithData;
        }
        b.spareCount--;
        EvbufferChain.appendSpare(src, sp);
    }

    /**
     * Moves every data segment of {@code src} (n bytes, at least 1) to the end or the front of
     * {@code b}'s data without copying. After a move to the end, {@code src} gets one of b's spares
     * (see {@link #giveSpareTo}). Runs no callback.
     */
    private static void relinkAll(final Evbuffer b, final Evbuffer src, final long n, final boolean toFront)
    {
        final Segment head = src.first;
        final Segment tail = src.lastWithData;
        unlinkData(src, tail);
        if (!toFront || null == b.lastWithData)
        {
            EvbufferChain.linkDataAtEnd(b, head, tail, n);
        }
        else
        {
            tail.next = b.first;
            b.first = head;
            b.length += n;
            b.bump();
        }
        if (!toFront)
        {
            giveSpareTo(b, src);
        }
    }

    /**
     * Moves the first {@code n} bytes (0 &lt; n &lt; length) of {@code b} to the end of {@code dst},
     * whole segments by relinking, the bytes of the last, partial one by copying. Runs no callback.
     */
    private static void relinkFront(final Evbuffer b, final Evbuffer dst, final long n)
    {
        long moved = 0;
        Segment s = b.first;
        Segment lastWhole = null;
        while (moved + s.length <= n)
        {
            moved += s.length;
            lastWhole = s;
            s = s.next;
        }
        if (null != lastWhole)
        {
            final Segment head = b.first;
            b.first = s;
            lastWhole.next = null;
            b.length -= moved;
            b.bump();
            EvbufferChain.linkDataAtEnd(dst, head, lastWhole, moved);
        }
        final int partial = (int)(n - moved);
        if (partial > 0)
        {
            EvbufferChain.appendCopy(dst, null, s.dataAddress(), partial);
            s.start += partial;
            s.length -= partial;
            b.length -= partial;
            b.bump();
        }
    }

    /**
     * Detaches the data segments first..tail, leaving the spares; the buffer becomes empty.
     */
    private static void unlinkData(final Evbuffer b, final Segment tail)
    {
        final Segment spares = tail.next;
        tail.next = null;
        b.first = spares;
        if (null == spares)
        {
            b.last = null;
        }
        b.lastWithData = null;
        b.length = 0;
        b.bump();
    }
}
