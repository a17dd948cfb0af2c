package io.jevent.bufferevent;

import io.jevent.buffer.SegmentPool;
import io.jevent.listener.ConnListener;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The {@link BufferEventFixture} of the loopback suites ({@link BufferEventSuite},
 * {@code io.jevent.listener.ConnListenerSuite}): each test gets a fresh {@link SegmentPool} and
 * {@link EventBase} and a listening loopback ServerSocketChannel; after it every bufferevent and
 * listener made through the fixture is freed, background threads joined, the base freed, and the pool
 * must report 0 outstanding segments. Subclasses give the base configuration (backend, busy-spin).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class LoopbackSuite implements BufferEventFixture
{
    private SegmentPool pool;
    private EventBase base;
    private ServerSocketChannel server;
    private final List<BufferEvent> bevs = new ArrayList<>();
    private final List<ConnListener> listeners = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /**
     * @return a fresh configuration (backend, busy-spin); the suite sets its pool
     */
    protected abstract EventBaseConfig config();

    @BeforeEach
    void createFixture() throws IOException
    {
        pool = new SegmentPool(4096, 1 << 20, 64);
        base = new EventBase(config().pool(pool).errorHandler(io.jevent.loop.LoopErrorHandlers.RETHROW));
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void freeAndCheckNothingLeaks() throws Exception
    {
        try
        {
            for (final Thread t : threads)
            {
                t.join(TimeUnit.SECONDS.toMillis(20));
                assertFalse(t.isAlive(), "background thread " + t.getName() + " still running");
            }
            for (final BufferEvent b : bevs)
            {
                b.free();
            }
            for (final ConnListener l : listeners)
            {
                l.free();
            }
            base.free();
            for (final SocketChannel c : channels)
            {
                c.close();
            }
            server.close();
            if (!failures.isEmpty())
            {
                final AssertionError e = new AssertionError("background thread failed", failures.peek());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(0, pool.outstandingSegments(), "outstanding segments after freeing everything");
        }
        finally
        {
            pool.close();
        }
    }

    /**
     * @return a fresh configuration with this test's pool, for a second base
     */
    @Override
    public EventBaseConfig configWithPool()
    {
        return config().pool(pool).errorHandler(io.jevent.loop.LoopErrorHandlers.RETHROW);
    }

    @Override
    public EventBase base()
    {
        return base;
    }

    @Override
    public SegmentPool pool()
    {
        return pool;
    }

    @Override
    public InetSocketAddress serverAddress()
    {
        try
        {
            return (InetSocketAddress)server.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public Conn connect()
    {
        return connect(0);
    }

    @Override
    public Conn connect(final int peerReceiveBuffer)
    {
        try
        {
            final SocketChannel peer = SocketChannel.open();
            channels.add(peer);
            if (peerReceiveBuffer > 0)
            {
                peer.setOption(StandardSocketOptions.SO_RCVBUF, peerReceiveBuffer);
            }
            peer.connect(serverAddress());
            final SocketChannel local = server.accept();
            channels.add(local);
            peer.configureBlocking(false);
            return new Conn(local, peer);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public Conn acceptPending()
    {
        try
        {
            final SocketChannel accepted = server.accept();
            channels.add(accepted);
            accepted.configureBlocking(false);
            return new Conn(null, accepted);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public <T extends BufferEvent> T track(final T bev)
    {
        bevs.add(bev);
        return bev;
    }

    @Override
    public ConnListener track(final ConnListener listener)
    {
        if (null != listener)
        {
            listeners.add(listener);
        }
        return listener;
    }

    @Override
    public Thread background(final String name, final Work work)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                work.run();
            }
            catch (final Throwable ex)
            {
                failures.add(ex);
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }
}
