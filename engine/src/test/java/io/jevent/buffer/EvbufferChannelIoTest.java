package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Evbuffer}'s java.nio scatter/gather I/O against real channels: a non-blocking
 * {@link Pipe} and a loopback {@link SocketChannel} pair. Segments are 64 bytes so that one call
 * spans many ByteBuffers.
 */
class EvbufferChannelIoTest
{
    private static final int SEGMENT = 64;

    private SegmentPool pool;
    private Pipe pipe;

    @BeforeEach
    void setUp() throws IOException
    {
        pool = new SegmentPool(SEGMENT, 1024, 8);
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void tearDown() throws IOException
    {
        pipe.source().close();
        pipe.sink().close();
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        assertEquals(0, pool.outstandingBytes(), "bytes leaked");
        assertEquals(0, pool.outstandingWrappers(), "wrappers leaked");
        pool.close();
    }

    @Test
    void shouldReadFromNonBlockingPipeUntilEof() throws IOException
    {
        final Random rnd = new Random(1);
        final byte[] payload = random(rnd, 300_000);
        final Evbuffer b = new Evbuffer(pool);
        b.maxRead(3000);
        assertEquals(0, b.readFrom(pipe.source(), -1), "nothing available yet");
        assertEquals(0, b.length());
        int sent = 0;
        long result;
        do
        {
            if (sent < payload.length)
            {
                sent += pipe.sink().write(ByteBuffer.wrap(payload, sent,
                    Math.min(payload.length - sent, rnd.nextInt(30_000) + 1)));
                if (sent == payload.length)
                {
                    pipe.sink().close();
                }
            }
            final long before = b.length();
            final int howmuch = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(10_000);
            result = b.readFrom(pipe.source(), howmuch);
            assertTrue(result <= b.maxRead() && (howmuch < 0 || result <= howmuch), "read " + result);
            assertEquals(before + Math.max(0, result), b.length());
        }
        while (Evbuffer.EOF != result);
        assertContent(payload, b);
        assertEquals(Evbuffer.EOF, b.readFrom(pipe.source(), -1), "EOF again");
        b.free();
    }

    @Test
    void shouldCopyAFewBytesOutOfALargeReadSegment() throws IOException
    {
        final Evbuffer b = new Evbuffer(pool);
        b.maxRead(1000);
        pipe.sink().write(ByteBuffer.wrap("ten bytes!".getBytes()));
        assertEquals(10, b.readFrom(pipe.source(), 1000));
        assertEquals(1, b.segmentCount());
        assertEquals(1, b.spareSegments(), "the 1 KiB read segment stayed behind empty");
        b.releaseSpares();
        assertEquals(SEGMENT, pool.outstandingBytes(), "ten bytes pin one 64-byte segment, not the 1 KiB one");
        final byte[] got = new byte[10];
        b.remove(got, 0, 10);
        assertEquals("ten bytes!", new String(got));
        final byte[] big = new byte[600];
        new Random(3).nextBytes(big);
        pipe.sink().write(ByteBuffer.wrap(big));
        assertEquals(600, b.readFrom(pipe.source(), 1000));
        final byte[] back = new byte[600];
        b.remove(back, 0, 600);
        assertArrayEquals(big, back, "a read that fills over a quarter stays where it was read");
        b.free();
    }

    @Test
    void shouldReturnFrozenFromReadFromAndWriteTo() throws IOException
    {
        final Evbuffer b = new Evbuffer(pool);
        b.add(new byte[] {1, 2, 3});
        pipe.sink().write(ByteBuffer.wrap(new byte[] {4, 5}));
        b.freeze(false);
        assertEquals(Evbuffer.FROZEN, b.readFrom(pipe.source(), -1));
        assertEquals(-1, b.prepareRead(-1, new ByteBuffer[4]));
        b.unfreeze(false);
        b.freeze(true);
        assertEquals(Evbuffer.FROZEN, b.writeTo(pipe.sink(), -1));
        assertEquals(-1, b.prepareWrite(-1, new ByteBuffer[4]));
        assertEquals(2, b.readFrom(pipe.source(), -1), "a frozen start does not stop reads");
        b.unfreeze(true);
        assertEquals(5, b.writeTo(pipe.sink(), -1));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, drain(pipe.source(), 5));
        assertEquals(0, b.writeTo(pipe.sink(), -1), "empty buffer");
        b.free();
    }

