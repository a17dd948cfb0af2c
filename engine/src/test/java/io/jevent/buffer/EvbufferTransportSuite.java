package io.jevent.buffer;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Evbuffer}'s scatter/gather I/O against real pipes and stream socket pairs, once per way a
 * transport drives it: java.nio channels over the buffer's own ByteBuffers ({@code EvbufferNioIoTest}
 * here) and {@code readv}/{@code writev} over an {@link IovecArray} ({@code EvbufferEpollIoTest} in
 * native-epoll). A subclass opens the two ends and does the raw I/O; every case here runs on both.
 * Segments are 64 bytes so that one call spans many extents.
 */
@Timeout(60)
public abstract class EvbufferTransportSuite
{
    /** Segment size of the suite's pool. */
    protected static final int SEGMENT = 64;

    private SegmentPool pool;

    // ------------------------------------------------------------------ the backend

    /**
     * Opens a non-blocking pipe: the suite reads at one end and writes at the other.
     *
     * @throws IOException if it cannot be opened
     */
    protected abstract void openPipe() throws IOException;

    /**
     * Opens a connected pair of non-blocking stream sockets, used like the pipe.
     *
     * @throws IOException if it cannot be opened
     */
    protected abstract void openSocketPair() throws IOException;

    /**
     * Closes whatever {@link #openPipe()} or {@link #openSocketPair()} opened, and frees the backend's
     * own resources.
     *
     * @throws IOException if a close fails
     */
    protected abstract void closeAll() throws IOException;

    /**
     * Closes the write end, so that the read end sees end of stream once drained.
     *
     * @throws IOException if the close fails
     */
    protected abstract void closeWriteEnd() throws IOException;

    /**
     * Writes raw bytes at the write end, without a buffer.
     *
     * @return bytes taken, 0 if the pipe or socket is full
     * @throws IOException as the backend throws it
     */
    protected abstract int send(byte[] data, int off, int len) throws IOException;

    /**
     * Reads raw bytes at the read end, without a buffer.
     *
     * @return bytes read, 0 if none are available, -1 at end of stream
     * @throws IOException as the backend throws it
     */
    protected abstract int receive(byte[] dst, int off, int len) throws IOException;

    /**
     * Prepares a read into {@code b} through an extent array of the given capacity.
     *
     * @return what the preparation returned: extents prepared, or -1
     */
    protected abstract int prepareRead(Evbuffer b, int howmuch, int capacity);

    /**
     * Prepares a write from {@code b} through an extent array of the given capacity.
     *
     * @return what the preparation returned: extents prepared, or -1
     */
    protected abstract int prepareWrite(Evbuffer b, long howmuch, int capacity);

    /**
     * @return the address of extent i of the last preparation (where it starts, whatever a syscall did since)
     */
    protected abstract long extentAddress(int i);

    /**
     * @return the length of extent i of the last preparation (whatever a syscall did since), 0 once the
     *     preparation was revoked
     */
    protected abstract long extentLength(int i);

    /**
     * One raw read at the read end into the k extents of the last read preparation.
     *
     * @return bytes read, 0 if none were available, -1 at end of stream
     * @throws IOException as the backend throws it
     */
    protected abstract long readPrepared(int k) throws IOException;

    /**
     * One raw write at the write end from the k extents of the last write preparation.
     *
     * @return bytes written, 0 if the pipe or socket is full
     * @throws IOException as the backend throws it
     */
    protected abstract long writePrepared(int k) throws IOException;

    /**
     * One read into {@code b} the way the backend's transport makes it (preparation, syscall, commit).
     *
     * @return bytes read, 0 if none were available, {@link Evbuffer#EOF}, or {@link Evbuffer#FROZEN}
     * @throws IOException as the backend throws it
     */
    protected abstract long readOnce(Evbuffer b, int howmuch) throws IOException;

    /**
     * One write from {@code b} the way the backend's transport makes it (preparation, syscall, commit).
     *
     * @return bytes written, 0 if nothing could be written, or {@link Evbuffer#FROZEN}
     * @throws IOException as the backend throws it
     */
    protected abstract long writeOnce(Evbuffer b, long howmuch) throws IOException;

    /**
     * @return the pool of this test's buffers: 64-byte segments, classes up to 1 KiB
     */
    protected SegmentPool pool()
    {
        return pool;
    }

