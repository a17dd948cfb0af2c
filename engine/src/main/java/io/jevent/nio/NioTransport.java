package io.jevent.nio;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.Errno;
import io.jevent.loop.IoCounters;
import io.jevent.loop.Transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * {@link Transport} over a non-blocking {@link SocketChannel}: scattering reads and gathering writes
 * straight into and out of an {@link Evbuffer}'s segments ({@link Evbuffer#readFrom},
 * {@link Evbuffer#writeTo}), no intermediate copy. The JDK already ignores SIGPIPE, so a write to a
 * closed peer is an IOException, mapped to {@link #ERROR} with EPIPE or ECONNRESET.
 * <p>
 * An {@link ExceptionInInitializerError} or {@link NoClassDefFoundError} out of a JDK socket call (a
 * JDK class that could not initialise, typically for want of fds; the backend's {@code NioWarmup}
 * makes that unlikely) is not mapped to an errno on this connection but rethrown as the explanatory
 * {@link InternalError} of {@code NioWarmup.unusable}, and so leaves the loop: the class stays broken
 * for the JVM's life, every connection would fail the same way and, on JDK 17, could no longer even
 * close its fd.
 */
public final class NioTransport implements Transport
{
    private final io.jevent.buffer.BufferOwner owner;
    private final IoCounters counters;
    private SocketChannel channel;
    private int lastError;
    private String lastMessage;

    /**
     * @param channel a socket channel, or null to open one at {@link #connect}
     */
    public NioTransport(final SocketChannel channel)
    {
        this(channel, null, new IoCounters());
    }

    /**
     * @param channel a socket channel, or null to open one at {@link #connect}
     * @param owner    the loop whose thread alone may read and write through it, or null
     * @param counters where its reads and writes are counted (the loop's)
     */
    public NioTransport(final SocketChannel channel, final io.jevent.buffer.BufferOwner owner,
        final IoCounters counters)
    {
        this.owner = owner;
        this.counters = counters;
        this.channel = channel;
        if (null != channel)
        {
            configure(channel);
        }
    }

    @Override
    public int fd()
    {
        return null == channel ? -1 : io.jevent.loop.ChannelFds.fdOf(channel);
    }

    @Override
    public SelectableChannel channel()
    {
        return channel;
    }

    @Override
    public long read(final Evbuffer in, final int max)
    {
        checkThread();
        if (null == channel)
        {
            return noSocket();
        }
        try
        {
            final long n = in.readFrom(channel, max);
            if (n > 0)
            {
                counters.read(n);
                return n;
            }
            if (Evbuffer.EOF == n)
            {
                counters.read(0);
                return 0;
            }
            if (0 == n)
            {
                counters.read(AGAIN);
                return AGAIN;
            }
            return fail(Errno.EINVAL, "input end frozen");
        }
        catch (final java.nio.channels.NotYetConnectedException ex)
        {
            return AGAIN;
        }
        catch (final IOException ex)
        {
            return fail(ex);
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("read", ex);
        }
    }

    @Override
    public long write(final Evbuffer out, final long max)
    {
        checkThread();
        if (null == channel)
        {
            return noSocket();
        }
        try
        {
            final long n = out.writeTo(channel, max);
            if (n < 0)
            {
                return fail(Errno.EINVAL, "output start frozen");
            }
            final long offered = out.preparedBytes();
            if (offered > 0)
            {
                counters.wrote(n, offered);
            }
            return 0 == n && out.length() > 0 ? AGAIN : n;
        }
        catch (final IOException ex)
        {
            return fail(ex);
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("write", ex);
        }
    }

    @Override
    public int connect(final InetSocketAddress address)
    {
        if (address.isUnresolved())
        {
            fail(Errno.EINVAL, "unresolved address " + address);
            return -1;
        }
        try
        {
            if (null == channel)
            {
                channel = SocketChannel.open();
                configure(channel);
            }
            return channel.connect(address) ? CONNECTED : IN_PROGRESS;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return -1;
        }
        catch (final UnsupportedAddressTypeException | UnresolvedAddressException ex)
        {
            fail(Errno.EINVAL, ex.toString());
            return -1;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("connect", ex);
        }
    }

    @Override
    public int finishConnect()
    {
        if (null == channel)
        {
            noSocket();
            return -1;
        }
        try
        {
            return channel.finishConnect() ? 1 : 0;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return -1;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("finishConnect", ex);
        }
    }

    @Override
    public int setTcpNoDelay(final boolean on)
    {
        if (null == channel)
        {
            noSocket();
            return -1;
        }
        try
        {
            if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY))
            {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, on);
            }
            return 0;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return -1;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("setOption", ex);
        }
    }

    @Override
    public int setBufferSize(final boolean send, final int bytes)
    {
        if (null == channel)
        {
            noSocket();
            return -1;
        }
        try
        {
            channel.setOption(send ? StandardSocketOptions.SO_SNDBUF : StandardSocketOptions.SO_RCVBUF, bytes);
            return 0;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return -1;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("setOption", ex);
        }
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        try
        {
            final SocketAddress a = null == channel ? null : channel.getRemoteAddress();
            return a instanceof InetSocketAddress ? (InetSocketAddress)a : null;
        }
        catch (final IOException ex)
        {
            return null;
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
        return null == lastMessage ? Errno.message(lastError) : lastMessage;
    }

    @Override
    public void shutdownOutput()
    {
        try
        {
            if (null != channel && channel.isConnected())
            {
                channel.shutdownOutput();
            }
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("shutdownOutput", ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            if (null != channel)
            {
                channel.close();
            }
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("close", ex);
        }
    }

    /**
     * No socket yet (before {@link #connect}): EBADF, as the native transport reports for fd -1.
     */
    private long noSocket()
    {
        return fail(io.jevent.loop.Errno.EBADF, "no socket yet: connect first");
    }

    private void checkThread()
    {
        if (null != owner)
        {
            owner.checkThread();
        }
    }

    private static void configure(final SocketChannel ch)
    {
        try
        {
            ch.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private long fail(final int errno, final String message)
    {
        lastError = errno;
        lastMessage = message;
        return ERROR;
    }

    private long fail(final IOException ex)
    {
        return fail(errnoOf(ex), ex.toString());
    }

    static int errnoOf(final IOException ex)
    {
        final String m = String.valueOf(ex.getMessage());
        if (ex instanceof ConnectException || m.contains("refused"))
        {
            return Errno.ECONNREFUSED;
        }
        if (ex instanceof NoRouteToHostException)
        {
            return Errno.EHOSTUNREACH;
        }
        if (m.contains("reset"))
        {
            return Errno.ECONNRESET;
        }
        if (m.contains("Broken pipe"))
        {
            return Errno.EPIPE;
        }
        if (m.contains("timed out"))
        {
            return Errno.ETIMEDOUT;
        }
        if (m.contains("unreachable"))
        {
            return Errno.ENETUNREACH;
        }
        return Errno.EIO;
    }
}
