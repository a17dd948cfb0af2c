package io.jevent.epoll;

import io.jevent.loop.AdversarialLoopSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialLoopSuite} on the epoll backend, blocking in epoll_wait.
 */
class AdversarialLoopEpollTest extends AdversarialLoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
