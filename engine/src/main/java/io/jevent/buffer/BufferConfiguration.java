package io.jevent.buffer;

/**
 * Every tunable of the buffer layer: a system property name paired with its default. Each getter
 * reads its property when called (a {@link SegmentPool} made without sizes and every new
 * {@link Evbuffer} call them) and checks it: a value that is not an int or is out of range throws
 * {@link IllegalArgumentException} naming the property and the value, rather than being replaced by
 * the default or clamped. {@link #validate()} checks them all at once, for a program's startup.
 * <p>
 * Segments are power-of-two sized; the default segment size is the smallest size class a
 * {@link SegmentPool} hands out, and larger classes double up to {@link #MAX_POOLED_SIZE_DEFAULT}.
 * Requests above that are allocated exactly and returned to the OS when released.
 */
public final class BufferConfiguration
{
    /** Property: default (smallest) segment size in bytes, a power of two. */
    public static final String SEGMENT_SIZE_PROP_NAME = "jevent.buffer.segmentSize";
    /** Default segment size: 16 KiB, one default {@link #MAX_READ_DEFAULT} read fits one segment. */
    public static final int SEGMENT_SIZE_DEFAULT = 16 * 1024;

    /** Property: largest size class kept on free lists. */
    public static final String MAX_POOLED_SIZE_PROP_NAME = "jevent.buffer.maxPooledSize";
    /** Default largest pooled segment: 1 MiB. */
    public static final int MAX_POOLED_SIZE_DEFAULT = 1024 * 1024;

    /** Property: how many free segments each size class keeps before returning memory to the OS. */
    public static final String MAX_FREE_PER_CLASS_PROP_NAME = "jevent.buffer.maxFreePerClass";
    /** Default free-list depth per size class. */
    public static final int MAX_FREE_PER_CLASS_DEFAULT = 1024;

    /** Property: largest drained segment a buffer keeps as its spare instead of returning it to the pool. */
    public static final String MAX_SPARE_SIZE_PROP_NAME = "jevent.buffer.maxSpareSize";
    /** Default largest kept spare: 64 KiB, so a buffer that needed a large segment keeps one. */
    public static final int MAX_SPARE_SIZE_DEFAULT = 64 * 1024;

    /** Property: cap of one scattering read into an {@link Evbuffer} (libevent 2.2's max_read). */
    public static final String MAX_READ_PROP_NAME = "jevent.buffer.maxRead";
    /** Default per-read cap: 16 KiB as in libevent 2.2 (2.1.12 hard-codes 4096). */
    public static final int MAX_READ_DEFAULT = 16 * 1024;

    /** Property: how many free tail extents one scattering read may fill (libevent's NUM_READ_IOVEC). */
    public static final String READ_IOVECS_PROP_NAME = "jevent.buffer.readIovecs";
    /** Default number of tail extents per read. */
    public static final int READ_IOVECS_DEFAULT = 4;

    /** Property: how many data extents one gathering write may expose (at most IOV_MAX). */
    public static final String WRITE_IOVECS_PROP_NAME = "jevent.buffer.writeIovecs";
    /** Default number of data extents per write: IOV_MAX on Linux. */
    public static final int WRITE_IOVECS_DEFAULT = 1024;

    /** Upper bound of {@link #WRITE_IOVECS_PROP_NAME}: Linux IOV_MAX. */
    public static final int IOV_MAX = 1024;

    /** Largest single segment, hence the largest {@code expand}, {@code pullup} or reservation extent. */
    public static final int MAX_SEGMENT_SIZE = 1 << 30;

    private BufferConfiguration()
    {
    }

    /**
     * Reads and checks every property now, so that a program can refuse a bad configuration at
     * startup, before it serves anything. Each getter checks its own property the same way.
     *
     * @throws IllegalArgumentException naming the first invalid property and its value
     */
    public static void validate()
    {
        segmentSize();
        maxPooledSize();
        maxFreePerClass();
        maxSpareSize();
        maxRead();
        readIovecs();
        writeIovecs();
    }