    @BeforeEach
    void setUpPool()
    {
        pool = new SegmentPool(SEGMENT, 1024, 8);
    }

    @AfterEach
    void tearDownPool() throws IOException
    {
        closeAll();
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        assertEquals(0, pool.outstandingBytes(), "bytes leaked");
        assertEquals(0, pool.outstandingWrappers(), "wrappers leaked");
        pool.close();
    }

    // ------------------------------------------------------------------ reads

    @Test
    void shouldReadARandomPayloadInPlaceCappedByMaxReadUntilEof() throws IOException
    {
        openPipe();
        final Random rnd = new Random(11);
        final byte[] payload = random(rnd, 300_000);
        final Evbuffer b = new Evbuffer(pool);
        b.setMaxRead(5000);
        assertEquals(0, readOnce(b, -1), "nothing available yet");
        assertEquals(0, b.length());
        int sent = 0;
        int reads = 0;
        int multiExtentReads = 0;
        while (b.length() < payload.length)
        {
            if (sent < payload.length)
            {
                sent += send(payload, sent, Math.min(payload.length - sent, rnd.nextInt(20_000) + 1));
            }
            final int howmuch = rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(12_000);
            final int before = (int)b.length();
            final long n = checkedRead(b, howmuch, payload, before);
            if (n > 0)
            {
                reads++;
                multiExtentReads += lastReadExtents > 1 ? 1 : 0;
            }
            assertEquals(before + Math.max(0, n), b.length());
        }
        assertTrue(multiExtentReads > 10, "reads spanning several extents: " + multiExtentReads + " of " + reads);
        closeWriteEnd();
        assertEquals(Evbuffer.EOF, readOnce(b, -1), "EOF");
        assertEquals(Evbuffer.EOF, readOnce(b, 100), "EOF again");
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldReadWithTheDefaultMaxReadFromASocketPairUntilEof() throws IOException
    {
        openSocketPair();
        final Random rnd = new Random(12);
        final byte[] payload = random(rnd, 200_000);
        final Evbuffer b = new Evbuffer(pool);
        assertEquals(BufferConfiguration.maxRead(), b.maxRead());
        int sent = 0;
        long n = 0;
        while (Evbuffer.EOF != n)
        {
            if (sent < payload.length)
            {
                sent += send(payload, sent, payload.length - sent);
                if (sent == payload.length)
                {
                    closeWriteEnd();
                }
            }
            final long before = b.length();
            n = readOnce(b, -1);
            assertTrue(n <= b.maxRead(), "read " + n);
            assertEquals(before + Math.max(0, n), b.length());
        }
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldCopyAFewBytesOutOfALargeReadSegment() throws IOException
    {
        openPipe();
        final Evbuffer b = new Evbuffer(pool);
        b.setMaxRead(1000);
        send("ten bytes!".getBytes(), 0, 10);
        assertEquals(10, readOnce(b, 1000));
        assertEquals(1, b.segmentCount());
        assertEquals(1, b.spareSegments(), "the 1 KiB read segment stayed behind empty");
        assertEquals(1, b.releaseSpares());
        assertEquals(SEGMENT, pool.outstandingBytes(), "ten bytes pin one 64-byte segment, not the 1 KiB one");
        final byte[] got = new byte[10];
        assertEquals(10, b.remove(got, 0, 10));
        assertEquals("ten bytes!", new String(got));
        final byte[] big = random(new Random(3), 600);
        assertEquals(600, send(big, 0, 600));
        assertEquals(600, readOnce(b, 1000));
        final byte[] back = new byte[600];
        assertEquals(600, b.remove(back, 0, 600));
        assertArrayEquals(big, back, "a read that fills over a quarter stays where it was read");
        b.free();
    }

    @Test
    void shouldReadIntoTheFreeTailOfTheLastDataSegmentFirst() throws IOException
    {
        openPipe();
        final byte[] payload = random(new Random(13), 1000);
        final Evbuffer b = new Evbuffer(pool);
        assertEquals(0, b.add(payload, 0, 10));
        final Extents e = new Extents(8);
        assertEquals(1, b.peek(-1, null, e));
        final long tail = e.address(0) + e.length(0);

        sendAll(payload, 10, 990);
        final int k = prepareRead(b, 990, BufferConfiguration.IOV_MAX);
        assertTrue(k >= 2 && k <= BufferConfiguration.READ_IOVECS_DEFAULT, "extents " + k);
        assertEquals(tail, extentAddress(0), "the first extent is the free tail of the last data segment");
        assertEquals(SEGMENT - 10, extentLength(0));
        final long[] addresses = new long[k];
        long room = 0;
        for (int i = 0; i < k; i++)
        {
            addresses[i] = extentAddress(i);
            room += extentLength(i);
        }
        assertEquals(990, room);
        assertEquals(990, readPrepared(k));
        assertEquals(payload[10], UnsafeApi.getByte(tail), "the read wrote straight into the segment");
        assertEquals(0, b.commitRead(990));
        assertEquals(1000, b.length());
        for (int i = 0; i < k; i++)
        {
            assertEquals(0, extentLength(i), "the committed read's extent " + i + " is revoked");
        }
        assertEquals(k, b.peek(-1, null, e));
        for (int i = 1; i < k; i++)
        {
            assertEquals(addresses[i], e.address(i), "bytes landed in the buffer's own segment " + i);
        }
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldReadAfterReadOnlyViewAndReferenceSegments() throws IOException
    {
        openPipe();
        final byte[] payload = random(new Random(14), 5000);
        final Evbuffer src = new Evbuffer(pool);
        final Evbuffer b = new Evbuffer(pool);
        src.add(payload, 0, 100);
        assertEquals(0, b.addBufferReference(src));
        src.free();
        final long ref = UnsafeApi.allocateMemory(50);
        for (int i = 0; i < 50; i++)
        {
            UnsafeApi.putByte(ref + i, payload[100 + i]);
        }
        final int[] cleaned = new int[1];
        assertEquals(0, b.addReference(ref, 50, (a, len) ->
        {
            cleaned[0]++;
            UnsafeApi.freeMemory(a);
        }));
        sendAll(payload, 150, payload.length - 150);
        int got = 150;
        while (got < payload.length)
        {
            got += (int)checkedRead(b, -1, payload, got);
        }
        assertContent(payload, b);
        b.free();
        assertEquals(1, cleaned[0]);
    }

    @Test
    void shouldLeaveTheBufferUntouchedWhenAReadFindsNothing() throws IOException
    {
        openPipe();
        final byte[] payload = random(new Random(15), 700);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 500);
        final int k = prepareRead(b, -1, BufferConfiguration.IOV_MAX);
        assertTrue(k >= 1, "extents " + k);
        assertEquals(0, readPrepared(k));
        assertEquals(0, b.commitRead(0));
        assertEquals(500, b.length());
        assertContent(Arrays.copyOf(payload, 500), b);

        assertTrue(prepareRead(b, 10, BufferConfiguration.IOV_MAX) > 0);
        assertEquals(0, readPrepared(1));
        assertEquals(500, b.length(), "not committing at all is also fine");
        assertEquals(0, readOnce(b, -1));

        sendAll(payload, 500, 200);
        assertEquals(200, checkedRead(b, -1, payload, 500));
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldRefuseReadsAndWritesOnFrozenEnds() throws IOException
    {
        openPipe();
        final byte[] payload = random(new Random(16), 300);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 100);
        b.freeze(false);
        assertEquals(-1, prepareRead(b, -1, BufferConfiguration.IOV_MAX));
        assertEquals(-1, b.commitRead(0));
        assertEquals(Evbuffer.FROZEN, readOnce(b, -1));
        assertTrue(prepareWrite(b, -1, BufferConfiguration.IOV_MAX) > 0, "a frozen end does not stop writes");
        assertEquals(0, b.commitWrite(0));
        b.unfreeze(false);
        b.freeze(true);
        assertEquals(-1, prepareWrite(b, -1, BufferConfiguration.IOV_MAX));
        assertEquals(-1, b.commitWrite(0));
        assertEquals(Evbuffer.FROZEN, writeOnce(b, -1));
        sendAll(payload, 100, 200);
        assertEquals(200, readOnce(b, -1), "a frozen start does not stop reads");
        b.unfreeze(true);
        assertEquals(300, writeOnce(b, -1));
        assertArrayEquals(payload, receiveExactly(300));
        assertEquals(0, writeOnce(b, -1), "empty buffer");
        b.free();
    }

    @Test
    void shouldRefuseACommitAfterTheBufferChanged() throws IOException
    {
        openPipe();
        final Evbuffer b = new Evbuffer(pool);
        final int k = prepareRead(b, -1, BufferConfiguration.IOV_MAX);
        sendAll(new byte[] {1, 2, 3}, 0, 3);
        assertEquals(3, readPrepared(k));
        b.add(new byte[] {9});
        assertEquals(-1, b.commitRead(3));
        assertEquals(1, b.length());
        b.free();
    }

    // ------------------------------------------------------------------ writes

    @Test
    void shouldWriteAcrossMoreThanIovMaxSegmentsWithPartialWritesAndAFullPipe() throws IOException
    {
        openPipe();
        final Random rnd = new Random(21);
        final byte[] payload = random(rnd, 300_000);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        assertTrue(b.segmentCount() > BufferConfiguration.IOV_MAX, "segments " + b.segmentCount());
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int full = 0;
        int partial = 0;
        int maxExtents = 0;
        while (b.length() > 0)
        {
            final long howmuch = rnd.nextInt(3) == 0 ? rnd.nextInt(100_000) : -1;
            final long before = b.length();
            final long n = checkedWrite(b, howmuch);
            maxExtents = Math.max(maxExtents, lastWriteExtents);
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
                receiveSome(received, rnd.nextInt(80_000) + 1);
            }
        }
        closeWriteEnd();
        while (receiveSome(received, 64 * 1024) >= 0)
        {
            assertTrue(received.size() <= payload.length, "more received than sent");
        }
        assertEquals(BufferConfiguration.IOV_MAX, maxExtents);
        assertTrue(full > 0, "full pipe seen " + full);
        assertTrue(partial > 0, "partial writes " + partial);
        assertArrayEquals(payload, received.toByteArray());
        b.free();
    }

    @Test
    void shouldGatherAtMostTheExtentArrayInOneWrite() throws IOException
    {
        openSocketPair();
        final byte[] payload = random(new Random(22), SEGMENT * 1500);
        final Evbuffer b = new Evbuffer(pool);
        for (int i = 0; i < 20; i++)
        {
            b.add(payload, i * SEGMENT, SEGMENT);
        }
        assertEquals(20, b.segmentCount());
        assertEquals(20 * SEGMENT, writeOnce(b, -1), "one gathering write takes all 20 segments");
        assertArrayEquals(Arrays.copyOf(payload, 20 * SEGMENT), receiveExactly(20 * SEGMENT));

        for (int off = 0; off < payload.length; off += SEGMENT)
        {
            b.add(payload, off, SEGMENT);
        }
        assertEquals(1500, b.segmentCount());
        assertEquals(BufferConfiguration.IOV_MAX, prepareWrite(b, -1, BufferConfiguration.IOV_MAX));
        long total = 0;
        for (int i = 0; i < BufferConfiguration.IOV_MAX; i++)
        {
            total += extentLength(i);
        }
        assertEquals((long)SEGMENT * BufferConfiguration.IOV_MAX, total);
        assertEquals(0, b.commitWrite(0));
        assertEquals(7, prepareWrite(b, -1, 7));
        assertEquals(3, prepareWrite(b, 130, 7));
        assertEquals(2, extentLength(2));
        assertEquals(130, writePrepared(3));
        assertEquals(0, b.commitWrite(130));
        assertArrayEquals(Arrays.copyOf(payload, 130), receiveExactly(130));
        assertEquals(payload.length - 130, b.length());
        b.free();
    }

    @Test
    void shouldLeaveTheBufferUntouchedWhenFullAndResumeAfterAPartialWrite() throws IOException
    {
        openPipe();
        final Random rnd = new Random(23);
        final byte[] payload = random(rnd, 10_000);
        final long filled = fillWriteEnd();
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        final int k = prepareWrite(b, -1, BufferConfiguration.IOV_MAX);
        assertEquals(0, writePrepared(k));
        assertEquals(0, b.commitWrite(0));
        assertEquals(0, writeOnce(b, -1));
        assertContent(payload, b);

        assertEquals(4096, receiveExactly(4096).length);
        final long n = writeOnce(b, -1);
        assertTrue(n > 0 && n < payload.length, "partial write " + n);
        assertEquals(payload.length - n, b.length());
        assertEquals(filled - 4096, receiveExactly((int)(filled - 4096)).length);
        final byte[] first = receiveExactly((int)n);
        assertEquals(payload.length - n, writeOnce(b, -1));
        final byte[] rest = receiveExactly(payload.length - (int)n);
        final byte[] all = Arrays.copyOf(first, payload.length);
        System.arraycopy(rest, 0, all, (int)n, rest.length);
        assertArrayEquals(payload, all);
        assertEquals(0, b.length());
        assertEquals(0, prepareWrite(b, -1, BufferConfiguration.IOV_MAX), "nothing to write");
        b.free();
    }

    @Test
    void shouldWriteReferencesAndViews() throws IOException
    {
        openSocketPair();
        final byte[] payload = random(new Random(24), 3000);
        final Evbuffer other = new Evbuffer(pool);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 1000);
        other.add(payload, 1000, 1000);
        assertEquals(0, b.addBufferReference(other));
        final long ref = UnsafeApi.allocateMemory(1000);
        for (int i = 0; i < 1000; i++)
        {
            UnsafeApi.putByte(ref + i, payload[2000 + i]);
        }
        final int[] cleaned = new int[1];
        assertEquals(0, b.addReference(ref, 1000, (a, len) ->
        {
            cleaned[0]++;
            UnsafeApi.freeMemory(a);
        }));
        other.drain(700);
        assertEquals(3000, checkedWrite(b, -1));
        assertArrayEquals(payload, receiveExactly(3000));
        assertEquals(1, cleaned[0]);
        assertEquals(300, other.length());
        other.free();
        b.free();
    }

