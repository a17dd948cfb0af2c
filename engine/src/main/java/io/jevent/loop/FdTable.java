package io.jevent.loop;

import java.util.Arrays;

/**
 * fd → {@link FdRecord}, a flat array indexed by fd as libevent's evmap does: fds are small dense
 * integers, so a lookup is one bounds check and one load.
 */
final class FdTable
{
    /** Where the process's open-file limit cannot be read: Linux's default {@code fs.nr_open}. */
    static final int DEFAULT_FD_CEILING = 1 << 20;

    private FdRecord[] records = new FdRecord[1024];

    /**
     * @param fd an fd number
     * @return its record, or null if nothing was ever registered on it
     */
    FdRecord get(final int fd)
    {
        return fd >= 0 && fd < records.length ? records[fd] : null;
    }

    /**
     * @return the fd's record, made on first use, or null for a number no fd of this process can have
     *     (at or above its hard RLIMIT_NOFILE, read when the table would grow), so a bogus number never
     *     grows the table
     */
    FdRecord getOrCreate(final int fd)
    {
        if (fd < 0)
        {
            return null;
        }
        if (fd >= records.length)
        {
            if (fd >= fdCeiling())
            {
                return null;
            }
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
     * @return the hard limit of open files of this process as the kernel reports it now (the
     *     "Max open files" line of /proc/self/limits; "unlimited" or unreadable gives
     *     {@link #DEFAULT_FD_CEILING})
     */
    static long fdCeiling()
    {
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.FileReader("/proc/self/limits",
            java.nio.charset.StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                if (line.startsWith("Max open files"))
                {
                    final String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f.length > 1 && !"unlimited".equals(f[1]) ? Long.parseLong(f[1]) : DEFAULT_FD_CEILING;
                }
            }
            return DEFAULT_FD_CEILING;
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return DEFAULT_FD_CEILING;
        }
    }
}
