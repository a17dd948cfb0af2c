package io.jevent.bench.echo;

import io.jevent.bench.peers.NettyEchoServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code netty-epoll}: Netty 4.2's native epoll transport with one event loop thread, echo handler of
 * {@link NettyEchoServer} (write on read, flush on read complete, pooled direct buffers, TCP_NODELAY).
 * Its loop thread is captured by the thread factory, so CPU and allocation per message are measured
 * as for the other servers.
 */
public final class NettyEchoBenchServer implements EchoBenchServer
{
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private EventLoopGroup group;
    private Channel server;

    /**
     * @return true if Netty's native epoll loads here
     */
    public static boolean isAvailable()
    {
        return Epoll.isAvailable();
    }

    @Override
    public String name()
    {
        return "netty-epoll";
    }

    @Override
    public String binding()
    {
        return "jni";
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        if (!Epoll.isAvailable())
        {
            throw new IOException("Netty native epoll unavailable", Epoll.unavailabilityCause());
        }
        group = new MultiThreadIoEventLoopGroup(1, r ->
        {
            final Thread t = new Thread(r, "netty-epoll-loop");
            threads.add(t);
            return t;
        }, EpollIoHandler.newFactory());
        try
        {
            server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(NettyEchoServer.handler())
                .bind(bindTo).sync().channel();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", ex);
        }
        return (InetSocketAddress)server.localAddress();
    }

    @Override
    public Stats stats()
    {
        return ThreadStats.of(threads);
    }

    @Override
    public void stop()
    {
        if (null != server)
        {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (null != group)
        {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
