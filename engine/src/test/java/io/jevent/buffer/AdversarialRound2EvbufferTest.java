package io.jevent.buffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second adversarial round (issue 8): an extent lengthened past its fill (accepted by setLength, as
 * libevent's iov_len) then used through every path that reads its length.
 */
class AdversarialRound2EvbufferTest
{
    private final SegmentPool pool = new SegmentPool(4096, 1 << 20, 16);

    @AfterEach
    void nothingLeft()
    {
        assertEquals(0, pool.outstandingSegments());
        pool.close();
    }

    /**
     * A reserved extent lengthened past the reservation: its views stop at the reservation, commitSpace
     * refuses it and changes nothing, the reservation is still good, and once shrunk back the same
     * extents commit exactly what was written; a peeked extent lengthened likewise gives views no
     * longer than its data and is refused by commitSpace.
     */
    @Test
    void shouldKeepALengthenedExtentWithinItsMemoryOnEveryPath()
    {
        final Evbuffer b = new Evbuffer(pool);
        final Extents x = new Extents(2);
        final int k = b.reserveSpace(6000, x);
        assertTrue(k >= 1);
        final int reserved = x.length(0);
        x.setLength(0, reserved + 100_000);
        assertEquals(reserved, x.buffer(0).capacity());
        final UnsafeBuffer fly = new UnsafeBuffer(new byte[0]);
        x.wrap(0, fly);
        assertEquals(reserved, fly.capacity());
        x.buffer(0).put(new byte[] {1, 2, 3, 4});
        assertEquals(-1, b.commitSpace(x, 1), "a lengthened extent is refused");
        assertEquals(0, b.length());
        x.setLength(0, 4);
        assertEquals(4, x.buffer(0).capacity());
        assertEquals(0, b.commitSpace(x, 1), "the reservation survived the refused commit");
        assertEquals(4, b.length());
        assertThrows(IllegalStateException.class, () -> x.setLength(0, 1), "stale after the commit");
        final Extents p = new Extents(1);
        assertEquals(1, b.peek(-1, null, p));
        p.setLength(0, 1 << 20);
        assertEquals(4, p.buffer(0).capacity());
        assertEquals(1 << 20, p.totalLength(), "totalLength reports the lengths as set, as libevent");
        assertEquals(-1, b.commitSpace(p, 1), "peeked extents are no reservation");
        final byte[] got = new byte[4];
        assertEquals(4, b.remove(got, 0, 4));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, got);
        assertThrows(IllegalStateException.class, () -> p.buffer(0), "a stale peek refuses");
        b.free();
    }
}
