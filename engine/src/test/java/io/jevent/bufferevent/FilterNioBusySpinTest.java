package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link FilterSuite} on the nio backend, busy-spinning.
 */
class FilterNioBusySpinTest extends FilterSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
