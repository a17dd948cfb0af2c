package io.jevent.loop;

/**
 * Anything that can sit in an active queue of an {@link EventBase} (libevent's
 * {@code event_callback}): events, deferred tasks and cross-thread tasks. Links are intrusive, so
 * activation allocates nothing.
 */
abstract class CallbackNode
{
    static final int LIST_ACTIVE = 0x01;
    static final int LIST_ACTIVE_LATER = 0x02;
    static final int LIST_INTERNAL = 0x04;

    int priority;
    int listFlags;
    CallbackNode activeNext;
    CallbackNode activePrev;

    /**
     * Runs the node's closure; called by the loop after the node left its active queue.
     *
     * @param base the loop running it
     */
    abstract void runActive(EventBase base);

    boolean isInternal()
    {
        return 0 != (listFlags & LIST_INTERNAL);
    }
}
