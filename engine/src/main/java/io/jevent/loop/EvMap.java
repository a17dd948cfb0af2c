package io.jevent.loop;

/**
 * The fd map of an {@link EventBase} (libevent's {@code evmap_io}): for each fd its {@link FdRecord}, which
 * holds the events added on it, how many of them want each kind of readiness, and the interest registered
 * with the backend. Adding and deleting an event recount the fd and tell the backend only when the interest
 * it needs changed (an ET or I/O event added also re-arms it). As the backend's {@link ReadySink} it turns
 * readiness into activations ({@code evmap_io_active_}), ignoring readiness of an fd number that was closed
 * and registered anew meanwhile.
 * <p>
 * An event on fd -1 without a channel is added here too, never to be ready (its timeout works). Loop thread
 * only.
 */
final class EvMap implements ReadySink
{
    private final FdTable fds = new FdTable();
    private final IoBackend backend;
    private final ActiveQueues active;
    /** Events added: their part of libevent's {@code event_count}. */
    private int events;

    EvMap(final IoBackend backend, final ActiveQueues active)
    {
        this.backend = backend;
        this.active = active;
    }

    /**
     * @return events added on fds (or on fd -1)
     */
    int eventCount()
    {
        return events;
    }

    /**
     * libevent's {@code evmap_io_add_}.
     *
     * @return 0, or -1 if the channel is closed, the fd impossible or the backend refused it
     */
    int add(final Event e)
    {
        if (null != e.channel && (e.fd < 0 || !e.channel.isOpen()))
        {
            return -1;
        }
        if (e.fd < 0)
        {
            e.inserted = true;
            events++;
            return 0;
        }
        final FdRecord r = fds.getOrCreate(e.fd);
        if (null == r)
        {
            return -1;
        }
        if (r.events.isEmpty())
        {
            r.channel = e.channel;
            r.generation++;
        }
        else if (null != e.channel && r.channel != e.channel)
        {
            r.channel = e.channel;
            r.setAttachment(null);
            r.interest = 0;
        }
        count(r, e, 1);
        final int old = r.interest;
        final int want = r.wanted();
        if (want != old || (0 != want && 0 != (e.events & EventFlags.IO_MASK)))
        {
            if (backend.update(r, want) < 0)
            {
                count(r, e, -1);
                return -1;
            }
            r.interest = want;
        }
        r.events.addFirst(e.ioLink);
        e.record = r;
        e.inserted = true;
        events++;
        return 0;
    }

    /**
     * libevent's {@code evmap_io_del_}.
     */
    void del(final Event e)
    {
        e.inserted = false;
        events--;
        final FdRecord r = e.record;
        if (null == r)
        {
            return;
        }
        e.record = null;
        r.events.remove(e.ioLink);
        count(r, e, -1);
        final int old = r.interest;
        final int want = r.wanted();
        if (want != old)
        {
            backend.update(r, want);
            r.interest = want;
        }
        if (r.events.isEmpty())
        {
            r.channel = null;
        }
    }

    private static void count(final FdRecord r, final Event e, final int d)
    {
        if (0 != (e.events & EventFlags.READ))
        {
            r.nRead += d;
        }
        if (0 != (e.events & EventFlags.WRITE))
        {
            r.nWrite += d;
        }
        if (0 != (e.events & EventFlags.CLOSED))
        {
            r.nClosed += d;
        }
        if (0 != (e.events & EventFlags.ET))
        {
            r.nEdge += d;
        }
    }

    @Override
    public void ready(final FdRecord record, final int what)
    {
        activate(record, what);
    }

    @Override
    public void readyFd(final int fd, final int generation, final int what)
    {
        final FdRecord r = fds.get(fd);
        if (null != r && r.generation == generation && !r.events.isEmpty())
        {
            activate(r, what);
        }
    }

    private void activate(final FdRecord r, final int what)
    {
        ListLink l = r.events.first();
        while (null != l)
        {
            final ListLink next = l.next;
            final Event e = ((EventLink)l).event;
            final int res = e.events & what & EventFlags.IO_MASK;
            if (0 != res)
            {
                active.activate(e, res, 1);
            }
            l = next;
        }
    }
}
