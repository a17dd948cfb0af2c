package io.jevent.buffer;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopFlags;
import io.jevent.loop.WrongThreadException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adversarial tests of the Evbuffer's handed-out memory (extents, reservations, views) and of its
 * owner check, after issue 8: nothing handed out may let a caller reach memory outside what it was
 * given, extents of one buffer never commit into another, and a foreign thread touches nothing.
 */
@Timeout(30)
class AdversarialEvbufferTest
{
    private final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);
    private final List<Evbuffer> buffers = new ArrayList<>();

    private Evbuffer buffer()
    {
        final Evbuffer b = new Evbuffer(pool);
        buffers.add(b);
        return b;
    }

    @AfterEach
    void freeAndCheckTheAccounting()
    {
        for (final Evbuffer b : buffers)
        {
            b.free();
        }
        assertEquals(0, pool.outstandingSegments(), "outstanding segments");
        pool.close();
    }

    /**
     * Failed before the issue-8 fixes (and with the returned view read past its extent, the JVM dies: SIGSEGV in
     * Unsafe_GetByte, see the report). Extents.setLength is documented as "shrinks an extent before
     * commitSpace" but accepts any length: a 10-byte peeked extent set to Integer.MAX_VALUE hands out,
     * through buffer(i) and wrap(i, flyweight), a 2 GiB view over a 10-byte segment. The extent is not
     * stale, so nothing refuses; the view reads and writes whatever native memory follows.
     */
    @Test
    void shouldRefuseGrowingAPeekedExtentPastItsSegment()
    {
        final Evbuffer b = buffer();
        b.add(new byte[10]);
        final Extents x = new Extents(1);
        assertEquals(1, b.peek(-1, null, x));
        assertEquals(10, x.length(0));
        try
        {
            x.setLength(0, Integer.MAX_VALUE);
        }
        catch (final IllegalArgumentException ex)
        {
            return;
        }
        final int viewCapacity = x.buffer(0).capacity();
        final UnsafeBuffer fly = new UnsafeBuffer(new byte[0]);
        x.wrap(0, fly);
        assertTrue(viewCapacity <= 10 && fly.capacity() <= 10,
            "a peeked 10-byte extent grew to a view of " + viewCapacity + " bytes and a flyweight of " +
            fly.capacity() + " bytes");
    }

    /**
     * Failed before the issue-8 fixes. Same with a reservation: setLength beyond the reserved room is accepted, and the
     * view of buffer(i) then lets a caller write past the segment into the next allocation (commitSpace
     * refuses the extent afterwards, but the damage is done).
     */
    @Test
    void shouldRefuseGrowingAReservedExtentPastTheReservation()
    {
        final Evbuffer b = buffer();
        final Extents x = new Extents(1);
        assertEquals(1, b.reserveSpace(100, x));
        final int reserved = x.length(0);
        try
        {
            x.setLength(0, reserved + 4096);
        }
        catch (final IllegalArgumentException ex)
        {
            return;
        }
        final int viewCapacity = x.buffer(0).capacity();
        assertTrue(viewCapacity <= reserved, "a reservation of " + reserved + " bytes gave a writable view of " +
            viewCapacity + " bytes");
    }

    /**
     * Extents reserved on one buffer and handed to another buffer's commitSpace: refused (-1), neither
     * buffer changes; the right buffer still commits them.
     */
    @Test
    void shouldRefuseCommittingExtentsIntoAnotherBuffer()
    {
        final Evbuffer a = buffer();
        final Evbuffer other = buffer();
        other.add(new byte[] {1, 2, 3});
        final Extents x = new Extents(2);
        assertEquals(1, a.reserveSpace(8, x));
        x.buffer(0).put(new byte[] {9, 8, 7, 6});
        x.setLength(0, 4);
        assertEquals(1, other.reserveSpace(8, new Extents(1)), "the other buffer has a reservation of its own");
        assertEquals(-1, other.commitSpace(x, 1));
        assertEquals(3, other.length());
        assertEquals(0, a.length());
        assertEquals(0, a.commitSpace(x, 1));
        final byte[] got = new byte[4];
        assertEquals(4, a.remove(got, 0, 4));
        assertArrayEquals(new byte[] {9, 8, 7, 6}, got);
    }

    /**
     * Peeked and reserved extents, prepared ByteBuffer views: after any change (and after free) every
     * accessor throws IllegalStateException and the prepared views have capacity 0, without reading
     * memory.
     */
    @Test
    void shouldRefuseEveryStaleHandleAfterChangesAndFree() throws Exception
    {
        final Evbuffer b = buffer();
        b.add(new byte[5000]);
        final Extents peeked = new Extents(4);
        assertTrue(b.peek(-1, null, peeked) >= 1);
        final ByteBuffer[] views = new ByteBuffer[4];
        final int k = b.prepareWrite(5000, views);
        assertTrue(k >= 1);
        b.drain(1);
        assertThrows(IllegalStateException.class, () -> peeked.buffer(0));
        assertThrows(IllegalStateException.class, () -> peeked.setLength(0, 1));
        assertThrows(IllegalStateException.class, peeked::totalLength);
        for (int i = 0; i < k; i++)
        {
            assertEquals(0, views[i].capacity(), "prepared view " + i + " revoked");
        }
        assertEquals(-1, b.commitWrite(1));
        final Extents reserved = new Extents(1);
        assertEquals(1, b.reserveSpace(10, reserved));
        b.add(new byte[1]);
        assertEquals(-1, b.commitSpace(reserved, 1));
        assertThrows(IllegalStateException.class, () -> reserved.buffer(0));
        assertEquals(1, b.reserveSpace(10, reserved));
        b.free();
        assertThrows(IllegalStateException.class, () -> reserved.address(0));
        assertThrows(IllegalStateException.class, () -> b.commitSpace(reserved, 1));
        assertThrows(IllegalStateException.class, () -> b.add(new byte[1]));
        assertTrue(b.isFreed());
    }

    /**
     * Bad and extreme arguments: refused before any memory is touched, with the documented result.
     */
    @Test
    void shouldRefuseBadArgumentsBeforeTouchingMemory()
    {
        final Evbuffer b = buffer();
        b.add(new byte[] {1, 2, 3});
        assertThrows(IndexOutOfBoundsException.class, () -> b.add(new byte[4], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> b.add(new byte[4], -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> b.add(new byte[4], 1, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> b.remove(new byte[4], 3, 2));
        assertThrows(IndexOutOfBoundsException.class,
            () -> b.add(new UnsafeBuffer(new byte[4]), 2, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> b.drain(-1));
        assertThrows(IllegalArgumentException.class, () -> b.expand(-1));
        assertEquals(-1, b.expand(Long.MAX_VALUE));
        assertEquals(-1, b.reserveSpace(Long.MAX_VALUE, new Extents(1)));
        assertEquals(-1, b.reserveSpace(1, new Extents(0)));
        assertEquals(0, b.pullup(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> b.removeBuffer(buffer(), -1));
        assertThrows(IllegalArgumentException.class, () -> new Extents(-1));
        assertEquals(3, b.length(), "nothing changed");
    }

    /**
     * A standalone buffer and the input of a bufferevent-like owner: with a loop running on another
     * thread, a move between them from this thread throws WrongThreadException and changes neither.
     */
    @Test
    void shouldLeaveBothBuffersAloneWhenAMoveIsRefusedForTheWrongThread() throws Exception
    {
        final EventBase base = new EventBase(new EventBaseConfig().pool(pool));
        try
        {
            final Evbuffer owned = buffer();
            owned.add(new byte[] {1, 2, 3, 4});
            owned.setOwner(base);
            final Evbuffer mine = buffer();
            mine.add(new byte[] {5, 6});
            final CountDownLatch running = new CountDownLatch(1);
            final Thread loop = new Thread(() -> base.loop(LoopFlags.NO_EXIT_ON_EMPTY));
            loop.start();
            base.execute(running::countDown);
            assertTrue(running.await(5, TimeUnit.SECONDS));
            assertThrows(WrongThreadException.class, () -> mine.addBuffer(owned));
            assertThrows(WrongThreadException.class, () -> owned.addBuffer(mine));
            assertThrows(WrongThreadException.class, () -> mine.prependBuffer(owned));
            assertThrows(WrongThreadException.class, () -> mine.addBufferReference(owned));
            assertThrows(WrongThreadException.class, () -> owned.removeBuffer(mine, 1));
            assertThrows(WrongThreadException.class, owned::free);
            assertThrows(WrongThreadException.class, () -> owned.setOwner(null));
            assertEquals(2, mine.length());
            base.loopBreak();
            loop.join(5000);
            assertFalse(loop.isAlive());
            assertEquals(4, owned.length());
            owned.setOwner(null);
        }
        finally
        {
            base.free();
        }
    }
}
