package io.jevent.epoll;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.IovecArray;
import io.jevent.loop.Errno;
import io.jevent.loop.Transport;
import org.agrona.UnsafeApi;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * {@link Transport} on a raw socket fd, no copy either way: a read into the input's free tail is one
 * {@code read} when one extent holds what is asked for and one {@code readv} across several extents
 * otherwise; a write of the output's front is one {@code send(MSG_NOSIGNAL)} for a single extent and
 * one {@code sendmsg(MSG_NOSIGNAL)} over up to IOV_MAX extents otherwise (writev cannot suppress
 * SIGPIPE; sendmsg can). Every call is counted in the loop's {@link io.jevent.loop.IoCounters}.
 * <p>
 * The native scratch of {@link #read} and {@link #write} (iovec array, msghdr) belongs to the loop
 * whose backend made the transport ({@link IoScratch}), never to the thread that happened to create
 * it: a transport built on an acceptor thread and handed to a worker loop uses the worker's scratch,
 * so connections of different loops never share it. Steady-state I/O allocates nothing. The rare
 * control calls (connect, socket options, addresses) take a few bytes of native memory for the
 * duration of the call, so they are safe from any thread.
 */
public final class NativeTransport implements Transport
{
    private static final int OPT_SIZE = 16;

    private final SelectableChannel channel;
    private final IoScratch scratch;
    private final boolean ownsScratch;
    private int fd;
    private int lastError;

    /**
     * A transport with scratch of its own, for use outside an event loop (one thread at a time); the
     * scratch is freed by {@link #close()}.
     *
     * @param fd      a socket fd, or -1 to open one at {@link #connect}
     * @param channel the JDK channel owning the fd, if any (kept reachable, closed by {@link #close()})
     */
    public NativeTransport(final int fd, final SelectableChannel channel)
    {
        this(fd, channel, new IoScratch(), true);
    }

    NativeTransport(final int fd, final SelectableChannel channel, final IoScratch scratch)
    {
        this(fd, channel, scratch, false);
    }

    private NativeTransport(final int fd, final SelectableChannel channel, final IoScratch scratch,
        final boolean ownsScratch)
    {
        this.fd = fd;
        this.channel = channel;
        this.scratch = scratch;
        this.ownsScratch = ownsScratch;
    }

    @Override
    public int fd()
    {
        return fd;
    }

    @Override
    public SelectableChannel channel()
    {
        return channel;
    }

    @Override
    public long read(final Evbuffer in, final int max)
    {
        scratch.checkThread();
        if (scratch.isClosed() || fd < 0)
        {
            lastError = Errno.EBADF;
            return ERROR;
        }
        final IovecArray iov = scratch.iov;
        final int k = in.prepareRead(max, iov);
        if (k <= 0)
        {
            lastError = Errno.EINVAL;
            return 0 == k ? AGAIN : ERROR;
        }
        final long n = 1 == k ? LibC.read(fd, iov.base(0), iov.length(0)) : LibC.readv(fd, iov.address(), k);
        if (n > 0)
        {
            in.commitRead(n);
        }
        final long r = n >= 0 ? n : failed();
        scratch.counters.read(r);
        return r;
    }

    @Override
    public long write(final Evbuffer out, final long max)
    {
        scratch.checkThread();
        if (scratch.isClosed() || fd < 0)
        {
            lastError = Errno.EBADF;
            return ERROR;
        }
        final IoScratch s = scratch;
        final int k = out.prepareWrite(max, s.iov);
        if (k <= 0)
        {
            if (k < 0)
            {
                lastError = Errno.EINVAL;
                return ERROR;
            }
            return 0;
        }
        final long n;
        if (1 == k)
        {
            n = LibC.send(fd, s.iov.base(0), s.iov.length(0), LibC.MSG_NOSIGNAL);
        }
        else
        {
            UnsafeApi.putLong(s.msghdr + 16, s.iov.address());
            UnsafeApi.putLong(s.msghdr + 24, k);
            n = LibC.sendmsg(fd, s.msghdr, LibC.MSG_NOSIGNAL);
        }
        if (n >= 0)
        {
            out.commitWrite(n);
        }
        final long r = n >= 0 ? n : failed();
        s.counters.wrote(r, out.preparedBytes());
        return r;
    }

    /**
     * After a -1: EAGAIN and EINTR mean "try when ready", anything else is kept as the error.
     */
    private long failed()
    {
        final int err = LibC.errno();
        if (Errno.EAGAIN == err || Errno.EINTR == err)
        {
            return AGAIN;
        }
        lastError = err;
        return ERROR;
    }

    @Override
    public int connect(final InetSocketAddress address)
    {
        if (address.isUnresolved())
        {
            lastError = Errno.EINVAL;
            return -1;
        }
        final long sockaddr = UnsafeApi.allocateMemory(SockAddr.STORAGE_SIZE);
        final int rc;
        final int err;
        try
        {
            final int len = SockAddr.write(address, sockaddr);
            if (fd < 0)
            {
                final int family = SockAddr.IN_SIZE == len ? LibC.AF_INET : LibC.AF_INET6;
                fd = LibC.socket(family, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
                if (fd < 0)
                {
                    lastError = LibC.errno();
                    return -1;
                }
            }
            rc = LibC.connect(fd, sockaddr, len);
            err = 0 == rc ? 0 : LibC.errno();
        }
        finally
        {
            UnsafeApi.freeMemory(sockaddr);
        }
        if (0 == rc)
        {
            return CONNECTED;
        }
        if (Errno.EINPROGRESS == err || Errno.EINTR == err)
        {
            return IN_PROGRESS;
        }
        lastError = err;
        return -1;
    }

    @Override
    public int finishConnect()
    {
        final int err = getIntOption(LibC.SOL_SOCKET, LibC.SO_ERROR);
        if (0 == err)
        {
            return 1;
        }
        if (Errno.EINPROGRESS == err || Errno.EALREADY == err)
        {
            return 0;
        }
        lastError = err < 0 ? LibC.errno() : err;
        return -1;
    }

    @Override
    public int setTcpNoDelay(final boolean on)
    {
        return setIntOption(LibC.IPPROTO_TCP, LibC.TCP_NODELAY, on ? 1 : 0);
    }

    @Override
    public int setBufferSize(final boolean send, final int bytes)
    {
        return setIntOption(LibC.SOL_SOCKET, send ? LibC.SO_SNDBUF : LibC.SO_RCVBUF, bytes);
    }

    /**
     * Sets an int socket option.
     *
     * @param level  SOL_SOCKET, IPPROTO_TCP …
     * @param option the option
     * @param value  its value
     * @return 0 or -1 (see {@link #lastError()})
     */
    private int setIntOption(final int level, final int option, final int value)
    {
        final long opt = UnsafeApi.allocateMemory(OPT_SIZE);
        try
        {
            UnsafeApi.putInt(opt, value);
            if (0 == LibC.setsockopt(fd, level, option, opt, 4))
            {
                return 0;
            }
            lastError = LibC.errno();
            return -1;
        }
        finally
        {
            UnsafeApi.freeMemory(opt);
        }
    }

    /**
     * Reads an int socket option.
     *
     * @param level  SOL_SOCKET, IPPROTO_TCP …
     * @param option the option
     * @return its value, or -1 (see {@link #lastError()})
     */
    private int getIntOption(final int level, final int option)
    {
        final long opt = UnsafeApi.allocateMemory(OPT_SIZE);
        try
        {
            UnsafeApi.putInt(opt + 4, 4);
            if (0 == LibC.getsockopt(fd, level, option, opt, opt + 4))
            {
                return UnsafeApi.getInt(opt);
            }
            lastError = LibC.errno();
            return -1;
        }
        finally
        {
            UnsafeApi.freeMemory(opt);
        }
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        if (fd < 0)
        {
            return null;
        }
        final long sockaddr = UnsafeApi.allocateMemory(SockAddr.STORAGE_SIZE + OPT_SIZE);
        try
        {
            final long len = sockaddr + SockAddr.STORAGE_SIZE;
            UnsafeApi.putInt(len, SockAddr.STORAGE_SIZE);
            return 0 == LibC.getpeername(fd, sockaddr, len) ? SockAddr.read(sockaddr) : null;
        }
        finally
        {
            UnsafeApi.freeMemory(sockaddr);
        }
    }

    @Override
    public int lastError()
    {
        return lastError;
    }

    @Override
    public String lastErrorMessage()
    {
        return Errno.name(lastError) + " " + Errno.message(lastError);
    }

    @Override
    public void shutdownOutput()
    {
        if (fd >= 0)
        {
            LibC.shutdown(fd, LibC.SHUT_WR);
        }
    }

    @Override
    public void close()
    {
        if (ownsScratch)
        {
            scratch.close();
        }
        if (fd < 0)
        {
            return;
        }
        final int err = SocketFds.close(fd, channel);
        if (0 != err)
        {
            lastError = err;
        }
        fd = -1;
    }
}
