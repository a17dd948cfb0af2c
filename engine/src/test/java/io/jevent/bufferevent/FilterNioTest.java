package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link FilterSuite} on the nio backend.
 */
class FilterNioTest extends FilterSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
