package io.jevent.loop;

import io.jevent.buffer.PropertyValues;

/**
 * Every tunable of the event loop: a system property name paired with its default.
 */
public final class LoopConfiguration
{
    /** Property: backend name ({@code epoll}, {@code nio}); empty picks the best available. */
    public static final String BACKEND_PROP_NAME = "jevent.backend";
    /** Default backend: the best available. */
    public static final String BACKEND_DEFAULT = "";

    /** Property: poll with a zero timeout and an idle strategy instead of blocking. */
    public static final String BUSY_SPIN_PROP_NAME = "jevent.busySpin";
    /** Default: blocking. */
    public static final boolean BUSY_SPIN_DEFAULT = false;

    /** Property: capacity of the cross-thread task and activation queues. */
    public static final String REMOTE_QUEUE_CAPACITY_PROP_NAME = "jevent.loop.remoteQueueCapacity";
    /** Default cross-thread queue capacity. */
    public static final int REMOTE_QUEUE_CAPACITY_DEFAULT = 65536;
    /** Largest cross-thread queue capacity (the queue rounds up to a power of two). */
    public static final int REMOTE_QUEUE_CAPACITY_MAX = 1 << 30;

    /** Property: most cross-thread tasks run per loop pass. */
    public static final String REMOTE_DRAIN_LIMIT_PROP_NAME = "jevent.loop.remoteDrainLimit";
    /** Default drain limit per pass. */
    public static final int REMOTE_DRAIN_LIMIT_DEFAULT = 1024;

    /**
     * Property: refuse, with {@link WrongThreadException}, calls on a base's objects from a thread other
     * than the one running its loop. Costs a volatile load and a compare per call (perf-reports/threads.md).
     */
    public static final String THREAD_CHECKS_PROP_NAME = "jevent.loop.threadChecks";
    /** Default: checks on. */
    public static final boolean THREAD_CHECKS_DEFAULT = true;

    private LoopConfiguration()
    {
    }

    /**
     * @return the configured backend name, possibly empty
     */
    public static String backend()
    {
        return System.getProperty(BACKEND_PROP_NAME, BACKEND_DEFAULT).trim();
    }

    /**
     * @return the configured busy-spin mode
     */
    public static boolean busySpin()
    {
        return booleanProperty(BUSY_SPIN_PROP_NAME, BUSY_SPIN_DEFAULT);
    }

    /**
     * @return the configured cross-thread queue capacity
     */
    public static int remoteQueueCapacity()
    {
        return (int)longProperty(REMOTE_QUEUE_CAPACITY_PROP_NAME, REMOTE_QUEUE_CAPACITY_DEFAULT, 2,
            REMOTE_QUEUE_CAPACITY_MAX);
    }

    static long longProperty(final String name, final long defaultValue, final long min, final long max)
    {
        return PropertyValues.inRange(name, System.getProperty(name), defaultValue, min, max);
    }

    static boolean booleanProperty(final String name, final boolean defaultValue)
    {
        return PropertyValues.bool(name, System.getProperty(name), defaultValue);
    }

    /**
     * @return whether thread-affinity checks are on
     */
    public static boolean threadChecks()
    {
        return booleanProperty(THREAD_CHECKS_PROP_NAME, THREAD_CHECKS_DEFAULT);
    }

    /**
     * @return the configured drain limit
     */
    public static int remoteDrainLimit()
    {
        return (int)longProperty(REMOTE_DRAIN_LIMIT_PROP_NAME, REMOTE_DRAIN_LIMIT_DEFAULT, 1, Integer.MAX_VALUE);
    }
}
