package io.jevent.loop;

import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * {@link AdversarialLoopSuite} on the java.nio Selector backend, busy-spinning.
 */
class AdversarialLoopNioBusySpinTest extends AdversarialLoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(true).idleStrategy(new YieldingIdleStrategy());
    }

    @Override
    public boolean stress()
    {
        return false;
    }
}
