package io.jevent.epoll;

import io.jevent.bufferevent.PairSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link PairSuite} on the epoll backend, busy-spinning.
 */
class PairEpollBusySpinTest extends PairSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true);
    }
}
