package io.jevent.loop;

/**
 * The data-path counters of one loop's backend: every read and write syscall its transports make
 * (with what it returned) and every poll. Written only by the loop thread with plain stores, so a
 * count costs one add; {@link EventBase#counters()} copies them into {@link LoopCounters}.
 * <p>
 * A read that returns EAGAIN is counted in {@link #reads} and {@link #emptyReads}: the adaptive
 * read path should make almost none, because a short read already tells that the socket is drained.
 */
public final class IoCounters
{
    long polls;
    long reads;
    long emptyReads;
    long bytesRead;
    long writes;
    long partialWrites;
    long bytesWritten;

    /**
     * Counts one poll syscall (epoll_wait, select), blocking or not.
     */
    public void polled()
    {
        polls++;
    }

    /**
     * Counts one read syscall.
     *
     * @param result bytes read (&gt; 0), 0 at EOF, or negative for EAGAIN and errors
     *     ({@link Transport#AGAIN} counts as an empty read)
     */
    public void read(final long result)
    {
        reads++;
        if (result > 0)
        {
            bytesRead += result;
        }
        else if (Transport.AGAIN == result)
        {
            emptyReads++;
        }
    }

    /**
     * Counts one write syscall.
     *
     * @param result    bytes written, or negative for EAGAIN and errors
     * @param attempted bytes offered to the call
     */
    public void wrote(final long result, final long attempted)
    {
        writes++;
        if (result > 0)
        {
            bytesWritten += result;
        }
        if (result < attempted)
        {
            partialWrites++;
        }
    }

    void copyTo(final LoopCounters c)
    {
        c.polls = polls;
        c.reads = reads;
        c.emptyReads = emptyReads;
        c.bytesRead = bytesRead;
        c.writes = writes;
        c.partialWrites = partialWrites;
        c.bytesWritten = bytesWritten;
    }
}
