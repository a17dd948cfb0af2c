package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link RateLimitGroupSuite} on the nio backend, busy-spinning.
 */
class RateLimitGroupNioBusySpinTest extends RateLimitGroupSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
