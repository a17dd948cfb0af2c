package io.jevent.buffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static io.jevent.buffer.EvbufferSemanticsFixture.letters;
import static io.jevent.buffer.EvbufferSemanticsFixture.memory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.3 reserve_space, commit_space and peek (statements 31–35).
 */
interface EvbufferReservePeekSemantics extends EvbufferSemanticsFixture
{
    private static void write(final Extents e, final int i, final String s)
    {
        assertTrue(s.length() <= e.length(i));
        new UnsafeBuffer(e.address(i), e.length(i)).putBytes(0, bytes(s));
    }

    @Test
    @DisplayName("§1.3 st.31: reserve with one vector gives one contiguous extent of at least size; length unchanged")
    default void shouldReserveOneContiguousExtent()
    {
        for (final int size : new int[] {1, 15, 16, 100, 1000, 10000, 40000})
        {
            final Evbuffer b = newBuffer();
            add(b, "abc");
            final Extents e = new Extents(1);
            assertEquals(1, b.reserveSpace(size, e), "reserve " + size);
            assertEquals(1, e.count());
            assertTrue(e.length(0) >= size, "extent of at least " + size + ": " + e.length(0));
            assertEquals(3, b.length(), "len does not change");
            final String data = letters(size, 0);
            write(e, 0, data);
            e.setLength(0, size);
            assertEquals(0, b.commitSpace(e, 1));
            assertEquals("abc" + data, contents(b));
            b.free();
        }
    }

    @Test
    @DisplayName("§1.3 st.31: reserve returns -1 on a frozen end or with no room for extents")
    default void shouldRefuseReserveOnFrozenEndOrNoVectors()
    {
        final Evbuffer b = newBuffer();
        add(b, "x");
        assertEquals(-1, b.reserveSpace(10, new Extents(0)), "n_vecs < 1");
        b.freeze(false);
        assertEquals(-1, b.reserveSpace(10, new Extents(1)), "frozen end");
        b.unfreeze(false);
        assertEquals(1, b.reserveSpace(10, new Extents(1)));
        assertEquals("x", contents(b));
    }

    @Test
    @DisplayName("§1.3 st.32: several extents add up to size, start with the tail of the data; " +
        "re-reserving gives the same")
    default void shouldReserveSeveralExtentsAndRepeatThem()
    {
        final Evbuffer b = newBuffer();
        add(b, "a");
        final int size = pool().segmentSize() + 64;
        final Extents e = new Extents(3);
        final int n = b.reserveSpace(size, e);
        assertTrue(n >= 1 && n <= 3, "extents used: " + n);
        assertEquals(n, e.count());
        assertTrue(e.totalLength() >= size, "total " + e.totalLength() + " >= " + size);
        final Extents again = new Extents(3);
        assertEquals(n, b.reserveSpace(size, again), "reserving again without a commit");
        for (int i = 0; i < n; i++)
        {
            assertEquals(e.address(i), again.address(i), "same extent " + i);
            assertEquals(e.length(i), again.length(i), "same extent length " + i);
        }
        assertEquals(1, b.length());
        // write into every extent, commit all of them: the content follows the extent order
        final StringBuilder expected = new StringBuilder("a");
        for (int i = 0; i < n; i++)
        {
            final String s = letters(Math.min(7, e.length(i)), i);
            write(e, i, s);
            e.setLength(i, s.length());
            expected.append(s);
        }
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        assertEquals(0, b.commitSpace(e, n));
        assertEquals(expected.toString(), contents(b));
        assertEquals(List.of("(1," + (expected.length() - 1) + ",0)"), log.take());
    }

    @Test
    @DisplayName("§1.3 st.32, st.33: a request over the free tail gives the tail first, then new room; " +
        "vec[0] alone may be committed")
    default void shouldReserveFreeTailFirstAndCommitFirstExtentAlone()
    {
        final Evbuffer b = newBuffer();
        add(b, "a");
        final Extents tail = new Extents(1);
        assertEquals(1, b.reserveSpace(1, tail));
        final long tailAddress = tail.address(0);
        final int tailLength = tail.length(0);
        final Extents v = new Extents(2);
        assertEquals(2, b.reserveSpace(tailLength + 64L, v), "the free tail plus one more extent");
        assertEquals(tailAddress, v.address(0), "first the free tail of the last data segment");
        assertEquals(tailLength, v.length(0));
        assertTrue(v.length(1) >= 64, "then room for the rest: " + v.length(1));
        assertEquals(1, b.length());
        write(v, 0, "b");
        write(v, 1, "IGNORED");
        v.setLength(0, 1);
        assertEquals(0, b.commitSpace(v, 1), "commit just vec[0]");
        assertEquals("ab", contents(b));

        // now both extents, filling the first completely
        final Extents w = new Extents(2);
        assertEquals(2, b.reserveSpace(tailLength - 1 + 10L, w));
        assertEquals(tailAddress + 1, w.address(0));
        final String fill = "c".repeat(w.length(0));
        write(w, 0, fill);
        write(w, 1, "defgh");
        w.setLength(1, 5);
        assertEquals(0, b.commitSpace(w, 2));
        assertEquals("ab" + fill + "defgh", contents(b));
        add(b, "!");
        assertEquals("ab" + fill + "defgh!", contents(b));
    }

