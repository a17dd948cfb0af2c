package io.jevent.epoll;

import io.jevent.bufferevent.BufferEventSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link BufferEventSuite} on the epoll backend.
 */
class BufferEventEpollTest extends BufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
