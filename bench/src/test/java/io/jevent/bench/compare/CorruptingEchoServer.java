package io.jevent.bench.compare;

import io.jevent.bench.echo.EchoBenchServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A deliberately broken echo server for the harness's own test: it flips one bit of the 1000th byte
 * it echoes on each connection. The comparison must notice and fail.
 */
public final class CorruptingEchoServer implements EchoBenchServer
{
    private ServerSocketChannel server;
    private Selector selector;
    private Thread thread;
    private volatile boolean running;

    @Override
    public String name()
    {
        return "corrupting";
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(bindTo);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        running = true;
        thread = new Thread(this::serve, "corrupting-echo");
        thread.setDaemon(true);
        thread.start();
        return (InetSocketAddress)server.getLocalAddress();
    }

    private void serve()
    {
        final ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try
        {
            while (running)
            {
                selector.select(k ->
                {
                    try
                    {
                        if (k.isAcceptable())
                        {
                            final SocketChannel c = server.accept();
                            if (null != c)
                            {
                                c.configureBlocking(false);
                                c.register(selector, SelectionKey.OP_READ, new long[1]);
                            }
                            return;
                        }
                        final SocketChannel c = (SocketChannel)k.channel();
                        final long[] seen = (long[])k.attachment();
                        buf.clear();
                        final int n = c.read(buf);
                        if (n < 0)
                        {
                            c.close();
                            return;
                        }
                        buf.flip();
                        if (seen[0] < 1000 && seen[0] + n > 1000)
                        {
                            final int at = (int)(1000 - seen[0]);
                            buf.put(at, (byte)(buf.get(at) ^ 1));
                        }
                        seen[0] += n;
                        while (buf.hasRemaining())
                        {
                            c.write(buf);
                        }
                    }
                    catch (final IOException ex)
                    {
                        k.cancel();
                    }
                }, 100);
            }
        }
        catch (final IOException ex)
        {
            running = false;
        }
    }

    @Override
    public Stats stats()
    {
        return new Stats(0, 0, 0, 0);
    }

    @Override
    public void stop()
    {
        running = false;
        try
        {
            if (null != thread)
            {
                thread.join(2000);
            }
            if (null != server)
            {
                server.close();
            }
            if (null != selector)
            {
                selector.close();
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
