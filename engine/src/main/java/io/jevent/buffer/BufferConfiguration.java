package io.jevent.buffer;

/**
 * Every tunable of the buffer layer: a system property name paired with its default, read once.
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
     * @return the configured default segment size
     */
    public static int segmentSize()
    {
        return Integer.getInteger(SEGMENT_SIZE_PROP_NAME, SEGMENT_SIZE_DEFAULT);
    }

    /**
     * @return the configured largest pooled size class
     */
    public static int maxPooledSize()
    {
        return Integer.getInteger(MAX_POOLED_SIZE_PROP_NAME, MAX_POOLED_SIZE_DEFAULT);
    }

    /**
     * @return the configured free-list depth per size class
     */
    public static int maxFreePerClass()
    {
        return Integer.getInteger(MAX_FREE_PER_CLASS_PROP_NAME, MAX_FREE_PER_CLASS_DEFAULT);
    }

    /**
     * @return the configured largest kept spare
     */
    public static int maxSpareSize()
    {
        return Integer.getInteger(MAX_SPARE_SIZE_PROP_NAME, MAX_SPARE_SIZE_DEFAULT);
    }

    /**
     * @return the configured per-read cap
     */
    public static int maxRead()
    {
        return Integer.getInteger(MAX_READ_PROP_NAME, MAX_READ_DEFAULT);
    }

    /**
     * @return the configured number of tail extents per read
     */
    public static int readIovecs()
    {
        return Integer.getInteger(READ_IOVECS_PROP_NAME, READ_IOVECS_DEFAULT);
    }

    /**
     * @return the configured number of data extents per write, clamped to [1, IOV_MAX]
     */
    public static int writeIovecs()
    {
        return Math.max(1, Math.min(IOV_MAX, Integer.getInteger(WRITE_IOVECS_PROP_NAME, WRITE_IOVECS_DEFAULT)));
    }
}
