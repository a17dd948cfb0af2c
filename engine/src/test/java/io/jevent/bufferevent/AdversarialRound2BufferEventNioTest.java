package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialRound2BufferEventSuite} on the nio backend.
 */
class AdversarialRound2BufferEventNioTest extends AdversarialRound2BufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
