package io.jevent.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

import java.net.InetSocketAddress;

/**
 * The Netty peer of the comparison: an echo server on Netty 4.2's native epoll transport, written
 * the way Netty's own examples write it (write on read, flush on read complete, pooled direct
 * buffers, TCP_NODELAY), with one event loop thread serving both accept and I/O, as jevent's
 * single-loop servers do. Prints its address and stops on SIGINT/SIGTERM.
 * <p>
 * Usage: {@code NettyEchoServer [--port P] [--host H] [--threads N]}
 */
public final class NettyEchoServer
{
    private NettyEchoServer()
    {
    }

    /**
     * @param args see the class comment
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(final String[] args) throws InterruptedException
    {
        int port = 0;
        String host = "127.0.0.1";
        int threads = 1;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--host" -> host = args[i + 1];
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!Epoll.isAvailable())
        {
            throw new IllegalStateException("Netty native epoll unavailable", Epoll.unavailabilityCause());
        }
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        try
        {
            final Channel server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(handler())
                .bind(new InetSocketAddress(host, port)).sync().channel();
            final InetSocketAddress bound = (InetSocketAddress)server.localAddress();
            System.out.println("netty-epoll echo-server listening on " + bound.getAddress().getHostAddress() + ":" +
                bound.getPort());
            System.out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdownGracefully().syncUninterruptibly()));
            server.closeFuture().sync();
        }
        finally
        {
            group.shutdownGracefully();
        }
    }

    /**
     * @return the shared echo handler
     */
    public static ChannelHandler handler()
    {
        return new EchoHandler();
    }

    /**
     * Echoes every buffer back; shared by all connections.
     */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
