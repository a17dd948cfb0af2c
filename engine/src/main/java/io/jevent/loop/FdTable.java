package io.jevent.loop;

import java.util.Arrays;

/**
 * fd → {@link FdRecord}, a flat array indexed by fd as libevent's evmap does: fds are small dense
 * integers, so a lookup is one bounds check and one load.
 */
public final class FdTable
{
    private FdRecord[] records = new FdRecord[1024];

    /**
     * @param fd an fd number
     * @return its record, or null if nothing was ever registered on it
     */
    public FdRecord get(final int fd)
    {
        return fd >= 0 && fd < records.length ? records[fd] : null;
    }

    FdRecord getOrCreate(final int fd)
    {
        if (fd >= records.length)
        {
            records = Arrays.copyOf(records, Math.max(fd + 1, records.length * 2));
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
}
