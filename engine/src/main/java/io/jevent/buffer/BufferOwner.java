package io.jevent.buffer;

/**
 * The thread affinity of a buffer: what an {@link Evbuffer} asks before it touches its memory, so
 * that a buffer belonging to an event loop refuses to be used from another thread while that loop
 * runs. Implemented by {@code io.jevent.loop.EventBase}; a buffer without an owner checks nothing.
 * The check must be cheap (a field load and a compare) because every public buffer call makes it.
 */
@FunctionalInterface
public interface BufferOwner
{
    /**
     * Returns normally if the calling thread may use the owner's objects now.
     *
     * @throws IllegalStateException (a subclass naming both threads) if it may not
     */
    void checkThread();
}
