package io.jevent.listener;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link ConnListenerSuite} on the nio backend, busy-spinning.
 */
class ConnListenerNioBusySpinTest extends ConnListenerSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
