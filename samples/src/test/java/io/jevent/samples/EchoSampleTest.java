package io.jevent.samples;

import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The echo sample's connection handling ({@link EchoHandler} in an {@link EchoServer}) in-process, on
 * the epoll and nio backends, against real loopback sockets: a half-closed stream is echoed in full
 * before the server closes; a client that never reads holds a bounded amount of server memory and is
 * freed quickly; the acceptor mode hands connections to two workers without corrupting them. Each
 * server has a pool of its own, which must be empty once the server is stopped.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoSampleTest
{
    /** Bytes a half-closing client sends (the case that lost 24 MB when EOF freed at once). */
    private static final long HALF_CLOSE_BYTES = 32L << 20;
    /** How long the non-reading client keeps sending. */
    private static final long NON_READER_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /**
     * How long the non-reader keeps sending while the server has not yet stopped reading: the kernel's
     * send buffer on loopback grows to its 4 MB maximum (tcp_wmem), and while the peer's window is
     * closed the kernel appends tiny sends to one skb, so 10-byte echoes fill it at their payload size;
     * a 10-byte-write client that manages ~190 KB/s needs over 20 s for that (seen once in CI: 3.9 MB
     * sent in 20 s, no pause yet). The memory bound is checked whatever the time it took.
     */
    private static final long NON_READER_GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(45);
    /**
     * With 10-byte segments and a 4 KiB receive buffer, loopback TCP itself can stall before the echo backs
     * up into the bufferevent: the receiver's memory (each tiny segment costs ~1 KiB of truesize) overflows,
     * segments are dropped, and both directions sit in retransmission back-off (seen with {@code ss -tmi}:
     * rto 6.5 s, backoff 5, the server's receive queue empty, its loop idle in its poll). Nothing more reaches
     * the server then, so nothing more can be held: the tiny case ends when the client has been unable to
     * send for this long, and the memory bound is checked all the same.
     */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(3);
    /**
     * Most segment bytes the server may hold for one non-reading connection with the default 256 KiB
     * high watermark: the output stops growing at the watermark plus one wakeup's reads (capped by the
     * sample's read high watermark, 256 KiB) or at 2 × 16 + 4 segments (tiny packets), plus a last
     * wakeup's reads; 1 MiB bounds both.
     */
    private static final long NON_READER_BOUND = 1L << 20;
    /** The server's SO_SNDBUF in the tiny-packet non-reader case. */
    private static final int TINY_SEND_BUFFER = 64 * 1024;
    /** Longest a free of the non-reading connection may take, finalizer included. */
    private static final long FREE_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SegmentPool pool = new SegmentPool();
    private EchoServer server;

    @AfterEach
    void stopServerAndCheckThePool()
    {
        if (null != server)
        {
            server.stop();
            assertEquals(0, pool.outstandingSegments(), "segments outstanding after the server stopped");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void shouldEchoAHalfClosedStreamInFullBeforeClosing(final String backend) throws Exception
    {
        final InetSocketAddress address = start("--backend", backend);
        final HalfCloseClient.Echo echo = HalfCloseClient.run(address, 1, HALF_CLOSE_BYTES);
        assertTrue(echo.exact(), echo.describe());
        final EchoHandler handler = server.handlers().get(0);
        awaitTrue(() -> 1 == handler.closedDrained() && 0 == pool.outstandingSegments(),
            "server freed the connection after draining it");
        assertEquals(0, handler.closedOnError());
    }

    /**
     * Bulk: 64 KiB writes. Tiny packets: 10-byte writes with a 4 KiB receive buffer, so the echo backs
     * up at once and every server read, a few bytes, takes a segment of its own (22 MB of segments for
     * 256 KiB of echo before the handler counted segments). The tiny case bounds the server's send buffer
     * ({@code --send-buffer}): autotuned to 4 MB, it took the 10-byte writer up to 45 s to fill before the
     * echo backed up into the bufferevent.
     */
    @ParameterizedTest
    @CsvSource({"epoll, 65536, 0", "epoll, 10, 4096", "nio, 65536, 0", "nio, 10, 4096"})
    void shouldHoldBoundedMemoryForAClientThatNeverReads(final String backend, final int chunk,
        final int receiveBuffer) throws Exception
    {
        final InetSocketAddress address = receiveBuffer > 0
            ? start("--backend", backend, "--send-buffer", Integer.toString(TINY_SEND_BUFFER))
            : start("--backend", backend);
        final long maxHeld;
        final long sent;
        try (SocketChannel channel = SocketChannel.open())
        {
            if (receiveBuffer > 0)
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            final ByteBuffer view = StreamPattern.view();
            final int phase = StreamPattern.phase(2);
            long held = 0;
            long total = 0;
            final EchoHandler handler = server.handlers().get(0);
            final long start = System.nanoTime();
            final long end = start + NON_READER_NANOS;
            final long giveUp = start + NON_READER_GIVE_UP_NANOS;
            long lastProgress = start;
            boolean stalled = false;
            while (System.nanoTime() < end || (0 == handler.pauses() && System.nanoTime() < giveUp && !stalled))
            {
                final int n = channel.write(StreamPattern.slice(view, phase, total, chunk));
                total += n;
                held = Math.max(held, pool.outstandingBytes());
                if (0 == n)
                {
                    stalled = System.nanoTime() - lastProgress > STALL_NANOS;
                    Thread.sleep(1);
                }
                else
                {
                    lastProgress = System.nanoTime();
                }
            }
            maxHeld = held;
            sent = total;
            assertTrue(handler.pauses() > 0 || stalled && chunk < 64,
                "the connection stopped reading (back-pressure), sent " + sent);
            assertTrue(maxHeld <= NON_READER_BOUND, "server held " + maxHeld + " B of segments for a client that " +
                "never reads (bound " + NON_READER_BOUND + " B), client sent " + sent + " B");
            final long took = timeFreeAll(server.bases().get(0), handler);
            assertTrue(took <= FREE_BOUND_NANOS, "freeing the connection took " + took / 1000 + " µs");
            assertEquals(0, pool.outstandingSegments(), "segments outstanding after the free");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void shouldEchoEveryConnectionByteExactInAcceptorModeWithTwoWorkers(final String backend) throws Exception
    {
        final InetSocketAddress address = start("--backend", backend, "--acceptor", "--loops", "2");
        final int connections = 16;
        final ExecutorService clients = Executors.newFixedThreadPool(connections);
        try
        {
            final List<Future<HalfCloseClient.Echo>> echoes = new ArrayList<>();
            for (int i = 0; i < connections; i++)
            {
                final long id = 100 + i;
                echoes.add(clients.submit(() -> HalfCloseClient.run(address, id, 2L << 20)));
            }
            final List<String> wrong = new ArrayList<>();
            for (final Future<HalfCloseClient.Echo> f : echoes)
            {
                final HalfCloseClient.Echo echo = f.get(60, TimeUnit.SECONDS);
                if (!echo.exact())
                {
                    wrong.add(echo.describe());
                }
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " of " + connections + " connections not echoed exactly " +
                "in acceptor mode on " + backend + ":\n" + String.join("\n", wrong));
        }
        finally
        {
            clients.shutdownNow();
        }
        long served = 0;
        for (final EchoHandler h : server.handlers())
        {
            assertTrue(h.accepted() > 0, "every worker served connections");
            served += h.accepted();
        }
        assertEquals(connections, served);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void shouldCloseAConnectionIdleForTheIdleTimeout(final String backend) throws Exception
    {
        final InetSocketAddress address = start("--backend", backend, "--idle-timeout", "200");
        try (SocketChannel channel = SocketChannel.open(address))
        {
            final long t0 = System.nanoTime();
            assertEquals(-1, channel.read(ByteBuffer.allocate(16)), "the server closed the idle connection");
            final long waited = System.nanoTime() - t0;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "closed only after the timeout: " + waited);
        }
        final EchoHandler handler = server.handlers().get(0);
        awaitTrue(() -> 1 == handler.closedOnTimeout(), "closed by the timeout");
        awaitTrue(() -> 0 == handler.openConnections(), "no connection left open");
    }

    @ParameterizedTest
    @CsvSource({"epoll, self-signed", "nio, self-signed", "epoll, pem"})
    void shouldEchoOpensslSClientOverTlsAndCloseWithCloseNotify(final String backend, final String identity,
        @org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        org.junit.jupiter.api.Assumptions.assumeTrue(0 == run(dir, "openssl", "version"),
            "openssl is not installed (Debian package openssl)");
        final List<String> args = new ArrayList<>(List.of("--backend", backend, "--tls"));
        final List<String> verify = new ArrayList<>();
        if ("pem".equals(identity))
        {
            assertEquals(0, run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"));
            args.addAll(List.of("--cert", dir.resolve("cert.pem").toString(), "--key",
                dir.resolve("key.pem").toString()));
            verify.addAll(List.of("-CAfile", dir.resolve("cert.pem").toString(), "-verify_return_error"));
        }
        final InetSocketAddress address = start(args.toArray(new String[0]));
        final List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
            "127.0.0.1:" + address.getPort(), "-servername", "localhost", "-quiet", "-no_ign_eof", "-nocommands"));
        command.addAll(verify);
        final Process client = new ProcessBuilder(command).redirectError(dir.resolve("stderr").toFile()).start();
        final byte[] message = new byte[300_000];
        for (int i = 0; i < message.length; i++)
        {
            message[i] = (byte)(0 == (i + 1) % 100 ? '\n' : 'a' + i % 26);
        }
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final Future<byte[]> echoed = pool.submit(() -> client.getInputStream().readNBytes(message.length));
            pool.submit(() ->
            {
                client.getOutputStream().write(message);
                client.getOutputStream().flush();
                return null;
            }).get(30, TimeUnit.SECONDS);
            final byte[] got = echoed.get(30, TimeUnit.SECONDS);
            client.getOutputStream().close();
            assertTrue(client.waitFor(10, TimeUnit.SECONDS), "s_client ended");
            assertEquals(new String(message, java.nio.charset.StandardCharsets.US_ASCII),
                new String(got, java.nio.charset.StandardCharsets.US_ASCII), "every byte back through TLS");
            final String stderr = java.nio.file.Files.readString(dir.resolve("stderr"));
            assertEquals(0, client.exitValue(), "s_client: " + stderr);
        }
        finally
        {
            pool.shutdownNow();
            client.destroy();
        }
        final EchoHandler handler = server.handlers().get(0);
        awaitTrue(() -> 1 == handler.closedDrained() && 0 == handler.openConnections(),
            "the server drained, sent close_notify and closed");
        assertEquals(0, handler.closedOnError(), "no error on the server's side");
    }

    private static int run(final java.nio.file.Path dir, final String... command) throws Exception
    {
        try
        {
            final Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        }
        catch (final java.io.IOException e)
        {
            return -1;
        }
    }

    private InetSocketAddress start(final String... args)
    {
        server = new EchoServer(EchoOptions.parse(args), pool);
        return server.start();
    }

    /** Frees every connection of the loop from its thread; returns how long until its finalizers ran. */
    private static long timeFreeAll(final EventBase base, final EchoHandler handler) throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong took = new AtomicLong();
        base.execute(() ->
        {
            final long t0 = System.nanoTime();
            handler.freeAll();
            base.finalizeLater(() ->
            {
                took.set(System.nanoTime() - t0);
                done.countDown();
            });
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "free ran");
        return took.get();
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
