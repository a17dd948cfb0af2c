package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link PairSuite} on the nio backend.
 */
class PairNioTest extends PairSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
