package io.jevent.loop;

import org.agrona.concurrent.NanoClock;

/**
 * The active queues of an {@link EventBase} (libevent's {@code activequeues}, {@code active_later_queue} and
 * {@code event_process_active}): one FIFO per priority of callbacks due to run, and the queue of those that
 * wait for the next pass (deferred callbacks over {@link EventBase#MAX_DEFERREDS_QUEUED} per pass). A pass
 * serves the most urgent non-empty queue only, within the dispatch limits of {@link EventBaseConfig}, and an
 * activation of a more urgent priority during it makes the loop re-poll (libevent's activation inversion).
 * <p>
 * Events and deferred tasks ({@link DeferredTask}, recycled through a free list) are their own links, so
 * activating and running allocate nothing. Loop thread only.
 */
final class ActiveQueues
{
    private final LoopControl control;
    private final Finalizers guard;
    private final Timeouts timeouts;
    private final LoopCounters counters;
    private final NanoClock clock;
    private final int maxDispatchCallbacks;
    private final long maxDispatchIntervalNanos;
    private final int limitAfterPriority;
    private final IntrusiveList later = new IntrusiveList();
    private IntrusiveList[] queues;
    /** Callbacks in every queue, the later queue included. */
    private int count;
    /** Callbacks of users in the priority queues: their part of libevent's {@code event_count}. */
    private int events;
    private int runningPriority = -1;
    private boolean gotContinue;
    private int deferredsQueued;
    private DeferredTask freeDeferred;

    /**
     * @param control tells a callback's run that the loop was broken
     * @param guard   takes the exception a callback throws to the error handler
     */
    ActiveQueues(final LoopControl control, final Finalizers guard, final Timeouts timeouts,
        final LoopCounters counters, final EventBaseConfig config)
    {
        this.control = control;
        this.guard = guard;
        this.timeouts = timeouts;
        this.counters = counters;
        this.clock = config.clock();
        this.maxDispatchCallbacks = config.maxDispatchCallbacks();
        this.maxDispatchIntervalNanos = config.maxDispatchIntervalNanos();
        this.limitAfterPriority = Math.min(config.limitCallbacksAfterPriority(), Integer.MAX_VALUE);
        init(config.priorities());
    }

    /**
     * Makes {@code n} empty priority queues (libevent {@code event_base_priority_init}).
     */
    void init(final int n)
    {
        queues = new IntrusiveList[n];
        for (int i = 0; i < n; i++)
        {
            queues[i] = new IntrusiveList();
        }
    }

    int priorities()
    {
        return queues.length;
    }

    int defaultPriority()
    {
        return queues.length / 2;
    }

    /**
     * @return callbacks waiting, in this pass or the next
     */
    int count()
    {
        return count;
    }

    /**
     * @return active callbacks of users, as counted in libevent's {@code event_count}
     */
    int eventCount()
    {
        return events;
    }

    /**
     * Starts a pass: no re-poll asked for yet, no deferred callback queued yet.
     */
    void newPass()
    {
        gotContinue = false;
        deferredsQueued = 0;
    }

    /**
     * Makes the pass end after the callback now running (libevent {@code event_base_loopcontinue}).
     */
    void continueLoop()
    {
        gotContinue = true;
    }

    // ------------------------------------------------------------------ activate

