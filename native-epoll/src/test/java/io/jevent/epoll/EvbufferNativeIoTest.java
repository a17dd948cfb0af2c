package io.jevent.epoll;

import io.jevent.loop.Errno;
import io.jevent.buffer.BufferConfiguration;
import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.Extents;
import io.jevent.buffer.IovecArray;
import io.jevent.buffer.SegmentPool;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Evbuffer}'s native scatter/gather API driven by real {@code readv}/{@code writev} on pipes and
 * socket pairs: {@code prepareRead/commitRead} and {@code prepareWrite/commitWrite} over an
 * {@link IovecArray}, with 64-byte segments so that one call spans many iovecs.
 */
class EvbufferNativeIoTest
{
    private static final int SEGMENT = 64;
    private static final int SCRATCH = 256 * 1024;
    private static final long BYTE_BASE = UnsafeApi.arrayBaseOffset(byte[].class);

    private SegmentPool pool;
    private IovecArray iov;
    private long scratch;
    private int readFd = -1;
    private int writeFd = -1;

    @BeforeAll
    static void requireLibC()
    {
        LibC.ensureAvailable();
    }

    @BeforeEach
    void setUp()
    {
        pool = new SegmentPool(SEGMENT, 1024, 8);
        iov = new IovecArray(BufferConfiguration.IOV_MAX);
        scratch = UnsafeApi.allocateMemory(SCRATCH);
    }

    @AfterEach
    void tearDown()
    {
        closeFds();
        iov.close();
        UnsafeApi.freeMemory(scratch);
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        assertEquals(0, pool.outstandingBytes(), "bytes leaked");
        assertEquals(0, pool.outstandingWrappers(), "wrappers leaked");
        pool.close();
    }

