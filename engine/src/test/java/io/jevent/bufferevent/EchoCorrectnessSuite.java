package io.jevent.bufferevent;

import io.jevent.buffer.SegmentPool;
import io.jevent.listener.ConnListener;
import io.jevent.loop.Errno;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopErrorHandlers;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End-to-end robustness of {@link BufferEvent} and {@link ConnListener}: a jevent server on its own
 * thread (an echo listener, a bounded producer listener and a blind writer listener on one base)
 * against plain blocking java.net clients. Every echoed byte is checked against a per-connection
 * pattern. After each test the server is stopped and its base freed; then the pool must report 0
 * outstanding segments and the set of open socket fds of this process must be what it was before.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class EchoCorrectnessSuite
{
    /** What the server appends after the echo once it sees the client's EOF. */
    static final byte[] TRAILER = BufferEventFixture.bytes("<eof>");
    /** Bytes the producer sends to each connection. */
    static final int PRODUCED = 8 << 20;
    /** The producer's write high watermark (BOUNDED_OUTPUT). */
    static final int BOUND = 256 << 10;

    private Set<String> socketsBefore;
    private SegmentPool pool;
    private EventBase base;
    private Thread serverThread;
    private final AtomicReference<Throwable> serverFailure = new AtomicReference<>();
    private final Map<Integer, List<Integer>> events = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> errnos = new ConcurrentHashMap<>();
    private final Set<BufferEvent> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicInteger liveCount = new AtomicInteger();
    private final AtomicLong maxProducerOutput = new AtomicLong();
    private final AtomicLong maxPoolBytes = new AtomicLong();
    private final AtomicInteger outputFull = new AtomicInteger();
    private InetSocketAddress echoAddress;
    private InetSocketAddress producerAddress;
    private InetSocketAddress writerAddress;

    /**
     * @return a fresh configuration (backend, busy-spin); the suite sets its pool
     */
    protected abstract EventBaseConfig config();

    // ------------------------------------------------------------------ fixture

    @BeforeEach
    void startServer() throws Exception
    {
        warmUpNio();
        socketsBefore = socketFds();
        pool = new SegmentPool(4096, 1 << 20, 64);
        final CountDownLatch ready = new CountDownLatch(1);
        serverThread = new Thread(() ->
        {
            try
            {
                base = new EventBase(config().pool(pool).errorHandler(io.jevent.loop.LoopErrorHandlers.RETHROW));
                final InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                final ConnListener echo = ConnListener.bind(base, any, 0, 512, (l, s) ->
                    echoConnection(SocketBufferEvent.create(base, s, BevOptions.CLOSE_ON_FREE), s.remoteAddress()));
                final ConnListener producer = ConnListener.bind(base, any, 0, 16, (l, s) ->
                    producerConnection(SocketBufferEvent.create(base, s, BevOptions.CLOSE_ON_FREE |
                        BevOptions.BOUNDED_OUTPUT), s.remoteAddress()));
                final ConnListener writer = ConnListener.bind(base, any, 0, 16, (l, s) ->
                    writerConnection(SocketBufferEvent.create(base, s, BevOptions.CLOSE_ON_FREE), s.remoteAddress()));
                echoAddress = echo.localAddress();
                producerAddress = producer.localAddress();
                writerAddress = writer.localAddress();
                ready.countDown();
                base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
                for (final BufferEvent b : new ArrayList<>(live))
                {
                    close(b);
                }
                echo.free();
                producer.free();
                writer.free();
                base.free();
            }
            catch (final Throwable ex)
            {
                serverFailure.set(ex);
                ready.countDown();
            }
        }, "echo-server");
        serverThread.setDaemon(true);
        serverThread.start();
        assertTrue(ready.await(20, TimeUnit.SECONDS));
        assertNull(serverFailure.get());
    }

    @AfterEach
    void stopServerAndCheckNothingLeaks() throws Exception
    {
        try
        {
            base.execute(base::loopBreak);
            serverThread.join(20_000);
            assertTrue(!serverThread.isAlive(), "server thread stopped");
            assertNull(serverFailure.get(), () -> "server failed: " + serverFailure.get());
            assertEquals(0, pool.outstandingSegments(), "outstanding segments after the server's base is freed");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Set<String> leaked;
            do
            {
                leaked = new TreeSet<>(socketFds());
                leaked.removeAll(socketsBefore);
                if (leaked.isEmpty())
                {
                    break;
                }
                Thread.sleep(20);
            }
            while (System.nanoTime() < deadline);
            assertEquals(Set.of(), leaked, "socket fds left open (fd -> socket inode)");
        }
        finally
        {
            pool.close();
        }
    }

    /**
     * Makes the JDK open its lifetime sockets (e.g. the pre-close socket pair) before the baseline.
     */
    private static void warmUpNio() throws IOException
    {
        SocketChannel.open().close();
    }

    /**
     * @return "fd -> socket:[inode]" for every socket fd of this process
     * @throws IOException if /proc/self/fd cannot be read
     */
    public static Set<String> socketFds() throws IOException
    {
        final Set<String> out = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd")))
        {
            for (final Path fd : fds)
            {
                try
                {
                    final String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:"))
                    {
                        out.add(fd.getFileName() + " -> " + target);
                    }
                }
                catch (final NoSuchFileException ignored)
                {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ server side (loop thread)

    private void record(final int port, final BufferEvent b, final int what)
    {
        events.computeIfAbsent(port, p -> Collections.synchronizedList(new ArrayList<>())).add(what);
        if (0 != (what & BevFlags.ERROR))
        {
            errnos.put(port, b.socketError());
        }
    }

    private void open(final BufferEvent b)
    {
        live.add(b);
        liveCount.incrementAndGet();
    }

    private void close(final BufferEvent b)
    {
        if (live.remove(b))
        {
            liveCount.decrementAndGet();
        }
        b.free();
    }

    private void echoConnection(final BufferEvent bev, final InetSocketAddress peer)
    {
        open(bev);
        final int port = peer.getPort();
        bev.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) ->
        {
            record(port, b, what);
            if (BevFlags.READING == (what & BevFlags.READING) && 0 != (what & BevFlags.EOF))
            {
                b.writeBuffer(b.input());
                b.write(TRAILER);
                b.setCallbacks(null, this::closeWhenDrained, (x, w) ->
                {
                    record(port, x, w);
                    close(x);
                });
            }
            else
            {
                close(b);
            }
        });
        bev.enable(EventFlags.READ | EventFlags.WRITE);
    }

    private void closeWhenDrained(final BufferEvent b)
    {
        if (0 == b.output().length())
        {
            close(b);
        }
    }

    private void producerConnection(final BufferEvent bev, final InetSocketAddress peer)
    {
        open(bev);
        final int port = peer.getPort();
        final long[] sent = new long[1];
        final byte[] chunk = new byte[16384];
        bev.setWatermark(EventFlags.WRITE, 64 << 10, BOUND);
        final DataCallback fill = b ->
        {
            while (sent[0] < PRODUCED)
            {
                final int n = (int)Math.min(chunk.length, PRODUCED - sent[0]);
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = BufferEventFixture.patternByte(port, sent[0] + i);
                }
                final int r = b.write(chunk, 0, n);
                maxProducerOutput.accumulateAndGet(b.output().length(), Math::max);
                maxPoolBytes.accumulateAndGet(pool.outstandingBytes(), Math::max);
                if (BufferEvent.OUTPUT_FULL == r)
                {
                    outputFull.incrementAndGet();
                    return;
                }
                if (0 != r)
                {
                    throw new IllegalStateException("write returned " + r);
                }
                sent[0] += n;
            }
            if (0 == b.output().length())
            {
                close(b);
            }
        };
        bev.setCallbacks(null, fill, (b, what) ->
        {
            record(port, b, what);
            close(b);
        });
        fill.onData(bev);
    }

    private void writerConnection(final BufferEvent bev, final InetSocketAddress peer)
    {
        open(bev);
        final int port = peer.getPort();
        bev.setCallbacks(null, null, (b, what) ->
        {
            record(port, b, what);
            close(b);
        });
        for (int i = 0; i < 64; i++)
        {
            bev.write(new byte[65536]);
        }
    }

    // ------------------------------------------------------------------ client helpers

    private static Socket client(final InetSocketAddress to) throws IOException
    {
        final Socket s = new Socket();
        s.connect(to, 10_000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        return s;
    }

    private static int messageSize(final Random rnd)
    {
        return (int)Math.max(1, Math.min(256 << 10, Math.round(Math.exp(rnd.nextDouble() * Math.log(256 << 10)))));
    }

    private void awaitServer(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private List<Integer> eventsOf(final Socket s)
    {
        final List<Integer> e = events.get(s.getLocalPort());
        if (null == e)
        {
            return List.of();
        }
        synchronized (e)
        {
            return new ArrayList<>(e);
        }
    }

    /**
     * @return for each of {@code connections} conversations, 1 to 3 message sizes of {@link #messageSize}
     */
    private static int[][] randomPlans(final Random rnd, final int connections)
    {
        final int[][] plans = new int[connections][];
        for (int i = 0; i < connections; i++)
        {
            plans[i] = new int[1 + rnd.nextInt(3)];
            for (int j = 0; j < plans[i].length; j++)
            {
                plans[i][j] = messageSize(rnd);
            }
        }
        return plans;
    }

    /**
     * One echo conversation: {@code sizes} messages, each written whole then read back and checked;
     * then a half-close, the trailer, and EOF.
     */
    private static long converse(final Socket s, final int seed, final int[] sizes) throws IOException
    {
        final OutputStream out = s.getOutputStream();
        final InputStream in = s.getInputStream();
        long offset = 0;
        for (final int size : sizes)
        {
            final byte[] msg = new byte[size];
            for (int i = 0; i < size; i++)
            {
                msg[i] = BufferEventFixture.patternByte(seed, offset + i);
            }
            out.write(msg);
            final byte[] back = in.readNBytes(size);
            if (back.length != size)
            {
                throw new AssertionError("seed " + seed + ": short echo " + back.length + " of " + size);
            }
            for (int i = 0; i < size; i++)
            {
                if (back[i] != msg[i])
                {
                    throw new AssertionError("seed " + seed + ": byte " + (offset + i) + " differs");
                }
            }
            offset += size;
        }
        s.shutdownOutput();
        assertArrayEquals(TRAILER, in.readNBytes(TRAILER.length), "trailer written after the client's EOF");
        assertEquals(-1, in.read(), "EOF after the trailer");
        return offset;
    }

    // ------------------------------------------------------------------ tests

    @Test
    @DisplayName("echo: 200 concurrent connections, random messages of 1 B to 256 KiB, every byte checked")
    void shouldEchoEveryByteOnManyConnections() throws Exception
    {
        final int connections = 200;
        final List<Socket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < connections; i++)
            {
                sockets.add(client(echoAddress));
            }
            final Random rnd = new Random(42);
            final int[][] plans = randomPlans(rnd, connections);
            plans[0] = new int[] {256 << 10, 1, 256 << 10};
            plans[1] = new int[] {1};
            final long expected = java.util.Arrays.stream(plans).flatMapToInt(java.util.Arrays::stream).asLongStream()
                .sum();
            final AtomicLong checked = new AtomicLong();
            final ExecutorService pool8 = Executors.newFixedThreadPool(8);
            try
            {
                final List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++)
                {
                    final int first = t;
                    done.add(pool8.submit(() ->
                    {
                        for (int i = first; i < connections; i += 8)
                        {
                            checked.addAndGet(converse(sockets.get(i), i, plans[i]));
                        }
                        return null;
                    }));
                }
                for (final Future<?> f : done)
                {
                    f.get(90, TimeUnit.SECONDS);
                }
            }
            finally
            {
                pool8.shutdownNow();
            }
            assertEquals(expected, checked.get(), "bytes echoed and checked");
            assertTrue(expected > 2_000_000, "a real amount of data: " + expected);
            awaitServer(() -> 0 == liveCount.get(), "the server to free every connection");
            for (final Socket s : sockets)
            {
                assertEquals(List.of(BevFlags.READING | BevFlags.EOF), eventsOf(s), "server events of one connection");
            }
        }
        finally
        {
            for (final Socket s : sockets)
            {
                s.close();
            }
        }
    }

    @Test
    @DisplayName("hand-off: an acceptor loop builds each BufferEvent for one of 2 worker loops and hands it over; " +
        "16 full-duplex 2 MiB streams and 120 conversations echo byte-exact")
    void shouldEchoOnWorkerLoopsFedByAnAcceptorThread() throws Exception
    {
        final EventBase[] workers = new EventBase[2];
        final Thread[] threads = new Thread[workers.length];
        final Set<BufferEvent> workerLive = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> workerFailure = new AtomicReference<>();
        startWorkers(workers, threads, workerFailure);
        final AtomicInteger next = new AtomicInteger();
        final AtomicReference<ConnListener> acceptor = new AtomicReference<>();
        final CountDownLatch listening = new CountDownLatch(1);
        base.execute(() ->
        {
            acceptor.set(ConnListener.bind(base, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, 512,
                (l, s) ->
                {
                    final EventBase w = workers[next.getAndIncrement() % workers.length];
                    final BufferEvent bev = SocketBufferEvent.create(w, s, BevOptions.CLOSE_ON_FREE);
                    w.execute(() -> workerEcho(bev, workerLive));
                }));
            listening.countDown();
        });
        assertTrue(listening.await(10, TimeUnit.SECONDS));
        final int connections = 120;
        final int streams = 16;
        final int streamBytes = 2 << 20;
        final Random rnd = new Random(7);
        final int[][] plans = randomPlans(rnd, connections);
        final AtomicLong checked = new AtomicLong();
        final ExecutorService clients = Executors.newFixedThreadPool(8 + 2 * streams);
        try
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < streams; i++)
            {
                final Socket s = client(acceptor.get().localAddress());
                final int seed = 5000 + i;
                done.add(clients.submit(() ->
                {
                    sendStream(s, seed, streamBytes);
                    return null;
                }));
                done.add(clients.submit(() ->
                {
                    try (s)
                    {
                        checked.addAndGet(receiveStreamEcho(s, seed, streamBytes));
                    }
                    return null;
                }));
            }
            for (int t = 0; t < 8; t++)
            {
                final int first = t;
                done.add(clients.submit(() ->
                {
                    for (int i = first; i < connections; i += 8)
                    {
                        try (Socket s = client(acceptor.get().localAddress()))
                        {
                            checked.addAndGet(converse(s, 1000 + i, plans[i]));
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> f : done)
            {
                f.get(90, TimeUnit.SECONDS);
            }
        }
        finally
        {
            clients.shutdownNow();
            final CountDownLatch freed = new CountDownLatch(1);
            base.execute(() ->
            {
                acceptor.get().free();
                freed.countDown();
            });
            assertTrue(freed.await(10, TimeUnit.SECONDS));
            stopWorkers(workers, threads, workerLive);
        }
        assertNull(workerFailure.get(), () -> "a worker failed: " + workerFailure.get());
        final long expected = java.util.Arrays.stream(plans).flatMapToInt(java.util.Arrays::stream).asLongStream()
            .sum() + (long)streams * streamBytes;
        assertEquals(expected, checked.get(), "bytes echoed and checked");
        assertEquals(0, workerLive.size(), "every worker connection freed at its EOF");
    }

    /**
     * Starts a loop thread for each of {@code workers}; the first failure of any of them goes to {@code failure}.
     */
    private void startWorkers(final EventBase[] workers, final Thread[] threads,
        final AtomicReference<Throwable> failure)
    {
        for (int i = 0; i < workers.length; i++)
        {
            final EventBase w = new EventBase(config().pool(pool).errorHandler(LoopErrorHandlers.RETHROW));
            workers[i] = w;
            threads[i] = new Thread(() ->
            {
                try
                {
                    w.loop(LoopFlags.NO_EXIT_ON_EMPTY);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "worker-" + i);
            threads[i].start();
        }
    }

    /**
     * Frees, on its own loop, every connection a worker still has, breaks each worker's loop and frees the worker.
     */
    private static void stopWorkers(final EventBase[] workers, final Thread[] threads, final Set<BufferEvent> live)
        throws InterruptedException
    {
        for (int i = 0; i < workers.length; i++)
        {
            final EventBase w = workers[i];
            w.execute(() ->
            {
                for (final BufferEvent b : live)
                {
                    b.free();
                }
                w.loopBreak();
            });
            threads[i].join(10_000);
            w.free();
        }
    }

    /**
     * Sends {@code bytes} bytes of the pattern of {@code seed}, then shuts the output down.
     */
    private static void sendStream(final Socket s, final int seed, final long bytes) throws IOException
    {
        final OutputStream out = s.getOutputStream();
        final byte[] chunk = new byte[65536];
        for (long off = 0; off < bytes; off += chunk.length)
        {
            for (int k = 0; k < chunk.length; k++)
            {
                chunk[k] = BufferEventFixture.patternByte(seed, off + k);
            }
            out.write(chunk);
        }
        s.shutdownOutput();
    }

    /**
     * Reads the echo of {@link #sendStream}: {@code bytes} bytes of the pattern of {@code seed}, each checked,
     * then the trailer and EOF.
     *
     * @return the bytes checked
     */
    private static long receiveStreamEcho(final Socket s, final int seed, final long bytes) throws IOException
    {
        final InputStream in = s.getInputStream();
        final byte[] buf = new byte[65536];
        long pos = 0;
        while (pos < bytes)
        {
            final int n = in.read(buf, 0, (int)Math.min(buf.length, bytes - pos));
            if (n < 0)
            {
                throw new AssertionError("stream " + seed + ": EOF after " + pos + " bytes");
            }
            for (int k = 0; k < n; k++)
            {
                if (buf[k] != BufferEventFixture.patternByte(seed, pos + k))
                {
                    throw new AssertionError("stream " + seed + ": byte " + (pos + k) + " differs");
                }
            }
            pos += n;
        }
        assertArrayEquals(TRAILER, in.readNBytes(TRAILER.length));
        assertEquals(-1, in.read());
        return pos;
    }

    /**
     * The echo of {@link #echoConnection} for a connection handed to a worker loop: runs on the worker.
     */
    private static void workerEcho(final BufferEvent bev, final Set<BufferEvent> live)
    {
        live.add(bev);
        bev.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) ->
        {
            if (BevFlags.READING == (what & BevFlags.READING) && 0 != (what & BevFlags.EOF))
            {
                b.writeBuffer(b.input());
                b.write(TRAILER);
                b.setCallbacks(null, x ->
                {
                    if (0 == x.output().length())
                    {
                        live.remove(x);
                        x.free();
                    }
                }, (x, w) ->
                {
                    live.remove(x);
                    x.free();
                });
            }
            else
            {
                live.remove(b);
                b.free();
            }
        });
        bev.enable(EventFlags.READ | EventFlags.WRITE);
    }

    @Test
    @DisplayName("half-close: the client's shutdownOutput reaches the server as EOF; the server can still write")
    void shouldKeepWritingAfterTheClientHalfCloses() throws Exception
    {
        try (Socket s = client(echoAddress))
        {
            final byte[] msg = BufferEventFixture.pattern(100_000, 77);
            s.getOutputStream().write(msg);
            s.shutdownOutput();
            final InputStream in = s.getInputStream();
            assertArrayEquals(msg, in.readNBytes(msg.length), "echo of data sent before the half-close");
            assertArrayEquals(TRAILER, in.readNBytes(TRAILER.length), "written by the server after its EOF");
            assertEquals(-1, in.read());
            awaitServer(() -> 0 == liveCount.get(), "the server to free the connection");
            assertEquals(List.of(BevFlags.READING | BevFlags.EOF), eventsOf(s));
        }
    }

    @Test
    @DisplayName("peer reset mid-stream (SO_LINGER 0): the server gets ERROR or EOF once and keeps serving")
    void shouldSurviveAPeerResetMidStream() throws Exception
    {
        final Socket s = client(echoAddress);
        final int port = s.getLocalPort();
        final OutputStream out = s.getOutputStream();
        out.write(BufferEventFixture.pattern(1 << 20, 5));
        Thread.sleep(50);
        s.setSoLinger(true, 0);
        s.close();
        awaitServer(() -> 0 == liveCount.get(), "the server to free the reset connection");
        final List<Integer> got = new ArrayList<>(events.getOrDefault(port, List.of()));
        assertTrue(!got.isEmpty(), "an event for the reset connection");
        final int first = got.get(0);
        assertTrue(0 != (first & (BevFlags.ERROR | BevFlags.EOF)), "first event " + BevFlags.toString(first));
        assertTrue(got.size() == 1 || got.size() == 2 && 0 != (first & BevFlags.EOF) &&
            0 != (got.get(1) & BevFlags.WRITING) && 0 != (got.get(1) & BevFlags.ERROR),
            "one ERROR or EOF (and, after an EOF, the failed trailer write): " + got);
        try (Socket again = client(echoAddress))
        {
            converse(again, 6, new int[] {1000, 70_000});
        }
    }

    @Test
    @DisplayName("BOUNDED_OUTPUT: a fast writer to a slow reader never holds more than the bound; memory bounded")
    void shouldBoundTheOutputOfAFastWriterToASlowReader() throws Exception
    {
        try (Socket s = client(producerAddress))
        {
            final int seed = s.getLocalPort();
            final InputStream in = s.getInputStream();
            final byte[] buf = new byte[4096];
            long pos = 0;
            int reads = 0;
            while (true)
            {
                final int n = in.read(buf);
                if (n < 0)
                {
                    break;
                }
                for (int i = 0; i < n; i++)
                {
                    if (buf[i] != BufferEventFixture.patternByte(seed, pos + i))
                    {
                        fail("byte " + (pos + i) + " differs");
                    }
                }
                pos += n;
                if (++reads % 4 == 0)
                {
                    Thread.sleep(1);
                }
            }
            assertEquals(PRODUCED, pos, "every produced byte arrived, then EOF");
        }
        assertTrue(outputFull.get() > 0, "the writer hit the bound");
        assertTrue(maxProducerOutput.get() <= BOUND, "output never above the bound: " + maxProducerOutput.get());
        assertTrue(maxPoolBytes.get() <= 4L * BOUND, "pool bytes stay bounded: " + maxPoolBytes.get());
        awaitServer(() -> 0 == liveCount.get(), "the producer connection freed");
    }

    @Test
    @DisplayName("write to a closed peer: eventcb(WRITING|ERROR) with EPIPE or ECONNRESET, the JVM alive")
    void shouldReportAnErrorWhenWritingToAClosedPeer() throws Exception
    {
        final Socket s = client(writerAddress);
        final int port = s.getLocalPort();
        Thread.sleep(100);
        s.setSoLinger(true, 0);
        s.close();
        awaitServer(() -> 0 == liveCount.get(), "the server to free the writer connection");
        final List<Integer> got = events.getOrDefault(port, List.of());
        assertEquals(List.of(BevFlags.WRITING | BevFlags.ERROR), got, "server events");
        final int errno = errnos.get(port);
        assertTrue(Errno.EPIPE == errno || Errno.ECONNRESET == errno, "errno " + Errno.name(errno));
        try (Socket again = client(echoAddress))
        {
            converse(again, 8, new int[] {10});
        }
    }

    @Test
    @DisplayName("connect refused: exactly one eventcb(ERROR), nothing else")
    void shouldReportARefusedConnectOnce() throws Exception
    {
        final InetSocketAddress nobody = BufferEventConnectSemantics.refusingAddress();
        final List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        base.execute(() ->
        {
            final BufferEvent bev = SocketBufferEvent.create(base, (SocketChannel)null, BevOptions.CLOSE_ON_FREE);
            open(bev);
            bev.setCallbacks(b -> got.add(-1), b -> got.add(-2), (b, what) ->
            {
                got.add(what);
                base.once(-1, EventFlags.TIMEOUT, 200, TimeUnit.MILLISECONDS, (e, fd, w) ->
                {
                    close(b);
                    done.countDown();
                });
            });
            bev.enable(EventFlags.READ | EventFlags.WRITE);
            if (0 != ((SocketBufferEvent)bev).connect(nobody))
            {
                got.add(-3);
                close(bev);
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertEquals(List.of(BevFlags.ERROR), got);
    }
}