    /**
     * libevent's {@code event_active_nolock_}: queues the event at its priority, or ORs {@code res} into a
     * pending activation.
     *
     * @param ncalls for a signal event, how many times its callback runs
     */
    void activate(final Event e, final int res, final int ncalls)
    {
        final int state = e.listFlags & (CallbackNode.LIST_ACTIVE | CallbackNode.LIST_ACTIVE_LATER);
        if (0 != state)
        {
            e.res |= res;
            return;
        }
        e.res = res;
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            e.ncalls = ncalls;
            e.signalDeleted = false;
        }
        insert(e);
    }

    private void insert(final CallbackNode n)
    {
        final int p = Math.min(n.priority, queues.length - 1);
        n.priority = p;
        if (p < runningPriority)
        {
            gotContinue = true;
        }
        n.listFlags |= CallbackNode.LIST_ACTIVE;
        queues[p].addLast(n);
        count++;
        if (!n.isInternal())
        {
            events++;
        }
    }

    /**
     * Takes a node off its queue, this pass's or the next's.
     */
    void remove(final CallbackNode n)
    {
        if (0 != (n.listFlags & CallbackNode.LIST_ACTIVE))
        {
            queues[n.priority].remove(n);
            if (!n.isInternal())
            {
                events--;
            }
        }
        else
        {
            later.remove(n);
        }
        n.listFlags &= ~(CallbackNode.LIST_ACTIVE | CallbackNode.LIST_ACTIVE_LATER);
        count--;
    }

    /**
     * Moves the callbacks that waited for this pass into their priority queues (libevent's
     * {@code event_queue_make_later_events_active}).
     */
    void moveLaterActive()
    {
        ListLink n;
        while (null != (n = later.first()))
        {
            final CallbackNode c = (CallbackNode)n;
            later.remove(c);
            c.listFlags &= ~CallbackNode.LIST_ACTIVE_LATER;
            count--;
            insert(c);
        }
    }

    /**
     * Queues a task at priority n / 2: in this pass's queue up to {@link EventBase#MAX_DEFERREDS_QUEUED} per
     * pass, in the next pass's after that.
     *
     * @return the queued node, to mark a cross-thread task
     */
    DeferredTask defer(final Runnable task)
    {
        DeferredTask d = freeDeferred;
        if (null == d)
        {
            d = new DeferredTask();
        }
        else
        {
            freeDeferred = d.nextFree;
            d.nextFree = null;
        }
        d.task = task;
        d.remote = false;
        d.priority = defaultPriority();
        if (deferredsQueued++ < EventBase.MAX_DEFERREDS_QUEUED)
        {
            insert(d);
        }
        else
        {
            d.listFlags |= CallbackNode.LIST_ACTIVE_LATER;
            later.addLast(d);
            count++;
        }
        return d;
    }

    // ------------------------------------------------------------------ process

    /**
     * libevent's {@code event_process_active}: runs the most urgent non-empty queue, the less urgent ones
     * within the dispatch limits.
     *
     * @return callbacks of users run
     */
    int process()
    {
        final long end = Long.MAX_VALUE == maxDispatchIntervalNanos ? Long.MAX_VALUE :
            Timeouts.deadlineAfter(clock.nanoTime(), maxDispatchIntervalNanos);
        int c = 0;
        for (int i = 0; i < queues.length; i++)
        {
            if (!queues[i].isEmpty())
            {
                runningPriority = i;
                c = i < limitAfterPriority ? processQueue(queues[i], Integer.MAX_VALUE, Long.MAX_VALUE) :
                    processQueue(queues[i], maxDispatchCallbacks, end);
                if (c != 0)
                {
                    break;
                }
            }
        }
        runningPriority = -1;
        return c < 0 ? 0 : c;
    }

    private int processQueue(final IntrusiveList q, final int maxCallbacks, final long end)
    {
        int count = 0;
        ListLink l;
        while (null != (l = q.first()))
        {
            final CallbackNode n = (CallbackNode)l;
            final boolean internal = n.isInternal();
            remove(n);
            if (!internal)
            {
                count++;
            }
            try
            {
                if (n instanceof DeferredTask)
                {
                    ((DeferredTask)n).run();
                }
                else
                {
                    runEvent((Event)n);
                }
            }
            catch (final Throwable t)
            {
                guard.failed(t);
            }
            counters.callbacks++;
            if (control.gotBreak())
            {
                return -1;
            }
            if (count >= maxCallbacks || (count > 0 && Long.MAX_VALUE != end && clock.nanoTime() - end >= 0))
            {
                return count;
            }
            if (gotContinue)
            {
                break;
            }
        }
        return count;
    }

    /**
     * libevent's {@code event_process_active_single_queue} for one event: a persistent one is re-armed, any
     * other deleted, before its callback runs.
     */
    private void runEvent(final Event e)
    {
        final int res = e.res;
        e.res = 0;
        if (0 != (e.events & EventFlags.SIGNAL))
        {
            runSignal(e, res);
            return;
        }
        if (0 != (e.events & EventFlags.PERSIST))
        {
            timeouts.persist(e, res);
        }
        else
        {
            e.delNoLock();
        }
        if (e.once)
        {
            e.freed = true;
        }
        e.callback.onEvent(e, e.fd, res);
    }

    /**
     * libevent's {@code event_signal_closure}: the callback once per arrival, until the event is deleted or
     * the loop broken.
     */
    private void runSignal(final Event e, final int res)
    {
        int calls = e.ncalls;
        if (0 == (e.events & EventFlags.PERSIST))
        {
            e.delNoLock();
        }
        e.signalDeleted = false;
        while (calls > 0 && !e.signalDeleted)
        {
            calls--;
            e.ncalls = calls;
            e.callback.onEvent(e, e.fd, res);
            if (control.gotBreak())
            {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ free

    /**
     * Runs, in queue order, the {@link EventBase#execute} tasks already taken from the inbox into the active
     * queues: each was accepted, so each runs exactly once, even when the base is freed before the pass that
     * would have run it. Other pending callbacks are dropped, as libevent drops them.
     *
     * @param guard routes each task's exception to the error handler
     * @return the first exception the error handler threw, or null
     */
    Throwable runAcceptedTasks(final Finalizers guard)
    {
        Throwable first = null;
        for (int i = 0; i <= queues.length; i++)
        {
            final IntrusiveList q = i < queues.length ? queues[i] : later;
            DeferredTask d;
            while (null != (d = firstAcceptedTask(q)))
            {
                remove(d);
                first = guard.runCollecting(d, first);
            }
        }
        return first;
    }

    /**
     * @return the first {@link EventBase#execute} task waiting in {@code q}, scanning from its head each time,
     *     since a task that ran may have changed the queue
     */
    private static DeferredTask firstAcceptedTask(final IntrusiveList q)
    {
        for (ListLink n = q.first(); null != n; n = n.next)
        {
            if (n instanceof DeferredTask && ((DeferredTask)n).remote)
            {
                return (DeferredTask)n;
            }
        }
        return null;
    }

    /**
     * A deferred or cross-thread task in an active queue; recycled after it runs.
     */
    final class DeferredTask extends CallbackNode implements Runnable
    {
        Runnable task;
        /** An {@link EventBase#execute} task: accepted from another thread, so it must run even at free. */
        boolean remote;
        DeferredTask nextFree;

        @Override
        public void run()
        {
            final Runnable t = task;
            task = null;
            remote = false;
            nextFree = freeDeferred;
            freeDeferred = this;
            t.run();
        }
    }
}
