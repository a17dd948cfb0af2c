package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link AdversarialBufferEventSuite} on the nio backend.
 */
class AdversarialBufferEventNioTest extends AdversarialBufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
