package io.jevent.epoll;

import io.jevent.bufferevent.RateLimitGroupSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link RateLimitGroupSuite} on the epoll backend.
 */
class RateLimitGroupEpollTest extends RateLimitGroupSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
