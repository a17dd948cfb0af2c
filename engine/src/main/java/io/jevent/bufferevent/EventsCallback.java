package io.jevent.bufferevent;

/**
 * Event callback of a {@link BufferEvent} (libevent's {@code bufferevent_event_cb}).
 */
@FunctionalInterface
public interface EventsCallback
{
    /**
     * @param bev  the bufferevent
     * @param what {@link BevFlags}: CONNECTED, or EOF/ERROR/TIMEOUT with READING or WRITING
     */
    void onEvents(BufferEvent bev, int what);
}
