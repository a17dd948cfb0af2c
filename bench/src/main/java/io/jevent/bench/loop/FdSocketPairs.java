package io.jevent.bench.loop;

import io.jevent.loop.Errno;
import io.jevent.epoll.LibC;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventCallback;
import org.agrona.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Socket pairs as raw fds from {@code socketpair(AF_UNIX, SOCK_STREAM)}, left blocking as bench.c
 * leaves them (only readable fds are read); 1-byte {@code recv}/{@code send} through
 * {@link LibC}'s direct-mapped natives on a 2-byte native scratch.
 */
final class FdSocketPairs extends SocketPairs
{
    private final int[] readFds;
    private final int[] writeFds;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(2);
    private final long recvAddress;
    private final long sendAddress;

    FdSocketPairs(final int n) throws IOException
    {
        super(n);
        LibC.ensureAvailable();
        readFds = new int[n];
        writeFds = new int[n];
        recvAddress = BufferUtil.address(scratch);
        sendAddress = recvAddress + 1;
        scratch.put(1, (byte)'e');
        for (int i = 0; i < n; i++)
        {
            final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM);
            if (-1 == pair)
            {
                final int err = LibC.errno();
                closeFirst(i);
                throw new IOException("socketpair #" + i + " failed: " + Errno.name(err) +
                    " (raise ulimit -n to at least " + (2L * n + 50) + ")");
            }
            readFds[i] = LibC.firstFd(pair);
            writeFds[i] = LibC.secondFd(pair);
        }
    }

    @Override
    public Event newReadEvent(final EventBase base, final int i, final int events, final EventCallback callback)
    {
        return base.newEvent(readFds[i], events, callback);
    }

    @Override
    public int recvOne(final int i)
    {
        return (int)LibC.recv(readFds[i], recvAddress, 1, 0);
    }

    @Override
    public int sendOne(final int i)
    {
        return (int)LibC.send(writeFds[i], sendAddress, 1, 0);
    }

    @Override
    public void close()
    {
        closeFirst(n);
    }

    private void closeFirst(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            LibC.close(readFds[i]);
            LibC.close(writeFds[i]);
        }
    }
}
