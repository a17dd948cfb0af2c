package io.jevent.loop;

import java.util.Arrays;

/**
 * fd → {@link FdRecord}, a flat array indexed by fd as libevent's evmap does: fds are small dense
 * integers, so a lookup is one bounds check and one load.
 */
public final class FdTable
{
    /**
     * No fd number reaches this: the kernel's {@code fs.nr_open} (the ceiling of RLIMIT_NOFILE),
     * read once, 1 Mi where it cannot be read. An event on a larger number is refused rather than
     * growing the table towards it.
     */
    static final int FD_LIMIT = fdLimit();

    private FdRecord[] records = new FdRecord[1024];

    /**
     * @param fd an fd number
     * @return its record, or null if nothing was ever registered on it
     */
    public FdRecord get(final int fd)
    {
        return fd >= 0 && fd < records.length ? records[fd] : null;
    }

    /**
     * @return the fd's record, made on first use, or null for a number no kernel fd can have
     */
    FdRecord getOrCreate(final int fd)
    {
        if (fd < 0 || fd >= FD_LIMIT)
        {
            return null;
        }
        if (fd >= records.length)
        {
            records = Arrays.copyOf(records, (int)Math.min(FD_LIMIT, Math.max(fd + 1L, records.length * 2L)));
        }
        FdRecord r = records[fd];
        if (null == r)
        {
            r = new FdRecord(fd);
            records[fd] = r;
        }
        return r;
    }

    int capacity()
    {
        return records.length;
    }

    private static int fdLimit()
    {
        try
        {
            final String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/fs/nr_open")).trim();
            return (int)Math.max(1024, Math.min(Integer.MAX_VALUE, Long.parseLong(s)));
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return 1 << 20;
        }
    }
}
