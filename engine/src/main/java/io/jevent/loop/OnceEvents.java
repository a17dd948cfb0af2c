package io.jevent.loop;

import java.util.concurrent.TimeUnit;

/**
 * The once-events of an {@link EventBase} (libevent's {@code event_base_once} and {@code event_once}): an
 * event made, added and, after its one run, marked freed by the loop itself ({@link Event#once}). Nothing
 * keeps a list of them: a pending once-event is dropped with the base, as every pending event is. Loop
 * thread only.
 */
final class OnceEvents
{
    private final EventBase base;
    private final ActiveQueues active;

    OnceEvents(final EventBase base, final ActiveQueues active)
    {
        this.base = base;
        this.active = active;
    }

    /**
     * @see EventBase#once(int, int, long, TimeUnit, EventCallback)
     */
    int once(final int fd, final int events, final long timeout, final TimeUnit unit, final EventCallback callback)
    {
        if (0 != (events & (EventFlags.SIGNAL | EventFlags.PERSIST)) ||
            0 == (events & (EventFlags.TIMEOUT | EventFlags.READ | EventFlags.WRITE | EventFlags.CLOSED)))
        {
            return -1;
        }
        final Event e = base.newEvent(fd, events & ~EventFlags.TIMEOUT, callback);
        e.once = true;
        if (0 == (events & EventFlags.IO_MASK) && timeout <= 0)
        {
            active.activate(e, EventFlags.TIMEOUT, 1);
            return 0;
        }
        return timeout >= 0 ? e.add(timeout, unit) : e.add();
    }
}
