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
    final Event timer;
    private Event head;
    private Event tail;

    CommonTimeout(final EventBase base, final long durationNanos)
    {
        this.base = base;
        this.durationNanos = durationNanos;
        this.timer = base.newInternalTimer((e, fd, what) -> fire());
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
        Event after = tail;
        while (null != after && after.deadline > deadline)
        {
            after = after.commonPrev;
        }
        e.commonPrev = after;
        e.commonNext = null == after ? head : after.commonNext;
        if (null == after)
        {
            head = e;
        }
        else
        {
            after.commonNext = e;
        }
        if (null == e.commonNext)
        {
            tail = e;
        }
        else
        {
            e.commonNext.commonPrev = e;
        }
        if (head == e)
        {
            base.scheduleInternal(timer, deadline);
        }
    }

    void remove(final Event e)
    {
        final Event p = e.commonPrev;
        final Event n = e.commonNext;
        if (null == p)
        {
            head = n;
        }
        else
        {
            p.commonNext = n;
        }
        if (null == n)
        {
            tail = p;
        }
        else
        {
            n.commonPrev = p;
        }
        e.commonNext = null;
        e.commonPrev = null;
        e.commonQueue = null;
        if (null == p)
        {
            rearm();
        }
    }

    private void rearm()
    {
        base.unscheduleInternal(timer);
        if (null != head)
        {
            base.scheduleInternal(timer, head.deadline);
        }
    }

    private void fire()
    {
        final long now = base.now();
        while (null != head && head.deadline <= now)
        {
            final Event e = head;
            head = e.commonNext;
            if (null == head)
            {
                tail = null;
            }
            else
            {
                head.commonPrev = null;
            }
            e.commonNext = null;
            e.commonQueue = null;
            base.commonTimerExpired(e);
        }
        rearm();
    }
}
