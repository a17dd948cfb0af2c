package io.jevent.epoll;

import io.jevent.bufferevent.AdversarialRound2BufferEventSuite;
import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialRound2BufferEventSuite} on the epoll backend.
 */
class AdversarialRound2BufferEventEpollTest extends AdversarialRound2BufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("epoll").busySpin(false);
    }
}