    @Test
    void shouldReadRandomPayloadLargerThanMaxReadWithReadv()
    {
        openPipe();
        final Random rnd = new Random(11);
        final byte[] payload = random(rnd, 300_000);
        final Evbuffer b = new Evbuffer(pool);
        b.maxRead(5000);
        int sent = 0;
        int reads = 0;
        int multiIovecReads = 0;
        while (b.length() < payload.length)
        {
            if (sent < payload.length)
            {
                sent += writeSome(writeFd, payload, sent, Math.min(payload.length - sent, rnd.nextInt(20_000) + 1));
            }
            final int howmuch = rnd.nextInt(4) == 0 ? -1 : rnd.nextInt(12_000);
            final long n = readOnce(b, readFd, howmuch, payload, (int)b.length());
            if (n > 0)
            {
                reads++;
                if (iov.count() > 1)
                {
                    multiIovecReads++;
                }
            }
        }
        assertEquals(payload.length, sent);
        assertTrue(multiIovecReads > 10, "reads spanning several iovecs: " + multiIovecReads + " of " + reads);
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldReadWithDefaultMaxReadFromSocketPairUntilEof()
    {
        openSocketPair();
        final Random rnd = new Random(12);
        final byte[] payload = random(rnd, 200_000);
        final Evbuffer b = new Evbuffer(pool);
        assertEquals(BufferConfiguration.MAX_READ_DEFAULT, b.maxRead());
        int sent = 0;
        boolean eof = false;
        while (!eof)
        {
            if (sent < payload.length)
            {
                sent += writeSome(writeFd, payload, sent, payload.length - sent);
                if (sent == payload.length)
                {
                    assertEquals(0, LibC.close(writeFd));
                    writeFd = -1;
                }
            }
            final long n = readOnce(b, readFd, -1, payload, (int)b.length());
            eof = 0 == n;
        }
        assertEquals(payload.length, b.length());
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldAppendReadvDataAfterExistingDataIntoTheFreeTailFirst()
    {
        openPipe();
        final Random rnd = new Random(13);
        final byte[] payload = random(rnd, 1000);
        final Evbuffer b = new Evbuffer(pool);
        assertEquals(0, b.add(payload, 0, 10));
        final Extents e = new Extents(8);
        assertEquals(1, b.peek(-1, null, e));
        final long tail = e.address(0) + e.length(0);

        writeAll(writeFd, payload, 10, 990);
        final int k = b.prepareRead(-1, iov);
        assertTrue(k >= 2 && k <= 4, "iovecs " + k);
        assertEquals(tail, iov.base(0), "first iovec is the free tail of the last data segment");
        assertEquals(SEGMENT - 10, iov.length(0));
        final long n = LibC.readv(readFd, iov.address(), k);
        assertEquals(990, n);
        for (int i = 0; i < k; i++)
        {
            assertTrue(iov.base(i) != 0);
        }
        assertEquals(payload[10], UnsafeApi.getByte(tail), "readv wrote straight into the segment");
        assertEquals(0, b.commitRead(n));
        assertEquals(1000, b.length());
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldReadAfterReadOnlyViewAndReferenceSegments()
    {
        openPipe();
        final Random rnd = new Random(14);
        final byte[] payload = random(rnd, 5000);
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
        int got = 150;
        writeAll(writeFd, payload, 150, payload.length - 150);
        while (got < payload.length)
        {
            got += (int)readOnce(b, readFd, -1, payload, got);
        }
        assertContent(payload, b);
        b.free();
        assertEquals(1, cleaned[0]);
    }

    @Test
    void shouldLeaveBufferUntouchedOnReadEagain()
    {
        openPipe();
        final Random rnd = new Random(15);
        final byte[] payload = random(rnd, 700);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 500);
        final int k = b.prepareRead(-1, iov);
        assertTrue(k >= 1);
        assertEquals(-1, LibC.readv(readFd, iov.address(), k));
        assertEquals(Errno.EAGAIN, LibC.errno());
        assertEquals(0, b.commitRead(0));
        assertEquals(500, b.length());
        assertContent(Arrays.copyOf(payload, 500), b);

        assertTrue(b.prepareRead(10, iov) > 0);
        assertEquals(-1, LibC.readv(readFd, iov.address(), iov.count()));
        assertEquals(Errno.EAGAIN, LibC.errno());
        assertEquals(500, b.length(), "not committing at all is also fine");

        writeAll(writeFd, payload, 500, 200);
        assertEquals(200, readOnce(b, readFd, -1, payload, 500));
        assertContent(payload, b);
        b.free();
    }

    @Test
    void shouldRefuseReadAndWriteOnFrozenEnds()
    {
        openPipe();
        final byte[] payload = random(new Random(16), 300);
        final Evbuffer b = new Evbuffer(pool);
        b.add(payload, 0, 100);
        b.freeze(false);
        assertEquals(-1, b.prepareRead(-1, iov));
        assertEquals(-1, b.commitRead(0));
        assertTrue(b.prepareWrite(-1, iov) > 0, "a frozen end does not stop writes from the start");
        assertEquals(0, b.commitWrite(0));
        b.unfreeze(false);
        b.freeze(true);
        assertEquals(-1, b.prepareWrite(-1, iov));
        assertEquals(-1, b.commitWrite(0));
        writeAll(writeFd, payload, 100, 200);
        assertEquals(200, readOnce(b, readFd, -1, payload, 100), "a frozen start does not stop reads");
        b.unfreeze(true);
        assertEquals(300, writeOnce(b, writeFd, -1));
        assertArrayEquals(payload, readExactly(readFd, 300));
        b.free();
    }

    @Test
    void shouldRefuseCommitAfterTheBufferChanged()
    {
        openPipe();
        final Evbuffer b = new Evbuffer(pool);
        final int k = b.prepareRead(-1, iov);
        writeAll(writeFd, new byte[] {1, 2, 3}, 0, 3);
        final long n = LibC.readv(readFd, iov.address(), k);
        assertEquals(3, n);
        b.add(new byte[] {9});
        assertEquals(-1, b.commitRead(n));
        assertEquals(1, b.length());
        b.free();
    }

    @Test
    void shouldWriteRandomPayloadWithWritevAcrossMoreThanIovMaxSegments()
    {
        openPipe();
        final Random rnd = new Random(21);
        final byte[] payload = random(rnd, 200_000);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        assertTrue(b.segmentCount() > BufferConfiguration.IOV_MAX, "segments " + b.segmentCount());

        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int partial = 0;
        int eagain = 0;
        int maxIovecs = 0;
        while (b.length() > 0)
        {
            final long howmuch = rnd.nextInt(3) == 0 ? rnd.nextInt(100_000) : -1;
            final long before = b.length();
            final long n = writeOnce(b, writeFd, howmuch);
            maxIovecs = Math.max(maxIovecs, iov.count());
            if (n < 0)
            {
                eagain++;
                assertEquals(before, b.length());
                drainSome(readFd, received, rnd.nextInt(80_000) + 1);
            }
            else if (n < Math.min(before, howmuch < 0 ? before : howmuch))
            {
                partial++;
            }
            if (rnd.nextBoolean())
            {
                drainSome(readFd, received, rnd.nextInt(80_000) + 1);
            }
        }
        while (received.size() < payload.length)
        {
            drainSome(readFd, received, SCRATCH);
        }
        assertEquals(BufferConfiguration.IOV_MAX, maxIovecs);
        assertTrue(partial > 0, "partial writes " + partial);
        assertTrue(eagain > 0, "EAGAIN writes " + eagain);
        assertArrayEquals(payload, received.toByteArray());
        b.free();
    }

    @Test
    void shouldExposeAtMostIovMaxExtentsInOneWrite()
    {
        openSocketPair();
        final Random rnd = new Random(22);
        final byte[] payload = random(rnd, SEGMENT * 1500);
        final Evbuffer b = new Evbuffer(pool);
        for (int off = 0; off < payload.length; off += SEGMENT)
        {
            b.add(payload, off, SEGMENT);
        }
        assertEquals(1500, b.segmentCount());
        assertEquals(BufferConfiguration.IOV_MAX, b.prepareWrite(-1, iov));
        long total = 0;
        for (int i = 0; i < iov.count(); i++)
        {
            total += iov.length(i);
        }
        assertEquals((long)SEGMENT * BufferConfiguration.IOV_MAX, total);
        assertEquals(0, b.commitWrite(0));

        final IovecArray small = new IovecArray(7);
        try
        {
            assertEquals(7, b.prepareWrite(-1, small));
            assertEquals(3, b.prepareWrite(130, small));
            assertEquals(2, small.length(2));
            assertEquals(130, LibC.writev(writeFd, small.address(), small.count()));
            assertEquals(0, b.commitWrite(130));
        }
        finally
        {
            small.close();
        }
        assertArrayEquals(Arrays.copyOf(payload, 130), readExactly(readFd, 130));
        assertEquals(payload.length - 130, b.length());
        b.free();
    }

    @Test
    void shouldLeaveBufferUntouchedOnWriteEagainAndResumeAfterPartialWrite()
    {
        openPipe();
        final Random rnd = new Random(23);
        final byte[] payload = random(rnd, 10_000);
        final long filled = fillPipe(writeFd);
        final Evbuffer b = new Evbuffer(pool);
        addInSmallPieces(rnd, b, payload);
        final int k = b.prepareWrite(-1, iov);
        assertEquals(-1, LibC.writev(writeFd, iov.address(), k));
        assertEquals(Errno.EAGAIN, LibC.errno());
        assertEquals(0, b.commitWrite(0));
        assertEquals(payload.length, b.length());
        assertContent(payload, b);

        final byte[] junk = readExactly(readFd, 4096);
        assertEquals(4096, junk.length);
        final long n = writeOnce(b, writeFd, -1);
        assertTrue(n > 0 && n < payload.length, "partial write " + n);
        assertEquals(payload.length - n, b.length());
        readExactly(readFd, (int)(filled - 4096));
        final byte[] first = readExactly(readFd, (int)n);
        assertEquals(payload.length - n, writeOnce(b, writeFd, -1));
        final byte[] rest = readExactly(readFd, payload.length - (int)n);
        final byte[] all = Arrays.copyOf(first, payload.length);
        System.arraycopy(rest, 0, all, (int)n, rest.length);
        assertArrayEquals(payload, all);
        assertEquals(0, b.length());
        assertEquals(0, b.prepareWrite(-1, iov), "nothing to write");
        b.free();
    }

    @Test
    void shouldWriteReferencesAndViewsWithWritev()
    {
        openSocketPair();
        final Random rnd = new Random(24);
        final byte[] payload = random(rnd, 3000);
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
        b.addReference(ref, 1000, (a, len) -> UnsafeApi.freeMemory(a));
        other.drain(500);
        assertEquals(3000, writeOnce(b, writeFd, -1));
        assertArrayEquals(payload, readExactly(readFd, 3000));
        assertEquals(500, other.length());
        other.free();
        b.free();
    }

    @Test
    void shouldRoundTripBetweenTwoBuffersThroughASocketPair()
    {
        openSocketPair();
        final Random rnd = new Random(25);
        final byte[] payload = random(rnd, 500_000);
        final Evbuffer out = new Evbuffer(pool);
        final Evbuffer in = new Evbuffer(pool);
        in.maxRead(7000);
        addInSmallPieces(rnd, out, payload);
        while (in.length() < payload.length)
        {
            if (out.length() > 0)
            {
                writeOnce(out, writeFd, rnd.nextInt(50_000) + 1);
            }
            readOnce(in, readFd, rnd.nextInt(20_000) + 1, payload, (int)in.length());
        }
        assertContent(payload, in);
        out.free();
        in.free();
    }

    @Test
    void shouldNotAllocateInSteadyStateReadvWritevCycles()
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
        final long before = mx.getThreadAllocatedBytes(tid);
        final int moved = echoCycles(out, in, iterations);
        final long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(iterations, moved);
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + iterations + " cycles");
        assertContent(payload, out);
        out.free();
        in.free();
        assertEquals(0, pooled.outstandingSegments());
        pooled.close();
    }

