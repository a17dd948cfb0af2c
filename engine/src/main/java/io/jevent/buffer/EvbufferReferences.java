package io.jevent.buffer;

/**
 * Memory an {@link Evbuffer} holds without owning it (libevent's {@code evbuffer_add_reference} and
 * {@code evbuffer_add_buffer_reference}): a pooled wrapper segment over caller memory, whose
 * {@link ReferenceCleanup} runs once its last byte is gone, and read-only views of another buffer's
 * data segments (libevent's multicast chains), which then become immutable and reference counted.
 * Stateless: static methods, called by the public methods of {@link Evbuffer} once arguments,
 * threads and liveness were checked.
 */
final class EvbufferReferences
{
    private EvbufferReferences()
    {
    }

    /**
     * The body of {@link Evbuffer#addReference(long, int, ReferenceCleanup)} after the argument checks.
     *
     * @return 0, or -1 if the end is frozen (cleanup is then not called)
     */
    static int addReference(final Evbuffer b, final long address, final int len, final ReferenceCleanup cleanup)
    {
        if (b.frozenEnd)
        {
            return -1;
        }
        if (0 == len)
        {
            cleanup.release(address, len);
            return 0;
        }
        final Segment s = b.pool.acquireWrapper();
        s.kind = Segment.REFERENCE;
        s.pointAt(address, len);
        s.cleanup = cleanup;
        s.length = len;
        EvbufferChain.linkDataAtEnd(b, s, s, len);
        EvbufferCallbacks.added(b, len);
        return 0;
    }

    /**
     * The body of {@link Evbuffer#addBufferReference} once both buffers are known live.
     *
     * @return 0 (also for an empty src); -1 if src == b, b's end is frozen, or src itself holds views
     */
    static int addBufferReference(final Evbuffer b, final Evbuffer src)
    {
        final long n = src.length;
        if (0 == n)
        {
            return 0;
        }
        if (b.frozenEnd || src == b)
        {
            return -1;
        }
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            if (Segment.VIEW == s.kind)
            {
                return -1;
            }
        }
        appendViews(b, src, n);
        EvbufferCallbacks.added(b, n);
        return 0;
    }

    /**
     * Appends to {@code b} one read-only view of each data segment of {@code src}, which become
     * immutable and shared. The wrappers are all acquired before anything changes, so a pool failure
     * leaves both buffers as they were. Runs no callback.
     *
     * @param n the length of src
     */
    private static void appendViews(final Evbuffer b, final Evbuffer src, final long n)
    {
        Segment head = null;
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            try
            {
                final Segment w = b.pool.acquireWrapper();
                w.next = head;
                head = w;
            }
            catch (final RuntimeException ex)
            {
                while (null != head)
                {
                    final Segment next = head.next;
                    head.next = null;
                    b.pool.recycleWrapper(head);
                    head = next;
                }
                throw ex;
            }
        }
        Segment spareWrappers = head;
        head = null;
        Segment tail = null;
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            final Segment v = spareWrappers;
            spareWrappers = v.next;
            v.next = null;
            v.kind = Segment.VIEW;
            v.pointAt(s.address, s.capacity);
            v.start = s.start;
            v.length = s.length;
            s.immutable = true;
            s.retain();
            v.parent = s;
            if (null == head)
            {
                head = v;
            }
            else
            {
                tail.next = v;
            }
            tail = v;
        }
        src.bump();
        EvbufferChain.linkDataAtEnd(b, head, tail, n);
    }
}
