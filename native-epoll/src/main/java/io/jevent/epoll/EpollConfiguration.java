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

    /**
     * Property: the libc binding, {@value #NATIVE_AUTO} (java.lang.foreign on JDK 22+, JNA before),
     * {@value #NATIVE_JNA} or {@value #NATIVE_FFM}. A forced binding that cannot load leaves libc
     * unavailable (with the reason) rather than falling back.
     */
    public static final String NATIVE_PROP_NAME = "jevent.native";
    /** Binding chosen by the JDK: ffm on 22+, jna before. */
    public static final String NATIVE_AUTO = "auto";
    /** JNA direct mapping (JDK 17+). */
    public static final String NATIVE_JNA = "jna";
    /** java.lang.foreign downcalls (JDK 22+, from the multi-release jar). */
    public static final String NATIVE_FFM = "ffm";
    /** Default binding: {@value #NATIVE_AUTO}. */
    public static final String NATIVE_DEFAULT = NATIVE_AUTO;

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

    /**
     * @return the configured libc binding: {@value #NATIVE_AUTO}, {@value #NATIVE_JNA} or {@value #NATIVE_FFM}
     * @throws IllegalArgumentException naming the property, for any other value
     */
    public static String nativeBinding()
    {
        final String value = System.getProperty(NATIVE_PROP_NAME, NATIVE_DEFAULT).trim();
        if (NATIVE_AUTO.equals(value) || NATIVE_JNA.equals(value) || NATIVE_FFM.equals(value))
        {
            return value;
        }
        throw new IllegalArgumentException(NATIVE_PROP_NAME + " must be auto, jna or ffm, not '" + value + "'");
    }
}
