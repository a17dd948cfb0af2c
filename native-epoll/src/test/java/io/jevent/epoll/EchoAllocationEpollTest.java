package io.jevent.epoll;

import io.jevent.bufferevent.EchoAllocationSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link EchoAllocationSuite} on the epoll backend.
 */
class EchoAllocationEpollTest extends EchoAllocationSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
