package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory handed out by a buffer after it changed: {@link Extents} filled by peek or reserveSpace
 * refuse once their buffer changed or was freed (without touching memory), the ByteBuffers of a
 * ByteBuffer[] I/O preparation and the lengths of an {@link IovecArray} are revoked so a stale
 * channel read or write moves nothing, and positions of a freed buffer are refused.
 */
class EvbufferStaleViewTest
{
    private static final byte[] DATA = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    private SegmentPool pool;
    private final List<Evbuffer> toFree = new ArrayList<>();
    private Pipe pipe;

    @BeforeEach
    void setUp() throws IOException
    {
        pool = new SegmentPool(256, 1024, 8);
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    @AfterEach
    void tearDown() throws IOException
    {
        for (final Evbuffer b : toFree)
        {
            b.free();
        }
        pipe.source().close();
        pipe.sink().close();
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

    private static byte[] filled(final int n, final char c)
    {
        final byte[] b = new byte[n];
        Arrays.fill(b, (byte)c);
        return b;
    }

    private static byte[] contents(final Evbuffer b)
    {
        final byte[] out = new byte[(int)b.length()];
        assertEquals(out.length, b.copyout(out, 0, out.length));
        return out;
    }

    private static void assertStale(final Extents e, final String what)
    {
        final UnsafeBuffer fly = new UnsafeBuffer(0, 0);
        assertAll(what,
            () -> assertThrows(IllegalStateException.class, () -> e.address(0), "address"),
            () -> assertThrows(IllegalStateException.class, () -> e.length(0), "length"),
            () -> assertThrows(IllegalStateException.class, () -> e.setLength(0, 0), "setLength"),
            () -> assertThrows(IllegalStateException.class, e::totalLength, "totalLength"),
            () -> assertThrows(IllegalStateException.class, () -> e.buffer(0), "buffer"),
            () -> assertThrows(IllegalStateException.class, () -> e.wrap(0, fly), "wrap"),
            () -> assertEquals(0, fly.addressOffset(), "the flyweight was not re-pointed"));
    }

    private long pipeRead(final ByteBuffer[] bufs, final int k) throws IOException
    {
        return pipe.source().read(bufs, 0, k);
    }

    /** Bytes waiting in the pipe, read out with a plain heap buffer. */
    private byte[] pipeContents() throws IOException
    {
        final ByteBuffer dst = ByteBuffer.allocate(4096);
        while (pipe.source().read(dst) > 0)
        {
            assertTrue(dst.hasRemaining());
        }
        return Arrays.copyOf(dst.array(), dst.position());
    }

    // ================================================================== extents

    @Test
    void shouldRefuseEveryExtentsAccessorAfterADrain()
    {
        final Evbuffer b = newBuffer();
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0, b.add(filled(200, 'x')));
        }
        final Extents e = new Extents(4);
        final int k = b.peek(-1, null, e);
        assertTrue(k >= 2, "several segments: " + k);
        assertEquals(600, e.totalLength());
        assertEquals(0, b.drain(300));
        assertStale(e, "peeked extents after a drain");
        assertEquals(k, e.count(), "count and capacity stay readable");
        assertTrue(b.peek(-1, null, e) >= 1, "a new peek makes them current again");
        assertEquals(300, e.totalLength());
    }

    @Test
    void shouldRefuseAPeekedOversizeSegmentAfterItsMemoryWentBackToTheOs()
    {
        final Evbuffer b = newBuffer();
        final int big = 1 << 20;
        assertEquals(0, b.add(filled(big, 'B')), "one exact block above maxPooledSize, freed on release");
        final Extents e = new Extents(1);
        assertEquals(1, b.peek(-1, null, e));
        assertEquals(big, e.length(0));
        final ByteBuffer before = e.buffer(0);
        assertEquals('B', before.get(big - 1));
        final long allocated = pool.allocatedBytes();
        assertEquals(0, b.drain(big));
        assertTrue(pool.allocatedBytes() <= allocated - big, "the block was returned to the OS");
        assertStale(e, "extents over a released oversize segment");
    }

    @Test
    void shouldRefuseAReservationAfterFreeAndLeaveTheBufferThatReusedItsMemoryAlone()
    {
        final Evbuffer a = new Evbuffer(pool);
        final Extents e = new Extents(1);
        assertEquals(1, a.reserveSpace(100, e));
        final long reserved = e.address(0);
        a.free();
        final Evbuffer other = newBuffer();
        assertEquals(0, other.add(filled(100, 'o')));
        final Extents o = new Extents(1);
        assertEquals(1, other.peek(-1, null, o));
        assertEquals(reserved, o.address(0), "the other buffer reuses the reserved memory (test premise)");
        assertStale(e, "a reservation after free");
        assertThrows(IllegalStateException.class, () -> a.commitSpace(e, 1), "commit after free");
        assertEquals(-1, other.commitSpace(e, 1), "another buffer refuses extents that are not its reservation");
        assertArrayEquals(filled(100, 'o'), contents(other));
        assertEquals(1, pool.outstandingSegments(), "only the other buffer's segment is out");
    }

