package io.jevent.buffer;

/**
 * A change callback of an {@link Evbuffer} (libevent's {@code evbuffer_cb_func}). The counts are
 * passed as primitives, so invoking a callback allocates nothing. A callback runs once the change is
 * complete; if it throws, the other callbacks of the round still run and the first exception is
 * rethrown afterwards (see {@link Evbuffer#addCallback}).
 */
@FunctionalInterface
public interface EvbufferCallback
{
    /**
     * @param buffer   the buffer that changed
     * @param origSize its length at the previous invocation of callbacks
     * @param added    bytes added since then
     * @param deleted  bytes removed since then
     */
    void onChange(Evbuffer buffer, long origSize, long added, long deleted);
}
