package io.jevent.loop;

import org.agrona.concurrent.BusySpinIdleStrategy;

/**
 * {@link EventBaseSuite} on the java.nio Selector backend, busy-spinning on selectNow.
 */
class EventBaseNioBusySpinTest extends EventBaseSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true).idleStrategy(new BusySpinIdleStrategy());
    }
}
