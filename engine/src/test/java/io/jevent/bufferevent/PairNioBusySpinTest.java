package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link PairSuite} on the nio backend, busy-spinning.
 */
class PairNioBusySpinTest extends PairSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
