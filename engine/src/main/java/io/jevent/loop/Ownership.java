package io.jevent.loop;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * Which thread holds an {@link EventBase}, and the protocol that frees it (libevent's {@code th_owner_id},
 * {@code running_loop} and {@code event_base_free}, made safe from any thread). A state machine:
 * {@link #IDLE}; {@link #RUNNING} while a loop or duty cycle runs on the owner thread; {@link #FREEING} while
 * the thread that called free() tears an idle base down; {@link #FREED}. An agent host binds the base to its
 * thread from {@code onStart()} to {@code onClose()}, so the owner stays set between duty cycles.
 * <p>
 * The invariants the Lincheck model check ({@code EventBaseFreeRaceLincheckTest}) holds it to: a thread that
 * frees an idle base claims it (IDLE to FREEING) before it sets itself as the owner, and clears the owner
 * before FREED, so a thread that finds an owner tells a base being freed (it is freed for that caller) from
 * one whose loop runs elsewhere ({@link WrongThreadException}); a duty cycle that finds a free asked for
 * claims the base and frees it on its way out, so no free() slips in between.
 */
final class Ownership
{
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int FREED = 2;
    /** An idle base being freed by the thread that called {@link #free()}. */
    static final int FREEING = 3;
    /** {@link #enter}: the calling thread now runs the base. */
    static final int ENTERED = 0;
    /** {@link #enter}: a callback of the base's own loop, on its thread, asked to enter again. */
    static final int REENTRANT = 1;
    /** {@link #enter}: the base is freed, or being freed by another thread (or, for loop(), asked to be). */
    static final int GONE = 2;
    /** Threads waiting in {@link #free()} for another base's loop to exit, to refuse a waiting cycle. */
    private static final ConcurrentHashMap<Thread, Ownership> FREE_WAITERS = new ConcurrentHashMap<>();
    private static final AtomicIntegerFieldUpdater<Ownership> STATE =
        AtomicIntegerFieldUpdater.newUpdater(Ownership.class, "state");
    private static final boolean THREAD_CHECKS = LoopConfiguration.threadChecks();

    private final EventBase base;
    private final LoopControl control;
    private volatile int state = IDLE;
    private volatile Thread ownerThread;
    private volatile boolean freeRequested;
    private boolean agentOwned;

    Ownership(final EventBase base, final LoopControl control)
    {
        this.base = base;
        this.control = control;
    }

    int state()
    {
        return state;
    }

    boolean freeRequested()
    {
        return freeRequested;
    }

    boolean inLoopThread()
    {
        return Thread.currentThread() == ownerThread;
    }

    /**
     * @see EventBase#checkThread()
     */
    void checkThread()
    {
        if (THREAD_CHECKS)
        {
            final Thread t = ownerThread;
            if (null != t && t != Thread.currentThread() && GONE == foreignOwner(t, true))
            {
                throw new IllegalStateException("event base is freed");
            }
        }
    }

    /**
     * Enters {@link EventBase#loop} or {@link EventBase#doWork}: claims the base for the calling thread. A duty
     * cycle claims a base whose free was asked for, and frees it on its way out ({@link #exit()}): checking for
     * the request and claiming in one step leaves no moment where a free() from another thread can slip in
     * between.
     *
     * @param dutyCycle true for doWork, false for loop, which refuses a base asked to free
     * @return {@link #ENTERED}, {@link #REENTRANT} for a call from a callback of this base, or {@link #GONE}
     * @throws WrongThreadException if another thread runs or hosts the loop
     */
    int enter(final boolean dutyCycle)
    {
        final Thread me = Thread.currentThread();
        if (gone(dutyCycle))
        {
            return GONE;
        }
        final Thread owner = ownerThread;
        if (null != owner && owner != me)
        {
            return foreignOwner(owner, dutyCycle);
        }
        if (IDLE == state)
        {
            control.clear();
        }
        if (!STATE.compareAndSet(this, IDLE, RUNNING))
        {
            if (gone(dutyCycle))
            {
                return GONE;
            }
            final Thread other = ownerThread;
            if (other == me)
            {
                return REENTRANT;
            }
            return foreignOwner(null == other ? me : other, dutyCycle);
        }
        ownerThread = me;
        return ENTERED;
    }

    /**
     * @return true if the base is freed or being freed by another thread, or (for loop()) asked to free
     */
    private boolean gone(final boolean dutyCycle)
    {
        final int s = state;
        return FREED == s || FREEING == s || (!dutyCycle && freeRequested);
    }

    /**
     * The one way to {@link WrongThreadException}: the calling thread found {@code owner} holding the base. A
     * thread that frees an idle base claims it (IDLE to FREEING) before it sets itself as the owner, and clears
     * the owner before FREED, so the state read here, after the owner was read, tells a thread freeing the base
     * (the caller finds it freed) from one that runs or hosts its loop (the caller is on the wrong thread).
     *
     * @param owner     the owner the caller read, or the caller itself if a loop claimed the base but has not
     *                  yet set itself as the owner
     * @param dutyCycle as for {@link #gone}: true for doWork and {@link #checkThread}, where a free only asked
     *                  of a running loop or host leaves the owner in charge
     * @return {@link #GONE}
     * @throws WrongThreadException if the base is neither freed nor being freed
     */
    private int foreignOwner(final Thread owner, final boolean dutyCycle)
    {
        if (gone(dutyCycle))
        {
            return GONE;
        }
        throw new WrongThreadException(owner, Thread.currentThread());
    }

    /**
     * Leaves {@link EventBase#loop} or {@link EventBase#doWork}; frees the base if that was asked meanwhile.
     */
    void exit()
    {
        if (freeRequested)
        {
            try
            {
                base.teardown();
            }
            finally
            {
                released();
            }
            return;
        }
        if (!agentOwned)
        {
            ownerThread = null;
        }
        state = IDLE;
    }

    private void released()
    {
        agentOwned = false;
        ownerThread = null;
        state = FREED;
    }

    /**
     * @see EventBase#onStart()
     */
    void onStart()
    {
        final Thread me = Thread.currentThread();
        while (true)
        {
            final Thread t = ownerThread;
            final int s = state;
            if (FREED == s || FREEING == s)
            {
                return;
            }
            if (RUNNING == s && t == me)
            {
                agentOwned = true;
                return;
            }
            if (null != t && t != me)
            {
                foreignOwner(t, true);
                return;
            }
            if (IDLE == s && STATE.compareAndSet(this, IDLE, RUNNING))
            {
                agentOwned = true;
                ownerThread = me;
                state = IDLE;
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * @return true if the calling thread is the agent host that started the base
     */
    boolean hostedByCaller()
    {
        return agentOwned && Thread.currentThread() == ownerThread;
    }

    /**
     * @see EventBase#free()
     */
    void free()
    {
        final Thread me = Thread.currentThread();
        while (true)
        {
            final int s = state;
            if (FREED == s)
            {
                return;
            }
            if (IDLE == s)
            {
                freeRequested = true;
                final Thread host = ownerThread;
                if (null != host && host != me)
                {
                    if (IDLE != state || host != ownerThread)
                    {
                        continue;
                    }
                    if (host.isAlive())
                    {
                        base.inbox.wakeup();
                        return;
                    }
                }
                if (STATE.compareAndSet(this, IDLE, FREEING))
                {
                    ownerThread = me;
                    try
                    {
                        base.teardown();
                    }
                    finally
                    {
                        released();
                    }
                    return;
                }
                continue;
            }
            if (FREEING == s)
            {
                if (ownerThread == me)
                {
                    return;
                }
                while (FREEING == state)
                {
                    LockSupport.parkNanos(50_000);
                }
                continue;
            }
            freeRequested = true;
            control.breakLoop();
            if (ownerThread == me)
            {
                return;
            }
            base.inbox.wakeup();
            if (!awaitLoopExit(me))
            {
                return;
            }
        }
    }

    /**
     * Waits until the running loop has freed the base on its way out, or has left without seeing the
     * request (then the caller frees it, or waits for a third thread that already does). Does not wait if
     * that would close a cycle of loops each waiting, inside a callback, for the other to exit (two loops
     * freeing each other): the free then completes when this thread's own callback returns.
     *
     * @return true to go round again (the loop left without freeing), false when freed or not waiting
     */
    private boolean awaitLoopExit(final Thread me)
    {
        FREE_WAITERS.put(me, this);
        try
        {
            if (waitCycle(me))
            {
                return false;
            }
            while (RUNNING == state)
            {
                LockSupport.parkNanos(50_000);
            }
            return FREED != state;
        }
        finally
        {
            FREE_WAITERS.remove(me);
        }
    }

    /**
     * @return true if the loop this thread would wait for is itself (through a chain of such waits)
     *     waiting for a base whose loop runs on this thread
     */
    private boolean waitCycle(final Thread me)
    {
        Thread t = ownerThread;
        for (int hops = 0; null != t && hops < 64; hops++)
        {
            if (t == me)
            {
                return true;
            }
            final Ownership waitedFor = FREE_WAITERS.get(t);
            t = null == waitedFor ? null : waitedFor.ownerThread;
        }
        return false;
    }
}