    @Test
    void shouldRefuseAReservationOnceCommittedAndAfterAnyChange()
    {
        final Evbuffer b = newBuffer();
        final Extents e = new Extents(2);
        final int k = b.reserveSpace(10, e);
        assertTrue(k >= 1);
        e.buffer(0).put("abc".getBytes(StandardCharsets.US_ASCII));
        e.setLength(0, 3);
        for (int i = 1; i < k; i++)
        {
            e.setLength(i, 0);
        }
        assertEquals(0, b.commitSpace(e, k));
        assertStale(e, "a committed reservation");
        assertEquals(-1, b.commitSpace(e, k), "no second commit");
        assertEquals("abc", new String(contents(b), StandardCharsets.US_ASCII));
    }

    @Test
    void shouldMakeEveryMemoryChangingCallStaleTheExtentsAndNoReadingCall()
    {
        final Map<String, Consumer<Evbuffer[]>> changing = new LinkedHashMap<>();
        changing.put("add", bs -> bs[0].add(DATA));
        changing.put("prepend", bs -> bs[0].prepend(DATA));
        changing.put("drain", bs -> bs[0].drain(1));
        changing.put("remove", bs -> bs[0].remove(new byte[3], 0, 3));
        changing.put("readLine", bs -> bs[0].readLine(EolStyle.LF));
        changing.put("addBuffer (destination)", bs -> bs[0].addBuffer(bs[1]));
        changing.put("addBuffer (source)", bs -> bs[1].addBuffer(bs[0]));
        changing.put("prependBuffer (destination)", bs -> bs[0].prependBuffer(bs[1]));
        changing.put("prependBuffer (source)", bs -> bs[1].prependBuffer(bs[0]));
        changing.put("removeBuffer (source)", bs -> bs[0].removeBuffer(bs[1], 5));
        changing.put("removeBuffer (destination)", bs -> bs[1].removeBuffer(bs[0], 5));
        changing.put("addReference", bs -> bs[0].addReference(ByteBuffer.allocateDirect(4), (a, l) ->
        {
        }));
        changing.put("addBufferReference (destination)", bs -> bs[0].addBufferReference(bs[1]));
        changing.put("addBufferReference (source)", bs -> bs[1].addBufferReference(bs[0]));
        changing.put("pullup", bs -> assertTrue(0 != bs[0].pullup(-1)));
        changing.put("expand", bs -> bs[0].expand(5000));
        changing.put("commitSpace", bs ->
        {
            final Extents r = new Extents(1);
            bs[0].reserveSpace(4, r);
            r.setLength(0, 1);
            bs[0].commitSpace(r, 1);
        });
        changing.put("commitRead", bs ->
        {
            bs[0].prepareRead(8, new ByteBuffer[2]);
            bs[0].commitRead(3);
        });
        changing.put("commitWrite", bs ->
        {
            bs[0].prepareWrite(8, new ByteBuffer[2]);
            bs[0].commitWrite(3);
        });
        changing.put("free", bs -> bs[0].free());

        final Map<String, Consumer<Evbuffer[]>> reading = new LinkedHashMap<>();
        reading.put("length, contiguousSpace, segmentCount", bs ->
        {
            bs[0].length();
            bs[0].contiguousSpace();
            bs[0].segmentCount();
        });
        reading.put("copyout", bs -> bs[0].copyout(new byte[8], 0, 8));
        reading.put("search, searchEol", bs ->
        {
            bs[0].search("line".getBytes(StandardCharsets.US_ASCII));
            bs[0].searchEol(null, EolStyle.ANY, new EvbufferPtr());
        });
        reading.put("another peek", bs -> bs[0].peek(-1, null, new Extents(2)));
        reading.put("freeze, unfreeze", bs ->
        {
            bs[0].freeze(true);
            bs[0].unfreeze(true);
        });
        reading.put("callbacks", bs -> bs[0].removeCallback(bs[0].addCallback((b, o, a, d) ->
        {
        })));
        reading.put("pullup of what is contiguous", bs -> bs[0].pullup(1));
        reading.put("an I/O preparation without commit", bs -> bs[0].prepareWrite(-1, new ByteBuffer[2]));

        final List<Executable> checks = new ArrayList<>();
        for (final Map.Entry<String, Consumer<Evbuffer[]>> op : changing.entrySet())
        {
            checks.add(() -> assertStale(afterPeek(op.getValue()), op.getKey()));
        }
        for (final Map.Entry<String, Consumer<Evbuffer[]>> op : reading.entrySet())
        {
            checks.add(() ->
            {
                final Extents e = afterPeek(op.getValue());
                assertTrue(e.totalLength() > 0, op.getKey() + " must leave the extents current");
            });
        }
        assertAll("which calls make extents stale", checks);
    }

