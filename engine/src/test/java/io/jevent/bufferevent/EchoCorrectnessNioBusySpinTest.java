package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link EchoCorrectnessSuite} on the nio backend, busy-spinning.
 */
class EchoCorrectnessNioBusySpinTest extends EchoCorrectnessSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