    @Test
    void shouldWriteToNonBlockingPipeWithPartialWritesAndFullPipe() throws IOException
    {
        final Random rnd = new Random(2);
        final byte[] payload = random(rnd, 300_000);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        assertTrue(b.segmentCount() > BufferConfiguration.IOV_MAX, "segments " + b.segmentCount());
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final ByteBuffer chunk = ByteBuffer.allocate(50_000);
        int full = 0;
        int partial = 0;
        while (b.length() > 0)
        {
            final long before = b.length();
            final long howmuch = rnd.nextInt(3) == 0 ? rnd.nextInt(100_000) : -1;
            final long n = b.writeTo(pipe.sink(), howmuch);
            assertTrue(n >= 0 && (howmuch < 0 || n <= howmuch), "wrote " + n);
            assertEquals(before - n, b.length());
            if (0 == n && 0 != howmuch)
            {
                full++;
            }
            else if (n > 0 && n < Math.min(before, howmuch < 0 ? before : howmuch))
            {
                partial++;
            }
            if (0 == n || rnd.nextBoolean())
            {
                chunk.clear().limit(rnd.nextInt(chunk.capacity()) + 1);
                final int r = pipe.source().read(chunk);
                received.write(chunk.array(), 0, Math.max(0, r));
            }
        }
        pipe.sink().close();
        received.write(drainToEof(pipe.source()));
        assertTrue(full > 0, "full pipe seen " + full);
        assertTrue(partial > 0, "partial writes " + partial);
        assertArrayEquals(payload, received.toByteArray());
        b.free();
    }

    @Test
    void shouldLeaveBufferUntouchedWhenThePipeIsFull() throws IOException
    {
        final ByteBuffer junk = ByteBuffer.allocateDirect(64 * 1024);
        long filled = 0;
        int n;
        while ((n = pipe.sink().write(junk.clear())) > 0)
        {
            filled += n;
        }
        final byte[] payload = random(new Random(3), 1000);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(new Random(4), b, payload);
        assertEquals(0, b.writeTo(pipe.sink(), -1));
        assertContent(payload, b);
        assertEquals(filled, drain(pipe.source(), (int)filled).length);
        assertEquals(1000, b.writeTo(pipe.sink(), -1));
        assertArrayEquals(payload, drain(pipe.source(), 1000));
        b.free();
    }

    @Test
    void shouldGatherMoreThanFourSegmentsInOneWrite() throws IOException
    {
        final byte[] payload = random(new Random(5), 20 * SEGMENT);
        final Evbuffer b = new Evbuffer(pool);
        for (int i = 0; i < 20; i++)
        {
            b.add(payload, i * SEGMENT, SEGMENT);
        }
        assertEquals(20, b.segmentCount());
        assertEquals(payload.length, b.writeTo(pipe.sink(), -1), "one gathering write takes all 20 segments");
        assertArrayEquals(payload, drain(pipe.source(), payload.length));

        for (int i = 0; i < 20; i++)
        {
            b.add(payload, i * SEGMENT, SEGMENT);
        }
        final ByteBuffer[] bufs = new ByteBuffer[32];
        final int k = b.prepareWrite(-1, bufs);
        assertEquals(20, k);
        assertEquals(payload.length, pipe.sink().write(bufs, 0, k));
        assertEquals(0, b.commitWrite(payload.length));
        assertEquals(0, b.length());
        assertArrayEquals(payload, drain(pipe.source(), payload.length));
        b.free();
    }

    @Test
    void shouldHandOutDirectViewsOfTheSegmentsForReads() throws IOException
    {
        final byte[] payload = random(new Random(6), 1000);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 10);
        final ByteBuffer[] bufs = new ByteBuffer[8];
        final int k = b.prepareRead(990, bufs);
        assertTrue(k > 1 && k <= BufferConfiguration.READ_IOVECS_DEFAULT, "buffers " + k);
        final long[] addresses = new long[k];
        long room = 0;
        for (int i = 0; i < k; i++)
        {
            assertTrue(bufs[i].isDirect());
            addresses[i] = BufferUtil.address(bufs[i]) + bufs[i].position();
            room += bufs[i].remaining();
        }
        assertEquals(990, room);
        final Extents e = new Extents(8);
        assertEquals(1, b.peek(-1, null, e));
        assertEquals(e.address(0) + 10, addresses[0], "the first view continues the last data segment");

        pipe.sink().write(ByteBuffer.wrap(payload, 10, 990));
        assertEquals(990, pipe.source().read(bufs, 0, k));
        assertEquals(0, b.commitRead(990));
        assertEquals(1000, b.length());

