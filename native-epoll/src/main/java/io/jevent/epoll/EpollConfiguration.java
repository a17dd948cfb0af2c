package io.jevent.epoll;

import io.jevent.buffer.PropertyValues;

/**
 * Every tunable of the epoll backend: a system property name paired with its default, read when a
 * backend is made (a bad value is refused with an exception naming it). The loop's own tunables are in
 * {@link io.jevent.loop.LoopConfiguration}.
 */
public final class EpollConfiguration
{
    /** Property: initial number of epoll_event slots per epoll_wait (doubled when one wait fills it). */
    public static final String EVENTS_PROP_NAME = "jevent.epoll.events";
    /** Default epoll_event slots. */
    public static final int EVENTS_DEFAULT = 1024;

    /** Property: timer slack of epoll loop threads in nanoseconds; 0 keeps the kernel default (50 µs). */
    public static final String TIMER_SLACK_PROP_NAME = "jevent.epoll.timerSlackNanos";
    /** Default timer slack of epoll loop threads: 1 ns. */
    public static final long TIMER_SLACK_DEFAULT = 1;

    private EpollConfiguration()
    {
    }

    /**
     * @return the configured timer slack of epoll loop threads
     */
    public static long timerSlackNanos()
    {
        return PropertyValues.inRange(TIMER_SLACK_PROP_NAME, System.getProperty(TIMER_SLACK_PROP_NAME),
            TIMER_SLACK_DEFAULT, 0, Long.MAX_VALUE);
    }

    /**
     * @return the configured initial epoll_event slots
     */
    public static int events()
    {
        return (int)PropertyValues.inRange(EVENTS_PROP_NAME, System.getProperty(EVENTS_PROP_NAME), EVENTS_DEFAULT,
            1, Integer.MAX_VALUE);
    }
}
