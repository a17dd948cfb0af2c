package io.jevent.nio;

import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.ChannelFds;
import io.jevent.loop.Errno;
import io.jevent.loop.ListenSocket;
import io.jevent.loop.TransportFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * {@link ListenSocket} over a non-blocking {@link ServerSocketChannel}. Accepting allocates the
 * SocketChannel the JDK makes; the peer address is read from it. A JDK class failing to initialise in
 * accept or close is rethrown as {@link NioTransport} does.
 */
public final class NioListenSocket implements ListenSocket
{
    private final ServerSocketChannel channel;
    private int lastError;

    /**
     * @param channel a bound ServerSocketChannel
     */
    public NioListenSocket(final ServerSocketChannel channel)
    {
        this.channel = channel;
        try
        {
            channel.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Opens, configures, binds and listens.
     *
     * @param address where to bind
     * @param flags   {@link TransportFactory} LISTEN_* flags
     * @param backlog listen backlog
     * @return the socket
     */
    public static NioListenSocket open(final InetSocketAddress address, final int flags, final int backlog)
    {
        ServerSocketChannel ch = null;
        try
        {
            ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, 0 != (flags & TransportFactory.LISTEN_REUSEADDR));
            if (0 != (flags & TransportFactory.LISTEN_REUSEPORT))
            {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(address, backlog);
            return new NioListenSocket(ch);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (null != ch)
            {
                try
                {
                    ch.close();
                }
                catch (final IOException ignored)
                {
                    ex.addSuppressed(ignored);
                }
            }
            throw ex instanceof IOException ? new UncheckedIOException("listen on " + address, (IOException)ex) :
                (RuntimeException)ex;
        }
    }

    @Override
    public int fd()
    {
        return ChannelFds.fdOf(channel);
    }

    @Override
    public SelectableChannel channel()
    {
        return channel;
    }

    @Override
    public int accept(final AcceptedSocket into, final boolean nonBlocking)
    {
        try
        {
            final SocketChannel c = channel.accept();
            if (null == c)
            {
                return 0;
            }
            c.configureBlocking(!nonBlocking);
            c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            into.set(ChannelFds.fdOf(c), c, (InetSocketAddress)c.getRemoteAddress());
            return 1;
        }
        catch (final IOException ex)
        {
            final String m = String.valueOf(ex.getMessage());
            lastError = m.contains("Too many open files") ? Errno.EMFILE : NioTransport.errnoOf(ex);
            return -1;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("accept", ex);
        }
    }

    @Override
    public void reject(final AcceptedSocket socket)
    {
        try
        {
            socket.channel().close();
        }
        catch (final IOException ex)
        {
            lastError = Errno.EIO;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("close", ex);
        }
    }

    @Override
    public InetSocketAddress localAddress()
    {
        try
        {
            return (InetSocketAddress)channel.getLocalAddress();
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
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            lastError = Errno.EIO;
        }
        catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
        {
            throw NioWarmup.unusable("close", ex);
        }
    }
}
