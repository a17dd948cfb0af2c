package io.jevent.bufferevent;

import io.jevent.loop.Errno;
import io.jevent.loop.EventFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static io.jevent.bufferevent.BufferEventFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 54–59: the socket read path (bufferevent_sock.c {@code bufferevent_readcb}).
 */
public interface BufferEventReadSemantics extends BufferEventFixture
{
    @Test
    @DisplayName("54: reading happens only inside the loop, one read of at most max_single_read per wakeup")
    default void shouldReadOnlyInsideTheLoopAtMostMaxSingleReadAtATime()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        final List<Long> seen = new ArrayList<>();
        bev.setMaxSingleRead(100);
        bev.setReadsPerWakeup(1);
        assertEquals(100, bev.maxSingleRead());
        bev.setCallbacks(b -> seen.add(b.input().length()), null, null);
        bev.enable(EventFlags.READ);
        final byte[] data = BufferEventFixture.pattern(1000, 3);
        peerSend(c, data);
        assertEquals(0, bev.input().length(), "nothing read outside the loop");
        awaitLoop(() -> 1000 == bev.input().length(), 5000, "all 1000 bytes");
        long prev = 0;
        for (final long len : seen)
        {
            assertTrue(len - prev > 0 && len - prev <= 100, "one read of at most 100 per callback: " + seen);
            prev = len;
        }
        assertTrue(seen.size() >= 10, "at least 10 reads for 1000 bytes: " + seen);
        final byte[] got = new byte[1000];
        bev.read(got, 0, 1000);
        assertArrayEquals(data, got);
        bev.setMaxSingleRead(0);
        assertEquals(BufferEventConfiguration.MAX_SINGLE_READ_DEFAULT, bev.maxSingleRead(), "0 restores the default");
    }

    @Test
    @DisplayName("54 (jevent default): up to readsPerWakeup reads of maxSingleRead per wakeup, one readcb after them")
    default void shouldReadSeveralFullQuotasPerWakeupAndCallOnce()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        final List<Long> seen = new ArrayList<>();
        bev.setMaxSingleRead(100);
        assertEquals(4, BufferEventConfiguration.readsPerWakeup(), "this test assumes the default of 4 reads");
        bev.setCallbacks(b -> seen.add(b.input().length()), null, null);
        bev.enable(EventFlags.READ);
        final byte[] data = BufferEventFixture.pattern(1000, 3);
        peerSend(c, data);
        awaitLoop(() -> 1000 == bev.input().length(), 5000, "all 1000 bytes");
        long prev = 0;
        for (final long len : seen)
        {
            assertTrue(len - prev > 0 && len - prev <= 400, "at most 4 reads of 100 per callback: " + seen);
            prev = len;
        }
        assertTrue(seen.size() >= 3, "1000 bytes need at least 3 wakeups of 400: " + seen);
        assertTrue(seen.size() < 10, "more than one 100-byte read per wakeup: " + seen);
        final byte[] got = new byte[1000];
        bev.read(got, 0, 1000);
        assertArrayEquals(data, got);
        assertThrows(IllegalArgumentException.class, () -> bev.setReadsPerWakeup(0));
    }

    @Test
    @DisplayName("55: readcb runs only once the input reaches the read low watermark (issue 754)")
    default void shouldWaitForTheReadLowWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Long> seen = new ArrayList<>();
        bev.setCallbacks(b -> seen.add(b.input().length()), null, null);
        bev.setWatermark(EventFlags.READ, 8, 0);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("abc"));
        awaitLoop(() -> 3 == bev.input().length(), 5000, "3 bytes read");
        runFor(50);
        assertEquals(List.of(), seen, "3 < low watermark 8: no callback");
        peerSend(c, bytes("defghi"));
        awaitLoop(() -> !seen.isEmpty(), 5000, "readcb after 6 more bytes");
        runFor(50);
        assertEquals(List.of(9L), seen);
    }

    @Test
    @DisplayName("56: EOF clears READ, calls eventcb(READING|EOF) once; input data kept, writing still works")
    default void shouldHalfCloseOnEof() throws IOException
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.enable(EventFlags.READ | EventFlags.WRITE);
        peerSend(c, bytes("last words"));
        c.peer().shutdownOutput();
        awaitLoop(() -> !events.isEmpty(), 5000, "EOF event");
        runFor(50);
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), events);
        assertEquals(EventFlags.WRITE, bev.enabled(), "READ cleared, WRITE untouched");
        assertEquals("last words", content(bev.input()), "data already read stays in the input");
        assertEquals(0, bev.write(bytes("reply after EOF")));
        assertEquals("reply after EOF", text(peerReceive(c, 15, 5000)));
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), events, "no further event");
    }

    @Test
    @DisplayName("57: a read error (peer reset) clears READ and calls eventcb(READING|ERROR) with the errno")
    default void shouldReportReadErrorOnReset() throws IOException
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
        bev.enable(EventFlags.READ);
        awaitLoop(() -> !events.isEmpty(), 5000, "an event after the reset");
        runFor(50);
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR), events);
        assertEquals(Errno.ECONNRESET, errno[0], "socket error " + Errno.name(errno[0]));
        assertEquals(EventFlags.WRITE, bev.enabled());
    }

    @Test
    @DisplayName("58: a peer close is not reported while READ is disabled")
    default void shouldNotNoticeEofWhileReadIsDisabled() throws IOException
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        c.peer().shutdownOutput();
        runFor(150);
        assertEquals(List.of(), events);
        bev.enable(EventFlags.READ);
        awaitLoop(() -> !events.isEmpty(), 5000, "EOF once READ is enabled");
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), events);
    }

    @Test
    @DisplayName("58: a peer close is not reported while the input sits at the high watermark")
    default void shouldNotNoticeEofWhileSuspendedAtTheHighWatermark() throws IOException
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setWatermark(EventFlags.READ, 0, 5);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789"));
        c.peer().shutdownOutput();
        awaitLoop(() -> 5 == bev.input().length(), 5000, "input at the high watermark");
        runFor(150);
        assertEquals(List.of(), events, "suspended: no EOF seen");
        assertEquals(5, bev.input().length());
        bev.input().drain(5);
        awaitLoop(() -> 5 == bev.input().length(), 5000, "the rest after the drain");
        assertEquals("56789", content(bev.input()));
        runFor(100);
        assertEquals(List.of(), events, "at the high watermark again: still no EOF seen");
        bev.input().drain(5);
        awaitLoop(() -> !events.isEmpty(), 5000, "EOF once below the mark");
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), events);
    }

    @Test
    @DisplayName("59: read timeout 150 ms on a silent peer: exactly one eventcb(READING|TIMEOUT), READ cleared")
    default void shouldTimeOutReadingOnce()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        final long[] at = new long[1];
        bev.setCallbacks(b -> events.add(-1), null, (b, what) ->
        {
            events.add(what);
            at[0] = System.nanoTime();
        });
        bev.setTimeouts(150, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        final long start = System.nanoTime();
        bev.enable(EventFlags.READ);
        runFor(700);
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), events);
        final long ms = (at[0] - start) / 1_000_000;
        assertTrue(ms >= 140 && ms < 650, "timeout after " + ms + " ms");
        assertEquals(EventFlags.WRITE, bev.enabled(), "READ cleared");
        assertEquals(1, base().dispatch(), "nothing left registered: dispatch returns 1 (issue 1106)");
    }

    @Test
    @DisplayName("59: the read timeout restarts with each read and never fires while data keeps coming")
    default void shouldNotTimeOutWhileDataArrives()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(b -> b.input().drain(b.input().length()), null, (b, what) -> events.add(what));
        bev.setTimeouts(250, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        bev.enable(EventFlags.READ);
        for (int i = 0; i < 6; i++)
        {
            peerSend(c, bytes("tick"));
            runFor(80);
        }
        assertEquals(List.of(), events, "reads every 80 ms keep a 250 ms read timeout from firing");
        awaitLoop(() -> !events.isEmpty(), 5000, "timeout once the peer falls silent");
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), events);
    }

    @Test
    @DisplayName("59: no read timeout while READ is disabled")
    default void shouldNotTimeOutWhileReadIsDisabled()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setTimeouts(100, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        runFor(300);
        assertEquals(List.of(), events);
    }

    @Test
    @DisplayName("59: no read timeout while reading is suspended at the high watermark; it restarts on resume")
    default void shouldNotTimeOutWhileSuspended()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setWatermark(EventFlags.READ, 0, 5);
        bev.setTimeouts(150, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789"));
        awaitLoop(() -> 5 == bev.input().length(), 5000, "input at H");
        runFor(450);
        assertEquals(List.of(), events, "suspended: no timeout");
        bev.input().drain(5);
        awaitLoop(() -> 5 == bev.input().length(), 5000, "rest read");
        bev.input().drain(5);
        awaitLoop(() -> !events.isEmpty(), 5000, "timeout once reading is live again and the peer is silent");
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), events);
    }

    @Test
    @DisplayName("59: setTimeouts on a pending read replaces its timeout; 0 removes it")
    default void shouldApplyNewTimeoutsToAPendingRead()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.setTimeouts(100, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        bev.enable(EventFlags.READ);
        bev.setTimeouts(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        runFor(350);
        assertEquals(List.of(), events, "timeout removed");
        bev.setTimeouts(10_000, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        bev.setTimeouts(100, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        final long start = System.nanoTime();
        awaitLoop(() -> !events.isEmpty(), 5000, "the shorter timeout");
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "the 10 s timeout was replaced");
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), events);
    }
}
