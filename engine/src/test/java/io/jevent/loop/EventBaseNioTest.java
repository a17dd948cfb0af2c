package io.jevent.loop;

/**
 * {@link EventBaseSuite} on the java.nio Selector backend, blocking in select.
 */
class EventBaseNioTest extends EventBaseSuite
{
    @Override
    protected EventBaseConfig config()
    {
        return new EventBaseConfig().backend("nio").busySpin(false);
    }
}
