package io.jevent.loop;

/**
 * A timeout duration shared by many events (libevent's {@code event_base_init_common_timeout}).
 * Events added with it wait in one FIFO queue, whose head alone sits in the timer heap, so adding
 * is O(1) and events with the same duration fire in the order they were added. Get one from
 * {@link EventBase#initCommonTimeout}; at most {@link EventBase#MAX_COMMON_TIMEOUTS} per base.
 */
public final class CommonTimeout
{
    final EventBase base;
    final long durationNanos;
    private final Timeouts timeouts;
    private final Event timer;
    private final IntrusiveList queue = new IntrusiveList();

    CommonTimeout(final EventBase base, final Timeouts timeouts, final long durationNanos)
    {
        this.base = base;
        this.timeouts = timeouts;
        this.durationNanos = durationNanos;
        this.timer = timeouts.newInternalTimer((e, fd, what) -> fire());
    }

    /**
     * @return the duration in nanoseconds
     */
    public long durationNanos()
    {
        return durationNanos;
    }

    /**
     * Inserts in deadline order, scanning back from the tail: O(1) for the usual case of a new
     * deadline at or after every queued one; an earlier one (a re-armed persistent event that fired
     * late) goes before the later ones.
     */
    void enqueue(final Event e, final long deadline)
    {
        e.deadline = deadline;
        e.commonQueue = this;
        ListLink after = queue.last();
        while (null != after && ((EventLink)after).event.deadline > deadline)
        {
            after = after.prev;
        }
        queue.insertAfter(after, e.commonLink);
        if (null == after)
        {
            timeouts.scheduleInternal(timer, deadline);
        }
    }

    void remove(final Event e)
    {
        final boolean wasHead = queue.first() == e.commonLink;
        queue.remove(e.commonLink);
        e.commonQueue = null;
        if (wasHead)
        {
            rearm();
        }
    }

    private void rearm()
    {
        timeouts.unscheduleInternal(timer);
        final ListLink head = queue.first();
        if (null != head)
        {
            timeouts.scheduleInternal(timer, ((EventLink)head).event.deadline);
        }
    }

    private void fire()
    {
        final long now = base.now();
        ListLink head;
        while (null != (head = queue.first()) && ((EventLink)head).event.deadline <= now)
        {
            final Event e = ((EventLink)head).event;
            queue.remove(head);
            e.commonQueue = null;
            timeouts.commonExpired(e);
        }
        rearm();
    }
}
