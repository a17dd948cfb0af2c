package io.jevent.bufferevent;

/**
 * The three callbacks of one bufferevent and how they run (libevent's {@code bufferevent_run_readcb_},
 * {@code _writecb_}, {@code _eventcb_}): at once, or deferred with {@link BevOptions#DEFER_CALLBACKS} on
 * the bufferevent or {@link BevOptions#TRIG_DEFER_CALLBACKS} on a trigger. Deferred runs are kept as two
 * flags and one events mask, and one task on the loop's deferred queue runs them all (libevent's
 * {@code bufferevent_run_deferred_callbacks_locked}). Loop thread only; this object is that task, so
 * deferring allocates nothing.
 */
final class BufferEventCallbacks implements Runnable
{
    private final BufferEvent bev;
    DataCallback read;
    DataCallback write;
    EventsCallback events;
    private boolean scheduled;
    private boolean readPending;
    private boolean writePending;
    private int eventsPending;

    BufferEventCallbacks(final BufferEvent bev)
    {
        this.bev = bev;
    }

    /**
     * Replaces the three callbacks; null switches one off.
     */
    void set(final DataCallback read, final DataCallback write, final EventsCallback events)
    {
        this.read = read;
        this.write = write;
        this.events = events;
    }

    /**
     * Runs the read callback, if any, now or deferred.
     *
     * @param opts trigger options ({@link BevOptions#TRIG_DEFER_CALLBACKS}) or 0
     */
    void runRead(final int opts)
    {
        if (null == read)
        {
            return;
        }
        if (deferring(opts))
        {
            readPending = true;
            schedule();
        }
        else
        {
            read.onData(bev);
        }
    }

    /**
     * Runs the write callback, if any, now or deferred.
     *
     * @param opts trigger options ({@link BevOptions#TRIG_DEFER_CALLBACKS}) or 0
     */
    void runWrite(final int opts)
    {
        if (null == write)
        {
            return;
        }
        if (deferring(opts))
        {
            writePending = true;
            schedule();
        }
        else
        {
            write.onData(bev);
        }
    }

    /**
     * Runs the event callback, if any, now or deferred (deferred flags add up to one call).
     *
     * @param what flags to report
     * @param opts trigger options ({@link BevOptions#TRIG_DEFER_CALLBACKS}) or 0
     */
    void runEvents(final int what, final int opts)
    {
        if (null == events)
        {
            return;
        }
        if (deferring(opts))
        {
            eventsPending |= what;
            schedule();
        }
        else
        {
            events.onEvents(bev, what);
        }
    }

    private boolean deferring(final int opts)
    {
        return 0 != ((bev.options | opts) & BevOptions.DEFER_CALLBACKS);
    }

    private void schedule()
    {
        if (!scheduled)
        {
            scheduled = true;
            bev.base.defer(this);
        }
    }

    /**
     * The deferred run: a CONNECTED pending at the start first and alone, then readcb, writecb, then every
     * events flag pending by then (those triggered during this run included, CONNECTED too) in one call;
     * callbacks set to null meanwhile are skipped, and nothing runs once the bufferevent is freed.
     */
    @Override
    public void run()
    {
        scheduled = false;
        if (bev.freed)
        {
            return;
        }
        if (0 != (eventsPending & BevFlags.CONNECTED))
        {
            eventsPending &= ~BevFlags.CONNECTED;
            if (null != events)
            {
                events.onEvents(bev, BevFlags.CONNECTED);
            }
        }
        if (readPending && !bev.freed)
        {
            readPending = false;
            if (null != read)
            {
                read.onData(bev);
            }
        }
        if (writePending && !bev.freed)
        {
            writePending = false;
            if (null != write)
            {
                write.onData(bev);
            }
        }
        if (0 != eventsPending && !bev.freed)
        {
            final int what = eventsPending;
            eventsPending = 0;
            if (null != events)
            {
                events.onEvents(bev, what);
            }
        }
    }
}
