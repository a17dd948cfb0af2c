package io.jevent.bufferevent;

import io.jevent.loop.EventBaseConfig;

/**
 * {@link BufferEventSuite} on the nio backend, busy-spinning.
 */
class BufferEventNioBusySpinTest extends BufferEventSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true);
    }
}
