package io.jevent.loop;

/**
 * Anything that can sit in an active queue of an {@link EventBase} (libevent's {@code event_callback}):
 * events, deferred tasks and cross-thread tasks. It is its own {@link ListLink} in the active queue, so
 * activation allocates nothing; {@link ActiveQueues} runs an {@link Event} or an
 * {@link ActiveQueues.DeferredTask} directly, with no virtual call.
 */
abstract class CallbackNode extends ListLink
{
    static final int LIST_ACTIVE = 0x01;
    static final int LIST_ACTIVE_LATER = 0x02;
    static final int LIST_INTERNAL = 0x04;

    int priority;
    int listFlags;

    boolean isInternal()
    {
        return 0 != (listFlags & LIST_INTERNAL);
    }
}
