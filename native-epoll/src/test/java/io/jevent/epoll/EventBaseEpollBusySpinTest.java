package io.jevent.epoll;

import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventBaseSuite;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * {@link EventBaseSuite} on the epoll backend, busy-spinning on epoll_wait(0) and yielding between
 * empty polls.
 */
class EventBaseEpollBusySpinTest extends EventBaseSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true).idleStrategy(new YieldingIdleStrategy());
    }
}
