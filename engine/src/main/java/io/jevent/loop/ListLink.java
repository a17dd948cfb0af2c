package io.jevent.loop;

/**
 * A place in one {@link IntrusiveList} (libevent's {@code TAILQ_ENTRY}): the two links a member carries so
 * that joining and leaving a list allocate nothing. A {@link CallbackNode} is its own link for the active
 * queues; an {@link Event} carries one {@link EventLink} per other list it can be on at the same time (the
 * events of its fd or signal, the queue of its common timeout).
 */
class ListLink
{
    ListLink next;
    ListLink prev;
}
