package io.jevent.buffer;

import org.agrona.UnsafeApi;

/**
 * Hands out off-heap {@link Segment}s in power-of-two size classes and takes them back, with
 * accounting of what is outstanding so tests can prove nothing leaks.
 * <p>
 * Memory comes from {@code Unsafe.allocateMemory} (malloc) and goes back with {@code freeMemory}:
 * lifetime is explicit and deterministic, there is no cleaner thread, and the JVM's direct-memory
 * limit does not apply. Agrona's {@code UnsafeBuffer} over (address, length) would serve equally;
 * chronicle-bytes was not taken because its reference counting costs a CAS per operation and it
 * brings a second FFI stack (see java-techniques §3). The direct ByteBuffer views java.nio channels
 * need are made by the buffers that hand them out, not by segments.
 * <p>
 * Size classes are {@code segmentSize << k} up to {@code maxPooledSize}; each keeps up to
 * {@code maxFreePerClass} free segments. Larger requests get an exact block (rounded up to 4 KiB)
 * that is freed as soon as it is released. Segment wrappers for references and views (no memory of
 * their own) are pooled too, so a reference costs a few dozen bytes, not a block (libevent 1198).
 * <p>
 * Thread-safe: acquisition and release lock the pool, since segments may move between buffers
 * owned by different threads. Buffers keep a spare segment so that steady add/drain cycles do
 * not touch the pool at all. {@link #close()} returns all free memory to the OS; segments
 * released after that are freed directly.
 */
public final class SegmentPool implements AutoCloseable
{
    private static final int EXACT_ROUNDING = 4096;
    private static volatile SegmentPool shared;

    private final int segmentSize;
    private final int maxPooledSize;
    private final int maxFreePerClass;
    private final int classCount;
    private final Segment[][] free;
    private final int[] freeCount;
    private Segment[] freeWrappers = new Segment[64];
    private int freeWrapperCount;

    private long outstandingSegments;
    private long outstandingBytes;
    private long outstandingWrappers;
    private long allocatedBytes;
    private long freeBytes;
    private long acquisitions;
    private boolean closed;

    /**
     * A pool with the sizes of {@link BufferConfiguration}.
     *
     * @throws IllegalArgumentException if one of those properties is invalid
     */
    public SegmentPool()
    {
        this(BufferConfiguration.segmentSize(), BufferConfiguration.maxPooledSize(),
            BufferConfiguration.maxFreePerClass());
    }

    /**
     * @param segmentSize     smallest size class, a power of two of at least 8 bytes
     * @param maxPooledSize   largest pooled size class, a power of two not below segmentSize
     * @param maxFreePerClass free segments kept per class (0 keeps none)
     * @throws IllegalArgumentException if a size is not a power of two or out of range
     */
    public SegmentPool(final int segmentSize, final int maxPooledSize, final int maxFreePerClass)
    {
        if (segmentSize < 8 || Integer.bitCount(segmentSize) != 1)
        {
            throw new IllegalArgumentException("segmentSize must be a power of two >= 8: " + segmentSize);
        }
        if (maxPooledSize < segmentSize || Integer.bitCount(maxPooledSize) != 1 ||
            maxPooledSize > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            throw new IllegalArgumentException("maxPooledSize must be a power of two in [segmentSize, 1 GiB]: " +
                maxPooledSize);
        }
        if (maxFreePerClass < 0)
        {
            throw new IllegalArgumentException("maxFreePerClass must be >= 0: " + maxFreePerClass);
        }
        this.segmentSize = segmentSize;
        this.maxPooledSize = maxPooledSize;
        this.maxFreePerClass = maxFreePerClass;
        this.classCount = Integer.numberOfTrailingZeros(maxPooledSize) - Integer.numberOfTrailingZeros(segmentSize) + 1;
        this.free = new Segment[classCount][];
        this.freeCount = new int[classCount];
        for (int i = 0; i < classCount; i++)
        {
            free[i] = new Segment[Math.min(16, Math.max(1, maxFreePerClass))];
        }
    }

    /**
     * Made on first use, so that a bad {@link BufferConfiguration} property is reported to the caller
     * as the {@link IllegalArgumentException} naming it (and again on the next call) rather than as a
     * failed class initialisation.
     *
     * @return a process-wide pool with the configured sizes, used by buffers made without a pool
     * @throws IllegalArgumentException if a {@link BufferConfiguration} property is invalid
     */
    public static SegmentPool shared()
    {
        SegmentPool p = shared;
        if (null == p)
        {
            synchronized (SegmentPool.class)
            {
                p = shared;
                if (null == p)
                {
                    p = new SegmentPool();
                    shared = p;
                }
            }
        }
        return p;
    }

    /**
     * @return the smallest size class in bytes
     */
    public int segmentSize()
    {
        return segmentSize;
    }

    /**
     * @return the largest pooled size class in bytes
     */
    public int maxPooledSize()
    {
        return maxPooledSize;
    }

