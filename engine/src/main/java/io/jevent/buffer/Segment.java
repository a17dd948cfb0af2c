package io.jevent.buffer;

import org.agrona.UnsafeApi;

/**
 * One link of an {@link Evbuffer}'s chain (libevent's {@code evbuffer_chain}): a window
 * {@code [start, start + length)} of data inside {@code [address, address + capacity)}.
 * <p>
 * Three kinds share this class so that a chain is one type:
 * <ul>
 *   <li>{@link #POOLED}: owns pool memory (a size class, or an exact oversize block);</li>
 *   <li>{@link #REFERENCE}: aliases caller memory and runs a {@link ReferenceCleanup} when released;</li>
 *   <li>{@link #VIEW}: a read-only window on another segment's memory (libevent's multicast chain),
 *       keeping that parent alive through its reference count.</li>
 * </ul>
 * A segment belongs to one buffer at a time. Memory-owning segments (POOLED and REFERENCE) are
 * reference counted only when views share them; an unshared segment (count 1) is released without
 * any atomic operation. The count is a plain field: only the owner of a memory-owning segment
 * increments it (making a view), and once another thread holds a view the count is at least 2 when
 * the view is published, so a plain read can only see 1 when the reader really is the last holder;
 * every other change is an atomic read-modify-write. A segment hands out no ByteBuffer of its own:
 * the views given to java.nio channels and to users belong to the {@link Evbuffer} or the
 * {@link Extents} that made them, so a stale view never aliases what the segment serves next.
 */
final class Segment
{
    static final int POOLED = 0;
    static final int REFERENCE = 1;
    static final int VIEW = 2;

    private static final long REF_COUNT_OFFSET = UnsafeApi.objectFieldOffset(Segment.class, "refCount");

    final SegmentPool pool;
    final boolean wrapper;
    final int sizeClass;

    int kind;
    long address;
    int capacity;
    int start;
    int length;
    boolean immutable;
    int refCount;
    Segment parent;
    ReferenceCleanup cleanup;
    Segment next;

    Segment(final SegmentPool pool, final long address, final int capacity, final int sizeClass)
    {
        this.pool = pool;
        this.wrapper = false;
        this.sizeClass = sizeClass;
        this.kind = POOLED;
        this.address = address;
        this.capacity = capacity;
    }

    Segment(final SegmentPool pool)
    {
        this.pool = pool;
        this.wrapper = true;
        this.sizeClass = -1;
        this.kind = REFERENCE;
    }

    void pointAt(final long address, final int capacity)
    {
        this.address = address;
        this.capacity = capacity;
    }

    int end()
    {
        return start + length;
    }

    /**
     * @return free bytes after the data that appends may use: 0 for immutable segments
     */
    int writableTail()
    {
        return immutable ? 0 : capacity - start - length;
    }

    long dataAddress()
    {
        return address + start;
    }

    /**
     * @return true if this segment's bytes may be written or moved in place by its owner buffer
     */
    boolean isExclusiveMutable()
    {
        return !immutable && POOLED == kind;
    }

    void retain()
    {
        UnsafeApi.getAndAddInt(this, REF_COUNT_OFFSET, 1);
    }

    /**
     * Drops one reference; frees the memory (or runs the cleanup) when it was the last.
     */
    void release()
    {
        if (1 == refCount || 1 == UnsafeApi.getAndAddInt(this, REF_COUNT_OFFSET, -1))
        {
            refCount = 0;
            final Segment p = parent;
            parent = null;
            next = null;
            if (VIEW == kind)
            {
                pool.recycleWrapper(this);
                p.release();
            }
            else if (REFERENCE == kind)
            {
                final ReferenceCleanup c = cleanup;
                final long a = address;
                final int n = capacity;
                cleanup = null;
                pool.recycleWrapper(this);
                c.release(a, n);
            }
            else
            {
                pool.release(this);
            }
        }
    }
}
