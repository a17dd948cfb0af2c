package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link RateLimitGroupSuite} on the nio backend.
 */
class RateLimitGroupNioTest extends RateLimitGroupSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