    /**
     * @return memory segments handed out and not yet released
     */
    public synchronized long outstandingSegments()
    {
        return outstandingSegments;
    }

    /**
     * @return bytes of the memory segments handed out and not yet released
     */
    public synchronized long outstandingBytes()
    {
        return outstandingBytes;
    }

    /**
     * @return reference and view wrappers handed out and not yet released
     */
    public synchronized long outstandingWrappers()
    {
        return outstandingWrappers;
    }

    /**
     * @return memory segments handed out since the pool was made (a measure of pool traffic)
     */
    public synchronized long acquisitions()
    {
        return acquisitions;
    }

    /**
     * @return bytes held on free lists, ready for reuse
     */
    public synchronized long freeBytes()
    {
        return freeBytes;
    }

    /**
     * @return bytes currently allocated from the OS (outstanding plus free)
     */
    public synchronized long allocatedBytes()
    {
        return allocatedBytes;
    }

    /**
     * @param minCapacity bytes needed
     * @return the capacity a request for {@code minCapacity} bytes gets
     */
    public int capacityFor(final int minCapacity)
    {
        if (minCapacity <= segmentSize)
        {
            return segmentSize;
        }
        if (minCapacity <= maxPooledSize)
        {
            return Integer.highestOneBit(minCapacity - 1) << 1;
        }
        return (int)Math.min(BufferConfiguration.MAX_SEGMENT_SIZE,
            ((long)minCapacity + EXACT_ROUNDING - 1) & -EXACT_ROUNDING);
    }

    synchronized Segment acquire(final int minCapacity)
    {
        if (closed)
        {
            throw new IllegalStateException("segment pool is closed");
        }
        if (minCapacity > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            throw new IllegalArgumentException("segment larger than 1 GiB: " + minCapacity);
        }
        final int capacity = capacityFor(minCapacity);
        final int cls = capacity <= maxPooledSize ?
            Integer.numberOfTrailingZeros(capacity) - Integer.numberOfTrailingZeros(segmentSize) : -1;
        Segment s;
        if (cls >= 0 && freeCount[cls] > 0)
        {
            final int i = --freeCount[cls];
            s = free[cls][i];
            free[cls][i] = null;
            freeBytes -= s.capacity;
        }
        else
        {
            final long address = UnsafeApi.allocateMemory(capacity);
            allocatedBytes += capacity;
            s = new Segment(this, address, capacity, cls);
        }
        acquisitions++;
        outstandingSegments++;
        outstandingBytes += s.capacity;
        s.kind = Segment.POOLED;
        s.start = 0;
        s.length = 0;
        s.immutable = false;
        s.refCount = 1;
        s.next = null;
        return s;
    }

    synchronized void release(final Segment s)
    {
        outstandingSegments--;
        outstandingBytes -= s.capacity;
        final int cls = s.sizeClass;
        if (!closed && cls >= 0 && freeCount[cls] < maxFreePerClass)
        {
            Segment[] list = free[cls];
            if (freeCount[cls] == list.length)
            {
                list = java.util.Arrays.copyOf(list, Math.min(maxFreePerClass, list.length * 2));
                free[cls] = list;
            }
            list[freeCount[cls]++] = s;
            freeBytes += s.capacity;
        }
        else
        {
            UnsafeApi.freeMemory(s.address);
            allocatedBytes -= s.capacity;
        }
    }

    synchronized Segment acquireWrapper()
    {
        if (closed)
        {
            throw new IllegalStateException("segment pool is closed");
        }
        final Segment s;
        if (freeWrapperCount > 0)
        {
            s = freeWrappers[--freeWrapperCount];
            freeWrappers[freeWrapperCount] = null;
        }
        else
        {
            s = new Segment(this);
        }
        outstandingWrappers++;
        s.start = 0;
        s.length = 0;
        s.immutable = true;
        s.refCount = 1;
        s.next = null;
        return s;
    }

    synchronized void recycleWrapper(final Segment s)
    {
        outstandingWrappers--;
        s.pointAt(0, 0);
        if (!closed && freeWrapperCount < maxFreePerClass)
        {
            if (freeWrapperCount == freeWrappers.length)
            {
                freeWrappers = java.util.Arrays.copyOf(freeWrappers, freeWrappers.length * 2);
            }
            freeWrappers[freeWrapperCount++] = s;
        }
    }

    /**
     * Returns every free segment's memory to the OS. Outstanding segments stay valid and are freed
     * when released; acquiring after close throws {@link IllegalStateException}. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int c = 0; c < classCount; c++)
        {
            for (int i = 0; i < freeCount[c]; i++)
            {
                final Segment s = free[c][i];
                UnsafeApi.freeMemory(s.address);
                allocatedBytes -= s.capacity;
                free[c][i] = null;
            }
            freeCount[c] = 0;
        }
        freeBytes = 0;
        freeWrapperCount = 0;
        java.util.Arrays.fill(freeWrappers, null);
    }

    /**
     * @return true once {@link #close()} has run
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }
}
