package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.Errno;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.peerRead;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 60–66: the socket write path ({@code bufferevent_writecb}), plus jevent's
 * {@link BevOptions#BOUNDED_OUTPUT}.
 */
public interface BufferEventWriteSemantics extends BufferEventFixture
{
    /**
     * Fills the local end's send path until the socket takes nothing more (the peer never reads).
     */
    static void fillSocket(final Conn c) throws IOException
    {
        c.peer().setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        c.local().setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        c.local().configureBlocking(false);
        final ByteBuffer chunk = ByteBuffer.allocate(65536);
        int zeros = 0;
        while (zeros < 40)
        {
            chunk.clear();
            if (0 == c.local().write(chunk))
            {
                zeros++;
                try
                {
                    Thread.sleep(5);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            else
            {
                zeros = 0;
            }
        }
    }

    @Test
    @DisplayName("60: write never writes synchronously; the peer gets the bytes after one loop pass")
    default void shouldNeverWriteSynchronously()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        assertEquals(0, bev.write(bytes("hello")));
        assertEquals(0, peerRead(c, new ByteArrayOutputStream()), "the peer reads nothing before the loop runs");
        base().loop(LoopFlags.ONCE);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.size() < 5 && System.nanoTime() < deadline)
        {
            peerRead(c, got);
        }
        assertEquals("hello", got.toString(java.nio.charset.StandardCharsets.ISO_8859_1),
            "5 bytes after one EVLOOP_ONCE");
    }

    @Test
    @DisplayName("61: once the output is empty the write event is removed, so the write timeout never fires")
    default void shouldStopTheWriteTimeoutOnceTheOutputIsEmpty()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setTimeouts(0, 100, TimeUnit.MILLISECONDS);
        bev.write(BufferEventFixture.pattern(200_000, 1));
        final byte[] got = peerReceive(c, 200_000, 10_000);
        assertArrayEquals(BufferEventFixture.pattern(200_000, 1), got);
        runFor(400);
        assertEquals(List.of(), events);
        assertEquals(EventFlags.WRITE, bev.enabled());
    }

    @Test
    @DisplayName("62: writecb runs only when the output falls to the low watermark (0: drained); appending never")
    default void shouldCallWriteCallbackOnlyWhenDrained()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Long> seen = new ArrayList<>();
        bev.setCallbacks(null, b -> seen.add(b.output().length()), null);
        final byte[] data = BufferEventFixture.pattern(2_000_000, 2);
        for (int off = 0; off < data.length; off += 100_000)
        {
            assertEquals(0, bev.write(data, off, 100_000));
        }
        assertEquals(List.of(), seen, "appending data never calls writecb");
        assertArrayEquals(data, peerReceive(c, data.length, 20_000));
        awaitLoop(() -> !seen.isEmpty(), 5000, "writecb once drained");
        for (final long len : seen)
        {
            assertEquals(0, len, "writecb only with an empty output: " + seen);
        }
    }

    @Test
    @DisplayName("63: enable(WRITE) with an empty output gives exactly one writecb")
    default void shouldCallWriteCallbackOnceOnEnableWithEmptyOutput()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] writes = new int[1];
        bev.setCallbacks(null, b -> writes[0]++, null);
        runFor(50);
        assertEquals(0, writes[0], "WRITE is enabled at creation but nothing is armed");
        bev.enable(EventFlags.WRITE);
        awaitLoop(() -> writes[0] > 0, 5000, "writecb");
        runFor(150);
        assertEquals(1, writes[0]);
    }

    @Test
    @DisplayName("64: a write error (peer reset) clears WRITE and calls eventcb(WRITING|ERROR) with EPIPE/ECONNRESET")
    default void shouldReportWriteErrorOnReset() throws IOException
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        final int[] errno = new int[1];
        bev.setCallbacks(null, null, (b, what) ->
        {
            events.add(what);
            errno[0] = b.socketError();
        });
        c.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
        c.peer().close();
        runFor(20);
        for (int i = 0; i < 4; i++)
        {
            bev.write(BufferEventFixture.pattern(100_000, i));
        }
        awaitLoop(() -> !events.isEmpty(), 5000, "write error");
        runFor(50);
        assertEquals(List.of(BevFlags.WRITING | BevFlags.ERROR), events);
        assertTrue(Errno.EPIPE == errno[0] || Errno.ECONNRESET == errno[0], "errno " + Errno.name(errno[0]));
        assertEquals(0, bev.enabled() & EventFlags.WRITE, "WRITE cleared");
    }

    @Test
    @DisplayName("65: write timeout 100 ms on a full peer: exactly one eventcb(WRITING|TIMEOUT), WRITE cleared")
    default void shouldTimeOutWritingOnceOnAFullPeer() throws IOException
    {
        final Conn c = connect();
        c.peer().setOption(StandardSocketOptions.SO_RCVBUF, 8192);
        final BufferEvent bev = bev(c, 0);
        c.local().setOption(StandardSocketOptions.SO_SNDBUF, 8192);
        final List<Integer> events = new ArrayList<>();
        final long[] at = new long[1];
        bev.setCallbacks(null, b -> events.add(-1), (b, what) ->
        {
            events.add(what);
            at[0] = System.nanoTime();
        });
        bev.setTimeouts(0, 100, TimeUnit.MILLISECONDS);
        final long start = System.nanoTime();
        for (int i = 0; i < 40; i++)
        {
            bev.write(BufferEventFixture.pattern(100_000, i));
        }
        awaitLoop(() -> !events.isEmpty(), 10_000, "write timeout");
        runFor(300);
        assertEquals(List.of(BevFlags.WRITING | BevFlags.TIMEOUT), events);
        final long ms = (at[0] - start) / 1_000_000;
        assertTrue(ms >= 90, "timeout after " + ms + " ms");
        assertEquals(0, bev.enabled(), "WRITE cleared");
        assertTrue(bev.output().length() > 0, "the rest stays queued");
    }

    @Test
    @DisplayName("65: quirk: enable(WRITE) arms the write timeout even with an empty output on a never-ready fd")
    default void shouldTimeOutAnIdleWriteOnAFullSocket() throws IOException
    {
        final Conn c = connect();
        fillSocket(c);
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, b -> events.add(-1), (b, what) -> events.add(what));
        bev.setTimeouts(0, 100, TimeUnit.MILLISECONDS);
        bev.enable(EventFlags.WRITE);
        runFor(500);
        assertEquals(List.of(BevFlags.WRITING | BevFlags.TIMEOUT), events);
    }

    @Test
    @DisplayName("66: without BOUNDED_OUTPUT the write high watermark is not enforced")
    default void shouldNotEnforceTheWriteHighWatermarkByDefault()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.disable(EventFlags.WRITE);
        bev.setWatermark(EventFlags.WRITE, 0, 10);
        assertEquals(0, bev.write(new byte[1000]));
        assertEquals(0, bev.write(new byte[1000]));
        assertEquals(2000, bev.output().length());
    }

    @Test
    @DisplayName("jevent BOUNDED_OUTPUT: writes past the write high watermark refuse everything with OUTPUT_FULL")
    default void shouldRefuseWritesPastTheBound()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.BOUNDED_OUTPUT);
        bev.disable(EventFlags.WRITE);
        bev.setWatermark(EventFlags.WRITE, 100, 1000);
        assertEquals(0, bev.write(new byte[600]));
        assertEquals(BufferEvent.OUTPUT_FULL, bev.write(new byte[401]));
        final ByteBuffer bb = ByteBuffer.allocate(401);
        assertEquals(BufferEvent.OUTPUT_FULL, bev.write(bb));
        assertEquals(0, bb.position(), "a refused ByteBuffer is not consumed");
        final Evbuffer src = new Evbuffer(pool());
        try
        {
            src.add(new byte[401]);
            assertEquals(BufferEvent.OUTPUT_FULL, bev.writeBuffer(src));
            assertEquals(401, src.length(), "a refused source buffer keeps its bytes");
        }
        finally
        {
            src.free();
        }
        assertEquals(BufferEvent.OUTPUT_FULL, bev.writeUtf8("x".repeat(401)));
        assertEquals(600, bev.output().length(), "nothing of a refused write is taken");
        assertEquals(0, bev.write(new byte[400]), "exactly up to the bound is fine");
        assertEquals(1000, bev.output().length());
        assertEquals(BufferEvent.OUTPUT_FULL, bev.write(new byte[1]));
    }

    @Test
    @DisplayName("jevent BOUNDED_OUTPUT: writecb signals room again; every byte written arrives in order")
    default void shouldSignalRoomThroughTheWriteCallback()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.BOUNDED_OUTPUT);
        bev.setWatermark(EventFlags.WRITE, 1000, 8000);
        final int total = 400_000;
        final byte[] data = BufferEventFixture.pattern(total, 9);
        final int[] sent = new int[1];
        final long[] maxOutput = new long[1];
        final int[] refusals = new int[1];
        final DataCallback fill = b ->
        {
            while (sent[0] < total)
            {
                final int n = Math.min(3000, total - sent[0]);
                final int r = b.write(data, sent[0], n);
                if (BufferEvent.OUTPUT_FULL == r)
                {
                    refusals[0]++;
                    break;
                }
                assertEquals(0, r);
                sent[0] += n;
                maxOutput[0] = Math.max(maxOutput[0], b.output().length());
            }
        };
        bev.setCallbacks(null, fill, null);
        fill.onData(bev);
        final byte[] got = peerReceive(c, total, 20_000);
        assertArrayEquals(data, got);
        assertTrue(maxOutput[0] <= 8000, "output never above the bound: " + maxOutput[0]);
        assertTrue(refusals[0] > 0, "the bound was hit");
        assertEquals(total, sent[0]);
        assertEquals("", content(bev.output()));
    }

    @Test
    @DisplayName("65: the write timeout restarts with each write: no timeout while a slow peer keeps reading")
    default void shouldNotTimeOutWhileTheSlowPeerKeepsReading() throws IOException
    {
        writeToAPeerReadingEvery40Ms(connect(8192), 0);
    }

    @Test
    @DisplayName("65: no write timeout while a slow peer keeps reading, with 64 KiB single writes")
    default void shouldNotTimeOutWhileTheSlowPeerKeepsReadingWith64KiBWrites() throws IOException
    {
        writeToAPeerReadingEvery40Ms(connect(8192), 65536);
    }

    @Test
    @DisplayName("65: no write timeout while a slow peer keeps reading, with 1 MiB single writes")
    default void shouldNotTimeOutWhileTheSlowPeerKeepsReadingWith1MiBWrites() throws IOException
    {
        writeToAPeerReadingEvery40Ms(connect(8192), 1 << 20);
    }

    /**
     * Kernel behaviour that every writer meets, whatever the backend (nio's writev and epoll's sendmsg
     * alike): Linux caps a connection's segment size at half the largest window the peer ever offered.
     * Over loopback (64 KiB MTU) the peer's first window, offered with its default receive buffer, is
     * 64 KiB, so segments are 32 KiB. Lowering the peer's SO_RCVBUF to 8 KiB (16 KiB in the kernel)
     * after the handshake leaves a window of at most 16 KiB, which no longer holds one segment. A single
     * write of 32 KiB or more (or smaller writes the kernel merges while the window is closed) queues a
     * 32 KiB segment the sender does not send into that window. The kernel waits for its zero-window
     * probe (persist) timer instead: at least the 200 ms minimum RTO, doubling per unanswered probe.
     * That timer sends a window-sized piece. Until then the unsent segment holds about 33 KB of write
     * memory against a 16 KiB SO_SNDBUF, above the two thirds below which the kernel reports EPOLLOUT.
     * So no writable wakeup comes for 200 to 400 ms, though the peer reads every 40 ms and sits
     * empty. jevent restarts the write timeout on every writable wakeup (libevent), so a write
     * timeout longer than that does not fire and the transfer goes on at 32 KiB per probe. A peer
     * that sets its small buffer before connecting ({@link #connect(int)}, the tests above) offers
     * the small window from the start and gets segments that fit it (4 KiB here).
     */
    @Test
    @DisplayName("65: a peer whose window shrank below one segment is served by TCP's persist timer; no write timeout")
    default void shouldKeepWritingToAPeerThatShrankItsWindowAfterTheHandshake() throws IOException
    {
        final Conn c = connect();
        c.peer().setOption(StandardSocketOptions.SO_RCVBUF, 8192);
        writeToAPeerReadingEvery40Ms(c, 1 << 20);
    }

    /**
     * Writes 3 MB through an 8 KiB SO_SNDBUF, with an 800 ms write timeout, to a peer that reads
     * everything it has every 40 ms, for 2.5 s. The write timeout must not fire, and the peer must
     * receive a correct prefix of the data.
     *
     * @param c              the pair; its peer's receive buffer is already set up
     * @param maxSingleWrite most bytes per write, 0 for the default
     */
    private void writeToAPeerReadingEvery40Ms(final Conn c, final int maxSingleWrite) throws IOException
    {
        final SocketBufferEvent bev = bev(c, 0);
        bev.setMaxSingleWrite(maxSingleWrite);
        c.local().setOption(StandardSocketOptions.SO_SNDBUF, 8192);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setTimeouts(0, 800, TimeUnit.MILLISECONDS);
        final byte[] data = BufferEventFixture.pattern(3_000_000, 4);
        bev.write(data);
        runFor(100);
        assertTrue(bev.output().length() > 0, "the peer is full");
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long start = System.nanoTime();
        final long[] lastRead = {System.nanoTime()};
        awaitLoop(() ->
        {
            if (System.nanoTime() - lastRead[0] > 40_000_000L && got.size() < data.length)
            {
                lastRead[0] = System.nanoTime();
                peerRead(c, got);
            }
            return got.size() >= data.length || !events.isEmpty() || System.nanoTime() - start > 2_500_000_000L;
        }, 10_000, "slow transfer");
        assertEquals(List.of(), events, "reads every 40 ms keep an 800 ms write timeout from firing (TCP's persist " +
            "timer may hold writability back 200-400 ms, and a loaded 2-core machine may stall the loop)");
        assertTrue(got.size() > 0);
        assertArrayEquals(Arrays.copyOf(data, got.size()), got.toByteArray(), "a prefix of the data, in order");
    }

    @Test
    @DisplayName("49/60: disable(WRITE) holds the output back; enable(WRITE) sends it")
    default void shouldHoldOutputWhileWriteIsDisabled()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.disable(EventFlags.WRITE);
        bev.write(bytes("held"));
        runFor(100);
        assertEquals(0, peerRead(c, new ByteArrayOutputStream()));
        assertEquals(4, bev.output().length());
        bev.enable(EventFlags.WRITE);
        assertEquals("held", BufferEventFixture.text(peerReceive(c, 4, 5000)));
    }
}
