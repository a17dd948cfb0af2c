package io.jevent.loop;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Counters of one {@link EventBase}, written by its loop thread (wakeups by any thread) and read
 * for reports. Plain fields: a reader on another thread may see slightly stale values.
 */
public final class LoopCounters
{
    private static final AtomicLongFieldUpdater<LoopCounters> WAKEUPS =
        AtomicLongFieldUpdater.newUpdater(LoopCounters.class, "wakeups");

    long iterations;
    long callbacks;
    long maxCycleNanos;
    long syscalls;
    int timers;
    long callbackErrors;
    volatile long wakeups;

    void wakeup()
    {
        WAKEUPS.incrementAndGet(this);
    }

    /**
     * @return loop passes (polls) so far
     */
    public long iterations()
    {
        return iterations;
    }

    /**
     * @return callbacks run so far (events, deferred and cross-thread tasks, internal timers)
     */
    public long callbacks()
    {
        return callbacks;
    }

    /**
     * @return the longest time from a poll's return to the end of that pass, in nanoseconds
     */
    public long maxCycleNanos()
    {
        return maxCycleNanos;
    }

    /**
     * @return backend syscalls (polls, interest changes, wakeups) as of the last {@link EventBase#counters()}
     */
    public long syscalls()
    {
        return syscalls;
    }

    /**
     * @return wakeup syscalls made by other threads (a wakeup of an awake loop makes none)
     */
    public long wakeups()
    {
        return wakeups;
    }

    /**
     * @return timers in the heap as of the last {@link EventBase#counters()}
     */
    public int timers()
    {
        return timers;
    }

    /**
     * @return exceptions thrown by callbacks, tasks and finalizers and handed to the error handler
     */
    public long callbackErrors()
    {
        return callbackErrors;
    }

    /**
     * Resets the max cycle time, for per-interval reporting.
     */
    public void resetMaxCycle()
    {
        maxCycleNanos = 0;
    }

    @Override
    public String toString()
    {
        return "LoopCounters(iterations=" + iterations + ", callbacks=" + callbacks + ", maxCycleNanos=" +
            maxCycleNanos + ", syscalls=" + syscalls + ", wakeups=" + wakeups + ", callbackErrors=" + callbackErrors +
            ")";
    }
}
