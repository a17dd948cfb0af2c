package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialRound3Suite} on the nio backend.
 */
class AdversarialRound3NioTest extends AdversarialRound3Suite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