    @Test
    @DisplayName("§1.3 st.32, st.33 (libevent test_evbuffer_reserve2): shrunk commits, then two-extent commits")
    default void shouldReproduceLibeventReserve2()
    {
        final Evbuffer b = newBuffer();
        final Extents v = new Extents(2);
        int n = b.reserveSpace(1024, v);
        assertTrue(n >= 1);
        assertEquals(0, b.length());
        assertTrue(v.totalLength() >= 1024);
        final long cp = v.address(0);
        if (v.length(0) >= 512)
        {
            write(v, 0, "X".repeat(512));
            v.setLength(0, 512);
            assertEquals(0, b.commitSpace(v, 1));
            assertEquals(512, b.length());

            n = b.reserveSpace(32, v);
            assertTrue(n >= 1);
            if (v.length(0) >= 8)
            {
                write(v, 0, "Y".repeat(8));
                v.setLength(0, 8);
                for (int i = 1; i < n; i++)
                {
                    v.setLength(i, 0);
                }
                assertEquals(0, b.commitSpace(v, n));
                assertEquals(520, b.length());
            }
        }
        else
        {
            // small segments: fill the extents in order
            add(b, "X".repeat(512));
            add(b, "Y".repeat(8));
        }
        assertTrue(cp != 0);
        // a request that must span the free tail and something else; use one byte of the first extent
        n = b.reserveSpace(pool().segmentSize() * 2L + 64, v);
        assertTrue(n >= 1);
        write(v, 0, "Z");
        v.setLength(0, 1);
        assertEquals(0, b.commitSpace(v, 1), "commit just vec[0]");
        assertEquals(521, b.length());

        // use some of the first extent and some of the second
        n = b.reserveSpace(pool().segmentSize() * 2L + 64, v);
        assertTrue(n >= 1);
        final StringBuilder expected = new StringBuilder("X".repeat(512) + "Y".repeat(8) + "Z");
        final int first = Math.min(400, v.length(0));
        write(v, 0, "W".repeat(first));
        v.setLength(0, first);
        expected.append("W".repeat(first));
        if (n == 2)
        {
            final int second = Math.min(60, v.length(1));
            write(v, 1, "x".repeat(second));
            v.setLength(1, second);
            expected.append("x".repeat(second));
        }
        assertEquals(0, b.commitSpace(v, n));
        assertEquals(expected.toString(), contents(b));
    }

    @Test
    @DisplayName("§1.3 st.33: commit fails with -1 and commits nothing for a wrong pointer, " +
        "an over-long extent or a stale reservation")
    default void shouldRejectInvalidCommits()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer other = newBuffer();
        add(b, "abc");
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        final Extents e = new Extents(1);
        assertEquals(1, b.reserveSpace(10, e));

        // a length over the extent
        final int reserved = e.length(0);
        e.setLength(0, reserved + 1);
        assertEquals(-1, b.commitSpace(e, 1), "length over the extent");
        assertEquals(3, b.length());
        e.setLength(0, reserved);

        // extents reserved in another buffer (a wrong pointer for this one)
        final Extents foreign = new Extents(1);
        assertEquals(1, other.reserveSpace(10, foreign));
        foreign.setLength(0, 2);
        assertEquals(-1, b.commitSpace(foreign, 1), "extent of another buffer");
        assertEquals(3, b.length());

        // k == 0 commits nothing and returns 0
        assertEquals(0, b.commitSpace(e, 0));
        assertEquals(3, b.length());
        assertEquals(List.of(), log.take());

