package io.jevent.epoll;

import io.jevent.listener.ConnListenerSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link ConnListenerSuite} on the epoll backend, busy-spinning.
 */
class ConnListenerEpollBusySpinTest extends ConnListenerSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(true);
    }
}
