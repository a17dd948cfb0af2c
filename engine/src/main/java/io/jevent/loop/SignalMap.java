package io.jevent.loop;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The signal map of an {@link EventBase} (libevent's {@code evmap_signal} and {@code signal.c}): for each
 * signal the events added on it, and the count of arrivals not yet delivered. The first event on a signal
 * makes the base watch it through the {@link SignalRegistry}, the last one deleted stops that. An arrival,
 * on the JVM's signal thread, is counted and wakes the loop; the loop then activates each event of the
 * signal with the count, and its callback runs once per arrival.
 * <p>
 * Loop thread only, except {@link #arrived(int)} and {@link #pending()}.
 */
final class SignalMap
{
    private final IntrusiveList[] heads = new IntrusiveList[SignalRegistry.MAX_SIGNAL + 1];
    private final AtomicIntegerArray counts = new AtomicIntegerArray(SignalRegistry.MAX_SIGNAL + 1);
    private final RemoteInbox inbox;
    private final ActiveQueues active;
    private final boolean busySpin;
    private volatile boolean pending;
    /** Signal events added: their part of libevent's {@code event_count}. */
    private int events;

    /**
     * @param busySpin true if the loop never blocks, so an arrival needs no wakeup
     */
    SignalMap(final RemoteInbox inbox, final ActiveQueues active, final boolean busySpin)
    {
        this.inbox = inbox;
        this.active = active;
        this.busySpin = busySpin;
        for (int s = 1; s <= SignalRegistry.MAX_SIGNAL; s++)
        {
            heads[s] = new IntrusiveList();
        }
    }

    /**
     * @return signal events added
     */
    int eventCount()
    {
        return events;
    }

    /**
     * libevent's {@code evmap_signal_add_}: the event's fd is its signal number.
     *
     * @throws IllegalArgumentException if the JVM reserves the signal
     */
    void add(final Event e)
    {
        final IntrusiveList h = heads[e.fd];
        if (h.isEmpty())
        {
            SignalRegistry.watch(e.fd, this);
        }
        h.addFirst(e.ioLink);
        e.inserted = true;
        events++;
    }

    /**
     * libevent's {@code evmap_signal_del_}.
     */
    void del(final Event e)
    {
        e.inserted = false;
        events--;
        final IntrusiveList h = heads[e.fd];
        h.remove(e.ioLink);
        if (h.isEmpty())
        {
            SignalRegistry.unwatch(e.fd, this);
        }
    }

    /**
     * A signal arrived (on the JVM's signal thread): count it and wake the loop.
     */
    void arrived(final int signum)
    {
        counts.incrementAndGet(signum);
        pending = true;
        if (!busySpin)
        {
            inbox.wakeup();
        }
    }

    /**
     * @return true if a signal arrived since the last {@link #process()}
     */
    boolean pending()
    {
        return pending;
    }

    /**
     * Activates the events of every signal that arrived, with the number of arrivals.
     */
    void process()
    {
        pending = false;
        for (int s = 1; s <= SignalRegistry.MAX_SIGNAL; s++)
        {
            if (!heads[s].isEmpty() && 0 != counts.get(s))
            {
                final int k = counts.getAndSet(s, 0);
                for (ListLink l = heads[s].first(); null != l; l = l.next)
                {
                    active.activate(((EventLink)l).event, EventFlags.SIGNAL, k);
                }
            }
        }
    }

    /**
     * Stops watching every signal (the base is being freed); its events are forgotten where they are.
     */
    void close()
    {
        for (int s = 1; s <= SignalRegistry.MAX_SIGNAL; s++)
        {
            if (!heads[s].isEmpty())
            {
                SignalRegistry.unwatch(s, this);
                heads[s].clear();
            }
        }
    }
}
