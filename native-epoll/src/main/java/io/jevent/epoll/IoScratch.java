package io.jevent.epoll;

import io.jevent.buffer.BufferConfiguration;
import io.jevent.buffer.BufferOwner;
import io.jevent.buffer.IovecArray;
import io.jevent.loop.IoCounters;
import org.agrona.UnsafeApi;

/**
 * The native scratch of one loop's data path: the iovec array and the msghdr that {@code readv} and
 * {@code sendmsg} take. One per {@link EpollBackend}, handed to every transport made through that
 * backend, so it is used only by the thread running that loop, whichever thread created the
 * transport; freed with the backend, after which a transport's I/O fails with EBADF instead of
 * touching freed memory.
 */
final class IoScratch
{
    private static final int MSGHDR_SIZE = 64;

    final IovecArray iov = new IovecArray(BufferConfiguration.IOV_MAX);
    final long msghdr = UnsafeApi.allocateMemory(MSGHDR_SIZE);
    /** The loop's data-path counters, written by the transports using this scratch. */
    final IoCounters counters = new IoCounters();
    /** The loop allowed to use this scratch, or null (a transport made outside any loop). */
    BufferOwner owner;
    private boolean closed;

    IoScratch()
    {
        UnsafeApi.setMemory(msghdr, MSGHDR_SIZE, (byte)0);
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Refuses the calling thread unless it runs the owning loop.
     */
    void checkThread()
    {
        final BufferOwner o = owner;
        if (null != o)
        {
            o.checkThread();
        }
    }

    void close()
    {
        if (!closed)
        {
            closed = true;
            iov.close();
            UnsafeApi.freeMemory(msghdr);
        }
    }
}
