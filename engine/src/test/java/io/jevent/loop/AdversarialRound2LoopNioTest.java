package io.jevent.loop;

/**
 * {@link AdversarialRound2LoopSuite} on the java.nio Selector backend.
 */
class AdversarialRound2LoopNioTest extends AdversarialRound2LoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
