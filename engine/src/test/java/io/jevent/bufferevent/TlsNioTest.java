package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link TlsSuite} on the nio backend.
 */
class TlsNioTest extends TlsSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