    // ------------------------------------------------------------------ both ways

    @Test
    void shouldRoundTripBetweenTwoBuffersThroughASocketPairAndSeeEof() throws IOException
    {
        openSocketPair();
        final Random rnd = new Random(25);
        final byte[] payload = random(rnd, 500_000);
        final Evbuffer out = new Evbuffer(pool);
        final Evbuffer in = new Evbuffer(pool);
        in.setMaxRead(7000);
        addInSmallPieces(rnd, out, payload);
        long result = 0;
        while (Evbuffer.EOF != result)
        {
            if (out.length() > 0)
            {
                final long before = out.length();
                final long n = writeOnce(out, rnd.nextInt(50_000) + 1);
                assertEquals(before - n, out.length());
                if (0 == out.length())
                {
                    closeWriteEnd();
                }
            }
            result = readOnce(in, rnd.nextInt(20_000) + 1);
            assertTrue(result <= in.maxRead(), "read " + result);
        }
        assertContent(payload, in);
        out.free();
        in.free();
    }

    @Test
    void shouldNotAllocateInSteadyStateReadWriteCycles() throws IOException
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        openSocketPair();
        final byte[] payload = random(new Random(26), 3000);
        // maxRead (16 KiB) must fit a pooled size class: larger reads take an exact, unpooled block
        final SegmentPool pooled = new SegmentPool(SEGMENT, 1 << 20, 8);
        final Evbuffer out = new Evbuffer(pooled);
        final Evbuffer in = new Evbuffer(pooled);
        out.add(payload);
        final int iterations = 20_000;
        assertEquals(iterations, echoCycles(out, in, iterations));
        final long tid = Thread.currentThread().getId();
        // Steady state is after C2 has compiled the path: until then a java.lang.foreign downcall
        // allocates (about 28 B per cycle on JDK 25), so windows are measured until one is clean.
        final StringBuilder windows = new StringBuilder();
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 50 && allocated >= 4096; window++)
        {
            final long before = mx.getThreadAllocatedBytes(tid);
            final int moved = echoCycles(out, in, iterations);
            allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(iterations, moved);
            windows.append(' ').append(allocated);
        }
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + iterations + " cycles in the last " +
            "of these windows:" + windows);
        assertContent(payload, out);
        out.free();
        in.free();
        assertEquals(0, pooled.outstandingSegments());
        pooled.close();
    }

    // ------------------------------------------------------------------ helpers

    private int lastReadExtents;
    private int lastWriteExtents;

    private int echoCycles(final Evbuffer out, final Evbuffer in, final int iterations) throws IOException
    {
        int ok = 0;
        for (int i = 0; i < iterations; i++)
        {
            final long len = out.length();
            if (writeOnce(out, -1) != len || readOnce(in, -1) != len || in.removeBuffer(out, len) != len)
            {
                break;
            }
            ok++;
        }
        return ok;
    }

    /**
     * One read through a preparation, checking its extents (their total is the size asked for, capped
     * by maxRead) and that the bytes landed in place.
     */
    private long checkedRead(final Evbuffer b, final int howmuch, final byte[] expected, final int at)
        throws IOException
    {
        final long lengthBefore = b.length();
        final int k = prepareRead(b, howmuch, BufferConfiguration.IOV_MAX);
        lastReadExtents = k;
        final long want = howmuch < 0 ? b.maxRead() : Math.min(howmuch, b.maxRead());
        if (0 == want)
        {
            assertEquals(0, k);
            return 0;
        }
        assertTrue(k >= 1 && k <= BufferConfiguration.READ_IOVECS_DEFAULT, "read extents " + k);
        final long[] bases = new long[k];
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            assertTrue(extentLength(i) > 0, "empty extent " + i);
            bases[i] = extentAddress(i);
            total += extentLength(i);
        }
        assertEquals(want, total, "prepared read size");
        assertEquals(total, b.preparedBytes());
        final long n = readPrepared(k);
        assertTrue(n >= 0 && n <= total, "read " + n);
        long left = n;
        for (int i = 0; i < k && left > 0; i++)
        {
            final long len = Math.min(left, extentLength(i));
            final int off = (int)(at + n - left);
            for (int j = 0; j < len; j += 97)
            {
                assertEquals(expected[off + j], UnsafeApi.getByte(bases[i] + j), "in place at " + (off + j));
            }
            left -= len;
        }
        assertEquals(0, b.commitRead(n));
        assertEquals(lengthBefore + n, b.length());
        return n;
    }

    /**
     * One write through a preparation, checking that its extents point at the data, no copy.
     */
    private long checkedWrite(final Evbuffer b, final long howmuch) throws IOException
    {
        final long lengthBefore = b.length();
        final int k = prepareWrite(b, howmuch, BufferConfiguration.IOV_MAX);
        lastWriteExtents = k;
        if (0 == howmuch)
        {
            assertEquals(0, k);
            return 0;
        }
        assertTrue(k >= 1 && k <= BufferConfiguration.IOV_MAX, "write extents " + k);
        final Extents e = new Extents(k);
        assertTrue(b.peek(-1, null, e) >= k);
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            assertEquals(e.address(i), extentAddress(i), "extent " + i + " points at the data, no copy");
            assertTrue(extentLength(i) > 0 && extentLength(i) <= e.length(i));
            if (i < k - 1)
            {
                assertEquals(e.length(i), extentLength(i));
            }
            total += extentLength(i);
        }
        assertTrue(total <= (howmuch < 0 ? lengthBefore : Math.min(howmuch, lengthBefore)), "offered " + total);
        assertEquals(total, b.preparedBytes());
        final long n = writePrepared(k);
        assertTrue(n >= 0 && n <= total, "wrote " + n);
        assertEquals(0, b.commitWrite(n));
        assertEquals(lengthBefore - n, b.length());
        return n;
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

    private void sendAll(final byte[] data, final int off, final int len) throws IOException
    {
        int done = 0;
        while (done < len)
        {
            final int n = send(data, off + done, len - done);
            assertTrue(n > 0, "pipe full");
            done += n;
        }
    }

    private long fillWriteEnd() throws IOException
    {
        final byte[] junk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = send(junk, 0, junk.length)) > 0)
        {
            total += n;
        }
        return total;
    }

    /**
     * @return bytes received (0 if none were available), or -1 at end of stream
     */
    private int receiveSome(final ByteArrayOutputStream into, final int max) throws IOException
    {
        final byte[] chunk = new byte[Math.min(max, 256 * 1024)];
        final int n = receive(chunk, 0, chunk.length);
        if (n > 0)
        {
            into.write(chunk, 0, n);
        }
        return n;
    }

    private byte[] receiveExactly(final int len) throws IOException
    {
        final byte[] dst = new byte[len];
        int got = 0;
        int spins = 0;
        while (got < len)
        {
            final int n = receive(dst, got, len - got);
            assertTrue(n >= 0, "unexpected EOF");
            got += n;
            assertTrue(++spins < 1_000_000, "no data");
        }
        return dst;
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
