package io.jevent.epoll;

import io.jevent.loop.AdversarialLoopSuite;
import io.jevent.loop.EventBaseConfig;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * {@link AdversarialLoopSuite} on the epoll backend, busy-spinning on epoll_wait(0).
 */
class AdversarialLoopEpollBusySpinTest extends AdversarialLoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true).idleStrategy(new YieldingIdleStrategy());
    }

    @Override
    public boolean stress()
    {
        return false;
    }
}
