package io.jevent.bench.echo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The honest baseline: a plain java.nio echo server as a careful Java engineer writes it. One
 * Selector on one thread; {@code select(Consumer)} (no selected-key set, no iterator); per connection
 * one direct buffer that is read into and written back from; TCP_NODELAY as jevent sets it; OP_WRITE
 * only while a write was partial, and reading paused until the pending bytes are written (so the
 * buffer never overflows). Nothing is allocated per message.
 * <p>
 * It counts its syscalls as jevent's loops do, in plain fields written by its loop thread: reads (those
 * that returned 0 also as empty reads), writes, selects, and interest changes ({@code interestOps} and
 * {@code register}, which the JDK's epoll selector turns into epoll_ctl calls at its next select).
 * {@link #stats()} reads them from another thread without synchronisation, so a snapshot may miss the
 * increments of the loop's current pass.
 */
public final class NioBaselineEchoServer implements EchoBenchServer
{
    /** Size of each connection's direct buffer. */
    public static final int BUFFER_SIZE = 64 * 1024;

    private Selector selector;
    private ServerSocketChannel server;
    private Thread thread;
    private volatile boolean running;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Consumer<SelectionKey> onReady = this::ready;
    private long reads;
    private long emptyReads;
    private long writes;
    private long selects;
    private long interestChanges;

    @Override
    public String name()
    {
        return "nio-baseline";
    }

    @Override
    public String binding()
    {
        return "jdk";
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(bindTo, 128);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        running = true;
        thread = new Thread(this::run, "nio-baseline-loop");
        thread.setDaemon(true);
        thread.start();
        return (InetSocketAddress)server.getLocalAddress();
    }

    @Override
    public Stats stats()
    {
        final long r = reads;
        final long e = emptyReads;
        final long w = writes;
        final long p = selects;
        final long i = interestChanges;
        return ThreadStats.of(List.of(thread)).withSyscalls(new SyscallCounts(r, e, w, p, p + i));
    }

    @Override
    public void stop()
    {
        if (!running)
        {
            return;
        }
        running = false;
        selector.wakeup();
        try
        {
            stopped.await();
            thread.join(5000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (running)
            {
                selects++;
                selector.select(onReady);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final SelectionKey k : selector.keys())
            {
                closeQuietly(k);
            }
            closeQuietly(selector);
            stopped.countDown();
        }
    }

    private void ready(final SelectionKey key)
    {
        try
        {
            if (!key.isValid())
            {
                return;
            }
            if (key.isAcceptable())
            {
                accept();
                return;
            }
            final Connection c = (Connection)key.attachment();
            if (key.isWritable())
            {
                c.flush();
            }
            else if (key.isReadable())
            {
                c.readAndEcho();
            }
        }
        catch (final IOException ex)
        {
            closeQuietly(key);
        }
    }

    private void accept() throws IOException
    {
        SocketChannel ch;
        while (null != (ch = server.accept()))
        {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final Connection c = new Connection(ch);
            interestChanges++;
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    private static void closeQuietly(final SelectionKey key)
    {
        key.cancel();
        closeQuietly(key.channel());
    }

    private static void closeQuietly(final AutoCloseable c)
    {
        try
        {
            c.close();
        }
        catch (final Exception ignored)
        {
            // closing anyway
        }
    }

    /** One client connection: its channel, key and buffer. */
    private final class Connection
    {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        private SelectionKey key;

        Connection(final SocketChannel channel)
        {
            this.channel = channel;
        }

        /** Readable: one read, then write it straight back. */
        void readAndEcho() throws IOException
        {
            reads++;
            final int n = channel.read(buffer);
            if (n < 0)
            {
                closeQuietly(key);
                return;
            }
            if (0 == n)
            {
                emptyReads++;
                return;
            }
            buffer.flip();
            writes++;
            channel.write(buffer);
            if (buffer.hasRemaining())
            {
                buffer.compact();
                buffer.flip();
                interestChanges++;
                key.interestOps(SelectionKey.OP_WRITE);
            }
            else
            {
                buffer.clear();
            }
        }

        /** Writable after a partial write: send the rest (buffer in read mode), then read again. */
        void flush() throws IOException
        {
            writes++;
            channel.write(buffer);
            if (!buffer.hasRemaining())
            {
                buffer.clear();
                interestChanges++;
                key.interestOps(SelectionKey.OP_READ);
            }
        }
    }
}
