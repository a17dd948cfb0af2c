package io.jevent.epoll;

import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.Errno;
import io.jevent.loop.ListenSocket;
import io.jevent.loop.TransportFactory;
import org.agrona.UnsafeApi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * {@link ListenSocket} on a raw fd: {@code accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)}, one syscall that
 * also writes the peer's address into native scratch owned by this listener (used by its loop thread
 * only), so accepting allocates nothing until someone asks for the address as an object.
 * {@link #localAddress()} takes native memory of its own for the call, so it is safe from any thread;
 * after {@link #close()} every call fails without touching the freed scratch.
 */
public final class NativeListenSocket implements ListenSocket
{
    private static final AcceptedSocket.SockaddrDecoder DECODER = SockAddr::read;
    private static final int DEFAULT_BACKLOG = 128;

    private final SelectableChannel channel;
    private final long scratch = UnsafeApi.allocateMemory(SockAddr.STORAGE_SIZE + 16);
    private int fd;
    private int lastError;
    private AcceptedSocket lastAccepted;

    /**
     * @param fd      a bound socket fd
     * @param channel the JDK channel owning it, or null
     */
    public NativeListenSocket(final int fd, final SelectableChannel channel)
    {
        this.fd = fd;
        this.channel = channel;
    }

    /**
     * Creates a non-blocking socket with SO_KEEPALIVE (and REUSEADDR/REUSEPORT/V6ONLY as flagged),
     * binds and listens; on any failure closes it and throws.
     *
     * @param address where to bind
     * @param flags   {@link TransportFactory} LISTEN_* flags
     * @param backlog listen backlog
     * @return the socket
     */
    public static NativeListenSocket open(final InetSocketAddress address, final int flags, final int backlog)
    {
        final NativeListenSocket s = new NativeListenSocket(-1, null);
        final int len = SockAddr.write(address, s.scratch);
        final int family = SockAddr.IN_SIZE == len ? LibC.AF_INET : LibC.AF_INET6;
        s.fd = LibC.socket(family, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0);
        if (s.fd < 0)
        {
            throw s.failure("socket", address);
        }
        if (s.option(LibC.SOL_SOCKET, LibC.SO_KEEPALIVE, 1) ||
            (0 != (flags & TransportFactory.LISTEN_REUSEADDR) && s.option(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1)) ||
            (0 != (flags & TransportFactory.LISTEN_REUSEPORT) && s.option(LibC.SOL_SOCKET, LibC.SO_REUSEPORT, 1)) ||
            (LibC.AF_INET6 == family && 0 != (flags & TransportFactory.LISTEN_IPV6ONLY) &&
            s.option(LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, 1)))
        {
            throw s.failure("setsockopt", address);
        }
        SockAddr.write(address, s.scratch);
        if (0 != LibC.bind(s.fd, s.scratch, len))
        {
            throw s.failure("bind", address);
        }
        if (0 != LibC.listen(s.fd, backlog))
        {
            throw s.failure("listen", address);
        }
        return s;
    }

    /**
     * Wraps a listening or bound fd.
     *
     * @param fd      the fd
     * @param backlog above 0: listen(backlog); below 0: listen(128); 0: already listening
     * @return the socket
     */
    public static NativeListenSocket wrap(final int fd, final int backlog)
    {
        final NativeListenSocket s = new NativeListenSocket(fd, null);
        if (0 != backlog && 0 != LibC.listen(fd, backlog > 0 ? backlog : DEFAULT_BACKLOG))
        {
            final int err = LibC.errno();
            UnsafeApi.freeMemory(s.scratch);
            throw new UncheckedIOException(new IOException("listen fd " + fd + ": " + Errno.message(err)));
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
    public int accept(final AcceptedSocket into, final boolean nonBlocking)
    {
        if (fd < 0)
        {
            lastError = Errno.EBADF;
            return -1;
        }
        UnsafeApi.putInt(scratch + SockAddr.STORAGE_SIZE, SockAddr.STORAGE_SIZE);
        final int c = LibC.accept4(fd, scratch, scratch + SockAddr.STORAGE_SIZE,
            LibC.SOCK_CLOEXEC | (nonBlocking ? LibC.SOCK_NONBLOCK : 0));
        if (c >= 0)
        {
            into.setRaw(c, scratch, DECODER);
            lastAccepted = into;
            return 1;
        }
        final int err = LibC.errno();
        if (Errno.EAGAIN == err)
        {
            return 0;
        }
        lastError = err;
        return -1;
    }

    @Override
    public void reject(final AcceptedSocket socket)
    {
        LibC.close(socket.fd());
    }

    @Override
    public InetSocketAddress localAddress()
    {
        if (fd < 0)
        {
            return null;
        }
        final long addr = UnsafeApi.allocateMemory(SockAddr.STORAGE_SIZE + 16);
        try
        {
            UnsafeApi.putInt(addr + SockAddr.STORAGE_SIZE, SockAddr.STORAGE_SIZE);
            return 0 == LibC.getsockname(fd, addr, addr + SockAddr.STORAGE_SIZE) ? SockAddr.read(addr) : null;
        }
        finally
        {
            UnsafeApi.freeMemory(addr);
        }
    }

    @Override
    public int lastError()
    {
        return lastError;
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
        freeScratch();
    }

    @Override
    public void release()
    {
        if (fd >= 0)
        {
            fd = -1;
            freeScratch();
        }
    }

    private void freeScratch()
    {
        if (null != lastAccepted)
        {
            lastAccepted.detach(scratch);
            lastAccepted = null;
        }
        UnsafeApi.freeMemory(scratch);
    }

    private boolean option(final int level, final int name, final int value)
    {
        UnsafeApi.putInt(scratch + SockAddr.STORAGE_SIZE + 8, value);
        return 0 != LibC.setsockopt(fd, level, name, scratch + SockAddr.STORAGE_SIZE + 8, 4);
    }

    private UncheckedIOException failure(final String what, final InetSocketAddress address)
    {
        lastError = LibC.errno();
        if (fd >= 0)
        {
            LibC.close(fd);
            fd = -1;
        }
        UnsafeApi.freeMemory(scratch);
        return new UncheckedIOException(new IOException(what + " " + address + ": " + Errno.name(lastError) + " " +
            Errno.message(lastError)));
    }
}
