package io.jevent.bufferevent;

/**
 * Read or write callback of a {@link BufferEvent} (libevent's {@code bufferevent_data_cb}).
 */
@FunctionalInterface
public interface DataCallback
{
    /**
     * @param bev the bufferevent whose input reached the read low watermark, or whose output fell to
     *            the write low watermark
     */
    void onData(BufferEvent bev);
}
