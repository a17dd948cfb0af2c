package io.jevent.epoll;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.IovecArray;
import io.jevent.loop.Errno;
import io.jevent.loop.Transport;
import org.agrona.UnsafeApi;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * {@link Transport} on a raw socket fd: one {@code readv} into up to 4 free tail extents of the input,
 * one {@code sendmsg(MSG_NOSIGNAL)} over up to IOV_MAX data extents of the output (writev cannot
 * suppress SIGPIPE; sendmsg can), no copy either way. The iovec array, msghdr and sockaddr scratch are
 * per thread, allocated once off-heap, so steady-state I/O allocates nothing.
 */
public final class NativeTransport implements Transport
{
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final SelectableChannel channel;
    private Scratch scratch;
    private int fd;
    private int lastError;

    /**
     * @param fd      a socket fd, or -1 to open one at {@link #connect}
     * @param channel the JDK channel owning the fd, if any (kept reachable, closed by {@link #close()})
     */
    public NativeTransport(final int fd, final SelectableChannel channel)
    {
        this.fd = fd;
        this.channel = channel;
    }

    /**
     * The calling thread's scratch, looked up once: a transport is used by its loop thread only.
     */
    private Scratch scratch()
    {
        Scratch s = scratch;
        if (null == s)
        {
            s = SCRATCH.get();
            scratch = s;
        }
        return s;
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
        final IovecArray iov = scratch().iov;
        final int k = in.prepareRead(max, iov);
        if (k <= 0)
        {
            lastError = Errno.EINVAL;
            return 0 == k ? AGAIN : ERROR;
        }
        final long n = LibC.readv(fd, iov.address(), k);
        if (n > 0)
        {
            in.commitRead(n);
            return n;
        }
        return 0 == n ? 0 : failed();
    }

    @Override
    public long write(final Evbuffer out, final long max)
    {
        final Scratch s = scratch();
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
        UnsafeApi.putLong(s.msghdr + 16, s.iov.address());
        UnsafeApi.putLong(s.msghdr + 24, k);
        final long n = LibC.sendmsg(fd, s.msghdr, LibC.MSG_NOSIGNAL);
        if (n >= 0)
        {
            out.commitWrite(n);
            return n;
        }
        return failed();
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
        final Scratch s = scratch();
        final int len = SockAddr.write(address, s.sockaddr);
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
        if (0 == LibC.connect(fd, s.sockaddr, len))
        {
            return CONNECTED;
        }
        final int err = LibC.errno();
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
    public int setIntOption(final int level, final int option, final int value)
    {
        final Scratch s = scratch();
        UnsafeApi.putInt(s.opt, value);
        if (0 == LibC.setsockopt(fd, level, option, s.opt, 4))
        {
            return 0;
        }
        lastError = LibC.errno();
        return -1;
    }

    /**
     * Reads an int socket option.
     *
     * @param level  SOL_SOCKET, IPPROTO_TCP …
     * @param option the option
     * @return its value, or -1 (see {@link #lastError()})
     */
    public int getIntOption(final int level, final int option)
    {
        final Scratch s = scratch();
        UnsafeApi.putInt(s.opt + 4, 4);
        if (0 == LibC.getsockopt(fd, level, option, s.opt, s.opt + 4))
        {
            return UnsafeApi.getInt(s.opt);
        }
        lastError = LibC.errno();
        return -1;
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        final Scratch s = scratch();
        UnsafeApi.putInt(s.opt + 8, SockAddr.STORAGE_SIZE);
        return 0 == LibC.getpeername(fd, s.sockaddr, s.opt + 8) ? SockAddr.read(s.sockaddr) : null;
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

    /**
     * Per-thread native scratch: iovec array, msghdr, sockaddr, option value.
     */
    private static final class Scratch
    {
        final IovecArray iov = new IovecArray(io.jevent.buffer.BufferConfiguration.IOV_MAX);
        final long msghdr = UnsafeApi.allocateMemory(64);
        final long sockaddr = UnsafeApi.allocateMemory(SockAddr.STORAGE_SIZE);
        final long opt = UnsafeApi.allocateMemory(16);

        Scratch()
        {
            UnsafeApi.setMemory(msghdr, 64, (byte)0);
        }
    }
}
