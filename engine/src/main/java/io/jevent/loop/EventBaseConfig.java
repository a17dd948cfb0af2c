package io.jevent.loop;

import io.jevent.buffer.SegmentPool;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Objects;

/**
 * How to build an {@link EventBase} (libevent's {@code event_config}). Every setting has a named
 * system property and a default in {@link LoopConfiguration}; setters override them.
 */
public final class EventBaseConfig
{
    private String backend = LoopConfiguration.backend();
    private boolean busySpin = LoopConfiguration.busySpin();
    private IdleStrategy idleStrategy;
    private int priorities = 1;
    private int maxDispatchCallbacks = Integer.MAX_VALUE;
    private long maxDispatchIntervalNanos = Long.MAX_VALUE;
    private int limitCallbacksAfterPriority;
    private int remoteQueueCapacity = LoopConfiguration.remoteQueueCapacity();
    private int remoteDrainLimit = LoopConfiguration.remoteDrainLimit();
    private NanoClock clock = SystemNanoClock.INSTANCE;
    private SegmentPool pool;
    private ErrorHandler errorHandler = LoopErrorHandlers.LOG;

    /**
     * @return the backend to use: {@code "epoll"}, {@code "nio"}, or null/empty for the best available
     */
    public String backend()
    {
        return backend;
    }

    /**
     * @param backend {@code "epoll"}, {@code "nio"}, or null for the best available (epoll on Linux
     *                when native-epoll is on the class path and loads)
     * @return this
     */
    public EventBaseConfig backend(final String backend)
    {
        this.backend = backend;
        return this;
    }

    /**
     * @return true if the loop never blocks in the backend but polls with a zero timeout
     */
    public boolean busySpin()
    {
        return busySpin;
    }

    /**
     * @param busySpin poll with a zero timeout and run the idle strategy between empty polls,
     *                 instead of blocking in the backend
     * @return this
     */
    public EventBaseConfig busySpin(final boolean busySpin)
    {
        this.busySpin = busySpin;
        return this;
    }

    /**
     * @return the idle strategy between empty polls in busy-spin mode
     */
    public IdleStrategy idleStrategy()
    {
        return null == idleStrategy ? new BusySpinIdleStrategy() : idleStrategy;
    }

    /**
     * @param idleStrategy run between empty busy-spin polls (default: BusySpinIdleStrategy)
     * @return this
     */
    public EventBaseConfig idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = Objects.requireNonNull(idleStrategy, "idleStrategy");
        return this;
    }

    /**
     * @return number of priority queues
     */
    public int priorities()
    {
        return priorities;
    }

    /**
     * @param priorities number of priority queues, 1 to 255 (libevent {@code event_base_priority_init})
     * @return this
     */
    public EventBaseConfig priorities(final int priorities)
    {
        if (priorities < 1 || priorities >= EventBase.MAX_PRIORITIES)
        {
            throw new IllegalArgumentException("priorities must be in [1, 255]: " + priorities);
        }
        this.priorities = priorities;
        return this;
    }

    /**
     * Re-poll after this many callbacks or this much time, for queues at or after a priority
     * (libevent {@code event_config_set_max_dispatch_interval}).
     *
     * @param intervalNanos  longest run of callbacks before re-polling, or Long.MAX_VALUE
     * @param maxCallbacks   most callbacks before re-polling, or Integer.MAX_VALUE
     * @param minPriority    queues below this priority are not limited
     * @return this
     */
    public EventBaseConfig maxDispatch(final long intervalNanos, final int maxCallbacks, final int minPriority)
    {
        if (intervalNanos < 0 || maxCallbacks < 1 || minPriority < 0)
        {
            throw new IllegalArgumentException("bad max dispatch limits");
        }
        this.maxDispatchIntervalNanos = intervalNanos;
        this.maxDispatchCallbacks = maxCallbacks;
        this.limitCallbacksAfterPriority = minPriority;
        return this;
    }

    int maxDispatchCallbacks()
    {
        return maxDispatchCallbacks;
    }

    long maxDispatchIntervalNanos()
    {
        return maxDispatchIntervalNanos;
    }

    int limitCallbacksAfterPriority()
    {
        return limitCallbacksAfterPriority;
    }

    /**
     * @return capacity of the cross-thread task and activation queues
     */
    public int remoteQueueCapacity()
    {
        return remoteQueueCapacity;
    }

    /**
     * @param capacity capacity of the cross-thread task queue, 2 to 2^30 (rounded up to a power of two)
     * @return this
     */
    public EventBaseConfig remoteQueueCapacity(final int capacity)
    {
        if (capacity < 2 || capacity > LoopConfiguration.REMOTE_QUEUE_CAPACITY_MAX)
        {
            throw new IllegalArgumentException("capacity must be in [2, 2^30]: " + capacity);
        }
        this.remoteQueueCapacity = capacity;
        return this;
    }

    /**
     * @return most cross-thread tasks run per loop pass
     */
    public int remoteDrainLimit()
    {
        return remoteDrainLimit;
    }

    /**
     * @param limit most cross-thread tasks run per loop pass, at least 1
     * @return this
     */
    public EventBaseConfig remoteDrainLimit(final int limit)
    {
        if (limit < 1)
        {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        this.remoteDrainLimit = limit;
        return this;
    }

    /**
     * @return the segment pool of buffers made for this base (bufferevents), by default
     *     {@link SegmentPool#shared()}
     */
    public SegmentPool pool()
    {
        return null == pool ? SegmentPool.shared() : pool;
    }

    /**
     * @param pool the segment pool of buffers made for this base
     * @return this
     */
    public EventBaseConfig pool(final SegmentPool pool)
    {
        this.pool = Objects.requireNonNull(pool, "pool");
        return this;
    }

    /**
     * @return what receives exceptions thrown by callbacks, tasks and finalizers
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler receives every exception a callback, task or finalizer throws; the loop goes
     *                     on after it returns, and stops (the exception propagating out of
     *                     {@link EventBase#loop}) if it throws. Default {@link LoopErrorHandlers#LOG};
     *                     {@link LoopErrorHandlers#RETHROW} stops at the first error.
     * @return this
     */
    public EventBaseConfig errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        return this;
    }

    /**
     * @return the monotonic clock of timers
     */
    public NanoClock clock()
    {
        return clock;
    }

    /**
     * @param clock the monotonic clock of timers (tests may inject one)
     * @return this
     */
    public EventBaseConfig clock(final NanoClock clock)
    {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }
}
