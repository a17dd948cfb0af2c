package io.jevent.bench.soak;

import io.jevent.samples.StreamPattern;

/**
 * What one soak connection does, from connect to close. Every byte that comes back is checked against
 * the connection's {@link StreamPattern} stream.
 */
public enum SoakRole
{
    /** Sends a message (1 B to 16 KiB), waits for its whole echo, repeats; then closes. */
    PING_PONG("ping-pong", 40),
    /** Keeps several messages in flight (a window of 2 to 16), checking each echo; then closes. */
    STREAMING("streaming", 25),
    /**
     * Sends N bytes (up to 4 MiB) while reading, half-closes (shutdownOutput) and expects exactly N bytes
     * back, then EOF: the server must send everything before it closes.
     */
    HALF_CLOSE("half-close", 20),
    /** Sends some bytes (up to 256 KiB), then closes with SO_LINGER 0: the server sees a reset. */
    RESET("rst", 10),
    /**
     * Sends a lot (1 MiB) and never reads, for 0.5 to 3 s, then closes: the server must stop reading
     * (back-pressure) rather than buffer without bound, and free the connection when it goes.
     */
    NON_READING("non-reading", 5);

    private final String label;
    private final int defaultWeight;

    SoakRole(final String label, final int defaultWeight)
    {
        this.label = label;
        this.defaultWeight = defaultWeight;
    }

    /**
     * @return the name in options and reports
     */
    public String label()
    {
        return label;
    }

    /**
     * @return its share of new connections in the default mix, in percent
     */
    public int defaultWeight()
    {
        return defaultWeight;
    }

    /**
     * @param label a {@link #label()}
     * @return the role
     * @throws IllegalArgumentException if none has that label
     */
    public static SoakRole of(final String label)
    {
        for (final SoakRole r : values())
        {
            if (r.label.equals(label))
            {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role " + label);
    }
}