    /**
     * @return the configured default segment size: a power of two in [8, {@link #MAX_SEGMENT_SIZE}]
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int segmentSize()
    {
        return segmentSize(System.getProperty(SEGMENT_SIZE_PROP_NAME));
    }

    /**
     * @return the configured largest pooled size class: a power of two in
     *     [{@link #segmentSize()}, {@link #MAX_SEGMENT_SIZE}]
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int maxPooledSize()
    {
        return maxPooledSize(System.getProperty(MAX_POOLED_SIZE_PROP_NAME), segmentSize());
    }

    /**
     * @return the configured free-list depth per size class, at least 0
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int maxFreePerClass()
    {
        return maxFreePerClass(System.getProperty(MAX_FREE_PER_CLASS_PROP_NAME));
    }

    /**
     * @return the configured largest kept spare, in [0, {@link #MAX_SEGMENT_SIZE}] (0 keeps none)
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int maxSpareSize()
    {
        return maxSpareSize(System.getProperty(MAX_SPARE_SIZE_PROP_NAME));
    }

    /**
     * @return the configured per-read cap, at least 1
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int maxRead()
    {
        return maxRead(System.getProperty(MAX_READ_PROP_NAME));
    }

    /**
     * @return the configured number of tail extents per read, in [1, {@link #IOV_MAX}]
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int readIovecs()
    {
        return readIovecs(System.getProperty(READ_IOVECS_PROP_NAME));
    }

    /**
     * @return the configured number of data extents per write, in [1, {@link #IOV_MAX}]
     * @throws IllegalArgumentException if the property is not such a number
     */
    public static int writeIovecs()
    {
        return writeIovecs(System.getProperty(WRITE_IOVECS_PROP_NAME));
    }

    // The parsers below take the property's raw value (null when unset), so tests need no global state.

    static int segmentSize(final String value)
    {
        final int v = parse(SEGMENT_SIZE_PROP_NAME, value, SEGMENT_SIZE_DEFAULT);
        if (v < 8 || v > MAX_SEGMENT_SIZE || 1 != Integer.bitCount(v))
        {
            throw invalid(SEGMENT_SIZE_PROP_NAME, value, "a power of two in [8, " + MAX_SEGMENT_SIZE + "]");
        }
        return v;
    }

    static int maxPooledSize(final String value, final int segmentSize)
    {
        final int v = parse(MAX_POOLED_SIZE_PROP_NAME, value, Math.max(MAX_POOLED_SIZE_DEFAULT, segmentSize));
        if (v < segmentSize || v > MAX_SEGMENT_SIZE || 1 != Integer.bitCount(v))
        {
            throw invalid(MAX_POOLED_SIZE_PROP_NAME, value,
                "a power of two in [" + SEGMENT_SIZE_PROP_NAME + " (" + segmentSize + "), " + MAX_SEGMENT_SIZE + "]");
        }
        return v;
    }

    static int maxFreePerClass(final String value)
    {
        return inRange(MAX_FREE_PER_CLASS_PROP_NAME, value, MAX_FREE_PER_CLASS_DEFAULT, 0, Integer.MAX_VALUE);
    }

    static int maxSpareSize(final String value)
    {
        return inRange(MAX_SPARE_SIZE_PROP_NAME, value, MAX_SPARE_SIZE_DEFAULT, 0, MAX_SEGMENT_SIZE);
    }

    static int maxRead(final String value)
    {
        return inRange(MAX_READ_PROP_NAME, value, MAX_READ_DEFAULT, 1, Integer.MAX_VALUE);
    }

    static int readIovecs(final String value)
    {
        return inRange(READ_IOVECS_PROP_NAME, value, READ_IOVECS_DEFAULT, 1, IOV_MAX);
    }

    static int writeIovecs(final String value)
    {
        return inRange(WRITE_IOVECS_PROP_NAME, value, WRITE_IOVECS_DEFAULT, 1, IOV_MAX);
    }

    private static int inRange(final String name, final String value, final int defaultValue, final int min,
        final int max)
    {
        return (int)PropertyValues.inRange(name, value, defaultValue, min, max);
    }

    private static int parse(final String name, final String value, final int defaultValue)
    {
        return inRange(name, value, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static IllegalArgumentException invalid(final String name, final String value, final String expected)
    {
        return PropertyValues.invalid(name, value, expected);
    }
}
