package io.jevent.buffer;

/**
 * A position inside an {@link Evbuffer} (libevent's {@code struct evbuffer_ptr}), reusable so that
 * searching allocates nothing. Set it with {@link Evbuffer#ptrSet}. A position of -1 means "not
 * found" or "invalid". Internally it caches the segment and offset it points into; the cache is
 * dropped whenever the buffer changes, and the numeric position is then resolved again.
 */
public final class EvbufferPtr
{
    long pos = -1;
    Segment seg;
    int segOff;
    long version = -1;
    Evbuffer owner;

    /**
     * @return the offset from the start of the buffer, or -1 when invalid or not found
     */
    public long position()
    {
        return pos;
    }

    void invalidate()
    {
        pos = -1;
        seg = null;
        segOff = 0;
        version = -1;
        owner = null;
    }

    @Override
    public String toString()
    {
        return "EvbufferPtr(" + pos + ")";
    }
}
