package io.jevent.bufferevent;

import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopErrorHandlers;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture both adversarial bufferevent suites share: a pool and base per test, loopback pairs, background
 * threads whose failures fail the test, and after each test every bufferevent and base freed, 0 outstanding
 * segments and the process's kernel objects back to what they were. One subclass per backend supplies
 * {@link #config()}.
 */
public abstract class AdversarialBufferEventFixture
{
    SegmentPool pool;
    EventBase base;
    ServerSocketChannel server;
    int fdsBefore;
    final List<EventBase> bases = new ArrayList<>();
    final List<BufferEvent> bevs = new ArrayList<>();
    final List<SocketChannel> channels = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /**
     * @return a fresh configuration naming the backend under test
     */
    protected abstract EventBaseConfig config();

    @BeforeEach
    public void createFixture() throws IOException
    {
        warmUp();
        fdsBefore = openFds();
        pool = new SegmentPool(4096, 1 << 20, 64);
        base = newBase(configWithPool());
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    }

    /**
     * What the JDK and the backend open once per process, opened before the fds are counted.
     */
    private void warmUp() throws IOException
    {
        new EventBase(config()).free();
        try (ServerSocketChannel s = ServerSocketChannel.open())
        {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel a = SocketChannel.open(s.getLocalAddress()); SocketChannel b = s.accept())
            {
                a.write(ByteBuffer.allocate(1));
                b.read(ByteBuffer.allocate(1));
            }
        }
    }

    @AfterEach
    public void freeAndCheckNothingLeaks() throws Exception
    {
        try
        {
            for (final Thread t : threads)
            {
                t.join(10_000);
                assertFalse(t.isAlive(), "background thread " + t.getName() + " still running");
            }
            for (final BufferEvent b : bevs)
            {
                b.free();
            }
            for (final EventBase b : bases)
            {
                b.free();
            }
            for (final SocketChannel c : channels)
            {
                c.close();
            }
            server.close();
            if (!failures.isEmpty())
            {
                final AssertionError e = new AssertionError("background thread failed", failures.get(0));
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(0, pool.outstandingSegments(), "outstanding segments after freeing everything");
            assertFdsBackTo(fdsBefore);
        }
        finally
        {
            pool.close();
        }
    }

    // ------------------------------------------------------------------ fixture

    EventBaseConfig configWithPool()
    {
        return config().pool(pool).errorHandler(LoopErrorHandlers.RETHROW);
    }

    EventBase newBase(final EventBaseConfig c)
    {
        final EventBase b = new EventBase(c);
        bases.add(b);
        return b;
    }

    <T extends BufferEvent> T track(final T b)
    {
        bevs.add(b);
        return b;
    }

    record Conn(SocketChannel local, SocketChannel peer)
    {
    }

    Conn connect()
    {
        try
        {
            final SocketChannel peer = SocketChannel.open(server.getLocalAddress());
            channels.add(peer);
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

    Thread background(final String name, final BufferEventFixture.Work work)
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

    Thread startLoop(final EventBase b)
    {
        final Thread t = background("loop", () -> b.loop(LoopFlags.NO_EXIT_ON_EMPTY));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!b.isRunning() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(b.isRunning());
        return t;
    }

    static void stopLoop(final EventBase b, final Thread t) throws InterruptedException
    {
        b.loopBreak();
        t.join(10_000);
        assertFalse(t.isAlive());
    }

    boolean runUntil(final EventBase b, final BooleanSupplier condition, final long ms)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        final io.jevent.loop.Event tick = b.newTimer(true, (e, fd, what) ->
        {
            if (condition.getAsBoolean() || System.nanoTime() - deadline >= 0)
            {
                b.loopBreak();
            }
        });
        tick.add(1, TimeUnit.MILLISECONDS);
        try
        {
            if (!condition.getAsBoolean())
            {
                b.loop(LoopFlags.NO_EXIT_ON_EMPTY);
            }
        }
        finally
        {
            tick.free();
        }
        return condition.getAsBoolean();
    }

    /**
     * Runs the loop on this thread until the peer has {@code n} bytes (or EOF); returns them.
     */
    byte[] peerReceive(final EventBase b, final Conn c, final int n, final long ms)
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        runUntil(b, () -> read(c, got) < 0 || got.size() >= n, ms);
        return got.toByteArray();
    }

    /**
     * Non-blocking read of what the peer has; -1 at end of stream or reset.
     */
    static int read(final Conn c, final ByteArrayOutputStream into)
    {
        final ByteBuffer buf = ByteBuffer.allocate(65536);
        int total = 0;
        try
        {
            while (true)
            {
                buf.clear();
                final int n = c.peer().read(buf);
                if (n < 0)
                {
                    return total > 0 ? total : -1;
                }
                if (0 == n)
                {
                    return total;
                }
                into.write(buf.array(), 0, n);
                total += n;
            }
        }
        catch (final IOException ex)
        {
            return total > 0 ? total : -1;
        }
    }

    /**
     * Reads the peer on this thread until end of stream or reset.
     *
     * @return true if it came within ms
     */
    static boolean peerSeesEof(final Conn c, final long ms) throws InterruptedException
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline)
        {
            final int n = read(c, got);
            if (n < 0)
            {
                return true;
            }
            if (0 == n)
            {
                Thread.sleep(1);
            }
        }
        return false;
    }

    static int openFds()
    {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd")))
        {
            return (int)s.filter(AdversarialBufferEventSuite::isKernelObject).count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static boolean isKernelObject(final Path fd)
    {
        try
        {
            final String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:");
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    static void assertFdsBackTo(final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        int now = openFds();
        while (now > expected && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
            now = openFds();
        }
        assertTrue(now <= expected, "sockets, pipes, epoll and event fds open after the test" + ": " + now + " open, " +
            expected + " before (fewer is fine: an earlier test's channel may be closed by its cleaner meanwhile)");
    }
}
