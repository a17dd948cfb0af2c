package io.jevent.epoll;

import io.jevent.bufferevent.TlsSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link TlsSuite} on the epoll backend.
 */
class TlsEpollTest extends TlsSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
