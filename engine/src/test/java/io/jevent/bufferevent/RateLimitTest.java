package io.jevent.bufferevent;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitTest
{
    @Test
    void shouldRejectConfigsWhoseRateExceedsBurstOrIsBelowOne()
    {
        assertNull(TokenBucketConfig.create(300, 100, 10, 10, 0), "§1.14 st.95 rate > burst");
        assertNull(TokenBucketConfig.create(0, 100, 10, 10, 0), "§1.14 st.95 rate < 1");
        assertNull(TokenBucketConfig.create(10, 10, 20, 10, 0), "§1.14 st.95 write rate > burst");
        assertEquals(1000, TokenBucketConfig.create(1, 1, 1, 1, 0).tickMillis(), "a missing tick is 1 s");
    }

    @Test
    void shouldStartAtTheRateAndSuspendAtZero() throws Exception
    {
        try (EventBase base = new EventBase(new EventBaseConfig().backend("nio").errorHandler(io.jevent.loop.LoopErrorHandlers.RETHROW)))
        {
            final BufferEvent bev = BufferEvent.socket(base, (SocketChannel)null, 0);
            assertEquals(TokenBucketConfig.MAX_VALUE, bev.getReadLimit(), "§1.14 st.96 no limit");
            assertEquals(-1, bev.decrementReadLimit(10));
            bev.setRateLimit(TokenBucketConfig.create(100, 300, 100, 300, 100));
            assertEquals(100, bev.getReadLimit(), "§1.14 st.96 buckets start at the rate, not the burst");
            assertEquals(100, bev.getMaxToRead());
            assertEquals(0, bev.decrementReadLimit(150));
            assertEquals(-50, bev.getReadLimit());
            assertEquals(0, bev.getMaxToRead(), "§1.14 st.99");
            assertEquals(0, bev.decrementReadLimit(-200));
            assertEquals(150, bev.getReadLimit());
            bev.setRateLimit(null);
            assertEquals(TokenBucketConfig.MAX_VALUE, bev.getReadLimit());
            bev.free();
        }
    }

    @Test
    void shouldReadNoFasterThanTheRate() throws Exception
    {
        try (EventBase base = new EventBase(new EventBaseConfig().backend("nio").errorHandler(io.jevent.loop.LoopErrorHandlers.RETHROW));
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final SocketChannel client = SocketChannel.open(server.getLocalAddress());
            final SocketChannel accepted = server.accept();
            client.write(ByteBuffer.wrap(new byte[4000]));
            final BufferEvent bev = BufferEvent.socket(base, accepted, BevOptions.CLOSE_ON_FREE);
            bev.setRateLimit(TokenBucketConfig.create(1000, 1000, 1000, 1000, 50));
            final List<Long> reads = new ArrayList<>();
            final long start = System.nanoTime();
            bev.setCallbacks(b ->
            {
                reads.add(b.input().length());
                b.input().drain(b.input().length());
                if (reads.stream().mapToLong(Long::longValue).sum() >= 4000)
                {
                    base.loopBreak();
                }
            }, null, null);
            bev.enable(EventFlags.READ);
            base.loopExit(5, TimeUnit.SECONDS);
            base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
            final long took = System.nanoTime() - start;
            assertEquals(4000, reads.stream().mapToLong(Long::longValue).sum());
            assertTrue(reads.stream().allMatch(n -> n <= 1000), "no read above the bucket: " + reads);
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(100), "4000 B at 1000 B per 50 ms tick took " + took);
            bev.free();
            client.close();
            assertNotNull(reads);
        }
    }
}