    /**
     * Peeks a buffer of several segments ending in "line\n", runs {@code op} on it and a second
     * non-empty buffer, and returns the extents of the peek.
     */
    private Extents afterPeek(final Consumer<Evbuffer[]> op)
    {
        final Evbuffer b = newBuffer();
        final Evbuffer other = newBuffer();
        for (int i = 0; i < 12; i++)
        {
            assertEquals(0, b.add(DATA));
        }
        assertEquals(0, b.add("a line\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, other.add(DATA));
        final Extents e = new Extents(8);
        assertTrue(b.peek(-1, null, e) > 1);
        op.accept(new Evbuffer[] {b, other});
        return e;
    }

    @Test
    void shouldGiveEachExtentsItsOwnViewsAndRevokeThemOnTheNextFill()
    {
        final Evbuffer b = newBuffer();
        assertEquals(0, b.add(DATA));
        final Extents e = new Extents(1);
        final Extents f = new Extents(1);
        assertEquals(1, b.peek(-1, null, e));
        assertEquals(1, b.peek(-1, null, f));
        final ByteBuffer v = e.buffer(0);
        assertNotSame(v, f.buffer(0), "two Extents never share a view");
        assertEquals(DATA.length, v.capacity(), "the view covers the extent only");
        assertEquals('0', v.get(0));
        final ByteBuffer[] bufs = new ByteBuffer[1];
        assertEquals(1, b.prepareWrite(-1, bufs));
        assertNotSame(v, bufs[0], "nor with an I/O preparation");
        assertTrue(bufs[0].isReadOnly(), "write views cannot be written");
        assertEquals(1, b.peek(4, null, e), "refill");
        assertEquals(0, v.capacity(), "the refill revoked the view handed out before");
        assertSame(v, e.buffer(0), "one view per slot, re-pointed");
        assertEquals(DATA.length, v.remaining(), "re-pointed at the new extent");
    }

    // ================================================================== ByteBuffer[] I/O preparations

    @Test
    void shouldReadNothingThroughAPreparedReadOnceTheBufferIsFreedAndItsMemoryReused() throws IOException
    {
        final Evbuffer a = new Evbuffer(pool);
        final ByteBuffer[] bufs = new ByteBuffer[4];
        final int k = a.prepareRead(100, bufs);
        assertEquals(1, k);
        final long prepared = BufferUtil.address(bufs[0]);
        a.free();
        assertEquals(0, bufs[0].capacity(), "revoked by free()");

        final Evbuffer other = newBuffer();
        assertEquals(0, other.add(filled(200, 'o')));
        final Extents o = new Extents(1);
        assertEquals(1, other.peek(-1, null, o));
        assertEquals(prepared, o.address(0), "the other buffer reuses the prepared memory (test premise)");
        final long segments = pool.outstandingSegments();

        assertEquals(100, pipe.sink().write(ByteBuffer.wrap(filled(100, 'p'))));
        assertEquals(0, pipeRead(bufs, k), "a read through the stale preparation moves nothing");
        assertArrayEquals(filled(200, 'o'), contents(other), "the other buffer is intact");
        assertEquals(segments, pool.outstandingSegments());
        assertArrayEquals(filled(100, 'p'), pipeContents(), "the bytes are still in the pipe");
        assertThrows(IllegalStateException.class, () -> a.commitRead(100), "commit after free");
    }

    @Test
    void shouldWriteNothingThroughAPreparedWriteOnceTheBufferIsFreedAndItsMemoryReused() throws IOException
    {
        final Evbuffer a = new Evbuffer(pool);
        assertEquals(0, a.add(filled(100, 'a')));
        final ByteBuffer[] bufs = new ByteBuffer[4];
        final int k = a.prepareWrite(-1, bufs);
        assertEquals(1, k);
        final long prepared = BufferUtil.address(bufs[0]);
        a.free();

        final Evbuffer other = newBuffer();
        assertEquals(0, other.add(filled(100, 's')));
        final Extents o = new Extents(1);
        assertEquals(1, other.peek(-1, null, o));
        assertEquals(prepared, o.address(0), "the other buffer reuses the prepared memory (test premise)");

        assertEquals(0, pipe.sink().write(bufs, 0, k), "a write through the stale preparation moves nothing");
        assertArrayEquals(new byte[0], pipeContents(), "nothing of the other buffer leaked into the channel");
        assertArrayEquals(filled(100, 's'), contents(other));
        assertThrows(IllegalStateException.class, () -> a.commitWrite(0), "commit after free");
    }

    @Test
    void shouldRevokeAPreparedReadOrWriteWhenTheBufferChanges() throws IOException
    {
        final Evbuffer b = newBuffer();
        assertEquals(0, b.add(DATA));
        final ByteBuffer[] bufs = new ByteBuffer[4];
        final int r = b.prepareRead(64, bufs);
        assertTrue(r >= 1);
        assertEquals(0, b.add("!".getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i < r; i++)
        {
            assertEquals(0, bufs[i].capacity(), "read view " + i + " after an add");
        }
        assertEquals(16, pipe.sink().write(ByteBuffer.wrap(filled(16, 'p'))));
        assertEquals(0, pipeRead(bufs, r));
        assertEquals(-1, b.commitRead(16), "the commit is refused");
        assertEquals(DATA.length + 1, b.length());
        pipeContents();

        final int w = b.prepareWrite(-1, bufs);
        assertTrue(w >= 1);
        assertEquals(0, b.drain(1));
        assertEquals(0, pipe.sink().write(bufs, 0, w), "a write after a drain moves nothing");
        assertEquals(-1, b.commitWrite(0));

        assertTrue(b.prepareRead(64, bufs) >= 1);
        final ByteBuffer readView = bufs[0];
        assertTrue(b.prepareWrite(-1, bufs) >= 1, "a new preparation ends the previous one");
        assertEquals(0, readView.capacity(), "the read view is revoked by the write preparation");
        assertEquals(-1, b.commitRead(0));
        assertEquals(0, b.commitWrite(0));
        assertEquals(0, bufs[0].capacity(), "a commit revokes its own views");
        assertArrayEquals(Arrays.copyOfRange((new String(DATA, StandardCharsets.US_ASCII) + "!")
            .getBytes(StandardCharsets.US_ASCII), 1, DATA.length + 1), contents(b));
    }

    @Test
    void shouldZeroTheLengthsOfAPreparedIovecArrayOnFreeButNotAnotherBuffersPreparation()
    {
        try (IovecArray iov = new IovecArray(4))
        {
            final Evbuffer a = newBuffer();
            final Evbuffer b = newBuffer();
            assertEquals(0, b.add(DATA));
            final int k = a.prepareRead(100, iov);
            assertTrue(k >= 1 && iov.length(0) > 0);
            assertEquals(0, a.add(DATA));
            for (int i = 0; i < k; i++)
            {
                assertEquals(0, iov.length(i), "iovec " + i + " after a change of its buffer");
            }
            assertEquals(-1, a.commitRead(1));

            assertEquals(1, a.prepareWrite(-1, iov));
            assertEquals(1, b.prepareWrite(-1, iov), "b fills the same array");
            assertEquals(0, a.drain(1));
            assertEquals(DATA.length, iov.length(0), "a change of a leaves b's preparation alone");
            assertEquals(0, b.commitWrite(2));
            assertEquals(0, iov.length(0));

            assertEquals(1, a.prepareWrite(-1, iov));
            a.free();
            assertEquals(0, iov.length(0), "free() revokes the preparation");
        }
    }

    // ================================================================== positions

    @Test
    void shouldRefusePositionsOfAFreedBuffer()
    {
        final Evbuffer a = new Evbuffer(pool);
        assertEquals(0, a.add(DATA));
        final EvbufferPtr ptr = new EvbufferPtr();
        assertEquals(0, a.ptrSet(ptr, 10, Evbuffer.PTR_SET));
        a.free();
        final Evbuffer other = newBuffer();
        assertEquals(0, other.add(DATA));
        final byte[] out = new byte[8];
        assertAll("a position of a freed buffer",
            () -> assertThrows(IllegalStateException.class, () -> a.copyoutFrom(ptr, out, 0, 8)),
            () -> assertEquals(-1, other.copyoutFrom(ptr, out, 0, 8), "copyoutFrom in another buffer"),
            () -> assertEquals(0, other.peek(-1, ptr, new Extents(2)), "peek from it in another buffer"),
            () -> assertEquals(-1, other.search(DATA, 0, 1, ptr, null, null), "search from it"),
            () -> assertEquals(0, other.searchEol(ptr, EolStyle.ANY, null), "searchEol from it"),
            () -> assertEquals(-1, other.ptrSet(ptr, 1, Evbuffer.PTR_ADD), "advancing it"),
            () -> assertEquals(-1, ptr.position(), "invalid once refused"));
        assertArrayEquals(DATA, contents(other));
    }
}
