package io.jevent.epoll;

import io.jevent.listener.ConnListenerSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link ConnListenerSuite} on the epoll backend.
 */
class ConnListenerEpollTest extends ConnListenerSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
