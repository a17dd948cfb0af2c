package io.jevent.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner's hook ({@link Evbuffer#setOwnerHook}) and the one read cap it brings, the one open claim on a
 * buffer's memory, the pool's capacity rule, the per-buffer spare limit
 * ({@link Evbuffer#setMaxSpareSize(int)}) and {@link Evbuffer#releaseSpares()}: what a bufferevent uses
 * to learn of its buffers' changes and to hold no memory while idle.
 */
class EvbufferOwnerHookTest
{
    private final SegmentPool pool = new SegmentPool(64, 4096, 8);

    @AfterEach
    void nothingLeaks()
    {
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        pool.close();
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldTellTheHookOfEveryChangeBeforeTheCallbacks()
    {
        final Evbuffer b = new Evbuffer(pool);
        final Evbuffer other = new Evbuffer(pool);
        final List<String> seen = new ArrayList<>();
        b.addCallback((buf, orig, added, deleted) -> seen.add("cb+" + added + "-" + deleted));
        b.setOwnerHook((buf, added, deleted) -> seen.add("hook+" + added + "-" + deleted));
        b.add(bytes("hello"));
        b.drain(2);
        other.add(bytes("xyz"));
        b.addBuffer(other);
        other.addBuffer(b);
        b.drain(10);
        assertEquals(List.of("hook+5-0", "cb+5-0", "hook+0-2", "cb+0-2", "hook+3-0", "cb+3-0", "hook+0-6", "cb+0-6"),
            seen, "drain of an empty buffer changes nothing and tells nobody");
        b.setOwnerHook(null);
        b.add(bytes("a"));
        assertEquals("cb+1-0", seen.get(seen.size() - 1), "a removed hook hears nothing");
        b.free();
        other.free();
    }

    @Test
    void shouldCapAnExplicitReadByMaxReadOnlyWithoutAnOwnerHook()
    {
        final Evbuffer plain = new Evbuffer(pool);
        final Evbuffer owned = new Evbuffer(pool);
        owned.setOwnerHook((buf, added, deleted) ->
        {
        });
        plain.setMaxRead(100);
        owned.setMaxRead(100);
        final ByteBuffer[] bufs = new ByteBuffer[4];
        assertTrue(plain.prepareRead(3000, bufs) > 0);
        assertEquals(100, plain.preparedBytes(), "a plain buffer caps an explicit read by maxRead");
        assertTrue(owned.prepareRead(3000, bufs) > 0);
        assertEquals(3000, owned.preparedBytes(), "the owner's request is the only cap");
        assertTrue(owned.prepareRead(-1, bufs) > 0);
        assertEquals(100, owned.preparedBytes(), "a negative count reads maxRead");
        owned.setOwnerHook(null);
        assertTrue(owned.prepareRead(3000, bufs) > 0);
        assertEquals(100, owned.preparedBytes(), "without its hook the buffer caps again");
        plain.free();
        owned.free();
    }

    @Test
    void shouldHoldOneOpenClaimAtATime()
    {
        final Evbuffer b = new Evbuffer(pool);
        b.add(bytes("data"));
        final Extents e = new Extents(1);
        final ByteBuffer[] bufs = new ByteBuffer[4];
        assertEquals(1, b.reserveSpace(10, e));
        assertTrue(b.prepareRead(10, bufs) > 0);
        assertEquals(-1, b.commitSpace(e, 1), "a read preparation ended the reservation");
        assertEquals(1, b.reserveSpace(10, e));
        assertEquals(0, bufs[0].capacity(), "the reservation revoked the read preparation's views");
        assertEquals(-1, b.commitRead(1), "and refuses its commit");
        assertTrue(b.prepareWrite(-1, bufs) > 0);
        assertEquals(-1, b.commitSpace(e, 1), "a write preparation ended the reservation too");
        assertEquals(0, b.commitWrite(2));
        assertEquals(1, b.reserveSpace(10, e));
        e.buffer(0).put(bytes("!"));
        e.setLength(0, 1);
        assertEquals(0, b.commitSpace(e, 1));
        final byte[] got = new byte[4];
        assertEquals(3, b.copyout(got, 0, 4));
        assertEquals("ta!", new String(got, 0, 3, StandardCharsets.ISO_8859_1));
        b.free();
    }

    @Test
    void shouldKeepAReservationThroughAPreparationRefusedForAFrozenEnd()
    {
        final Evbuffer b = new Evbuffer(pool);
        b.add(bytes("abc"));
        final Extents e = new Extents(1);
        final ByteBuffer[] bufs = new ByteBuffer[2];
        assertEquals(1, b.reserveSpace(10, e));
        e.buffer(0).put(bytes("defg"));
        e.setLength(0, 4);
        b.freeze(true);
        assertEquals(-1, b.prepareWrite(-1, bufs), "the start is frozen");
        b.unfreeze(true);
        b.freeze(false);
        assertEquals(-1, b.prepareRead(10, bufs), "the end is frozen");
        b.unfreeze(false);
        assertEquals(0, b.commitSpace(e, 1), "a refused preparation claimed nothing");
        assertEquals(7, b.length());
        final byte[] got = new byte[7];
        assertEquals(7, b.copyout(got, 0, 7));
        assertEquals("abcdefg", new String(got, StandardCharsets.ISO_8859_1));
        b.free();
    }

    @Test
    void shouldRoundRequestsToTheCapacityThePoolHandsOut()
    {
        assertEquals(64, pool.capacityFor(1));
        assertEquals(64, pool.capacityFor(64));
        assertEquals(128, pool.capacityFor(65));
        assertEquals(4096, pool.capacityFor(4096));
        assertEquals(8192, pool.capacityFor(4097), "above the largest class: rounded to 4 KiB");
        assertEquals(BufferConfiguration.MAX_SEGMENT_SIZE, pool.capacityFor(BufferConfiguration.MAX_SEGMENT_SIZE));
        final Evbuffer b = new Evbuffer(pool);
        for (final int n : new int[] {1, 100, 3000, 5000})
        {
            assertEquals(0, b.expand(n));
            assertEquals(pool.capacityFor(n), pool.outstandingBytes(), "expand(" + n + ") took capacityFor(n)");
            b.releaseSpares();
        }
        b.free();
    }

    @Test
    void shouldReturnDrainedSegmentsAtOnceWithNoSpareKept()
    {
        final Evbuffer b = new Evbuffer(pool);
        assertEquals(BufferConfiguration.maxSpareSize(), b.maxSpareSize());
        b.setMaxSpareSize(0);
        b.add(new byte[100]);
        assertEquals(true, pool.outstandingSegments() > 0);
        b.drain(100);
        assertEquals(0, b.spareSegments());
        assertEquals(0, pool.outstandingSegments(), "the drained segment went back to the pool");
        assertThrows(IllegalArgumentException.class, () -> b.setMaxSpareSize(-1));
        b.free();
    }

    @Test
    void shouldReleaseSparesButKeepData()
    {
        final Evbuffer b = new Evbuffer(pool);
        b.expand(1000);
        assertEquals(true, b.spareSegments() > 0);
        assertEquals(b.spareSegments(), b.releaseSpares());
        assertEquals(0, b.spareSegments());
        assertEquals(0, pool.outstandingSegments());
        b.add(bytes("keep"));
        b.expand(500);
        b.releaseSpares();
        final byte[] got = new byte[4];
        assertEquals(4, b.remove(got, 0, 4));
        assertEquals("keep", new String(got, StandardCharsets.ISO_8859_1));
        b.free();
    }

    @Test
    void shouldNotReleaseSparesUnderAnOpenReservation()
    {
        final Evbuffer b = new Evbuffer(pool);
        final Extents e = new Extents(2);
        b.reserveSpace(200, e);
        assertEquals(0, b.releaseSpares(), "the reservation's room stays");
        e.buffer(0).put(0, (byte)'x');
        e.setLength(0, 1);
        assertEquals(0, b.commitSpace(e, 1));
        assertEquals(1, b.length());
        b.releaseSpares();
        b.free();
    }
}
