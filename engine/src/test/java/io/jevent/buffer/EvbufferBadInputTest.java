package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad input: every programming error must give a clear exception (NullPointerException,
 * IllegalArgumentException, IndexOutOfBoundsException, IllegalStateException) or the documented
 * libevent return value, never a JVM crash, and the buffer must be unchanged and still usable after
 * a rejected call.
 */
class EvbufferBadInputTest
{
    private static final byte[] CONTENT =
        "first line\r\nsecond line\n\0third part, long enough to span several 16-byte segments"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final ReferenceCleanup NO_CLEANUP = (a, l) ->
    {
    };

    private SegmentPool pool;
    private Evbuffer buf;
    private Evbuffer other;
    private byte[] expected;
    private final List<Evbuffer> toFree = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        pool = new SegmentPool(16, 1024, 8);
        buf = newBuffer();
        other = newBuffer();
        assertEquals(0, buf.add(CONTENT, 0, 20));
        assertEquals(0, buf.prepend(Arrays.copyOfRange(CONTENT, 0, 0)));
        assertEquals(0, buf.add(CONTENT, 20, CONTENT.length - 20));
        assertEquals(0, other.add("other buffer".getBytes(StandardCharsets.US_ASCII)));
        expected = CONTENT.clone();
        assertUnchanged();
    }

    @AfterEach
    void tearDown()
    {
        for (final Evbuffer b : toFree)
        {
            b.free();
        }
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        assertEquals(0, pool.outstandingWrappers(), "wrappers leaked");
        pool.close();
    }

    private Evbuffer newBuffer()
    {
        final Evbuffer b = new Evbuffer(pool);
        toFree.add(b);
        return b;
    }

    private static byte[] contents(final Evbuffer b)
    {
        final int len = (int)b.length();
        final byte[] out = new byte[len];
        final int segs = b.segmentCount();
        final Extents e = new Extents(Math.max(1, segs));
        assertEquals(segs, b.peek(-1, null, e));
        int at = 0;
        final UnsafeBuffer u = new UnsafeBuffer(0, 0);
        for (int i = 0; i < e.count(); i++)
        {
            e.wrap(i, u);
            u.getBytes(0, out, at, u.capacity());
            at += u.capacity();
        }
        assertEquals(len, at, "sum of extents");
        return out;
    }

    /** The buffer holds exactly {@link #expected}, its invariants hold, and it still works. */
    private void assertUnchanged()
    {
        assertFalse(buf.isFreed());
        assertEquals(expected.length, buf.length(), "length");
        final int cs = buf.contiguousSpace();
        assertTrue(cs > 0 && cs <= expected.length, "contiguousSpace " + cs + " of " + expected.length);
        assertArrayEquals(expected, contents(buf), "content");
        final byte[] copy = new byte[expected.length];
        if (!buf.isFrozen(true))
        {
            assertEquals(expected.length, buf.copyout(copy, 0, copy.length));
            assertArrayEquals(expected, copy, "copyout");
        }
        if (!buf.isFrozen(false))
        {
            assertEquals(0, buf.add(new byte[] {'!'}));
            expected = Arrays.copyOf(expected, expected.length + 1);
            expected[expected.length - 1] = '!';
            assertArrayEquals(expected, contents(buf), "content after a later add");
        }
    }

    private void rejects(final Class<? extends Throwable> type, final Executable call)
    {
        assertThrows(type, call);
        assertUnchanged();
    }

    private void returns(final long value, final LongCall call)
    {
        try
        {
            assertEquals(value, call.call());
        }
        catch (final Exception ex)
        {
            throw new AssertionError("expected the return value " + value + ", got " + ex, ex);
        }
        assertUnchanged();
    }

    @FunctionalInterface
    private interface LongCall
    {
        long call() throws Exception;
    }

    // ================================================================== null arguments

    @Test
    void shouldRejectNullArgumentsWithNullPointerException()
    {
        final Class<NullPointerException> npe = NullPointerException.class;
        final EvbufferPtr ptr = new EvbufferPtr();
        buf.ptrSet(ptr, 0, Evbuffer.PTR_SET);
        rejects(npe, () -> new Evbuffer(null));
        rejects(npe, () -> buf.add((byte[])null));
        rejects(npe, () -> buf.add((byte[])null, 0, 0));
        rejects(npe, () -> buf.add((ByteBuffer)null));
        rejects(npe, () -> buf.add((DirectBuffer)null, 0, 0));
        rejects(npe, () -> buf.addAll(null, 0, 0));
        rejects(npe, () -> buf.addAll(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1}), null}, 0, 2));
        rejects(npe, () -> buf.addAscii(null));
        rejects(npe, () -> buf.addUtf8(null));
        rejects(npe, () -> buf.addFormat(null));
        rejects(npe, () -> buf.prepend((byte[])null));
        rejects(npe, () -> buf.prepend((byte[])null, 0, 0));
        rejects(npe, () -> buf.prepend((ByteBuffer)null));
        rejects(npe, () -> buf.prepend((DirectBuffer)null, 0, 0));
        rejects(npe, () -> buf.remove((byte[])null, 0, 1));
        rejects(npe, () -> buf.remove((ByteBuffer)null));
        rejects(npe, () -> buf.remove((MutableDirectBuffer)null, 0, 1));
        rejects(npe, () -> buf.copyout((byte[])null, 0, 1));
        rejects(npe, () -> buf.copyout((ByteBuffer)null));
        rejects(npe, () -> buf.copyout((MutableDirectBuffer)null, 0, 1));
        rejects(npe, () -> buf.copyoutFrom(null, new byte[4], 0, 4));
        rejects(npe, () -> buf.copyoutFrom(ptr, null, 0, 4));
        rejects(npe, () -> buf.addBuffer(null));
        rejects(npe, () -> buf.prependBuffer(null));
        rejects(npe, () -> buf.removeBuffer(null, 1));
        rejects(npe, () -> buf.addReference(BufferUtil.address(ByteBuffer.allocateDirect(8)), 8, null));
        rejects(npe, () -> buf.addReference((ByteBuffer)null, NO_CLEANUP));
        rejects(npe, () -> buf.addReference(ByteBuffer.allocateDirect(8), null));
        rejects(npe, () -> buf.addReference((DirectBuffer)null, 0, 1, NO_CLEANUP));
        rejects(npe, () -> buf.addBufferReference(null));
        rejects(npe, () -> buf.pullup(4, null));
        rejects(npe, () -> buf.reserveSpace(4, null));
        rejects(npe, () -> buf.commitSpace(null, 1));
        rejects(npe, () -> buf.peek(-1, null, null));
        rejects(npe, () -> buf.ptrSet(null, 0, Evbuffer.PTR_SET));
        rejects(npe, () -> buf.search(null));
        rejects(npe, () -> buf.search(null, 0));
        rejects(npe, () -> buf.searchRange(null, 0, 1));
        rejects(npe, () -> buf.search(null, 0, 0, null, null, null));
        rejects(npe, () -> buf.searchEol(null, null, null));
        rejects(npe, () -> buf.readLine(null));
        rejects(npe, () -> buf.readLine(EolStyle.LF, (Charset)null));
        rejects(npe, () -> buf.readLine(null, new byte[64], 0, 64));
        rejects(npe, () -> buf.readLine(EolStyle.LF, (byte[])null, 0, 64));
        rejects(npe, () -> buf.readLine(null, new UnsafeBuffer(new byte[64]), 0, 64));
        rejects(npe, () -> buf.readLine(EolStyle.LF, (MutableDirectBuffer)null, 0, 64));
        rejects(npe, () -> buf.prepareRead(16, (IovecArray)null));
        rejects(npe, () -> buf.prepareRead(16, (ByteBuffer[])null));
        rejects(npe, () -> buf.prepareWrite(16, (IovecArray)null));
        rejects(npe, () -> buf.prepareWrite(16, (ByteBuffer[])null));
        rejects(npe, () -> buf.readFrom(null, 16));
        rejects(npe, () -> buf.writeTo(null, 16));
        rejects(npe, () -> buf.addCallback(null));
        returns(-1, () -> buf.removeCallback((EvbufferCallbackEntry)null));
        returns(-1, () -> buf.removeCallback((EvbufferCallback)null));
    }

    // ================================================================== lengths and offsets

    @Test
    void shouldRejectNegativeLengthsAndOffsets()
    {
        final Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        final byte[] arr = new byte[32];
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final EvbufferPtr ptr = new EvbufferPtr();
        buf.ptrSet(ptr, 0, Evbuffer.PTR_SET);
        rejects(ioobe, () -> buf.add(arr, 0, -1));
        rejects(ioobe, () -> buf.add(arr, -1, 1));
        rejects(ioobe, () -> buf.add(heap, 0, -1));
        rejects(ioobe, () -> buf.add(offHeap, -1, 4));
        rejects(ioobe, () -> buf.addAll(new ByteBuffer[1], -1, 1));
        rejects(ioobe, () -> buf.addAll(new ByteBuffer[1], 0, -1));
        rejects(ioobe, () -> buf.prepend(arr, 0, -1));
        rejects(ioobe, () -> buf.prepend(arr, -1, 1));
        rejects(ioobe, () -> buf.prepend(heap, -1, 1));
        rejects(ioobe, () -> buf.prepend(offHeap, 0, -1));
        rejects(iae, () -> buf.drain(-1));
        rejects(iae, () -> buf.drain(Long.MIN_VALUE));
        rejects(ioobe, () -> buf.remove(arr, 0, -1));
        rejects(ioobe, () -> buf.remove(arr, -1, 1));
        rejects(ioobe, () -> buf.remove(heap, 0, -1));
        rejects(ioobe, () -> buf.copyout(arr, 0, -1));
        rejects(ioobe, () -> buf.copyout(arr, -1, 1));
        rejects(ioobe, () -> buf.copyout(offHeap, -1, 1));
        rejects(ioobe, () -> buf.copyoutFrom(ptr, arr, 0, -1));
        rejects(ioobe, () -> buf.copyoutFrom(ptr, arr, -1, 1));
        rejects(iae, () -> buf.removeBuffer(other, -1));
        rejects(iae, () -> buf.addReference(BufferUtil.address(ByteBuffer.allocateDirect(8)), -1, NO_CLEANUP));
        rejects(ioobe, () -> buf.addReference(offHeap, 0, -1, NO_CLEANUP));
        rejects(ioobe, () -> buf.addReference(offHeap, -1, 1, NO_CLEANUP));
        rejects(iae, () -> buf.expand(-1));
        rejects(iae, () -> buf.reserveSpace(-1, new Extents(1)));
        rejects(iae, () -> buf.commitSpace(new Extents(1), -1));
        rejects(iae, () -> buf.ptrSet(ptr, -1, Evbuffer.PTR_SET));
        rejects(iae, () -> buf.ptrSet(ptr, -1, Evbuffer.PTR_ADD));
        rejects(iae, () -> buf.search(arr, -1));
        rejects(iae, () -> buf.searchRange(arr, -1, 5));
        rejects(iae, () -> buf.searchRange(arr, 0, -5));
        rejects(ioobe, () -> buf.search(arr, 0, -1, null, null, null));
        rejects(ioobe, () -> buf.search(arr, -1, 1, null, null, null));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, arr, 0, -1));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, arr, -1, 1));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, heap, -1, 1));
        rejects(iae, () -> buf.setMaxRead(0));
        rejects(iae, () -> buf.setMaxRead(-1));
        rejects(iae, () -> new Extents(-1));
        returns(-1, () -> buf.commitRead(-1));
        returns(-1, () -> buf.commitWrite(-1));
    }

    @Test
    void shouldRejectHugeLengthsWithoutAllocating()
    {
        final Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        final byte[] arr = new byte[32];
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final EvbufferPtr ptr = new EvbufferPtr();
        buf.ptrSet(ptr, 3, Evbuffer.PTR_SET);
        rejects(ioobe, () -> buf.add(arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.add(arr, 1, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.add(arr, Integer.MAX_VALUE, 1));
        rejects(ioobe, () -> buf.add(heap, 1, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.add(offHeap, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.prepend(arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.prepend(offHeap, Integer.MAX_VALUE, 1));
        rejects(ioobe, () -> buf.remove(arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.copyout(arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.copyout(heap, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.copyoutFrom(ptr, arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.addReference(offHeap, 1, Integer.MAX_VALUE, NO_CLEANUP));
        rejects(ioobe, () -> buf.search(arr, 0, Integer.MAX_VALUE, null, null, null));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, arr, 0, Integer.MAX_VALUE));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, heap, 0, Integer.MAX_VALUE));
        returns(-1, () -> buf.expand(Long.MAX_VALUE));
        returns(-1, () -> buf.expand(Integer.MAX_VALUE));
        returns(-1, () -> buf.expand(BufferConfiguration.MAX_SEGMENT_SIZE + 1L));
        returns(-1, () -> buf.reserveSpace(Long.MAX_VALUE, new Extents(1)));
        returns(-1, () -> buf.reserveSpace(Integer.MAX_VALUE, new Extents(4)));
        returns(0, () -> buf.pullup(Long.MAX_VALUE));
        returns(0, () -> buf.pullup(Integer.MAX_VALUE));
        returns(0, () -> buf.pullup(buf.length() + 1));
        returns(-1, () -> buf.search(arr, Long.MAX_VALUE));
        returns(-1, () -> buf.searchRange(arr, 0, Long.MAX_VALUE));
        final long segmentsBefore = pool.outstandingSegments();
        assertEquals(-1, buf.expand(Long.MAX_VALUE));
        assertEquals(-1, buf.reserveSpace(Long.MAX_VALUE, new Extents(4)));
        assertEquals(0, buf.pullup(Long.MAX_VALUE));
        assertEquals(segmentsBefore, pool.outstandingSegments(), "a rejected huge request allocated");
        assertTrue(buf.prepareRead(8, new ByteBuffer[2]) > 0);
        assertEquals(-1, buf.commitRead(Long.MAX_VALUE));
        assertEquals(-1, buf.commitRead(Integer.MAX_VALUE + 1L));
        assertTrue(buf.prepareWrite(8, new ByteBuffer[2]) > 0);
        assertEquals(-1, buf.commitWrite(Long.MAX_VALUE));
        assertEquals(-1, buf.commitWrite(9));
        assertUnchanged();
        returns(-1, () -> buf.ptrSet(ptr, Long.MAX_VALUE, Evbuffer.PTR_SET));
        assertEquals(-1, ptr.position());
        assertEquals(0, buf.ptrSet(ptr, 3, Evbuffer.PTR_SET));
        returns(-1, () -> buf.ptrSet(ptr, Long.MAX_VALUE, Evbuffer.PTR_ADD));
        assertEquals(-1, ptr.position(), "PTR_ADD that overflows must invalidate the ptr");
    }

    @Test
    void shouldClampHugeCountsAsLibeventDoes()
    {
        final Extents e = new Extents(2);
        assertEquals(buf.segmentCount(), buf.peek(Long.MAX_VALUE, null, e), "peek counts every segment");
        assertUnchanged();
        final ByteBuffer[] bufs = new ByteBuffer[4];
        final int k = buf.prepareRead(Integer.MAX_VALUE, bufs);
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            total += bufs[i].remaining();
        }
        assertEquals(buf.maxRead(), total, "a read is capped at maxRead");
        assertEquals(0, buf.commitRead(0));
        assertUnchanged();
        final int len = (int)buf.length();
        assertEquals(len, buf.removeBuffer(other, Long.MAX_VALUE));
        assertEquals(0, buf.length());
        expected = new byte[0];
        assertEquals(0, buf.drain(Long.MAX_VALUE));
        assertEquals(0, buf.add(CONTENT));
        assertEquals(0, buf.drain(Long.MAX_VALUE));
        assertEquals(0, buf.length());
        assertEquals(0, buf.contiguousSpace());
    }

    @Test
    void shouldRejectOffsetsPastArrayEnds()
    {
        final Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        final byte[] arr = new byte[8];
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        final EvbufferPtr ptr = new EvbufferPtr();
        buf.ptrSet(ptr, 0, Evbuffer.PTR_SET);
        rejects(ioobe, () -> buf.add(arr, 9, 0));
        rejects(ioobe, () -> buf.add(arr, 8, 1));
        rejects(ioobe, () -> buf.add(arr, 4, 5));
        rejects(ioobe, () -> buf.add(heap, 8, 1));
        rejects(ioobe, () -> buf.add(offHeap, 4, 5));
        rejects(ioobe, () -> buf.addAll(new ByteBuffer[] {ByteBuffer.allocate(1)}, 1, 1));
        rejects(ioobe, () -> buf.prepend(arr, 8, 1));
        rejects(ioobe, () -> buf.prepend(heap, 7, 2));
        rejects(ioobe, () -> buf.remove(arr, 8, 1));
        rejects(ioobe, () -> buf.remove(offHeap, 7, 2));
        rejects(ioobe, () -> buf.copyout(arr, 1, 8));
        rejects(ioobe, () -> buf.copyout(heap, 8, 1));
        rejects(ioobe, () -> buf.copyoutFrom(ptr, arr, 8, 1));
        rejects(ioobe, () -> buf.addReference(offHeap, 8, 1, NO_CLEANUP));
        rejects(ioobe, () -> buf.search(arr, 8, 1, null, null, null));
        rejects(ioobe, () -> buf.search(arr, 5, 4, null, null, null));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, arr, 8, 1));
        rejects(ioobe, () -> buf.readLine(EolStyle.LF, offHeap, 1, 8));
        returns(0, () -> buf.add(arr, 8, 0));
        returns(0, () -> buf.copyout(arr, 8, 0));
    }

    @Test
    void shouldRejectReadOnlyDestinations()
    {
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        rejects(iae, () -> buf.copyout(ByteBuffer.allocate(8).asReadOnlyBuffer()));
        rejects(iae, () -> buf.copyout(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
        rejects(iae, () -> buf.remove(ByteBuffer.allocate(8).asReadOnlyBuffer()));
        rejects(iae, () -> buf.remove(ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
    }

    // ================================================================== positions and ptrs

    @Test
    void shouldRejectPositionsPastTheEnd()
    {
        final long len = buf.length();
        final EvbufferPtr ptr = new EvbufferPtr();
        final EvbufferPtr result = new EvbufferPtr();
        assertEquals(-1, buf.ptrSet(ptr, len + 1, Evbuffer.PTR_SET));
        assertEquals(-1, ptr.position());
        assertEquals(0, buf.ptrSet(ptr, len, Evbuffer.PTR_SET));
        assertEquals(len, ptr.position(), "the end is a legal position");
        assertEquals(-1, buf.ptrSet(ptr, 1, Evbuffer.PTR_ADD));
        assertEquals(-1, ptr.position());
        assertEquals(-1, buf.search(new byte[] {'f'}, len + 1));
        assertEquals(-1, buf.searchRange(new byte[] {'f'}, 0, len + 1));
        assertEquals(-1, buf.searchRange(new byte[] {'f'}, len + 1, len + 1));

        // a ptr at the end is valid and yields nothing
        final EvbufferPtr atEnd = new EvbufferPtr();
        assertEquals(0, buf.ptrSet(atEnd, len, Evbuffer.PTR_SET));
        assertEquals(0, buf.copyoutFrom(atEnd, new byte[4], 0, 4));
        assertEquals(0, buf.peek(-1, atEnd, new Extents(2)));
        assertEquals(0, buf.searchEol(atEnd, EolStyle.ANY, result));
        assertEquals(-1, result.position());
        assertArrayEquals(expected, contents(buf));

        // a ptr left past the end by a drain is invalid everywhere
        final EvbufferPtr stale = new EvbufferPtr();
        assertEquals(0, buf.ptrSet(stale, len, Evbuffer.PTR_SET));
        assertEquals(0, buf.drain(5));
        expected = Arrays.copyOfRange(expected, 5, expected.length);
        assertEquals(-1, buf.copyoutFrom(stale, new byte[4], 0, 4));
        assertEquals(0, buf.searchEol(stale, EolStyle.ANY, result));
        assertEquals(-1, result.position());
        assertEquals(0, buf.ptrSet(result, 0, Evbuffer.PTR_SET));
        assertEquals(-1, buf.search(new byte[] {'t'}, 0, 1, stale, null, result));
        assertEquals(-1, result.position(), "a failed search must invalidate its result");
        assertEquals(-1, buf.search(new byte[] {'t'}, 0, 1, null, stale, null));
        assertEquals(0, buf.peek(-1, stale, new Extents(2)));
        assertEquals(len, stale.position(), "a rejected ptr is not changed by the calls that read it");
        assertEquals(-1, buf.ptrSet(stale, 0, Evbuffer.PTR_ADD));
        assertEquals(-1, stale.position());
        assertUnchanged();
    }

    @Test
    void shouldRejectPtrFromAnotherBuffer()
    {
        final EvbufferPtr foreign = new EvbufferPtr();
        final EvbufferPtr result = new EvbufferPtr();
        assertEquals(0, other.ptrSet(foreign, 2, Evbuffer.PTR_SET));
        assertEquals(0, buf.ptrSet(result, 1, Evbuffer.PTR_SET));
        returns(-1, () -> buf.copyoutFrom(foreign, new byte[4], 0, 4));
        returns(-1, () -> buf.search(new byte[] {'s'}, 0, 1, foreign, null, result));
        assertEquals(-1, result.position(), "a failed search must invalidate its result");
        returns(-1, () -> buf.search(new byte[] {'s'}, 0, 1, null, foreign, null));
        returns(0, () -> buf.searchEol(foreign, EolStyle.LF, result));
        assertEquals(-1, result.position());
        returns(0, () -> buf.peek(-1, foreign, new Extents(4)));
        returns(-1, () -> buf.ptrSet(foreign, 1, Evbuffer.PTR_ADD));
        assertEquals(-1, foreign.position());
        final EvbufferPtr neverSet = new EvbufferPtr();
        assertEquals(-1, neverSet.position());
        returns(-1, () -> buf.ptrSet(neverSet, 0, Evbuffer.PTR_ADD));
        returns(-1, () -> buf.copyoutFrom(neverSet, new byte[4], 0, 4));
        // the other buffer still accepts its own positions
        final EvbufferPtr mine = new EvbufferPtr();
        assertEquals(0, other.ptrSet(mine, 6, Evbuffer.PTR_SET));
        final byte[] out = new byte[6];
        assertEquals(6, other.copyoutFrom(mine, out, 0, 6));
        assertEquals("buffer", new String(out, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldRejectInvalidPtrMode()
    {
        final EvbufferPtr ptr = new EvbufferPtr();
        rejects(IllegalArgumentException.class, () -> buf.ptrSet(ptr, 0, 2));
        rejects(IllegalArgumentException.class, () -> buf.ptrSet(ptr, 0, -1));
        rejects(IllegalArgumentException.class, () -> buf.ptrSet(ptr, 1, Integer.MAX_VALUE));
        returns(0, () -> buf.ptrSet(ptr, 1, Evbuffer.PTR_SET));
        assertEquals(1, ptr.position());
    }

    // ================================================================== reserve / commit

    @Test
    void shouldRejectCommitOfForeignExtents()
    {
        final Extents mine = new Extents(2);
        final Extents theirs = new Extents(2);
        final int k = buf.reserveSpace(8, mine);
        assertTrue(k >= 1);
        final int j = other.reserveSpace(8, theirs);
        assertTrue(j >= 1);
        assertEquals(-1, buf.commitSpace(theirs, 1), "another buffer's reservation");
        assertEquals(-1, buf.commitSpace(theirs, j), "another buffer's reservation");

        final Extents peeked = new Extents(2);
        assertTrue(buf.peek(-1, null, peeked) > 0);
        assertEquals(-1, buf.commitSpace(peeked, 1), "extents of data are not a reservation");
        assertEquals(-1, buf.commitSpace(new Extents(1), 1), "an unfilled Extents commits nothing");
        assertEquals(-1, buf.commitSpace(mine, k + 1), "more extents than reserved");
        mine.setLength(0, mine.length(0) + 1);
        assertEquals(-1, buf.commitSpace(mine, 1), "an extent grown past its reservation");
        assertArrayEquals(expected, contents(buf));

        // the reservation survives the rejected commits
        mine.setLength(0, 3);
        final UnsafeBuffer w = new UnsafeBuffer(0, 0);
        mine.wrap(0, w);
        w.putBytes(0, new byte[] {'x', 'y', 'z'});
        assertEquals(0, buf.commitSpace(mine, 1));
        expected = Arrays.copyOf(expected, expected.length + 3);
        System.arraycopy(new byte[] {'x', 'y', 'z'}, 0, expected, expected.length - 3, 3);
        assertUnchanged();
        assertEquals(0, other.commitSpace(theirs, 0), "committing nothing is fine");
        returns(-1, () -> buf.reserveSpace(4, new Extents(0)));
    }

    @Test
    void shouldRejectBadExtentsIndices()
    {
        final Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        final Extents e = new Extents(3);
        final UnsafeBuffer fly = new UnsafeBuffer(0, 0);
        assertEquals(0, e.count());
        assertThrows(ioobe, () -> e.address(0));
        assertThrows(ioobe, () -> e.length(0));
        assertThrows(ioobe, () -> e.setLength(0, 1));
        assertThrows(ioobe, () -> e.buffer(0));
        assertThrows(ioobe, () -> e.wrap(0, fly));
        assertEquals(0, e.totalLength());
        assertEquals(1, buf.peek(1, null, e));
        assertEquals(1, e.count());
        assertThrows(ioobe, () -> e.address(1));
        assertThrows(ioobe, () -> e.length(-1));
        assertThrows(ioobe, () -> e.length(3));
        assertThrows(ioobe, () -> e.buffer(1));
        assertThrows(ioobe, () -> e.wrap(-1, fly));
        assertThrows(ioobe, () -> e.setLength(Integer.MAX_VALUE, 0));
        assertThrows(IllegalArgumentException.class, () -> e.setLength(0, -1));
        assertTrue(e.length(0) > 0);
        assertThrows(IllegalArgumentException.class, () -> new Extents(-1));
        assertEquals(0, new Extents(0).capacity());
        assertUnchanged();
    }

    // ================================================================== references

    @Test
    void shouldRejectReferencesToHeapMemory()
    {
        final int[] cleanups = new int[1];
        final ReferenceCleanup counting = (a, l) -> cleanups[0]++;
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        rejects(iae, () -> buf.addReference(ByteBuffer.allocate(8), counting));
        rejects(iae, () -> buf.addReference(ByteBuffer.wrap(new byte[8], 2, 4), counting));
        rejects(iae, () -> buf.addReference(ByteBuffer.allocate(8).asReadOnlyBuffer(), counting));
        rejects(iae, () -> buf.addReference(new UnsafeBuffer(new byte[8]), 0, 8, counting));
        rejects(iae, () -> buf.addReference(new UnsafeBuffer(ByteBuffer.allocate(8)), 0, 8, counting));
        rejects(iae, () -> buf.addReference(0L, 8, counting));
        assertEquals(0, cleanups[0], "a rejected reference's cleanup ran");

        // documented: a zero-length reference holds nothing and is released at once, even at NULL
        final long[] got = {-1, -1};
        assertEquals(0, buf.addReference(0L, 0, (a, l) ->
        {
            got[0] = a;
            got[1] = l;
        }));
        assertArrayEquals(new long[] {0, 0}, got);
        assertUnchanged();

        // a read-only direct buffer may be referenced: the buffer never writes it
        final ByteBuffer ro = ByteBuffer.allocateDirect(4).put(new byte[] {'r', 'o', '!', '!'}).flip()
            .asReadOnlyBuffer();
        assertEquals(0, buf.addReference(ro, counting));
        expected = Arrays.copyOf(expected, expected.length + 4);
        System.arraycopy(new byte[] {'r', 'o', '!', '!'}, 0, expected, expected.length - 4, 4);
        assertUnchanged();
        assertEquals(0, buf.drain(buf.length()));
        assertEquals(1, cleanups[0], "cleanup after the referenced bytes were drained");
        java.lang.ref.Reference.reachabilityFence(ro);
        expected = new byte[0];
        assertEquals(0, buf.add(CONTENT));
        expected = CONTENT.clone();
        assertUnchanged();
    }

    // ================================================================== use after free

    /**
     * Every public call on {@code f}, and every call of {@code live} that names {@code f}: shared with
     * {@link EvbufferOwnerTest}, where {@code f} is a buffer whose owner refuses the thread.
     */
    static Map<String, Executable> everyCallOn(final Evbuffer f, final Evbuffer live)
    {
        final byte[] arr = new byte[8];
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[8]);
        final ByteBuffer direct = ByteBuffer.allocateDirect(8);
        final UnsafeBuffer offHeap = new UnsafeBuffer(direct);
        final EvbufferPtr ptr = new EvbufferPtr();
        live.ptrSet(ptr, 0, Evbuffer.PTR_SET);
        final Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("length()", f::length);
        calls.put("contiguousSpace()", f::contiguousSpace);
        calls.put("segmentCount()", f::segmentCount);
        calls.put("spareSegments()", f::spareSegments);
        calls.put("freeze(true)", () -> f.freeze(true));
        calls.put("freeze(false)", () -> f.freeze(false));
        calls.put("unfreeze(true)", () -> f.unfreeze(true));
        calls.put("unfreeze(false)", () -> f.unfreeze(false));
        calls.put("add(byte[])", () -> f.add(arr));
        calls.put("add(byte[], 0, 0)", () -> f.add(arr, 0, 0));
        calls.put("add(ByteBuffer)", () -> f.add(ByteBuffer.wrap(arr)));
        calls.put("add(DirectBuffer)", () -> f.add(heap, 0, 8));
        calls.put("addAll", () -> f.addAll(new ByteBuffer[] {ByteBuffer.wrap(arr)}, 0, 1));
        calls.put("addAscii", () -> f.addAscii("x"));
        calls.put("addUtf8", () -> f.addUtf8("x"));
        calls.put("addFormat", () -> f.addFormat("%d", 1));
        calls.put("prepend(byte[])", () -> f.prepend(arr));
        calls.put("prepend(byte[], 0, 0)", () -> f.prepend(arr, 0, 0));
        calls.put("prepend(ByteBuffer)", () -> f.prepend(ByteBuffer.wrap(arr)));
        calls.put("prepend(DirectBuffer)", () -> f.prepend(offHeap, 0, 8));
        calls.put("drain", () -> f.drain(1));
        calls.put("remove(byte[])", () -> f.remove(arr, 0, 8));
        calls.put("remove(ByteBuffer)", () -> f.remove(ByteBuffer.wrap(arr)));
        calls.put("remove(MutableDirectBuffer)", () -> f.remove(heap, 0, 8));
        calls.put("copyout(byte[])", () -> f.copyout(arr, 0, 8));
        calls.put("copyout(ByteBuffer)", () -> f.copyout(ByteBuffer.wrap(arr)));
        calls.put("copyout(MutableDirectBuffer)", () -> f.copyout(offHeap, 0, 8));
        calls.put("copyoutFrom", () -> f.copyoutFrom(ptr, arr, 0, 8));
        calls.put("addBuffer(live)", () -> f.addBuffer(live));
        calls.put("live.addBuffer(freed)", () -> live.addBuffer(f));
        calls.put("prependBuffer(live)", () -> f.prependBuffer(live));
        calls.put("live.prependBuffer(freed)", () -> live.prependBuffer(f));
        calls.put("removeBuffer(live)", () -> f.removeBuffer(live, 1));
        calls.put("live.removeBuffer(freed)", () -> live.removeBuffer(f, 1));
        calls.put("addReference(address)", () -> f.addReference(BufferUtil.address(direct), 8, NO_CLEANUP));
        calls.put("addReference(ByteBuffer)", () -> f.addReference(direct, NO_CLEANUP));
        calls.put("addReference(DirectBuffer)", () -> f.addReference(offHeap, 0, 8, NO_CLEANUP));
        calls.put("addBufferReference(live)", () -> f.addBufferReference(live));
        calls.put("live.addBufferReference(freed)", () -> live.addBufferReference(f));
        calls.put("pullup", () -> f.pullup(1));
        calls.put("pullup(into)", () -> f.pullup(1, new UnsafeBuffer(0, 0)));
        calls.put("expand", () -> f.expand(1));
        calls.put("reserveSpace", () -> f.reserveSpace(1, new Extents(1)));
        calls.put("commitSpace", () -> f.commitSpace(new Extents(1), 0));
        calls.put("peek", () -> f.peek(-1, null, new Extents(1)));
        calls.put("ptrSet", () -> f.ptrSet(new EvbufferPtr(), 0, Evbuffer.PTR_SET));
        calls.put("search(what)", () -> f.search(arr));
        calls.put("search(what, start)", () -> f.search(arr, 0));
        calls.put("searchRange", () -> f.searchRange(arr, 0, 0));
        calls.put("search(...)", () -> f.search(arr, 0, 1, null, null, null));
        calls.put("searchEol", () -> f.searchEol(null, EolStyle.ANY, null));
        calls.put("readLine(style)", () -> f.readLine(EolStyle.ANY));
        calls.put("readLine(style, charset)", () -> f.readLine(EolStyle.ANY, StandardCharsets.UTF_8));
        calls.put("readLine(byte[])", () -> f.readLine(EolStyle.ANY, arr, 0, 8));
        calls.put("readLine(MutableDirectBuffer)", () -> f.readLine(EolStyle.ANY, heap, 0, 8));
        calls.put("prepareRead(iov)", () ->
        {
            try (IovecArray iov = new IovecArray(2))
            {
                f.prepareRead(8, iov);
            }
        });
        calls.put("prepareRead(ByteBuffer[])", () -> f.prepareRead(8, new ByteBuffer[2]));
        calls.put("commitRead", () -> f.commitRead(0));
        calls.put("prepareWrite(iov)", () ->
        {
            try (IovecArray iov = new IovecArray(2))
            {
                f.prepareWrite(8, iov);
            }
        });
        calls.put("prepareWrite(ByteBuffer[])", () -> f.prepareWrite(8, new ByteBuffer[2]));
        calls.put("commitWrite", () -> f.commitWrite(0));
        calls.put("readFrom", () -> f.readFrom(new NullChannel(), 8));
        calls.put("writeTo", () -> f.writeTo(new NullChannel(), 8));
        calls.put("addCallback", () -> f.addCallback((b, o, a, d) ->
        {
        }));
        calls.put("removeCallback(entry)", () -> f.removeCallback((EvbufferCallbackEntry)null));
        calls.put("removeCallback(cb)", () -> f.removeCallback((EvbufferCallback)null));
        calls.put("deferCallbacks", () -> f.deferCallbacks(Runnable::run));
        return calls;
    }

    @Test
    void shouldThrowIllegalStateExceptionAfterFree()
    {
        final Evbuffer f = newBuffer();
        assertEquals(0, f.add(CONTENT));
        final Evbuffer view = newBuffer();
        assertEquals(0, view.addBufferReference(f));
        f.free();
        assertTrue(f.isFreed());
        f.free();
        f.close();
        assertTrue(f.isFreed());
        final List<Executable> checks = new ArrayList<>();
        for (final Map.Entry<String, Executable> call : everyCallOn(f, buf).entrySet())
        {
            checks.add(() ->
            {
                assertThrows(IllegalStateException.class, call.getValue(), call.getKey() + " after free()");
                assertArrayEquals(expected, contents(buf), call.getKey() + " after free() changed the live buffer");
            });
        }
        assertAll("use after free", checks);
        assertUnchanged();
        assertArrayEquals(CONTENT, contents(view), "a view must survive the free of its source");
        assertEquals("Evbuffer(freed)", f.toString());
    }

    /**
     * Regression: free()'s Javadoc says any later call except isFreed() and free() throws
     * IllegalStateException, but these accessors answer as if the buffer were alive.
     */
    @Test
    void shouldThrowIllegalStateExceptionFromAccessorsAfterFree()
    {
        final Evbuffer f = newBuffer();
        f.free();
        assertAll("accessors after free",
            () -> assertThrows(IllegalStateException.class, f::maxRead, "maxRead()"),
            () -> assertThrows(IllegalStateException.class, () -> f.setMaxRead(100), "setMaxRead(int)"),
            () -> assertThrows(IllegalStateException.class, () -> f.isFrozen(true), "isFrozen(true)"),
            () -> assertThrows(IllegalStateException.class, () -> f.isFrozen(false), "isFrozen(false)"),
            () -> assertThrows(IllegalStateException.class, f::pool, "pool()"));
    }

    private static final class NullChannel implements ScatteringByteChannel, GatheringByteChannel
    {
        @Override
        public long read(final ByteBuffer[] dsts, final int offset, final int length)
        {
            return 0;
        }

        @Override
        public long read(final ByteBuffer[] dsts)
        {
            return 0;
        }

        @Override
        public int read(final ByteBuffer dst)
        {
            return 0;
        }

        @Override
        public long write(final ByteBuffer[] srcs, final int offset, final int length)
        {
            return 0;
        }

        @Override
        public long write(final ByteBuffer[] srcs)
        {
            return 0;
        }

        @Override
        public int write(final ByteBuffer src)
        {
            return 0;
        }

        @Override
        public boolean isOpen()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }

    // ================================================================== channels that fail

    @Test
    void shouldLeaveTheBufferUnchangedWhenAChannelThrows()
    {
        final ScatteringByteChannel badIn = new ScatteringByteChannel()
        {
            @Override
            public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
            {
                dsts[offset].put((byte)'#');
                throw new IOException("read failed");
            }

            @Override
            public long read(final ByteBuffer[] dsts) throws IOException
            {
                return read(dsts, 0, dsts.length);
            }

            @Override
            public int read(final ByteBuffer dst) throws IOException
            {
                throw new IOException("read failed");
            }

            @Override
            public boolean isOpen()
            {
                return true;
            }

            @Override
            public void close()
            {
            }
        };
        final GatheringByteChannel badOut = new GatheringByteChannel()
        {
            @Override
            public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
            {
                srcs[offset].get();
                throw new IOException("write failed");
            }

            @Override
            public long write(final ByteBuffer[] srcs) throws IOException
            {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(final ByteBuffer src) throws IOException
            {
                throw new IOException("write failed");
            }

            @Override
            public boolean isOpen()
            {
                return true;
            }

            @Override
            public void close()
            {
            }
        };
        rejects(IOException.class, () -> buf.readFrom(badIn, 8));
        rejects(IOException.class, () -> buf.writeTo(badOut, 8));
        returns(0, () -> buf.readFrom(new NullChannel(), 8));
        returns(0, () -> buf.writeTo(new NullChannel(), 8));
    }

    // ================================================================== pools and iovecs

    @Test
    void shouldRejectBadSegmentPoolSizes()
    {
        final Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        assertThrows(iae, () -> new SegmentPool(0, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(-16, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(4, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(7, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(24, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(Integer.MIN_VALUE, 1024, 1));
        assertThrows(iae, () -> new SegmentPool(16, 8, 1));
        assertThrows(iae, () -> new SegmentPool(16, 1000, 1));
        assertThrows(iae, () -> new SegmentPool(16, -1024, 1));
        assertThrows(iae, () -> new SegmentPool(16, Integer.MIN_VALUE, 1));
        assertThrows(iae, () -> new SegmentPool(16, BufferConfiguration.MAX_SEGMENT_SIZE * 2, 1));
        assertThrows(iae, () -> new SegmentPool(16, 1024, -1));
        assertThrows(iae, () -> new SegmentPool(16, 1024, Integer.MIN_VALUE));
        try (SegmentPool ok = new SegmentPool(8, 8, 0))
        {
            final Evbuffer b = new Evbuffer(ok);
            assertEquals(0, b.add(CONTENT));
            assertArrayEquals(CONTENT, contents(b));
            b.free();
            assertEquals(0, ok.outstandingSegments());
            assertEquals(0, ok.freeBytes(), "maxFreePerClass 0 keeps nothing");
        }
    }

    @Test
    void shouldRejectIovecArrayBounds()
    {
        final Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        assertThrows(IllegalArgumentException.class, () -> new IovecArray(0));
        assertThrows(IllegalArgumentException.class, () -> new IovecArray(-1));
        assertThrows(IllegalArgumentException.class, () -> new IovecArray(BufferConfiguration.IOV_MAX + 1));
        assertThrows(IllegalArgumentException.class, () -> new IovecArray(Integer.MAX_VALUE));
        try (IovecArray max = new IovecArray(BufferConfiguration.IOV_MAX))
        {
            assertEquals(BufferConfiguration.IOV_MAX, max.capacity());
        }
        final IovecArray iov = new IovecArray(4);
        try
        {
            assertEquals(0, iov.count());
            assertThrows(ioobe, () -> iov.base(0));
            assertThrows(ioobe, () -> iov.length(0));
            assertThrows(ioobe, () -> iov.base(-1));
            final int k = buf.prepareWrite(-1, iov);
            assertTrue(k >= 1 && k <= 4);
            assertEquals(k, iov.count());
            assertNotEquals(0, iov.base(k - 1));
            assertThrows(ioobe, () -> iov.base(k));
            assertThrows(ioobe, () -> iov.length(k));
            assertThrows(ioobe, () -> iov.length(Integer.MIN_VALUE));
            assertEquals(0, buf.commitWrite(0));
            assertUnchanged();
        }
        finally
        {
            iov.close();
        }
        iov.close();
        assertThrows(IllegalStateException.class, iov::address);
        assertThrows(IllegalStateException.class, () -> iov.base(0));
        assertThrows(IllegalStateException.class, () -> iov.length(0));
        assertEquals(0, iov.count());
    }

    /**
     * Regression: prepareRead into a closed IovecArray writes iovecs at address 0 + 16·i and the JVM
     * dies with SIGSEGV (IovecArray.set does not check that it is open). Run in a child JVM so that
     * the crash fails this test instead of killing the test run.
     */
    @Test
    void shouldThrowInsteadOfCrashingOnPrepareReadIntoAClosedIovecArray(@TempDir final Path dir) throws Exception
    {
        assertChildThrowsIllegalState(dir, "read");
    }

    /**
     * Regression: the same crash through prepareWrite.
     */
    @Test
    void shouldThrowInsteadOfCrashingOnPrepareWriteIntoAClosedIovecArray(@TempDir final Path dir) throws Exception
    {
        assertChildThrowsIllegalState(dir, "write");
    }

    private static void assertChildThrowsIllegalState(final Path dir, final String what) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-XX:ErrorFile=" + dir.resolve("hs_err.log"),
            "-XX:-CreateCoredumpOnCrash",
            "-Xmx64m",
            "-cp", System.getProperty("java.class.path"),
            ClosedIovecProbe.class.getName(), what));
        final Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            fail("child JVM did not finish");
        }
        final String out = Files.readString(dir.resolve("out.txt"));
        final boolean crashed = out.contains("A fatal error has been detected by the Java Runtime Environment");
        final String detail = crashed ? "JVM crash: " + out.lines()
            .filter(l -> l.contains("SIGSEGV") || l.contains("SIGBUS") || l.contains("Problematic frame"))
            .map(String::trim).reduce((a, b) -> a + " | " + b).orElse("") : out.trim();
        final String call = "read".equals(what) ? "prepareRead" : "prepareWrite";
        assertEquals(0, p.exitValue(), call + "(howmuch, closed IovecArray): child JVM exited with " +
            p.exitValue() + ": " + detail);
        assertTrue(out.contains("IllegalStateException"), out);
    }

    /**
     * Child-JVM entry point of the closed-IovecArray regression tests: exits 0 only if the call
     * throws IllegalStateException.
     */
    static final class ClosedIovecProbe
    {
        private ClosedIovecProbe()
        {
        }

        public static void main(final String[] args)
        {
            final SegmentPool pool = new SegmentPool(16, 1024, 8);
            final Evbuffer b = new Evbuffer(pool);
            b.add(CONTENT);
            final IovecArray iov = new IovecArray(4);
            iov.close();
            int code;
            try
            {
                final int k = "read".equals(args[0]) ? b.prepareRead(64, iov) : b.prepareWrite(64, iov);
                System.out.println("no exception, returned " + k);
                code = 3;
            }
            catch (final IllegalStateException ex)
            {
                System.out.println("IllegalStateException: " + ex.getMessage());
                code = 0;
            }
            catch (final RuntimeException ex)
            {
                System.out.println("wrong exception: " + ex);
                code = 2;
            }
            b.free();
            System.exit(code);
        }
    }

    /**
     * Regression: when the pool cannot supply a segment (here: it was closed), add() has already
     * copied part of the bytes into the free tail of the last segment before the pool throws. The
     * segment then holds more bytes than the buffer's length: contiguousSpace() exceeds length()
     * and later appends land behind stray bytes. The class contract says exceptions are thrown
     * "before any memory is touched".
     */
    @Test
    void shouldLeaveTheBufferUnchangedWhenThePoolFailsDuringAnAdd()
    {
        final SegmentPool small = new SegmentPool(16, 1024, 8);
        final Evbuffer b = new Evbuffer(small);
        final byte[] ten = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, b.add(ten));
        small.close();
        assertThrows(IllegalStateException.class, () -> b.add(new byte[20]));
        assertAll(
            () -> assertEquals(10, b.length(), "length"),
            () -> assertTrue(b.contiguousSpace() <= b.length(),
                "contiguousSpace " + b.contiguousSpace() + " > length " + b.length()),
            () -> assertArrayEquals(ten, contents(b), "content"),
            () ->
            {
                assertEquals(0, b.add(new byte[] {'!'}), "an add that fits the tail must still work");
                final byte[] out = new byte[11];
                assertEquals(11, b.copyout(out, 0, 11));
                assertEquals("0123456789!", new String(out, StandardCharsets.US_ASCII), "content after a later add");
            });
        b.free();
        assertEquals(0, small.outstandingSegments());
    }

    /**
     * Regression: the same for prepend, which fills the free room in front of the first segment
     * before asking the pool for another.
     */
    @Test
    void shouldLeaveTheBufferUnchangedWhenThePoolFailsDuringAPrepend()
    {
        final SegmentPool small = new SegmentPool(16, 1024, 8);
        final Evbuffer b = new Evbuffer(small);
        final byte[] tail = "abcdefghijklmnop0123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, b.add(tail));
        assertEquals(0, b.drain(20));
        assertEquals(0, b.prepend("XY".getBytes(StandardCharsets.US_ASCII)));
        final byte[] before = contents(b);
        small.close();
        assertThrows(IllegalStateException.class, () -> b.prepend(new byte[40]));
        assertAll(
            () -> assertEquals(before.length, b.length(), "length"),
            () -> assertTrue(b.contiguousSpace() <= b.length(),
                "contiguousSpace " + b.contiguousSpace() + " > length " + b.length()),
            () -> assertArrayEquals(before, contents(b), "content"));
        b.free();
        assertEquals(0, small.outstandingSegments());
    }

    // ================================================================== read-only heap sources

    /**
     * Regression: add(ByteBuffer) accepts a read-only heap buffer, but addAll (libevent
     * add_iovec) throws java.nio.ReadOnlyBufferException (not one of the documented exceptions)
     * from baseOf() in the middle of the loop, after the buffers before it were appended, without
     * running callbacks. It must either append everything or reject the call before touching
     * anything.
     */
    @Test
    void shouldAppendOrCleanlyRejectReadOnlyHeapBuffersInAddAll()
    {
        final long[] reported = new long[1];
        buf.addCallback((b, o, a, d) -> reported[0] += a - d);
        final ByteBuffer first = ByteBuffer.wrap(new byte[] {'a', 'b'});
        final ByteBuffer second = ByteBuffer.wrap(new byte[] {'c'}).asReadOnlyBuffer();
        final ByteBuffer[] srcs = {first, second};
        final long r;
        try
        {
            r = buf.addAll(srcs, 0, 2);
        }
        catch (final IllegalArgumentException ex)
        {
            assertEquals(0, first.position(), "rejected, but the first source was consumed");
            assertEquals(0, second.position());
            assertEquals(0, reported[0]);
            assertUnchanged();
            return;
        }
        catch (final RuntimeException ex)
        {
            fail("addAll with a read-only heap ByteBuffer threw " + ex + "; length is now " + buf.length() +
                " (was " + expected.length + "), callbacks saw " + reported[0] + " bytes");
            return;
        }
        assertEquals(3, r);
        assertEquals(3, reported[0]);
        expected = Arrays.copyOf(expected, expected.length + 3);
        System.arraycopy(new byte[] {'a', 'b', 'c'}, 0, expected, expected.length - 3, 3);
        assertUnchanged();
    }

    /**
     * Regression: add(ByteBuffer) accepts a read-only heap buffer but prepend(ByteBuffer) throws
     * java.nio.ReadOnlyBufferException. It must either prepend it or reject it with a documented
     * exception.
     */
    @Test
    void shouldPrependOrCleanlyRejectAReadOnlyHeapBuffer()
    {
        final ByteBuffer src = ByteBuffer.wrap(new byte[] {'<', '>'}).asReadOnlyBuffer();
        final int r;
        try
        {
            r = buf.prepend(src);
        }
        catch (final IllegalArgumentException ex)
        {
            assertEquals(0, src.position());
            assertUnchanged();
            return;
        }
        catch (final RuntimeException ex)
        {
            fail("prepend of a read-only heap ByteBuffer threw " + ex);
            return;
        }
        assertEquals(0, r);
        assertEquals(2, src.position());
        final byte[] e = new byte[expected.length + 2];
        e[0] = '<';
        e[1] = '>';
        System.arraycopy(expected, 0, e, 2, expected.length);
        expected = e;
        assertUnchanged();
    }

    // ================================================================== frozen buffers and moves

    /**
     * Regression (contract inconsistency): freeze(false) is documented to stop reads and
     * freeze(true) writes, and commitSpace on a frozen end returns -1 as libevent's
     * evbuffer_commit_space does, but commitRead / commitWrite of a read or write prepared
     * before the freeze still change the buffer.
     */
    @Test
    void shouldRejectCommitsOfReadsAndWritesAcrossAFreeze()
    {
        final ByteBuffer[] bufs = new ByteBuffer[4];
        assertTrue(buf.prepareRead(4, bufs) > 0);
        bufs[0].put(new byte[] {'r', 'e', 'a', 'd'}, 0, Math.min(4, bufs[0].remaining()));
        assertEquals(0, buf.freeze(false));
        final int read = buf.commitRead(1);
        assertEquals(0, buf.unfreeze(false));
        assertTrue(buf.prepareWrite(4, bufs) > 0);
        assertEquals(0, buf.freeze(true));
        final int write = buf.commitWrite(1);
        assertEquals(0, buf.unfreeze(true));
        assertAll(
            () -> assertEquals(-1, read, "commitRead on a frozen end"),
            () -> assertEquals(-1, write, "commitWrite on a frozen start"),
            this::assertUnchanged);
    }

    @Test
    void shouldReturnLibeventCodesOnFrozenBuffersAndKeepContent()
    {
        assertEquals(0, buf.freeze(true));
        assertEquals(0, buf.freeze(false));
        final byte[] arr = new byte[8];
        returns(-1, () -> buf.add(arr, 0, 0));
        returns(-1, () -> buf.prepend(arr, 0, 0));
        returns(-1, () -> buf.drain(0));
        returns(-1, () -> buf.remove(arr, 0, 8));
        returns(-1, () -> buf.copyout(arr, 0, 8));
        returns(-1, () -> buf.addAscii(""));
        returns(-1, () -> buf.addReference(BufferUtil.address(ByteBuffer.allocateDirect(1)), 0, NO_CLEANUP));
        returns(-1, () -> buf.reserveSpace(1, new Extents(1)));
        returns(-1, () -> buf.commitSpace(new Extents(1), 0));
        returns(-1, () -> buf.prepareRead(8, new ByteBuffer[2]));
        returns(-1, () -> buf.prepareWrite(8, new ByteBuffer[2]));
        returns(Evbuffer.FROZEN, () -> buf.readFrom(new NullChannel(), 8));
        returns(Evbuffer.FROZEN, () -> buf.writeTo(new NullChannel(), 8));
        returns(-1, () -> buf.addBuffer(other));
        returns(-1, () -> other.addBuffer(buf));
        returns(-1, () -> buf.prependBuffer(other));
        returns(-1, () -> other.prependBuffer(buf));
        returns(-1, () -> buf.removeBuffer(other, 1));
        returns(-1, () -> other.removeBuffer(buf, 1));
        returns(-1, () -> buf.addBufferReference(other));
        returns(-1, () -> buf.readLine(EolStyle.ANY, arr, 0, 8));
        assertNull(buf.readLine(EolStyle.ANY));
        returns(0, () -> buf.addBuffer(buf));
        returns(0, () -> buf.removeBuffer(buf, 5));
        returns(0, () -> buf.removeBuffer(other, 0));
        assertEquals("other buffer", new String(contents(other), StandardCharsets.US_ASCII));
        assertEquals(0, buf.unfreeze(true));
        assertEquals(0, buf.unfreeze(false));
        assertUnchanged();
        returns(-1, () -> buf.addBufferReference(buf));
    }
}
