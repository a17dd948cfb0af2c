package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link EchoAllocationSuite} on the nio backend, busy-spinning.
 */
class EchoAllocationNioBusySpinTest extends EchoAllocationSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
