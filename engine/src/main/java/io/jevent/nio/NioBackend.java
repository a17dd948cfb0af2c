package io.jevent.nio;

import io.jevent.loop.EventFlags;
import io.jevent.loop.FdRecord;
import io.jevent.loop.IoBackend;
import io.jevent.loop.IoCounters;
import io.jevent.loop.ListenSocket;
import io.jevent.loop.ReadySink;
import io.jevent.loop.Transport;
import io.jevent.loop.TransportFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The portable backend: a java.nio {@link Selector} (epoll underneath on Linux). Ready keys are
 * handed over through {@link Selector#select(Consumer, long)}, so no selected-key set is iterated
 * and a poll allocates nothing. READ maps to OP_READ or OP_ACCEPT, WRITE to OP_WRITE or OP_CONNECT
 * (a connect completing reports WRITE, as in libevent). Interest changes call
 * {@link SelectionKey#interestOps(int)} only when the loop asks, which it does only on a real change.
 * It cannot report {@link EventFlags#CLOSED} nor take raw fds: events need a SelectableChannel in
 * non-blocking mode. Timeouts are rounded up to whole milliseconds (Selector's resolution).
 */
public final class NioBackend implements IoBackend
{
    private io.jevent.buffer.BufferOwner owner;
    private final TransportFactory transports = new TransportFactory()
    {
        @Override
        public Transport wrap(final SelectableChannel channel)
        {
            if (!(channel instanceof SocketChannel))
            {
                throw new IllegalArgumentException("not a SocketChannel: " + channel);
            }
            return new NioTransport((SocketChannel)channel, owner, ioCounters);
        }

        @Override
        public Transport wrap(final int fd)
        {
            throw new UnsupportedOperationException("the nio backend takes SocketChannels, not raw fds");
        }

        @Override
        public Transport unconnected()
        {
            return new NioTransport(null, owner, ioCounters);
        }

        @Override
        public ListenSocket listen(final InetSocketAddress address, final int flags, final int backlog)
        {
            return NioListenSocket.open(address, flags, backlog);
        }

        @Override
        public ListenSocket listener(final SelectableChannel channel)
        {
            if (!(channel instanceof ServerSocketChannel))
            {
                throw new IllegalArgumentException("not a ServerSocketChannel: " + channel);
            }
            return new NioListenSocket((ServerSocketChannel)channel);
        }

        @Override
        public ListenSocket listener(final int fd, final int backlog)
        {
            throw new UnsupportedOperationException("the nio backend takes ServerSocketChannels, not raw fds");
        }
    };

    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private ReadySink sink;
    private int readyCount;
    private long syscalls;
    private final IoCounters ioCounters = new IoCounters();
    private String lastError;

    /**
     * Opens a selector.
     */
    public NioBackend()
    {
        NioWarmup.ensureWarm();
        try
        {
            selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public String method()
    {
        return "nio";
    }

    @Override
    public int features()
    {
        return 0;
    }

    @Override
    public int update(final FdRecord record, final int newInterest)
    {
        final SelectableChannel ch = record.channel();
        if (null == ch)
        {
            lastError = "nio backend needs a SelectableChannel for fd " + record.fd();
            return -1;
        }
        SelectionKey key = (SelectionKey)record.attachment();
        if (null != key && (!key.isValid() || key.channel() != ch))
        {
            key.cancel();
            key = null;
            record.setAttachment(null);
        }
        final int ops = toOps(ch, newInterest);
        syscalls++;
        try
        {
            if (null == key)
            {
                if (0 != ops)
                {
                    record.setAttachment(ch.register(selector, ops, record));
                }
            }
            else
            {
                key.interestOps(ops);
            }
            return 0;
        }
        catch (final ClosedChannelException | IllegalBlockingModeException | CancelledKeyException ex)
        {
            lastError = ex.toString();
            return -1;
        }
    }

    @Override
    public int poll(final long timeoutNanos, final ReadySink sink)
    {
        this.sink = sink;
        readyCount = 0;
        syscalls++;
        ioCounters.polled();
        try
        {
            if (0 == timeoutNanos)
            {
                selector.selectNow(onReady);
            }
            else if (timeoutNanos < 0)
            {
                selector.select(onReady);
            }
            else
            {
                final long ms = timeoutNanos / 1_000_000 + (0 == timeoutNanos % 1_000_000 ? 0 : 1);
                selector.select(onReady, ms);
            }
            return readyCount;
        }
        catch (final IOException ex)
        {
            lastError = ex.toString();
            return -1;
        }
        finally
        {
            this.sink = null;
        }
    }

    @Override
    public void owner(final io.jevent.buffer.BufferOwner owner)
    {
        this.owner = owner;
    }

    @Override
    public TransportFactory transports()
    {
        return transports;
    }

    @Override
    public void wakeup()
    {
        syscalls++;
        selector.wakeup();
    }

    @Override
    public String lastError()
    {
        return lastError;
    }

    @Override
    public long syscalls()
    {
        return syscalls;
    }

    @Override
    public IoCounters ioCounters()
    {
        return ioCounters;
    }

    @Override
    public void close()
    {
        try
        {
            selector.close();
        }
        catch (final IOException ex)
        {
            lastError = ex.toString();
        }
    }

    private void onReady(final SelectionKey key)
    {
        final int ready;
        try
        {
            ready = key.readyOps();
        }
        catch (final CancelledKeyException ex)
        {
            return;
        }
        int what = 0;
        if (0 != (ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)))
        {
            what |= EventFlags.READ;
        }
        if (0 != (ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)))
        {
            what |= EventFlags.WRITE;
        }
        if (0 != what)
        {
            readyCount++;
            sink.ready((FdRecord)key.attachment(), what);
        }
    }

    private static int toOps(final SelectableChannel ch, final int interest)
    {
        final int valid = ch.validOps();
        int ops = 0;
        if (0 != (interest & EventFlags.READ))
        {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (0 != (interest & EventFlags.WRITE))
        {
            ops |= valid & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ops;
    }
}