        final int segments = b.peek(-1, null, e);
        assertEquals(k, segments);
        assertEquals(addresses[0] - 10, e.address(0));
        for (int i = 1; i < k; i++)
        {
            assertEquals(addresses[i], e.address(i), "bytes landed in the buffer's own segment " + i);
            assertNotSame(bufs[i], e.buffer(i), "an extent's view is its own, never the read preparation's");
            assertEquals(0, bufs[i].capacity(), "the committed read's views are revoked");
        }
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldHandOutDirectViewsOfTheDataForWrites() throws IOException
    {
        final Random rnd = new Random(7);
        final byte[] payload = random(rnd, 2000);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        b.drain(5);
        final ByteBuffer[] bufs = new ByteBuffer[BufferConfiguration.IOV_MAX];
        final int k = b.prepareWrite(1500, bufs);
        final Extents e = new Extents(k);
        assertTrue(b.peek(1500, null, e) >= k);
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            assertTrue(bufs[i].isDirect());
            assertEquals(e.address(i), BufferUtil.address(bufs[i]) + bufs[i].position(), "view " + i);
            total += bufs[i].remaining();
        }
        assertEquals(1500, total);
        assertEquals(1500, pipe.sink().write(bufs, 0, k));
        assertEquals(0, b.commitWrite(1500));
        assertArrayEquals(Arrays.copyOfRange(payload, 5, 1505), drain(pipe.source(), 1500));
        assertEquals(495, b.length());
        b.free();
    }

    @Test
    void shouldWriteReferencesAndViewsThroughChannels() throws IOException
    {
        final byte[] payload = random(new Random(8), 3000);
        final Evbuffer other = new Evbuffer(pool);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 1000);
        other.add(payload, 1000, 1000);
        assertEquals(0, b.addBufferReference(other));
        final ByteBuffer ref = ByteBuffer.allocateDirect(1000).put(payload, 2000, 1000).flip();
        final int[] cleaned = new int[1];
        assertEquals(0, b.addReference(ref, (a, len) -> cleaned[0]++));
        other.drain(700);
        assertEquals(3000, b.writeTo(pipe.sink(), -1));
        assertArrayEquals(payload, drain(pipe.source(), 3000));
        assertEquals(1, cleaned[0]);
        assertEquals(300, other.length());
        other.free();
        b.free();
    }

    @Test
    void shouldStreamOverLoopbackSocketsAndSeeEof() throws IOException
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final SocketChannel client = SocketChannel.open(server.getLocalAddress());
            final SocketChannel accepted = server.accept();
            assertNotNull(accepted);
            client.configureBlocking(false);
            accepted.configureBlocking(false);
            final Random rnd = new Random(9);
            final byte[] payload = random(rnd, 2_000_000);
            final Evbuffer out = new Evbuffer(pool);
            final Evbuffer in = new Evbuffer(pool);
            addInSmallPieces(rnd, out, payload);
            long result = 0;
            while (Evbuffer.EOF != result)
            {
                if (out.length() > 0)
                {
                    final long before = out.length();
                    final long n = out.writeTo(client, rnd.nextInt(200_000) + 1);
                    assertEquals(before - n, out.length());
                    if (0 == out.length())
                    {
                        client.shutdownOutput();
                    }
                }
                result = in.readFrom(accepted, -1);
                assertTrue(result <= in.maxRead(), "read " + result);
            }
            assertContent(payload, in);

            client.close();
            final ByteBuffer one = ByteBuffer.allocate(1);
            final IOException ex = assertThrows(IOException.class, () ->
            {
                for (int i = 0; i < 1000; i++)
                {
                    in.writeTo(accepted, -1);
                    in.add(one.clear());
                }
            });
            assertNotNull(ex.getMessage());
            assertTrue(in.length() > 0, "an exception drains nothing");
            accepted.close();
            out.free();
            in.free();
        }
    }

    private static void addInSmallPieces(final Random rnd, final Evbuffer b, final byte[] payload)
    {
        int off = 0;
        while (off < payload.length)
        {
            final int len = Math.min(payload.length - off, rnd.nextInt(150) + 1);
            assertEquals(0, b.add(payload, off, len));
            off += len;
        }
        assertEquals(payload.length, b.length());
    }

    private static byte[] drain(final Pipe.SourceChannel source, final int len) throws IOException
    {
        final ByteBuffer dst = ByteBuffer.allocate(len);
        int spins = 0;
        while (dst.hasRemaining())
        {
            assertTrue(source.read(dst) >= 0, "unexpected EOF");
            assertTrue(++spins < 1_000_000, "no data");
        }
        return dst.array();
    }

    private static byte[] drainToEof(final Pipe.SourceChannel source) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        while (source.read(chunk.clear()) >= 0)
        {
            out.write(chunk.array(), 0, chunk.position());
        }
        return out.toByteArray();
    }

    private static void assertContent(final byte[] expected, final Evbuffer b)
    {
        assertEquals(expected.length, b.length());
        final byte[] actual = new byte[expected.length];
        assertEquals(expected.length, b.copyout(actual, 0, actual.length));
        assertArrayEquals(expected, actual);
    }

    private static byte[] random(final Random rnd, final int n)
    {
        final byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
