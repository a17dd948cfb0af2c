package io.jevent.epoll;

import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventBaseSuite;

/**
 * {@link EventBaseSuite} on the epoll backend, blocking in epoll_wait.
 */
class EventBaseEpollTest extends EventBaseSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
