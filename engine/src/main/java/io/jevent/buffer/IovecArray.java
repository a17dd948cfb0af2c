package io.jevent.buffer;

import org.agrona.UnsafeApi;

/**
 * A native array of {@code struct iovec {void *iov_base; size_t iov_len;}} for one readv or writev,
 * filled by {@link Evbuffer#prepareRead(int, IovecArray)} and
 * {@link Evbuffer#prepareWrite(long, IovecArray)}. It lives off-heap for the life of its owner
 * (normally one per event loop) and is passed to native code by {@link #address()}. LP64 only:
 * 16 bytes per entry. Not thread-safe. {@link #close()} frees it. When the preparation that filled
 * it ends (commit, next preparation, any change of that buffer, its free) while no other buffer has
 * filled it since, the buffer sets every length to 0, so a stale readv or writev moves nothing.
 */
public final class IovecArray implements AutoCloseable
{
    /** Bytes per {@code struct iovec} on LP64 Linux. */
    public static final int IOVEC_SIZE = 16;

    private final int capacity;
    private long address;
    private int count;
    /** The buffer whose I/O preparation the entries describe, or null. */
    Evbuffer preparedBy;

    /**
     * @param capacity entries, 1 to {@link BufferConfiguration#IOV_MAX}
     */
    public IovecArray(final int capacity)
    {
        if (capacity < 1 || capacity > BufferConfiguration.IOV_MAX)
        {
            throw new IllegalArgumentException("capacity must be in [1, IOV_MAX]: " + capacity);
        }
        this.capacity = capacity;
        this.address = UnsafeApi.allocateMemory((long)capacity * IOVEC_SIZE);
    }

    /**
     * @return the native address of entry 0, to pass to readv/writev
     */
    public long address()
    {
        checkOpen();
        return address;
    }

    /**
     * @return the number of entries
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return how many entries the last fill wrote
     */
    public int count()
    {
        return count;
    }

    /**
     * @param i entry index, below {@link #count()}
     * @return iov_base of entry i
     */
    public long base(final int i)
    {
        check(i);
        return UnsafeApi.getLong(address + (long)i * IOVEC_SIZE);
    }

    /**
     * @param i entry index, below {@link #count()}
     * @return iov_len of entry i
     */
    public long length(final int i)
    {
        check(i);
        return UnsafeApi.getLong(address + (long)i * IOVEC_SIZE + 8);
    }

    void set(final int i, final long base, final long length)
    {
        checkOpen();
        final long p = address + (long)i * IOVEC_SIZE;
        UnsafeApi.putLong(p, base);
        UnsafeApi.putLong(p + 8, length);
    }

    void count(final int count)
    {
        this.count = count;
    }

    /**
     * Ends the preparation of {@code buffer}, if the entries are still its own: sets their lengths
     * to 0 so that a readv or writev through them moves nothing.
     */
    void revoke(final Evbuffer buffer)
    {
        if (preparedBy == buffer)
        {
            preparedBy = null;
            if (0 != address)
            {
                for (int i = 0; i < count; i++)
                {
                    UnsafeApi.putLong(address + (long)i * IOVEC_SIZE + 8, 0L);
                }
            }
        }
    }

    /**
     * Frees the native array. Idempotent.
     */
    @Override
    public void close()
    {
        if (0 != address)
        {
            UnsafeApi.freeMemory(address);
            address = 0;
            count = 0;
        }
    }

    void checkOpen()
    {
        if (0 == address)
        {
            throw new IllegalStateException("iovec array is closed");
        }
    }

    private void check(final int i)
    {
        checkOpen();
        if (i < 0 || i >= count)
        {
            throw new IndexOutOfBoundsException("iovec " + i + " of " + count);
        }
    }
}
