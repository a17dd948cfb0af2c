package io.jevent.epoll;

import io.jevent.bufferevent.BufferEventSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link BufferEventSuite} on the epoll backend, busy-spinning.
 */
class BufferEventEpollBusySpinTest extends BufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true);
    }
}
