package io.jevent.epoll;

import io.jevent.bufferevent.PairSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link PairSuite} on the epoll backend.
 */
class PairEpollTest extends PairSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
