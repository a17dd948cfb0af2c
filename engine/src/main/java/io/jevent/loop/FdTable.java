package io.jevent.loop;

import java.util.Arrays;

/**
 * fd → {@link FdRecord}, a flat array indexed by fd as libevent's evmap does: fds are small dense
 * integers, so a lookup is one bounds check and one load.
 */
public final class FdTable
{
    /** Linux's default {@code fs.nr_open}: fd numbers below it need no further check. */
    static final int DEFAULT_NR_OPEN = 1 << 20;

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
     * @return the fd's record, made on first use, or null for a number no kernel fd can have (at or
     *     above {@code fs.nr_open}, the ceiling of RLIMIT_NOFILE), so a bogus number never grows the table
     */
    FdRecord getOrCreate(final int fd)
    {
        if (fd < 0 || (fd >= DEFAULT_NR_OPEN && fd >= nrOpen()))
        {
            return null;
        }
        if (fd >= records.length)
        {
            records = Arrays.copyOf(records, (int)Math.min(Integer.MAX_VALUE, Math.max(fd + 1L, records.length * 2L)));
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

    /**
     * @return {@code fs.nr_open} as the kernel reports it now, or {@link #DEFAULT_NR_OPEN} if it cannot
     *     be read (only asked about fds at or above the default, which a normal process never has)
     */
    private static long nrOpen()
    {
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.FileReader("/proc/sys/fs/nr_open",
            java.nio.charset.StandardCharsets.US_ASCII)))
        {
            final String line = in.readLine();
            return null == line ? DEFAULT_NR_OPEN : Long.parseLong(line.trim());
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return DEFAULT_NR_OPEN;
        }
    }
}
