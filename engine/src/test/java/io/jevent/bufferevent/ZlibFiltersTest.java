package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DeflateFilter} and {@link InflateFilter} on plain buffers, against the JDK's zlib streams: every byte
 * back, whatever the limits and however the input arrives; nothing leaks from the pool.
 */
class ZlibFiltersTest
{
    private final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);

    @AfterEach
    void nothingLeaks()
    {
        assertEquals(0, pool.outstandingSegments());
        pool.close();
    }

    private static byte[] text(final int n, final int seed)
    {
        final Random random = new Random(seed);
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = (byte)('a' + random.nextInt(8));
        }
        return b;
    }

    private static byte[] take(final Evbuffer b)
    {
        final byte[] out = new byte[(int)b.length()];
        b.remove(out, 0, out.length);
        return out;
    }

    private static int inflatable(final byte[] compressed)
    {
        final java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        inflater.setInput(compressed);
        final byte[] out = new byte[1 << 20];
        int total = 0;
        try
        {
            int n;
            while ((n = inflater.inflate(out, total, out.length - total)) > 0)
            {
                total += n;
            }
        }
        catch (final java.util.zip.DataFormatException e)
        {
            throw new AssertionError(e);
        }
        finally
        {
            inflater.end();
        }
        return total;
    }

    @Test
    void shouldInflateTheJdksStreamWithinEveryLimit() throws IOException
    {
        final byte[] plain = text(300_000, 1);
        final ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(zipped, new Deflater(9)))
        {
            z.write(plain);
        }
        final byte[] compressed = zipped.toByteArray();
        for (final long limit : new long[] {-1, 1, 100, 16 * 1024})
        {
            final InflateFilter inflate = new InflateFilter(false);
            final Evbuffer src = new Evbuffer(pool);
            final Evbuffer dst = new Evbuffer(pool);
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final Random random = new Random(2);
            int at = 0;
            for (int guard = 0; guard < 10_000_000 && got.size() < plain.length; guard++)
            {
                if (at < compressed.length)
                {
                    final int n = Math.min(compressed.length - at, 1 + random.nextInt(5000));
                    src.add(compressed, at, n);
                    at += n;
                }
                final int r = inflate.filter(src, dst, limit, BufferEvent.FLUSH_NORMAL);
                assertTrue(r != BufferFilter.ERROR, "limit " + limit);
                assertTrue(limit < 0 || dst.length() <= limit, "never more than the limit");
                got.writeBytes(take(dst));
            }
            assertArrayEquals(plain, got.toByteArray(), "limit " + limit);
            inflate.free();
            src.free();
            dst.free();
        }
    }

    @Test
    void shouldDeflateForTheJdksInflaterInEveryMode() throws IOException
    {
        final byte[] plain = text(300_000, 3);
        final DeflateFilter deflate = new DeflateFilter(6, false);
        final Evbuffer src = new Evbuffer(pool);
        final Evbuffer dst = new Evbuffer(pool);
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int at = 0; at < plain.length; at += 7000)
        {
            src.add(plain, at, Math.min(7000, plain.length - at));
            assertTrue(BufferFilter.ERROR != deflate.filter(src, dst, 1000, BufferEvent.FLUSH_NORMAL));
            assertTrue(dst.length() <= 1000);
            wire.writeBytes(take(dst));
            if (0 == at % 70_000)
            {
                assertEquals(BufferFilter.OK, deflate.filter(src, dst, -1, BufferEvent.FLUSH_FLUSH));
                assertEquals(0, src.length(), "a flush without a limit takes everything");
                wire.writeBytes(take(dst));
                assertEquals(Math.min(at + 7000, plain.length), inflatable(wire.toByteArray()),
                    "a sync flush makes everything written so far readable");
            }
        }
        for (int guard = 0; guard < 100_000; guard++)
        {
            final int r = deflate.filter(src, dst, 1000, BufferEvent.FLUSH_FINISHED);
            wire.writeBytes(take(dst));
            if (BufferFilter.NEED_MORE == r && 0 == src.length())
            {
                break;
            }
        }
        assertArrayEquals(plain, new InflaterInputStream(new ByteArrayInputStream(wire.toByteArray())).readAllBytes());
        src.add(new byte[1]);
        assertEquals(BufferFilter.ERROR, deflate.filter(src, dst, -1, BufferEvent.FLUSH_NORMAL), "input after the end");
        deflate.free();
        src.free();
        dst.free();
    }

    @Test
    void shouldAllocateNothingPerCallOnceWarm()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        final DeflateFilter deflate = new DeflateFilter(1, true);
        final InflateFilter inflate = new InflateFilter(true);
        final Evbuffer plain = new Evbuffer(pool);
        final Evbuffer zipped = new Evbuffer(pool);
        final Evbuffer back = new Evbuffer(pool);
        final byte[] message = text(1000, 5);
        final byte[] sink = new byte[4096];
        final StringBuilder windows = new StringBuilder();
        int clean = 0;
        for (int window = 0; window < 20 && clean < 2; window++)
        {
            final long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5000; i++)
            {
                plain.add(message);
                deflate.filter(plain, zipped, -1, BufferEvent.FLUSH_FLUSH);
                inflate.filter(zipped, back, -1, BufferEvent.FLUSH_NORMAL);
                while (back.length() > 0)
                {
                    back.remove(sink, 0, sink.length);
                }
            }
            final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            windows.append(' ').append(allocated);
            clean = allocated < 4096 ? clean + 1 : 0;
        }
        assertEquals(2, clean, "bytes allocated per window of 5,000 sync-flushed 1,000-byte messages"
            + " through deflate and inflate:" + windows);
        deflate.free();
        inflate.free();
        plain.free();
        zipped.free();
        back.free();
    }
}
