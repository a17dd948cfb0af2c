package io.jevent.loop;

import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An event of an {@link EventBase} (libevent's {@code struct event}): readiness of an fd or channel
 * ({@link EventFlags#READ}, {@link EventFlags#WRITE}, {@link EventFlags#CLOSED}), a timeout, or a
 * signal, optionally {@link EventFlags#PERSIST}ent. Create it once and add/delete it as often as
 * needed: adding, deleting and firing allocate nothing.
 * <p>
 * Semantics follow libevent 2.1: a non-persistent event is deleted just before its callback runs
 * and may re-add itself there; {@link #add(long, TimeUnit)} on a pending event replaces the timeout,
 * {@link #add()} keeps it; a persistent event with a timeout is re-armed at the previous deadline
 * plus the period after a timeout (no drift, missed periods skipped) and at now plus the period
 * after I/O or manual activation; {@link #active(int)} ORs into a pending activation.
 * <p>
 * Belongs to its base (see {@link EventBase}, "Threads"): create it anywhere, use it on the loop thread;
 * from another thread while the loop runs every call throws {@link WrongThreadException} (use
 * {@link EventBase#execute(Runnable)} or {@link EventBase#activateFromAnyThread(Event, int)}). Once the
 * base is freed every call throws {@link IllegalStateException} except {@link #free()}, which is
 * always safe and touches nothing of the freed base.
 */
public final class Event extends CallbackNode
{
    static final int NO_TIMEOUT = -1;

    final EventBase base;
    final int fd;
    final SelectableChannel channel;
    final int events;
    EventCallback callback;
    private Object attachment;

    boolean inserted;
    boolean freed;
    boolean once;
    long periodNanos = NO_TIMEOUT;
    long deadline;
    long timerSeq;
    int heapIndex = -1;
    /** The common timeout a persistent event re-arms with, or null. */
    CommonTimeout common;
    /** The common timeout whose queue the event waits in now, or null. */
    CommonTimeout commonQueue;
    /** The event's place in the queue of {@link #commonQueue}. */
    final EventLink commonLink = new EventLink(this);
    int res;
    int ncalls;
    boolean signalDeleted;
    /** The fd the event is added on, or null. */
    FdRecord record;
    /** The event's place among the events of its fd, or of its signal. */
    final EventLink ioLink = new EventLink(this);
    volatile int remoteRes;
    Event remoteNext;
    int remoteTaken;

    Event(final EventBase base, final int fd, final SelectableChannel channel, final int events,
        final EventCallback callback)
    {
        this.base = base;
        this.fd = fd;
        this.channel = channel;
        this.events = events;
        this.callback = callback;
        this.priority = base.active.defaultPriority();
    }

    /**
     * @return the loop this event belongs to
     */
    public EventBase base()
    {
        return base;
    }

    /**
     * @return the fd, the signal number for signal events, or -1
     */
    public int fd()
    {
        return fd;
    }

    /**
     * @return the channel this event watches, or null
     */
    public SelectableChannel channel()
    {
        return channel;
    }

    /**
     * @return the event kinds and modifiers given at creation
     */
    public int events()
    {
        return events;
    }

    /**
     * @return the callback
     */
    public EventCallback callback()
    {
        return callback;
    }

    /**
     * @return the priority, 0 being the most urgent
     */
    public int priority()
    {
        return priority;
    }

    /**
     * @return the user's attachment, or null (see {@link #setAttachment(Object)})
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * Attaches whatever the callback needs, so it need not capture; the loop never reads it.
     *
     * @param attachment the user's object, or null
     */
    public void setAttachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * Makes the event pending without changing an existing timeout (libevent {@code event_add(ev, NULL)}).
     *
     * @return 0, or -1 if the backend refused the fd
     */
    public int add()
    {
        checkUsable();
        return addNoLock(NO_TIMEOUT, null, false);
    }

    /**
     * Makes the event pending with a timeout, replacing any earlier timeout (libevent
     * {@code event_add(ev, tv)}). A zero timeout fires on the next loop pass.
     *
     * @param timeout the timeout, at least 0; one too large to represent (such as Long.MAX_VALUE
     *                seconds) means "never": the event stays pending and the timeout does not fire
     * @param unit    its unit
     * @return 0, or -1 if the backend refused the fd
     */
    public int add(final long timeout, final TimeUnit unit)
    {
        if (timeout < 0)
        {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        checkUsable();
        return addNoLock(unit.toNanos(timeout), null, true);
    }

    /**
     * Makes the event pending with a common timeout (see {@link EventBase#initCommonTimeout}): events
     * sharing one common timeout fire in the order they were added, at O(1) cost per add.
     *
     * @param common a common timeout of this event's base
     * @return 0, or -1 if the backend refused the fd
     */
    public int add(final CommonTimeout common)
    {
        checkUsable();
        if (common.base != base)
        {
            throw new IllegalArgumentException("common timeout of another base");
        }
        return addNoLock(common.durationNanos, common, true);
    }

    /**
     * Removes the event: no I/O interest, no timeout, no pending activation; its callback will not
     * run (libevent {@code event_del}). Deleting a signal event inside its callback stops the
     * remaining repeated calls.
     *
     * @return 0
     */
    public int del()
    {
        checkUsable();
        return delNoLock();
    }

    /**
     * Drops only the timeout, leaving I/O interest and activation as they are
     * (libevent {@code event_remove_timer}).
     *
     * @return 0
     */
    public int removeTimer()
    {
        checkUsable();
        base.timeouts.remove(this);
        periodNanos = NO_TIMEOUT;
        common = null;
        return 0;
    }

    /**
     * Activates the event as if {@code res} happened, even if it was never added
     * (libevent {@code event_active}); if it is already active the result bits are OR-ed in.
     *
     * @param res what to report to the callback, e.g. {@link EventFlags#READ}
     */
    public void active(final int res)
    {
        checkUsable();
        base.active.activate(this, res, 1);
    }

    /**
     * @param what the kinds to ask about (TIMEOUT, READ, WRITE, SIGNAL, CLOSED)
     * @return those of {@code what} that are pending or active (libevent {@code event_pending})
     */
    public int pending(final int what)
    {
        int flags = 0;
        if (inserted)
        {
            flags |= events & (EventFlags.READ | EventFlags.WRITE | EventFlags.CLOSED | EventFlags.SIGNAL);
        }
        if (0 != (listFlags & (LIST_ACTIVE | LIST_ACTIVE_LATER)))
        {
            flags |= res;
        }
        if (hasTimer())
        {
            flags |= EventFlags.TIMEOUT;
        }
        return flags & (what & (EventFlags.TIMEOUT | EventFlags.READ | EventFlags.WRITE | EventFlags.SIGNAL |
            EventFlags.CLOSED));
    }

    /**
     * @return the absolute monotonic deadline in nanoseconds if a timeout is pending, else -1
     */
    public long pendingDeadline()
    {
        return hasTimer() ? deadline : -1;
    }

    /**
     * @return true if the event is added (I/O, signal or timeout pending) or active
     */
    public boolean isPending()
    {
        return inserted || hasTimer() || 0 != (listFlags & (LIST_ACTIVE | LIST_ACTIVE_LATER));
    }

    /**
     * Sets the priority (libevent {@code event_priority_set}).
     *
     * @param priority 0 to {@link EventBase#priorities()} - 1
     * @return 0, or -1 if the event is active or the priority out of range
     */
    public int setPriority(final int priority)
    {
        checkUsable();
        if (0 != (listFlags & (LIST_ACTIVE | LIST_ACTIVE_LATER)) || priority < 0 || priority >= base.priorities())
        {
            return -1;
        }
        this.priority = priority;
        return 0;
    }

    /**
     * Replaces the callback.
     *
     * @param callback the new callback
     */
    public void setCallback(final EventCallback callback)
    {
        Objects.requireNonNull(callback, "callback");
        checkUsable();
        this.callback = callback;
    }

    /**
     * Deletes the event and makes it unusable (libevent {@code event_free}). Idempotent. After the
     * base was freed it only marks the event freed.
     *
     * @throws WrongThreadException from another thread while the base's loop runs
     */
    public void free()
    {
        if (freed)
        {
            return;
        }
        if (base.isFreed())
        {
            freed = true;
            return;
        }
        base.checkThread();
        delNoLock();
        freed = true;
    }

    /**
     * @return true once {@link #free()} ran
     */
    public boolean isFreed()
    {
        return freed;
    }

    /**
     * libevent's {@code event_add_nolock_}: registers the fd or signal if the event is not yet added, then
     * sets the timeout if asked.
     *
     * @return 0, or -1 if the backend refused the fd
     */
    private int addNoLock(final long timeoutNanos, final CommonTimeout commonTimeout, final boolean setTimeout)
    {
        if (0 != (events & (EventFlags.IO_MASK | EventFlags.SIGNAL)) && !inserted)
        {
            if (0 != (events & EventFlags.SIGNAL))
            {
                base.signals.add(this);
            }
            else
            {
                final int rc = base.evmap.add(this);
                if (rc < 0)
                {
                    return rc;
                }
            }
        }
        if (setTimeout)
        {
            if (0 != (events & EventFlags.PERSIST))
            {
                periodNanos = timeoutNanos;
                common = commonTimeout;
            }
            base.timeouts.schedule(this, Timeouts.deadlineAfter(base.now(), timeoutNanos), commonTimeout);
        }
        return 0;
    }

    /**
     * libevent's {@code event_del_nolock_}: no timeout, no pending activation, no fd or signal registration.
     *
     * @return 0
     */
    int delNoLock()
    {
        if (freed)
        {
            return 0;
        }
        base.timeouts.remove(this);
        if (0 != (listFlags & (LIST_ACTIVE | LIST_ACTIVE_LATER)))
        {
            base.active.remove(this);
            res = 0;
        }
        if (inserted)
        {
            removeIo();
        }
        if (0 != (events & EventFlags.SIGNAL))
        {
            signalDeleted = true;
            ncalls = 0;
        }
        return 0;
    }

    /**
     * The timeout fired: a non-persistent event leaves its fd or signal, and is activated with TIMEOUT.
     */
    void timedOut()
    {
        if (0 == (events & EventFlags.PERSIST) && inserted)
        {
            removeIo();
        }
        base.active.activate(this, EventFlags.TIMEOUT, 1);
    }

    private void removeIo()
    {
        if (0 != (events & EventFlags.SIGNAL))
        {
            base.signals.del(this);
        }
        else
        {
            base.evmap.del(this);
        }
    }

    boolean hasTimer()
    {
        return heapIndex >= 0 || null != commonQueue;
    }

    private void checkUsable()
    {
        if (freed)
        {
            throw new IllegalStateException("event used after free");
        }
        base.checkUsable();
    }

    @Override
    public String toString()
    {
        return "Event(fd=" + fd + ", " + EventFlags.toString(events) + ", prio=" + priority + ")";
    }
}
