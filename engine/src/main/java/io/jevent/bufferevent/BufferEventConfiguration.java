package io.jevent.bufferevent;

import io.jevent.buffer.PropertyValues;

/**
 * Every tunable of a bufferevent's data path: a system property name paired with its default, read
 * and checked when a bufferevent is made (a value that is not an int or is out of range throws
 * {@link IllegalArgumentException} naming the property and the value). The per-bufferevent setters
 * ({@link SocketBufferEvent#setMaxSingleRead}, ...) override them for one connection.
 * <p>
 * Reads are sized adaptively per bufferevent ({@link ReadSizer}): the first read asks for
 * {@link #INITIAL_READ_DEFAULT}, a read that fills its request makes the next one four times larger up
 * to the maximum single read, and two reads in a row that fill less than half of it halve it, down to
 * {@link #MIN_READ_DEFAULT}. The defaults were chosen with {@code jevent compare} (perf-reports/echo.md):
 * a 256 KiB read takes everything a loopback stream has in flight in one call, where a 64 KiB cap
 * (the nio baseline's) needs several.
 */
public final class BufferEventConfiguration
{
    /** Property: the most bytes one read may ask for (libevent's max_single_read). */
    public static final String MAX_SINGLE_READ_PROP_NAME = "jevent.bufferevent.maxSingleRead";
    /** Default most bytes per read: 256 KiB. */
    public static final int MAX_SINGLE_READ_DEFAULT = 256 * 1024;

    /** Property: what the first read of a bufferevent asks for. */
    public static final String INITIAL_READ_PROP_NAME = "jevent.bufferevent.initialRead";
    /** Default first read: 16 KiB, one default segment. */
    public static final int INITIAL_READ_DEFAULT = 16 * 1024;

    /** Property: the least a read asks for after shrinking. */
    public static final String MIN_READ_PROP_NAME = "jevent.bufferevent.minRead";
    /** Default smallest read: 2 KiB. */
    public static final int MIN_READ_DEFAULT = 2 * 1024;

    /** Property: the most bytes one gathering write offers the kernel (the write quantum). */
    public static final String MAX_SINGLE_WRITE_PROP_NAME = "jevent.bufferevent.maxSingleWrite";
    /** Default most bytes per write: 1 MiB, in at most IOV_MAX extents. */
    public static final int MAX_SINGLE_WRITE_DEFAULT = 1024 * 1024;

    /** Property: most reads per readable wakeup while each fills its request. */
    public static final String READS_PER_WAKEUP_PROP_NAME = "jevent.bufferevent.readsPerWakeup";
    /** Default most reads per wakeup. */
    public static final int READS_PER_WAKEUP_DEFAULT = 4;

    /** Property: most writes per flush or writable wakeup while each is taken whole. */
    public static final String WRITES_PER_WAKEUP_PROP_NAME = "jevent.bufferevent.writesPerWakeup";
    /** Default most writes per wakeup. */
    public static final int WRITES_PER_WAKEUP_DEFAULT = 4;

    /** Property: the largest drained segment a bufferevent's buffers keep as a spare (0: none). */
    public static final String MAX_SPARE_SIZE_PROP_NAME = "jevent.bufferevent.maxSpareSize";
    /**
     * Default kept spare: none, so that an idle connection with empty buffers holds no segment; the
     * loop's pool hands the next read its segment back (perf-reports/soak.md has what 10,000 idle
     * connections hold).
     */
    public static final int MAX_SPARE_SIZE_DEFAULT = 0;

    private static final int MAX_BYTES = 1 << 30;

    private BufferEventConfiguration()
    {
    }

    /**
     * Reads and checks every property now, for a program's startup.
     *
     * @throws IllegalArgumentException naming the first invalid property and its value
     */
    public static void validate()
    {
        maxSingleRead();
        initialRead();
        minRead();
        maxSingleWrite();
        readsPerWakeup();
        writesPerWakeup();
        maxSpareSize();
    }

    /**
     * @return the configured most bytes per read, in [1, 1 GiB]
     */
    public static int maxSingleRead()
    {
        return maxSingleRead(System.getProperty(MAX_SINGLE_READ_PROP_NAME));
    }

    /**
     * @return the configured first read, in [1, 1 GiB]
     */
    public static int initialRead()
    {
        return initialRead(System.getProperty(INITIAL_READ_PROP_NAME));
    }

    /**
     * @return the configured smallest read, in [1, 1 GiB]
     */
    public static int minRead()
    {
        return minRead(System.getProperty(MIN_READ_PROP_NAME));
    }

    /**
     * @return the configured most bytes per write, in [1, 1 GiB]
     */
    public static int maxSingleWrite()
    {
        return maxSingleWrite(System.getProperty(MAX_SINGLE_WRITE_PROP_NAME));
    }

    /**
     * @return the configured most reads per wakeup, at least 1
     */
    public static int readsPerWakeup()
    {
        return readsPerWakeup(System.getProperty(READS_PER_WAKEUP_PROP_NAME));
    }

    /**
     * @return the configured most writes per wakeup, at least 1
     */
    public static int writesPerWakeup()
    {
        return writesPerWakeup(System.getProperty(WRITES_PER_WAKEUP_PROP_NAME));
    }

    /**
     * @return the configured largest kept spare, in [0, 1 GiB]
     */
    public static int maxSpareSize()
    {
        return maxSpareSize(System.getProperty(MAX_SPARE_SIZE_PROP_NAME));
    }

    static int maxSingleRead(final String value)
    {
        return bytes(MAX_SINGLE_READ_PROP_NAME, value, MAX_SINGLE_READ_DEFAULT, 1);
    }

    static int initialRead(final String value)
    {
        return bytes(INITIAL_READ_PROP_NAME, value, INITIAL_READ_DEFAULT, 1);
    }

    static int minRead(final String value)
    {
        return bytes(MIN_READ_PROP_NAME, value, MIN_READ_DEFAULT, 1);
    }

    static int maxSingleWrite(final String value)
    {
        return bytes(MAX_SINGLE_WRITE_PROP_NAME, value, MAX_SINGLE_WRITE_DEFAULT, 1);
    }

    static int readsPerWakeup(final String value)
    {
        return (int)PropertyValues.inRange(READS_PER_WAKEUP_PROP_NAME, value, READS_PER_WAKEUP_DEFAULT, 1, 1 << 20);
    }

    static int writesPerWakeup(final String value)
    {
        return (int)PropertyValues.inRange(WRITES_PER_WAKEUP_PROP_NAME, value, WRITES_PER_WAKEUP_DEFAULT, 1, 1 << 20);
    }

    static int maxSpareSize(final String value)
    {
        return bytes(MAX_SPARE_SIZE_PROP_NAME, value, MAX_SPARE_SIZE_DEFAULT, 0);
    }

    private static int bytes(final String name, final String value, final int defaultValue, final int min)
    {
        return (int)PropertyValues.inRange(name, value, defaultValue, min, MAX_BYTES);
    }
}
