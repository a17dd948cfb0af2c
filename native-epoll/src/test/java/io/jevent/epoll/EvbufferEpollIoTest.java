package io.jevent.epoll;

import io.jevent.buffer.BufferConfiguration;
import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.EvbufferTransportSuite;
import io.jevent.buffer.IovecArray;
import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;

/**
 * {@link EvbufferTransportSuite} through {@code read}/{@code readv}/{@code writev} as the epoll
 * transport drives a buffer: {@code prepareRead/commitRead} and {@code prepareWrite/commitWrite} over an
 * {@link IovecArray}, on a non-blocking {@code pipe2} and an AF_UNIX {@code socketpair}.
 */
class EvbufferEpollIoTest extends EvbufferTransportSuite
{
    private static final int SCRATCH = 256 * 1024;
    private static final long BYTE_BASE = UnsafeApi.arrayBaseOffset(byte[].class);

    private final IovecArray iov = new IovecArray(BufferConfiguration.IOV_MAX);
    private IovecArray small;
    private IovecArray current = iov;
    private final long scratch = UnsafeApi.allocateMemory(SCRATCH);
    private int readFd = -1;
    private int writeFd = -1;

    @BeforeAll
    static void requireLibC()
    {
        LibC.ensureAvailable();
    }

    @Override
    protected void openPipe()
    {
        open(LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC));
    }

    @Override
    protected void openSocketPair()
    {
        open(LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC));
    }

    private void open(final long pair)
    {
        if (-1 == pair)
        {
            throw new IllegalStateException(Errno.name(LibC.errno()));
        }
        readFd = LibC.firstFd(pair);
        writeFd = LibC.secondFd(pair);
    }

    @Override
    protected void closeAll() throws IOException
    {
        closeWriteEnd();
        if (-1 != readFd)
        {
            check(LibC.close(readFd));
            readFd = -1;
        }
        iov.close();
        if (null != small)
        {
            small.close();
        }
        UnsafeApi.freeMemory(scratch);
    }

    @Override
    protected void closeWriteEnd() throws IOException
    {
        if (-1 != writeFd)
        {
            check(LibC.close(writeFd));
            writeFd = -1;
        }
    }

    @Override
    protected int send(final byte[] data, final int off, final int len) throws IOException
    {
        final int chunk = Math.min(len, SCRATCH);
        UnsafeApi.copyMemory(data, BYTE_BASE + off, null, scratch, chunk);
        return (int)again(LibC.write(writeFd, scratch, chunk));
    }

    @Override
    protected int receive(final byte[] dst, final int off, final int len) throws IOException
    {
        final long n = LibC.read(readFd, scratch, Math.min(len, SCRATCH));
        if (0 == n)
        {
            return -1;
        }
        final long got = again(n);
        UnsafeApi.copyMemory(null, scratch, dst, BYTE_BASE + off, got);
        return (int)got;
    }

    @Override
    protected int prepareRead(final Evbuffer b, final int howmuch, final int capacity)
    {
        return b.prepareRead(howmuch, arrayOf(capacity));
    }

    @Override
    protected int prepareWrite(final Evbuffer b, final long howmuch, final int capacity)
    {
        return b.prepareWrite(howmuch, arrayOf(capacity));
    }

    @Override
    protected long extentAddress(final int i)
    {
        return current.base(i);
    }

    @Override
    protected long extentLength(final int i)
    {
        return current.length(i);
    }

    @Override
    protected long readPrepared(final int k) throws IOException
    {
        final long n = 1 == k ? LibC.read(readFd, current.base(0), current.length(0)) :
            LibC.readv(readFd, current.address(), k);
        return 0 == n ? -1 : again(n);
    }

    @Override
    protected long writePrepared(final int k) throws IOException
    {
        return again(LibC.writev(writeFd, current.address(), k));
    }

    @Override
    protected long readOnce(final Evbuffer b, final int howmuch) throws IOException
    {
        final int k = prepareRead(b, howmuch, BufferConfiguration.IOV_MAX);
        if (k <= 0)
        {
            return k < 0 ? Evbuffer.FROZEN : 0;
        }
        final long n = readPrepared(k);
        if (n < 0)
        {
            return Evbuffer.EOF;
        }
        check(b.commitRead(n));
        return n;
    }

    @Override
    protected long writeOnce(final Evbuffer b, final long howmuch) throws IOException
    {
        final int k = prepareWrite(b, howmuch, BufferConfiguration.IOV_MAX);
        if (k <= 0)
        {
            return k < 0 ? Evbuffer.FROZEN : 0;
        }
        final long n = writePrepared(k);
        check(b.commitWrite(n));
        return n;
    }

    private IovecArray arrayOf(final int capacity)
    {
        if (capacity == iov.capacity())
        {
            current = iov;
        }
        else
        {
            if (null == small || small.capacity() != capacity)
            {
                if (null != small)
                {
                    small.close();
                }
                small = new IovecArray(capacity);
            }
            current = small;
        }
        return current;
    }

    /**
     * @return n, or 0 for a -1 with EAGAIN
     */
    private static long again(final long n) throws IOException
    {
        if (n >= 0)
        {
            return n;
        }
        if (Errno.EAGAIN != LibC.errno())
        {
            throw new IOException(Errno.name(LibC.errno()));
        }
        return 0;
    }

    private static void check(final int result) throws IOException
    {
        if (0 != result)
        {
            throw new IOException("failed: " + result + " " + Errno.name(LibC.errno()));
        }
    }
}