    private int echoCycles(final Evbuffer out, final Evbuffer in, final int iterations)
    {
        int ok = 0;
        for (int i = 0; i < iterations; i++)
        {
            final long len = out.length();
            final int kw = out.prepareWrite(-1, iov);
            final long w = LibC.writev(writeFd, iov.address(), kw);
            if (w != len || 0 != out.commitWrite(w))
            {
                break;
            }
            final int kr = in.prepareRead(-1, iov);
            final long r = LibC.readv(readFd, iov.address(), kr);
            if (r != len || 0 != in.commitRead(r))
            {
                break;
            }
            if (in.removeBuffer(out, len) != len)
            {
                break;
            }
            ok++;
        }
        return ok;
    }

    private long readOnce(final Evbuffer b, final int fd, final int howmuch, final byte[] expected, final int at)
    {
        final long lengthBefore = b.length();
        final int k = b.prepareRead(howmuch, iov);
        final long want = howmuch < 0 ? b.maxRead() : Math.min(howmuch, b.maxRead());
        if (0 == want)
        {
            assertEquals(0, k);
            return 0;
        }
        assertEquals(k, iov.count());
        assertTrue(k >= 1 && k <= BufferConfiguration.READ_IOVECS_DEFAULT, "read iovecs " + k);
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            assertTrue(iov.length(i) > 0, "empty iovec " + i);
            total += iov.length(i);
        }
        assertEquals(want, total, "prepared read size");
        final long n = LibC.readv(fd, iov.address(), k);
        if (-1 == n)
        {
            assertEquals(Errno.EAGAIN, LibC.errno(), () -> Errno.name(LibC.errno()));
            assertEquals(0, b.commitRead(0));
            assertEquals(lengthBefore, b.length());
            return -1;
        }
        assertTrue(n <= total && n <= b.maxRead(), "read " + n);
        long left = n;
        for (int i = 0; i < k && left > 0; i++)
        {
            final long len = Math.min(left, iov.length(i));
            final int off = (int)(at + n - left);
            for (int j = 0; j < len; j += 97)
            {
                assertEquals(expected[off + j], UnsafeApi.getByte(iov.base(i) + j), "in place at " + (off + j));
            }
            left -= len;
        }
        assertEquals(0, b.commitRead(n));
        assertEquals(lengthBefore + n, b.length());
        return n;
    }

    private long writeOnce(final Evbuffer b, final int fd, final long howmuch)
    {
        final long lengthBefore = b.length();
        final int k = b.prepareWrite(howmuch, iov);
        assertEquals(k, iov.count());
        assertTrue(k >= 1 && k <= BufferConfiguration.IOV_MAX, "write iovecs " + k);
        final Extents e = new Extents(k);
        assertTrue(b.peek(-1, null, e) >= k);
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            assertEquals(e.address(i), iov.base(i), "iovec " + i + " points at the data, no copy");
            assertTrue(iov.length(i) > 0 && iov.length(i) <= e.length(i));
            if (i < k - 1)
            {
                assertEquals(e.length(i), iov.length(i));
            }
            total += iov.length(i);
        }
        assertTrue(total <= (howmuch < 0 ? lengthBefore : howmuch));
        final long n = LibC.writev(fd, iov.address(), k);
        if (-1 == n)
        {
            assertEquals(Errno.EAGAIN, LibC.errno(), () -> Errno.name(LibC.errno()));
            assertEquals(0, b.commitWrite(0));
            assertEquals(lengthBefore, b.length());
            return -1;
        }
        assertTrue(n <= total);
        assertEquals(0, b.commitWrite(n));
        assertEquals(lengthBefore - n, b.length());
        return n;
    }

    private void addInSmallPieces(final Random rnd, final Evbuffer b, final byte[] payload)
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

    private int writeSome(final int fd, final byte[] data, final int off, final int len)
    {
        final int chunk = Math.min(len, SCRATCH);
        UnsafeApi.copyMemory(data, BYTE_BASE + off, null, scratch, chunk);
        final long n = LibC.write(fd, scratch, chunk);
        if (-1 == n)
        {
            assertEquals(Errno.EAGAIN, LibC.errno());
            return 0;
        }
        return (int)n;
    }

    private void writeAll(final int fd, final byte[] data, final int off, final int len)
    {
        int done = 0;
        while (done < len)
        {
            final int n = writeSome(fd, data, off + done, len - done);
            assertTrue(n > 0, "pipe full");
            done += n;
        }
    }

    private long fillPipe(final int fd)
    {
        long total = 0;
        long n;
        while ((n = LibC.write(fd, scratch, SCRATCH)) > 0)
        {
            total += n;
        }
        assertEquals(Errno.EAGAIN, LibC.errno());
        return total;
    }

    private void drainSome(final int fd, final ByteArrayOutputStream into, final int max)
    {
        final long n = LibC.read(fd, scratch, Math.min(max, SCRATCH));
        if (-1 == n)
        {
            assertEquals(Errno.EAGAIN, LibC.errno());
            return;
        }
        final byte[] b = new byte[(int)n];
        UnsafeApi.copyMemory(null, scratch, b, BYTE_BASE, n);
        into.write(b, 0, b.length);
    }

    private byte[] readExactly(final int fd, final int len)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int spins = 0;
        while (out.size() < len)
        {
            drainSome(fd, out, len - out.size());
            assertTrue(++spins < 1_000_000, "no data");
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

    private void openPipe()
    {
        final long pair = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        assertTrue(-1 != pair, () -> Errno.name(LibC.errno()));
        readFd = LibC.firstFd(pair);
        writeFd = LibC.secondFd(pair);
    }

    private void openSocketPair()
    {
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
        assertTrue(-1 != pair, () -> Errno.name(LibC.errno()));
        readFd = LibC.firstFd(pair);
        writeFd = LibC.secondFd(pair);
    }

    private void closeFds()
    {
        if (-1 != readFd)
        {
            assertEquals(0, LibC.close(readFd));
            readFd = -1;
        }
        if (-1 != writeFd)
        {
            assertEquals(0, LibC.close(writeFd));
            writeFd = -1;
        }
    }
}
