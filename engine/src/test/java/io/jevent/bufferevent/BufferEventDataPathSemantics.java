package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopCounters;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path (issue 9): adaptive read sizes, whole-queue writes, no wasted EAGAIN read, idle
 * connections holding no segment, all observed through the loop's counters
 * ({@link LoopCounters#reads()}, {@link LoopCounters#emptyReads()}, {@link LoopCounters#writes()}...)
 * and the pool's accounting, on every backend. Behaviour, not timing.
 */
public interface BufferEventDataPathSemantics extends BufferEventFixture
{
    @Test
    @DisplayName("data path: the read guess starts at initialRead, grows 4x after a read that fills it, " +
        "up to maxSingleRead")
    default void shouldGrowTheReadGuessWhileReadsFillIt()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        assertEquals(BufferEventConfiguration.INITIAL_READ_DEFAULT, bev.nextReadSize());
        assertEquals(BufferEventConfiguration.MAX_SINGLE_READ_DEFAULT, bev.maxSingleRead());
        final List<Long> sizes = new ArrayList<>();
        final long[] last = {0};
        bev.setCallbacks(b ->
        {
            sizes.add(b.input().length() - last[0]);
            last[0] = b.input().length();
        }, null, null);
        final byte[] data = BufferEventFixture.pattern(1 << 20, 5);
        peerSend(c, data);
        final LoopCounters before = snapshot();
        bev.enable(EventFlags.READ);
        awaitLoop(() -> data.length == bev.input().length(), 10_000, "1 MiB read");
        final LoopCounters after = base().counters();
        assertEquals(data.length, after.bytesRead() - before.bytesRead());
        final long reads = after.reads() - before.reads();
        assertTrue(reads <= 16, "1 MiB in at most 16 reads (16 KiB, 64 KiB, then 256 KiB each), not 64 of 16 KiB: " +
            reads);
        assertTrue(bev.nextReadSize() > BufferEventConfiguration.INITIAL_READ_DEFAULT,
            "the guess grew: " + bev.nextReadSize());
        final byte[] got = new byte[data.length];
        bev.read(got, 0, got.length);
        assertArrayEquals(data, got);
    }

    @Test
    @DisplayName("data path: two reads in a row that fill less than half of the guess halve it, down to minRead")
    default void shouldShrinkTheReadGuessAfterShortReads()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        final int[] got = {0};
        bev.setCallbacks(b ->
        {
            b.input().drain(b.input().length());
            got[0]++;
        }, null, null);
        bev.enable(EventFlags.READ);
        final int before = bev.nextReadSize();
        final List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 12; i++)
        {
            final int want = i + 1;
            peerSend(c, BufferEventFixture.pattern(100, i));
            awaitLoop(() -> got[0] >= want, 5000, "message " + want);
            guesses.add(bev.nextReadSize());
        }
        assertTrue(bev.nextReadSize() < before, "short reads shrank the guess: " + guesses);
        assertEquals(BufferEventConfiguration.MIN_READ_DEFAULT, bev.nextReadSize(),
            "12 reads of 100 bytes halve 16 KiB down to the 2 KiB minimum: " + guesses);
        for (int i = 1; i < guesses.size(); i++)
        {
            final int now = guesses.get(i);
            final int was = guesses.get(i - 1);
            assertTrue(now == was || now * 2 == was,
                "halving, never a jump: " + guesses);
        }
    }

    @Test
    @DisplayName("data path: a short read means the socket is drained: no read that only returns EAGAIN")
    default void shouldNotMakeAnEmptyReadAfterAShortRead()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        final int[] calls = {0};
        bev.setCallbacks(b ->
        {
            calls[0]++;
            b.input().drain(b.input().length());
        }, null, null);
        bev.enable(EventFlags.READ);
        runFor(20);
        final LoopCounters before = snapshot();
        for (int i = 0; i < 20; i++)
        {
            final int want = i + 1;
            peerSend(c, BufferEventFixture.pattern(64, i));
            awaitLoop(() -> calls[0] >= want, 5000, "message " + want);
        }
        final LoopCounters after = base().counters();
        assertEquals(20 * 64, after.bytesRead() - before.bytesRead());
        assertEquals(0, after.emptyReads() - before.emptyReads(), "no EAGAIN read");
        assertEquals(20, after.reads() - before.reads(), "one read per message");
        assertTrue(after.callbacks() - before.callbacks() >= 20, "the read callback ran for each message");
    }

    @Test
    @DisplayName("data path: one write call offers everything queued (up to maxSingleWrite), one call per message")
    default void shouldWriteEverythingQueuedInOneCall()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        runFor(20);
        final LoopCounters before = snapshot();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++)
        {
            final byte[] small = BufferEventFixture.pattern(100, i);
            bev.write(small);
            sent.write(small, 0, small.length);
        }
        final byte[] big = BufferEventFixture.pattern(5000, 7);
        bev.write(big);
        sent.write(big, 0, big.length);
        assertArrayEquals(sent.toByteArray(), peerReceive(c, 10_000, 5000));
        final LoopCounters after = base().counters();
        assertEquals(1, after.writes() - before.writes(), "51 writes before the loop ran are one write call");
        assertEquals(10_000, after.bytesWritten() - before.bytesWritten());
        assertEquals(0, after.partialWrites() - before.partialWrites(), "the send buffer took all of it");
    }

    @Test
    @DisplayName("data path: maxSingleRead and maxSingleWrite still bound every call")
    default void shouldBoundEveryCallByMaxSingleReadAndWrite()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        bev.setMaxSingleRead(3000);
        bev.setMaxSingleWrite(5000);
        assertEquals(5000, bev.maxSingleWrite());
        assertTrue(bev.nextReadSize() <= 3000);
        final int[] readCalls = {0};
        bev.setCallbacks(b -> readCalls[0]++, null, null);
        bev.enable(EventFlags.READ);
        runFor(20);
        final LoopCounters before = snapshot();
        final byte[] data = BufferEventFixture.pattern(60_000, 9);
        peerSend(c, data);
        awaitLoop(() -> data.length == bev.input().length(), 10_000, "60000 bytes");
        bev.write(data);
        final byte[] echoed = peerReceive(c, data.length, 10_000);
        assertArrayEquals(data, echoed);
        final LoopCounters after = base().counters();
        assertTrue(after.reads() - before.reads() >= 20, "60000 bytes in reads of at most 3000: " +
            (after.reads() - before.reads()));
        assertTrue(after.writes() - before.writes() >= 12, "60000 bytes in writes of at most 5000: " +
            (after.writes() - before.writes()));
        assertTrue(bev.nextReadSize() <= 3000, "the guess never passes the cap: " + bev.nextReadSize());
        bev.setMaxSingleRead(0);
        assertEquals(BufferEventConfiguration.MAX_SINGLE_READ_DEFAULT, bev.maxSingleRead(), "0 restores the default");
        bev.setMaxSingleWrite(0);
        assertEquals(BufferEventConfiguration.MAX_SINGLE_WRITE_DEFAULT, bev.maxSingleWrite(), "0 restores the default");
    }

    @Test
    @DisplayName("data path: writesPerWakeup bounds the writes of one flush; the rest waits for writability")
    default void shouldBoundTheWritesOfOneFlushByWritesPerWakeup()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        assertThrows(IllegalArgumentException.class, () -> bev.setWritesPerWakeup(0));
        bev.setMaxSingleWrite(1000);
        bev.setWritesPerWakeup(2);
        runFor(20);
        final LoopCounters before = snapshot();
        final byte[] data = BufferEventFixture.pattern(10_000, 5);
        bev.write(data);
        base().loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);
        final LoopCounters after = snapshot();
        assertEquals(2, after.writes() - before.writes(), "one flush, two writes of 1000");
        assertEquals(2000, after.bytesWritten() - before.bytesWritten());
        assertEquals(8000, bev.output().length());
        assertArrayEquals(data, peerReceive(c, data.length, 5000), "the rest follows on writability");
    }

    @Test
    @DisplayName("data path: an idle connection whose buffers are empty holds no segment")
    default void shouldHoldNoSegmentWhenIdle()
    {
        final Conn c = connect();
        final long baseline = pool().outstandingSegments();
        final BufferEvent bev = bev(c, 0);
        bev.setCallbacks(b -> b.writeBuffer(b.input()), null, null);
        bev.enable(EventFlags.READ);
        for (int i = 0; i < 5; i++)
        {
            final byte[] msg = BufferEventFixture.pattern(i * 20_000 + 64, i);
            peerSend(c, msg);
            assertArrayEquals(msg, peerReceive(c, msg.length, 5000));
        }
        awaitLoop(() -> 0 == bev.output().length() && 0 == bev.input().length(), 5000, "both buffers empty");
        runFor(20);
        assertEquals(0, bev.input().segmentCount() + bev.input().spareSegments() + bev.output().segmentCount() +
            bev.output().spareSegments(), "no segment, spare or data, in either buffer");
        assertEquals(baseline, pool().outstandingSegments(), "everything back in the pool while the connection lives");
    }

    @Test
    @DisplayName("data path: 8 MiB each way at once, every byte verified, with default sizes")
    default void shouldMoveMegabytesBothWaysIntact()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final byte[] toPeer = BufferEventFixture.pattern(8 << 20, 11);
        final byte[] fromPeer = BufferEventFixture.pattern(8 << 20, 13);
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final byte[] chunk = new byte[64 * 1024];
        bev.setCallbacks(b ->
        {
            int n;
            while ((n = b.read(chunk, 0, chunk.length)) > 0)
            {
                received.write(chunk, 0, n);
            }
        }, null, null);
        bev.enable(EventFlags.READ);
        final ByteBuffer peerOut = ByteBuffer.wrap(fromPeer);
        final ByteArrayOutputStream peerGot = new ByteArrayOutputStream();
        bev.write(toPeer);
        awaitLoop(() ->
        {
            try
            {
                c.peer().write(peerOut);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            BufferEventFixture.peerRead(c, peerGot);
            return peerGot.size() >= toPeer.length && received.size() >= fromPeer.length;
        }, 60_000, "8 MiB each way");
        assertArrayEquals(toPeer, peerGot.toByteArray(), "what the peer received");
        assertArrayEquals(fromPeer, received.toByteArray(), "what the bufferevent received");
    }

    private LoopCounters snapshot()
    {
        return base().counters().copy();
    }
}
