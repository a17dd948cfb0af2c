package io.jevent.epoll;

import io.jevent.bufferevent.EchoCorrectnessSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link EchoCorrectnessSuite} on the epoll backend, busy-spinning.
 */
class EchoCorrectnessEpollBusySpinTest extends EchoCorrectnessSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true);
    }
}
