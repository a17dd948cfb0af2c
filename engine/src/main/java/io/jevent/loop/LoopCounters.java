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
    long polls;
    long reads;
    long emptyReads;
    long bytesRead;
    long writes;
    long partialWrites;
    long bytesWritten;

    void wakeup()
    {
        WAKEUPS.incrementAndGet(this);
    }

    /**
     * Takes in what the backend counts itself, and the timers pending now.
     *
     * @return this
     */
    LoopCounters refresh(final IoBackend backend, final int timers)
    {
        syscalls = backend.syscalls();
        backend.ioCounters().copyTo(this);
        this.timers = timers;
        return this;
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
     * @return poll syscalls (epoll_wait, select) as of the last {@link EventBase#counters()}
     */
    public long polls()
    {
        return polls;
    }

    /**
     * @return read syscalls (read, readv, channel reads) made by this loop's transports as of the last
     *     {@link EventBase#counters()}, including those that returned EAGAIN, EOF or an error
     */
    public long reads()
    {
        return reads;
    }

    /**
     * @return read syscalls that found nothing to read (EAGAIN) as of the last {@link EventBase#counters()}
     */
    public long emptyReads()
    {
        return emptyReads;
    }

    /**
     * @return bytes read by this loop's transports as of the last {@link EventBase#counters()}
     */
    public long bytesRead()
    {
        return bytesRead;
    }

    /**
     * @return write syscalls (write, send, sendmsg, channel writes) made by this loop's transports as of
     *     the last {@link EventBase#counters()}
     */
    public long writes()
    {
        return writes;
    }

    /**
     * @return write syscalls that took less than they were offered (EAGAIN included) as of the last
     *     {@link EventBase#counters()}
     */
    public long partialWrites()
    {
        return partialWrites;
    }

    /**
     * @return bytes written by this loop's transports as of the last {@link EventBase#counters()}
     */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * @return a copy of these counters as they are now, for differences over an interval (allocates)
     */
    public LoopCounters copy()
    {
        final LoopCounters c = new LoopCounters();
        c.iterations = iterations;
        c.callbacks = callbacks;
        c.maxCycleNanos = maxCycleNanos;
        c.syscalls = syscalls;
        c.timers = timers;
        c.callbackErrors = callbackErrors;
        c.wakeups = wakeups;
        c.polls = polls;
        c.reads = reads;
        c.emptyReads = emptyReads;
        c.bytesRead = bytesRead;
        c.writes = writes;
        c.partialWrites = partialWrites;
        c.bytesWritten = bytesWritten;
        return c;
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
            ", polls=" + polls + ", reads=" + reads + ", emptyReads=" + emptyReads + ", bytesRead=" + bytesRead +
            ", writes=" + writes + ", partialWrites=" + partialWrites + ", bytesWritten=" + bytesWritten + ")";
    }
}
