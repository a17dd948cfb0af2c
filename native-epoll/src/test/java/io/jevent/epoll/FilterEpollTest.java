package io.jevent.epoll;

import io.jevent.bufferevent.FilterSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link FilterSuite} on the epoll backend.
 */
class FilterEpollTest extends FilterSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