        // an append since the reserve makes the reservation stale
        write(e, 0, "zz");
        e.setLength(0, 2);
        add(b, "d");
        log.take();
        assertEquals(-1, b.commitSpace(e, 1), "an append since the reserve");
        assertEquals("abcd", contents(b));
        assertEquals(List.of(), log.take());
        assertEquals(0, other.length());
    }

    @Test
    @DisplayName("§1.3 st.33, §1.5 st.40: a commit fires callbacks with n_added = the committed total")
    default void shouldFireCallbackWithCommittedTotal()
    {
        final Evbuffer b = newBuffer();
        add(b, "hello");
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        final Extents e = new Extents(1);
        assertEquals(1, b.reserveSpace(100, e));
        assertEquals(List.of(), log.take(), "reserving fires nothing");
        write(e, 0, " world");
        e.setLength(0, 6);
        assertEquals(0, b.commitSpace(e, 1));
        assertEquals(List.of("(5,6,0)"), log.take());
        assertEquals("hello world", contents(b));
    }

    @Test
    @DisplayName("§1.3 st.34 (libevent test_evbuffer_reserve_with_empty): " +
        "\"a\", reserve 4096 in 2, commit 'b', add \"c\" → \"abc\"")
    default void shouldNotTreatReservedSpaceAsData()
    {
        final Evbuffer b = newBuffer();
        add(b, "a");
        final Extents v = new Extents(2);
        final int n = b.reserveSpace(1 << 12, v);
        assertTrue(n >= 1 && n <= 2);
        assertEquals(1, b.length());
        write(v, 0, "b");
        v.setLength(0, 1);
        assertEquals(0, b.commitSpace(v, 1));
        add(b, "c");
        assertEquals("abc", contents(b));
        assertEquals(3, b.length());
    }

    @Test
    @DisplayName("§1.3 st.35: peek fills extents into the buffer and returns how many are needed, which may exceed k")
    default void shouldPeekExtents()
    {
        final Evbuffer b = newBuffer();
        final Ref r1 = newRef("abc");
        final Ref r2 = newRef("defg");
        final Ref r3 = newRef("hi");
        assertEquals(0, r1.addTo(b));
        assertEquals(0, r2.addTo(b));
        assertEquals(0, r3.addTo(b));
        assertEquals(3, b.segmentCount());

        assertEquals(3, b.peek(-1, null, new Extents(0)), "k == 0 and n < 0: the number of segments holding data");
        final Extents one = new Extents(1);
        assertEquals(3, b.peek(9, null, one), "more than k are needed to cover n bytes");
        assertEquals(1, one.count());
        assertEquals(r1.address, one.address(0), "extents point into the buffer (no copy)");
        assertEquals(3, one.length(0));
        assertEquals(2, b.peek(5, null, one), "more than k are needed to cover n bytes");
        // libevent evbuffer_peek: with n < 0 and k > 0 the walk stops after k extents
        assertEquals(1, b.peek(-1, null, one), "n < 0 with k == 1 (libevent stops at k)");
        assertEquals(1, one.count());

        final Extents e = new Extents(5);
        assertEquals(2, b.peek(4, null, e));
        assertEquals(2, e.count());
        assertEquals("abc", memory(e.address(0), e.length(0)));
        assertEquals("defg", memory(e.address(1), e.length(1)), "the last extent may cover more than asked for");

        assertEquals(1, b.peek(3, null, e));
        assertEquals("abc", memory(e.address(0), e.length(0)));

        final EvbufferPtr start = new EvbufferPtr();
        assertEquals(0, b.ptrSet(start, 1, Evbuffer.PTR_SET));
        assertEquals(1, b.peek(2, start, e));
        assertEquals("bc", memory(e.address(0), e.length(0)), "extents start at start");
        assertEquals(0, b.ptrSet(start, 2, Evbuffer.PTR_SET));
        assertEquals(2, b.peek(3, start, e));
        assertEquals("c", memory(e.address(0), e.length(0)));
        assertEquals("defg", memory(e.address(1), e.length(1)));
        assertEquals(0, b.ptrSet(start, 5, Evbuffer.PTR_SET));
        assertEquals(2, b.peek(-1, start, e));
        assertEquals("fg", memory(e.address(0), e.length(0)));
        assertEquals("hi", memory(e.address(1), e.length(1)));

        assertEquals(0, b.ptrSet(start, 9, Evbuffer.PTR_SET));
        assertEquals(0, b.peek(-1, start, e), "a start at the end");
        assertEquals(0, b.peek(5, start, e), "a start at the end");

        final Evbuffer empty = newBuffer();
        assertEquals(0, empty.peek(-1, null, e), "an empty buffer");
        assertEquals(0, empty.peek(10, null, e), "an empty buffer");
        assertEquals("abcdefghi", contents(b));
    }

    @Test
    @DisplayName("§1.3 st.35: peek over a large buffer covers every byte in order")
    default void shouldPeekWholeLargeBuffer()
    {
        final Evbuffer b = newBuffer();
        final String s = letters(50000, 0);
        for (int i = 0; i < s.length(); i += 1000)
        {
            add(b, s.substring(i, i + 1000));
        }
        final int needed = b.peek(-1, null, new Extents(0));
        assertEquals(b.segmentCount(), needed);
        final Extents e = new Extents(needed);
        assertEquals(needed, b.peek(-1, null, e));
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < e.count(); i++)
        {
            sb.append(memory(e.address(i), e.length(i)));
        }
        assertEquals(s, sb.toString());
        // n bytes from the middle
        final EvbufferPtr start = new EvbufferPtr();
        assertEquals(0, b.ptrSet(start, 12345, Evbuffer.PTR_SET));
        final int k = b.peek(20000, start, e);
        assertTrue(k >= 1 && k <= needed);
        final StringBuilder part = new StringBuilder();
        for (int i = 0; i < Math.min(k, e.count()); i++)
        {
            part.append(memory(e.address(i), e.length(i)));
        }
        assertTrue(part.length() >= 20000, "the extents cover at least n bytes");
        assertEquals(s.substring(12345, 12345 + part.length()), part.toString());
    }
}
