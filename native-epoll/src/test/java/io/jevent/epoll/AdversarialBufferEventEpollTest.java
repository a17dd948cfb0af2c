package io.jevent.epoll;

import io.jevent.bufferevent.AdversarialBufferEventSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialBufferEventSuite} on the epoll backend.
 */
class AdversarialBufferEventEpollTest extends AdversarialBufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
