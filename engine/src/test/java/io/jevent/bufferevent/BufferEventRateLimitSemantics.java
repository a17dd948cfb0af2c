package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 95–99 (libevent-semantics.md §1.14): token-bucket rate limits of a bufferevent
 * ({@link RateLimiter}, libevent's bufferevent_ratelim.c), over loopback.
 */
public interface BufferEventRateLimitSemantics extends BufferEventFixture
{
    @Test
    @DisplayName("95: a config whose rate exceeds its burst or is below 1 is refused; a missing tick is 1 s")
    default void shouldRejectConfigsWhoseRateExceedsBurstOrIsBelowOne()
    {
        assertNull(TokenBucketConfig.create(300, 100, 10, 10, 0), "§1.14 st.95 rate > burst");
        assertNull(TokenBucketConfig.create(0, 100, 10, 10, 0), "§1.14 st.95 rate < 1");
        assertNull(TokenBucketConfig.create(10, 10, 20, 10, 0), "§1.14 st.95 write rate > burst");
        assertEquals(1000, TokenBucketConfig.create(1, 1, 1, 1, 0).tickMillis(), "a missing tick is 1 s");
        assertEquals(25, TokenBucketConfig.create(1, 1, 1, 1, 25).tickMillis());
    }

    @Test
    @DisplayName("96–99: buckets start at the rate, go negative when decremented, and the limit can be removed")
    default void shouldStartAtTheRateAndSuspendAtZero()
    {
        final SocketBufferEvent bev = track(SocketBufferEvent.create(base(), (SocketChannel)null, 0));
        final RateLimiter limit = bev.rateLimit();
        assertFalse(limit.isLimited());
        assertEquals(TokenBucketConfig.MAX_VALUE, limit.readLimit(), "§1.14 st.96 no limit");
        assertEquals(TokenBucketConfig.MAX_VALUE, limit.writeLimit());
        assertEquals(bev.maxSingleRead(), limit.maxToRead(), "no limit: the max single read");
        assertEquals(bev.maxSingleWrite(), limit.maxToWrite(), "no limit: the max single write");
        assertEquals(-1, limit.decrementRead(10));
        assertEquals(-1, limit.decrementWrite(10));
        assertEquals(0, limit.set(TokenBucketConfig.create(100, 300, 200, 600, 3_600_000)));
        assertTrue(limit.isLimited());
        assertEquals(100, limit.readLimit(), "§1.14 st.96 buckets start at the rate, not the burst");
        assertEquals(200, limit.writeLimit());
        assertEquals(100, limit.maxToRead());
        assertEquals(200, limit.maxToWrite());
        bev.setMaxSingleRead(60);
        assertEquals(60, limit.maxToRead(), "the max single read caps a fuller bucket");
        assertEquals(0, limit.decrementRead(150));
        assertEquals(-50, limit.readLimit());
        assertEquals(0, limit.maxToRead(), "§1.14 st.99");
        assertEquals(0, limit.decrementRead(-200));
        assertEquals(150, limit.readLimit());
        assertEquals(0, limit.decrementWrite(250));
        assertEquals(-50, limit.writeLimit());
        assertEquals(0, limit.maxToWrite());
        assertEquals(0, limit.set(null));
        assertFalse(limit.isLimited());
        assertEquals(TokenBucketConfig.MAX_VALUE, limit.readLimit());
        assertEquals(TokenBucketConfig.MAX_VALUE, limit.writeLimit());
        bev.free();
        assertThrows(IllegalStateException.class, () -> limit.set(TokenBucketConfig.create(1, 1, 1, 1, 0)));
        assertThrows(IllegalStateException.class, () -> limit.decrementRead(1));
    }

    @Test
    @DisplayName("97: reads take no more than the bucket holds and wait for its refill")
    default void shouldReadNoFasterThanTheRate()
    {
        final Conn c = connect();
        final byte[] sent = BufferEventFixture.pattern(4000, 7);
        BufferEventFixture.peerSend(c, sent);
        final SocketBufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.rateLimit().set(TokenBucketConfig.create(1000, 1000, 1000, 1000, 50));
        final List<Long> reads = new ArrayList<>();
        final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        final long start = System.nanoTime();
        bev.setCallbacks(b ->
        {
            final byte[] chunk = new byte[(int)b.input().length()];
            reads.add((long)b.read(chunk, 0, chunk.length));
            got.write(chunk, 0, chunk.length);
        }, null, null);
        bev.enable(EventFlags.READ);
        awaitLoop(() -> got.size() >= sent.length, 5000, "4000 bytes read");
        final long took = System.nanoTime() - start;
        assertArrayEquals(sent, got.toByteArray());
        assertTrue(reads.stream().allMatch(n -> n <= 1000), "no read above the bucket: " + reads);
        assertTrue(reads.size() >= 4, "4000 B through a 1000 B bucket take 4 reads at least: " + reads);
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(100), "4000 B at 1000 B per 50 ms tick took " + took);
    }

    @Test
    @DisplayName("97: writes offer no more than the bucket holds and wait for its refill")
    default void shouldWriteNoFasterThanTheRate()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.rateLimit().set(TokenBucketConfig.create(1000, 1000, 1000, 1000, 50));
        final byte[] sent = BufferEventFixture.pattern(4000, 9);
        final long start = System.nanoTime();
        assertEquals(0, bev.write(sent));
        assertArrayEquals(sent, peerReceive(c, sent.length, 5000));
        final long took = System.nanoTime() - start;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(100), "4000 B at 1000 B per 50 ms tick took " + took);
    }

    @Test
    @DisplayName("97: a write its empty bucket suspended leaves writability unarmed until the refill")
    default void shouldNotWakeForWritabilityWhileTheWriteBucketIsEmpty()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.rateLimit().set(TokenBucketConfig.create(1000, 1000, 40, 40, 3_600_000));
        assertEquals(0, bev.write(new byte[100]));
        runFor(50);
        assertEquals(60, bev.output().length(), "40 B went out, the bucket holds no more");
        assertEquals(0, bev.rateLimit().writeLimit());
        final long callbacks = base().counters().callbacks();
        final long passes = base().counters().iterations();
        runFor(100);
        assertEquals(60, bev.output().length());
        assertTrue(base().counters().iterations() - passes < 10,
            "the loop slept instead of waking for a writable socket: "
                + (base().counters().iterations() - passes) + " passes, "
                + (base().counters().callbacks() - callbacks) + " callbacks");
    }

    @Test
    @DisplayName("98: removing the limit resumes reading a bufferevent its empty bucket suspended")
    default void shouldResumeReadingWhenTheLimitIsRemoved()
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.rateLimit().set(TokenBucketConfig.create(10, 10, 10, 10, 3_600_000));
        assertEquals(0, bev.rateLimit().decrementRead(100));
        final java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        bev.setCallbacks(b ->
        {
            final byte[] chunk = new byte[(int)b.input().length()];
            got.write(chunk, 0, b.read(chunk, 0, chunk.length));
        }, null, null);
        bev.enable(EventFlags.READ);
        BufferEventFixture.peerSend(c, BufferEventFixture.bytes("hello"));
        runFor(100);
        assertEquals(0, got.size(), "an empty bucket (its refill an hour away) suspends reading");
        bev.rateLimit().set(null);
        awaitLoop(() -> 5 == got.size(), 5000, "reading resumed");
        assertEquals("hello", BufferEventFixture.text(got.toByteArray()));
    }
}
