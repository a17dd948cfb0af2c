package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.peerRead;
import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 67–72: watermarks, libevent's test watermarks, and jevent's answer to issue 891.
 */
public interface BufferEventWatermarkSemantics extends BufferEventFixture
{
    @Test
    @DisplayName("67: setWatermark sets each selected direction; getWatermark needs exactly READ or WRITE")
    default void shouldSetAndGetWatermarksPerDirection()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.setWatermark(EventFlags.READ | EventFlags.WRITE, 3, 30);
        assertEquals(3, bev.watermark(EventFlags.READ, false));
        assertEquals(30, bev.watermark(EventFlags.READ, true));
        assertEquals(3, bev.watermark(EventFlags.WRITE, false));
        assertEquals(30, bev.watermark(EventFlags.WRITE, true));
        bev.setWatermark(EventFlags.WRITE, 7, 70);
        assertEquals(3, bev.watermark(EventFlags.READ, false), "READ untouched");
        assertEquals(70, bev.watermark(EventFlags.WRITE, true));
        assertEquals(-1, bev.watermark(EventFlags.READ | EventFlags.WRITE, false));
        assertEquals(-1, bev.watermark(0, true));
    }

    @Test
    @DisplayName("68: read high watermark 10, 20 bytes sent: the input holds exactly 10; a drain lets the rest in")
    default void shouldSuspendReadingAtTheHighWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Long> seen = new ArrayList<>();
        bev.setCallbacks(b -> seen.add(b.input().length()), null, null);
        bev.setWatermark(EventFlags.READ, 0, 10);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789abcdefghij"));
        awaitLoop(() -> 10 == bev.input().length(), 5000, "10 bytes");
        runFor(150);
        assertEquals(10, bev.input().length(), "never past the high watermark");
        assertEquals("0123456789", content(bev.input()));
        assertTrue(seen.stream().allMatch(l -> l <= 10), "reads never push the input past H: " + seen);
        bev.input().drain(4);
        awaitLoop(() -> 10 == bev.input().length(), 5000, "refilled to 10 after a partial drain");
        assertEquals("456789abcd", content(bev.input()));
        bev.input().drain(10);
        awaitLoop(() -> 6 == bev.input().length(), 5000, "the rest arrives");
        assertEquals("efghij", content(bev.input()));
    }

    @Test
    @DisplayName("69: setting H while the input holds >= H suspends at once; H = 0 lifts the suspension")
    default void shouldSuspendAtOnceWhenTheMarkIsSetBelowTheInput()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789"));
        awaitLoop(() -> 10 == bev.input().length(), 5000, "10 bytes");
        bev.setWatermark(EventFlags.READ, 0, 5);
        peerSend(c, bytes("abcde"));
        runFor(150);
        assertEquals(10, bev.input().length(), "suspended at once");
        bev.setWatermark(EventFlags.READ, 0, 0);
        awaitLoop(() -> 15 == bev.input().length(), 5000, "reading resumes with H = 0");
        assertEquals("0123456789abcde", content(bev.input()));
    }

    @Test
    @DisplayName("70 (jevent, not issue 891): a readcb leaving input >= H runs once, not over and over; trigger "
        + "runs it again")
    default void shouldNotReinvokeTheReadCallbackAtTheHighWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] reads = new int[1];
        bev.setCallbacks(b -> reads[0]++, null, null);
        bev.setWatermark(EventFlags.READ, 0, 10);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789abcdefghij"));
        awaitLoop(() -> 10 == bev.input().length(), 5000, "input at H");
        final int after = reads[0];
        assertTrue(after >= 1 && after <= 10, "reads to reach H: " + after);
        final long start = System.nanoTime();
        assertTrue(base().loop(LoopFlags.NONBLOCK) >= 0, "EVLOOP_NONBLOCK returns (libevent 2.1.11+ spins)");
        runFor(200);
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertEquals(after, reads[0], "no re-invocation while the callback leaves the input at H");
        bev.trigger(EventFlags.READ, 0);
        assertEquals(after + 1, reads[0], "trigger calls it again");
        runFor(100);
        assertEquals(after + 1, reads[0]);
        bev.input().drain(10);
        awaitLoop(() -> 10 == bev.input().length(), 5000, "the rest after draining");
        assertTrue(reads[0] > after + 1);
    }

    @Test
    @DisplayName("71 (test watermarks): low 10 / high 20, peer sends 65,000 bytes: every readcb sees 10..20, "
        + "all bytes arrive")
    default void shouldKeepEveryReadCallbackBetweenTheWatermarks()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int total = 65_000;
        final byte[] data = BufferEventFixture.pattern(total, 5);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final List<Long> bad = new ArrayList<>();
        final int[] calls = new int[1];
        bev.setCallbacks(b ->
        {
            calls[0]++;
            final long len = b.input().length();
            if (len < 10 || len > 20)
            {
                bad.add(len);
            }
            final byte[] chunk = new byte[(int)len];
            b.read(chunk, 0, chunk.length);
            got.write(chunk, 0, chunk.length);
        }, null, null);
        bev.setWatermark(EventFlags.READ, 10, 20);
        bev.enable(EventFlags.READ);
        background("peer-writer", () -> peerSend(c, data));
        awaitLoop(() -> got.size() + bev.input().length() == total, 30_000, "all 65,000 bytes");
        assertEquals(List.of(), bad, "input lengths seen by readcb outside [10, 20]");
        assertTrue(bev.input().length() < 10, "at most a tail below the low watermark waits");
        final byte[] tail = new byte[(int)bev.input().length()];
        bev.input().remove(tail, 0, tail.length);
        got.write(tail, 0, tail.length);
        assertArrayEquals(data, got.toByteArray());
        assertTrue(calls[0] >= total / 20, "at least 3,250 callbacks: " + calls[0]);
    }

    @Test
    @DisplayName("72 (test watermarks): with write low watermark 100, writecb always sees an output <= 100")
    default void shouldKeepEveryWriteCallbackAtOrBelowTheWriteLowWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int total = 1_000_000;
        final byte[] data = BufferEventFixture.pattern(total, 6);
        final int[] sent = new int[1];
        final List<Long> bad = new ArrayList<>();
        final int[] calls = new int[1];
        bev.setWatermark(EventFlags.WRITE, 100, 0);
        bev.setCallbacks(null, b ->
        {
            calls[0]++;
            if (b.output().length() > 100)
            {
                bad.add(b.output().length());
            }
            if (sent[0] < total)
            {
                final int n = Math.min(7000, total - sent[0]);
                b.write(data, sent[0], n);
                sent[0] += n;
            }
        }, null);
        bev.write(data, 0, 7000);
        sent[0] = 7000;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        awaitLoop(() ->
        {
            peerRead(c, got);
            return got.size() >= total;
        }, 30_000, "all bytes at the peer");
        assertArrayEquals(data, got.toByteArray());
        assertEquals(List.of(), bad, "output lengths seen by writecb above 100");
        assertTrue(calls[0] >= total / 7000, "writecb drove the transfer: " + calls[0]);
    }
}
