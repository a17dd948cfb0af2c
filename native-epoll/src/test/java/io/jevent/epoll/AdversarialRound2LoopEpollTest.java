package io.jevent.epoll;

import io.jevent.loop.AdversarialRound2LoopSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialRound2LoopSuite} on the epoll backend.
 */
class AdversarialRound2LoopEpollTest extends AdversarialRound2LoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
