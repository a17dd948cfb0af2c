package io.jevent.listener;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link ConnListenerSuite} on the nio backend.
 */
class ConnListenerNioTest extends ConnListenerSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
