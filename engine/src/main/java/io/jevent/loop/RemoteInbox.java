package io.jevent.loop;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The cross-thread entry of an {@link EventBase} (libevent's notify mechanism): tasks handed in with
 * {@code execute}, events activated with {@code activateFromAnyThread}, and the wakeup of a sleeping
 * loop. Many producers, one consumer (the loop thread).
 * <ul>
 *   <li><b>Tasks</b> go through a bounded lock-free queue; a full queue refuses at once with
 *       {@link RejectedExecutionException} instead of making the producer spin.</li>
 *   <li><b>Activations</b> need no queue slot and never fail: an event is pushed onto an intrusive
 *       lock-free stack (Treiber) the first time its pending bits go from 0 to non-0, later activations
 *       OR their bits in, and the loop takes the whole stack at once and reverses it into FIFO order.
 *       An event is on the stack at most once, so this allocates nothing and cannot overflow.</li>
 *   <li><b>Wakeups</b> cost no syscall when the loop is awake: a word holds AWAKE, NONE (blocked
 *       without deadline) or the deadline the loop sleeps until, and only a producer that swaps AWAKE
 *       in over something else writes to the backend's wakeup fd (Netty's scheme).</li>
 *   <li><b>Closing</b> is race-free: every producer enters a gate (a count of producers in flight with
 *       a closed bit), so once {@link #close()} returns no producer is still touching the queue or
 *       the backend's wakeup fd, whose number the kernel may hand out again as soon as it is closed;
 *       producers arriving after that are refused.</li>
 * </ul>
 */
final class RemoteInbox
{
    static final long AWAKE = -1L;
    static final long NONE = Long.MAX_VALUE;

    private static final int CLOSED = Integer.MIN_VALUE;
    private static final VarHandle GATE;
    private static final VarHandle STACK;
    private static final VarHandle NEXT_WAKEUP;
    private static final VarHandle REMOTE_RES;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            GATE = lookup.findVarHandle(RemoteInbox.class, "gate", int.class);
            STACK = lookup.findVarHandle(RemoteInbox.class, "stack", Event.class);
            NEXT_WAKEUP = lookup.findVarHandle(RemoteInbox.class, "nextWakeup", long.class);
            REMOTE_RES = lookup.findVarHandle(Event.class, "remoteRes", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ManyToOneConcurrentArrayQueue<Runnable> tasks;
    private final Wakeup wakeup;
    private volatile int gate;
    private volatile Event stack;
    private volatile long nextWakeup = AWAKE;
    private Event takenHead;

    /**
     * How the inbox wakes its loop: the backend's wakeup, counted.
     */
    interface Wakeup
    {
        /**
         * Makes a blocked poll return; called by producers inside the gate only.
         */
        void wakeup();
    }

    RemoteInbox(final int capacity, final Wakeup wakeup)
    {
        this.tasks = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.wakeup = wakeup;
    }

    int capacity()
    {
        return tasks.capacity();
    }

    // ------------------------------------------------------------------ producers (any thread)

    /**
     * Queues a task and wakes the loop if it sleeps.
     *
     * @param task      what to run
     * @param wakeLoop  false when the caller is the loop thread itself (no wakeup needed)
     * @throws RejectedExecutionException if the inbox is closed or full
     */
    void execute(final Runnable task, final boolean wakeLoop)
    {
        if (!offer(task, wakeLoop))
        {
            throw new RejectedExecutionException(isClosed() ? "event base is freed" : "event loop inbox full (" +
                tasks.capacity() + " tasks queued): the loop is not keeping up or not running");
        }
    }

    /**
     * Queues a task and wakes the loop if it sleeps, or refuses without throwing.
     *
     * @param task     what to run
     * @param wakeLoop false when the caller is the loop thread itself (no wakeup needed)
     * @return false if the inbox is closed or full
     */
    boolean offer(final Runnable task, final boolean wakeLoop)
    {
        if ((int)GATE.getAndAdd(this, 1) < 0)
        {
            leave();
            return false;
        }
        try
        {
            if (!tasks.offer(task))
            {
                return false;
            }
            if (wakeLoop)
            {
                wake();
            }
            return true;
        }
        finally
        {
            leave();
        }
    }

    /**
     * ORs {@code res} into the event's pending remote activation; the first activation since the
     * loop last took the event pushes it and wakes the loop.
     *
     * @param event    the event
     * @param res      bits to report, not 0
     * @param wakeLoop false when the caller is the loop thread itself
     * @throws RejectedExecutionException if the inbox is closed
     */
    void activate(final Event event, final int res, final boolean wakeLoop)
    {
        enter();
        try
        {
            int prev;
            do
            {
                prev = event.remoteRes;
            }
            while (!REMOTE_RES.compareAndSet(event, prev, prev | res | Integer.MIN_VALUE));
            if (0 == prev)
            {
                Event head;
                do
                {
                    head = stack;
                    event.remoteNext = head;
                }
                while (!STACK.compareAndSet(this, head, event));
                if (wakeLoop)
                {
                    wake();
                }
            }
        }
        finally
        {
            leave();
        }
    }

    /**
     * Wakes the loop if it sleeps; a no-op once closed.
     */
    void wakeup()
    {
        final boolean open = (int)GATE.getAndAdd(this, 1) >= 0;
        try
        {
            if (open)
            {
                wake();
            }
        }
        finally
        {
            leave();
        }
    }

    private void wake()
    {
        if (AWAKE != (long)NEXT_WAKEUP.getAndSet(this, AWAKE))
        {
            wakeup.wakeup();
        }
    }

    private void enter()
    {
        if ((int)GATE.getAndAdd(this, 1) < 0)
        {
            leave();
            throw new RejectedExecutionException("event base is freed");
        }
    }

    private void leave()
    {
        GATE.getAndAdd(this, -1);
    }

    // ------------------------------------------------------------------ consumer (the loop thread)

    /**
     * Called before a blocking poll.
     *
     * @param deadline the monotonic deadline of the wait, or {@link #NONE}
     * @return true if work arrived meanwhile, so the poll must not block
     */
    boolean sleeping(final long deadline)
    {
        nextWakeup = deadline;
        return hasWork();
    }

    /**
     * Called after a poll returned.
     */
    void awake()
    {
        NEXT_WAKEUP.setRelease(this, AWAKE);
    }

    /**
     * @return true if tasks or activations wait
     */
    boolean hasWork()
    {
        return null != takenHead || null != stack || !tasks.isEmpty();
    }

    /**
     * @return true if tasks wait (activations not counted)
     */
    boolean hasTasks()
    {
        return !tasks.isEmpty();
    }

    /**
     * Takes the next event whose remote activation is due, in arrival order.
     *
     * @return the event with its pending bits in {@link Event#remoteTaken}, or null if none
     */
    Event pollEvent()
    {
        if (null == takenHead)
        {
            if (null == stack)
            {
                return null;
            }
            takeStack();
        }
        final Event e = takenHead;
        takenHead = e.remoteNext;
        e.remoteNext = null;
        e.remoteTaken = (int)REMOTE_RES.getAndSet(e, 0) & Integer.MAX_VALUE;
        return e;
    }

    /**
     * Takes in what other threads handed over, up to {@code limit} items per pass: activations first (each
     * event once, with its OR-ed bits; a freed event's are dropped), then tasks, queued as deferred
     * callbacks that must run even if the base is freed first.
     *
     * @param active the loop's active queues
     * @param limit  most activations and tasks taken
     */
    void drain(final ActiveQueues active, final int limit)
    {
        int budget = limit;
        Event e;
        while (budget > 0 && null != (e = pollEvent()))
        {
            final int res = e.remoteTaken;
            if (!e.freed && 0 != res)
            {
                active.activate(e, res, 1);
            }
            budget--;
        }
        Runnable r;
        while (budget > 0 && null != (r = pollTask()))
        {
            active.defer(r).remote = true;
            budget--;
        }
    }

    /**
     * @return the next task, or null
     */
    Runnable pollTask()
    {
        return tasks.poll();
    }

    private void takeStack()
    {
        Event e = (Event)STACK.getAndSet(this, (Event)null);
        Event reversed = null;
        while (null != e)
        {
            final Event next = e.remoteNext;
            e.remoteNext = reversed;
            reversed = e;
            e = next;
        }
        takenHead = reversed;
    }

    /**
     * Refuses every later producer and waits until none is in flight; idempotent. After it returns
     * the remaining tasks can be drained with {@link #pollTask()} and the wakeup fd closed safely.
     */
    void close()
    {
        int g;
        do
        {
            g = gate;
            if (g < 0)
            {
                break;
            }
        }
        while (!GATE.compareAndSet(this, g, g | CLOSED));
        for (int spins = 0; (gate & Integer.MAX_VALUE) != 0; spins++)
        {
            if (spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(1000);
            }
        }
    }

    /**
     * @return true once {@link #close()} began
     */
    boolean isClosed()
    {
        return gate < 0;
    }
}
