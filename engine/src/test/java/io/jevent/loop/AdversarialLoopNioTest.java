package io.jevent.loop;

/**
 * {@link AdversarialLoopSuite} on the java.nio Selector backend, blocking in select.
 */
class AdversarialLoopNioTest extends AdversarialLoopSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
