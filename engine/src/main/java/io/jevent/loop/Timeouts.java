package io.jevent.loop;

import org.agrona.concurrent.NanoClock;

/**
 * The timeouts of an {@link EventBase} (libevent's {@code timeheap}, {@code common_timeout_queues},
 * {@code timeout_next}, {@code timeout_process} and {@code event_persist_closure}): events wait either in
 * the {@link TimerHeap} or in the FIFO queue of a {@link CommonTimeout}, whose head alone sits in the heap
 * as an internal timer. Loop thread only.
 */
final class Timeouts
{
    /** A deadline that never comes: a timeout too large to represent means "never". */
    static final long NEVER = Long.MAX_VALUE;

    private final EventBase base;
    private final NanoClock clock;
    private final TimerHeap heap = new TimerHeap();
    private final CommonTimeout[] commons = new CommonTimeout[EventBase.MAX_COMMON_TIMEOUTS];
    private int commonCount;
    /** Events of users with a timeout: their part of libevent's {@code event_count}. */
    private int events;

    Timeouts(final EventBase base, final NanoClock clock)
    {
        this.base = base;
        this.clock = clock;
    }

    /**
     * @return timers in the heap, internal ones included
     */
    int size()
    {
        return heap.size();
    }

    /**
     * @return events of users with a pending timeout
     */
    int eventCount()
    {
        return events;
    }

    /**
     * libevent's {@code event_base_init_common_timeout}.
     *
     * @return the same handle for the same duration
     * @throws IllegalStateException if the base already has {@link EventBase#MAX_COMMON_TIMEOUTS}
     */
    CommonTimeout common(final long nanos)
    {
        for (int i = 0; i < commonCount; i++)
        {
            if (commons[i].durationNanos == nanos)
            {
                return commons[i];
            }
        }
        if (commonCount == EventBase.MAX_COMMON_TIMEOUTS)
        {
            throw new IllegalStateException("too many common timeouts");
        }
        final CommonTimeout ct = new CommonTimeout(base, this, nanos);
        commons[commonCount++] = ct;
        return ct;
    }

    /**
     * Sets the event's timeout, replacing any earlier one.
     *
     * @param common the common timeout whose queue it waits in, or null for the heap
     */
    void schedule(final Event e, final long deadline, final CommonTimeout common)
    {
        remove(e);
        if (null != common)
        {
            common.enqueue(e, deadline);
        }
        else
        {
            heap.add(e, deadline);
        }
        if (!e.isInternal())
        {
            events++;
        }
    }

    /**
     * Drops the event's timeout, if it has one.
     */
    void remove(final Event e)
    {
        if (e.heapIndex >= 0)
        {
            heap.remove(e);
        }
        else if (null != e.commonQueue)
        {
            e.commonQueue.remove(e);
        }
        else
        {
            return;
        }
        if (!e.isInternal())
        {
            events--;
        }
    }

    /**
     * libevent's {@code timeout_next}.
     *
     * @return nanoseconds until the earliest deadline, 0 if it passed, -1 if there is none
     */
    long next()
    {
        final Event e = heap.peek();
        if (null == e || NEVER == e.deadline)
        {
            return -1;
        }
        final long d = e.deadline - clock.nanoTime();
        return d <= 0 ? 0 : d;
    }

    /**
     * libevent's {@code timeout_process}: activates every event of the heap due at {@code now}.
     */
    void expire(final long now)
    {
        Event e;
        while (null != (e = heap.peek()) && e.deadline <= now)
        {
            heap.remove(e);
            if (!e.isInternal())
            {
                events--;
            }
            e.timedOut();
        }
    }

    /**
     * A common timeout took {@code e} off its queue because it is due.
     */
    void commonExpired(final Event e)
    {
        if (!e.isInternal())
        {
            events--;
        }
        e.timedOut();
    }

    /**
     * libevent's {@code event_persist_closure}: re-arms a persistent timeout without drift, at the previous
     * deadline plus the period after a timeout (missed periods skipped), at now plus the period otherwise.
     */
    void persist(final Event e, final int res)
    {
        if (e.periodNanos < 0)
        {
            return;
        }
        final long now = base.now();
        final long relative = 0 != (res & EventFlags.TIMEOUT) ? e.deadline : now;
        long runAt = deadlineAfter(relative, e.periodNanos);
        if (runAt - now < 0)
        {
            runAt = deadlineAfter(now, e.periodNanos);
        }
        schedule(e, runAt, e.common);
    }

    /**
     * @return {@code now + timeout}, or {@link #NEVER} where that overflows: a huge timeout means never
     */
    static long deadlineAfter(final long now, final long timeout)
    {
        final long d = now + timeout;
        return ((now ^ d) & (timeout ^ d)) < 0 ? NEVER : d;
    }

    // ------------------------------------------------------------------ internal timers

    /**
     * @return a timer of the loop's own (not counted as a user's event), at the most urgent priority
     */
    Event newInternalTimer(final EventCallback cb)
    {
        final Event e = new Event(base, -1, null, 0, cb);
        e.listFlags |= CallbackNode.LIST_INTERNAL;
        e.priority = 0;
        return e;
    }

    void scheduleInternal(final Event timer, final long deadline)
    {
        if (timer.heapIndex >= 0)
        {
            heap.remove(timer);
        }
        heap.add(timer, deadline);
    }

    void unscheduleInternal(final Event timer)
    {
        if (timer.heapIndex >= 0)
        {
            heap.remove(timer);
        }
    }
}
