package io.jevent.epoll;

import io.jevent.bufferevent.AdversarialRound3Suite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialRound3Suite} on the epoll backend.
 */
class AdversarialRound3EpollTest extends AdversarialRound3Suite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
