package io.jevent.buffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static io.jevent.buffer.EvbufferSemanticsFixture.memory;
import static io.jevent.buffer.EvbufferSemanticsFixture.peekContents;
import static io.jevent.buffer.EvbufferSemanticsFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequences of libevent's fuzz bugs (issues 774, 778, 806: empty prepends, zero-length
 * references, reserve with zero-length commits) and a seeded random walk checked against a plain
 * model, as black-box consequences of the invariants of statement 19.
 */
interface EvbufferRobustnessSemantics extends EvbufferSemanticsFixture
{
    /**
     * Black-box form of libevent's evbuffer_validate_: the extents add up to the length, the
     * number of data segments matches peek, and the first extent is the contiguous space.
     */
    private static void validate(final Evbuffer b, final String expected)
    {
        assertEquals(expected.length(), b.length());
        final int segs = b.peek(-1, null, new Extents(0));
        assertEquals(b.segmentCount(), segs);
        assertEquals(expected, peekContents(b));
        if (expected.isEmpty())
        {
            assertEquals(0, segs);
            assertEquals(0, b.contiguousSpace());
        }
        else
        {
            final Extents first = new Extents(1);
            b.peek(-1, null, first);
            assertEquals(first.length(0), b.contiguousSpace());
            assertTrue(first.length(0) > 0, "no empty segment among the data");
        }
    }

    @Test
    @DisplayName("libevent 774/778/806: empty prepends and zero-length references around data keep the content")
    default void shouldSurviveEmptyPrependsAndZeroLengthReferences()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer empty = newBuffer();
        assertEquals(0, b.prepend(new byte[0]));
        assertEquals(0, newRef("").addTo(b));
        assertEquals(0, b.prependBuffer(empty));
        validate(b, "");
        add(b, "abc");
        assertEquals(0, b.prepend(new byte[0]));
        assertEquals(0, newRef("").addTo(b));
        assertEquals(0, b.prepend(new byte[0]));
        add(b, "def");
        validate(b, "abcdef");
        assertEquals(0, b.prepend(bytes("X")));
        assertEquals(0, newRef("").addTo(b));
        assertEquals(0, b.addBuffer(empty));
        add(b, "ghi");
        validate(b, "Xabcdefghi");
        assertEquals(0, b.drain(10));
        assertEquals(0, b.prepend(new byte[0]));
        assertEquals(0, newRef("").addTo(b));
        add(b, "j");
        assertEquals(0, b.prepend(bytes("i")));
        validate(b, "ij");
    }

    @Test
    @DisplayName("libevent remove_buffer_with_empty: moving 3 bytes out of two 2-byte references into a buffer " +
        "ending in an empty reference")
    default void shouldRemoveBufferIntoBufferWithEmptyReference()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        assertEquals(0, newRef("ab").addTo(src));
        assertEquals(0, newRef("cd").addTo(src));
        add(dst, "xy");
        assertEquals(0, newRef("").addTo(dst));
        validate(src, "abcd");
        validate(dst, "xy");
        assertEquals(3, src.removeBuffer(dst, 3));
        validate(src, "d");
        validate(dst, "xyabc");
        add(dst, "!");
        add(src, "?");
        validate(dst, "xyabc!");
        validate(src, "d?");

        // variant: data then an empty reference in src too
        final Evbuffer s2 = newBuffer();
        final Evbuffer d2 = newBuffer();
        add(s2, "12");
        assertEquals(0, newRef("").addTo(s2));
        add(s2, "34");
        add(d2, "ab");
        assertEquals(0, newRef("").addTo(d2));
        assertEquals(3, s2.removeBuffer(d2, 3));
        add(d2, "Z");
        validate(d2, "ab123Z");
        validate(s2, "4");
        assertEquals(1, s2.removeBuffer(d2, 5));
        validate(d2, "ab123Z4");
        validate(s2, "");
    }

    @Test
    @DisplayName("libevent add_buffer_with_empty: addBuffer into a buffer ending in an empty reference, then adds")
    default void shouldAddBufferIntoBufferWithEmptyReference()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        assertEquals(0, newRef("ab").addTo(src));
        assertEquals(0, newRef("cd").addTo(src));
        add(dst, "xy");
        assertEquals(0, newRef("").addTo(dst));
        assertEquals(0, dst.addBuffer(src));
        add(dst, "zz");
        validate(dst, "xyabcdzz");
        validate(src, "");

        // the source ends in an empty reference
        final Evbuffer s2 = newBuffer();
        final Evbuffer d2 = newBuffer();
        add(s2, "12");
        assertEquals(0, newRef("").addTo(s2));
        add(d2, "ab");
        assertEquals(0, d2.addBuffer(s2));
        add(d2, "3");
        add(s2, "4");
        validate(d2, "ab123");
        validate(s2, "4");
        assertEquals(0, d2.prependBuffer(s2));
        validate(d2, "4ab123");
    }

    @Test
    @DisplayName("libevent 774 and reserve_with_empty: reserve followed by zero-length commits, then adds")
    default void shouldSurviveZeroLengthCommits()
    {
        final Evbuffer b = newBuffer();
        add(b, "a");
        final Extents v = new Extents(2);
        int n = b.reserveSpace(1 << 12, v);
        assertTrue(n >= 1);
        for (int i = 0; i < n; i++)
        {
            v.setLength(i, 0);
        }
        assertEquals(0, b.commitSpace(v, n));
        validate(b, "a");
        add(b, "b");
        validate(b, "ab");

        n = b.reserveSpace(100, v);
        v.setLength(0, 0);
        assertEquals(0, b.commitSpace(v, 1));
        assertEquals(0, newRef("").addTo(b));
        assertEquals(0, b.prepend(new byte[0]));
        add(b, "c");
        validate(b, "abc");

        // reserve on an empty buffer, commit nothing, prepend and add
        final Evbuffer e = newBuffer();
        n = e.reserveSpace(5000, v);
        assertTrue(n >= 1);
        for (int i = 0; i < n; i++)
        {
            v.setLength(i, 0);
        }
        assertEquals(0, e.commitSpace(v, n));
        validate(e, "");
        assertEquals(0, e.prepend(bytes("p")));
        add(e, "q");
        validate(e, "pq");

        // a later reservation after zero commits still commits data in order
        n = e.reserveSpace(3 * pool().segmentSize(), v);
        final StringBuilder expected = new StringBuilder("pq");
        for (int i = 0; i < n; i++)
        {
            final String s = i == 0 ? "r" : "s";
            new UnsafeBuffer(v.address(i), v.length(i)).putBytes(0, bytes(s));
            v.setLength(i, 1);
            expected.append(s);
        }
        assertEquals(0, e.commitSpace(v, n));
        add(e, "t");
        validate(e, expected + "t");
    }

    @Test
    @DisplayName("§1.1 st.2–15, st.19 (black-box): a seeded random walk of every operation matches a plain model")
    default void shouldMatchModelUnderRandomOperations()
    {
        final Random rnd = new Random(0x5EED_774L);
        final Evbuffer b = newBuffer();
        final Evbuffer o = newBuffer();
        final Evbuffer v = newBuffer();
        final StringBuilder mb = new StringBuilder();
        final StringBuilder mo = new StringBuilder();
        final StringBuilder mv = new StringBuilder();
        final byte[] out = new byte[5000];
        for (int step = 0; step < 3000; step++)
        {
            final int op = rnd.nextInt(17);
            final String what = "step " + step + " op " + op;
            switch (op)
            {
                case 0, 1 ->
                {
                    final String s = randomText(rnd, rnd.nextInt(8) == 0 ? 700 : 40);
                    assertEquals(0, b.add(bytes(s)), what);
                    mb.append(s);
                }
                case 2 ->
                {
                    final String s = randomText(rnd, 50);
                    assertEquals(0, b.prepend(bytes(s)), what);
                    mb.insert(0, s);
                }
                case 3 ->
                {
                    final int n = rnd.nextInt(120);
                    assertEquals(0, b.drain(n), what);
                    mb.delete(0, Math.min(n, mb.length()));
                }
                case 4 ->
                {
                    final int n = rnd.nextInt(200);
                    final int got = b.remove(out, 0, n);
                    assertEquals(Math.min(n, mb.length()), got, what);
                    assertEquals(mb.substring(0, got), text(out, 0, got), what);
                    mb.delete(0, got);
                }
                case 5 ->
                {
                    final int n = rnd.nextInt(300);
                    final long moved = b.removeBuffer(o, n);
                    assertEquals(Math.min(n, mb.length()), moved, what);
                    mo.append(mb, 0, (int)moved);
                    mb.delete(0, (int)moved);
                }
                case 6 ->
                {
                    assertEquals(0, b.addBuffer(o), what);
                    mb.append(mo);
                    mo.setLength(0);
                }
                case 7 ->
                {
                    assertEquals(0, b.prependBuffer(o), what);
                    mb.insert(0, mo);
                    mo.setLength(0);
                }
                case 8 ->
                {
                    final Ref r = newRef(randomText(rnd, 30));
                    assertEquals(0, r.addTo(b), what);
                    mb.append(r.content);
                }
                case 9 ->
                {
                    assertEquals(0, b.addBufferReference(v), what);
                    mb.append(mv);
                }
                case 10 -> addAndDrainSource(rnd, v, mv);
                case 11 -> checkPullup(rnd, b, mb, what);
                case 12 -> reserveAndCommit(rnd, b, mb, what);
                case 13 -> expandThenAdd(rnd, b, mb, what);
                case 14 -> checkSearch(rnd, b, mb, what);
                case 15 -> checkCopyoutFrom(rnd, b, mb, out, what);
                default -> checkReadLine(b, mb, what);
            }
            if (mb.length() > 6000)
            {
                final int n = mb.length() / 2;
                assertEquals(0, b.drain(n));
                mb.delete(0, n);
            }
            assertEquals(mb.length(), b.length(), what);
            if (step % 7 == 0 || op == 5 || op == 6 || op == 7 || op == 9 || op == 12)
            {
                validate(b, mb.toString());
                validate(o, mo.toString());
                assertEquals(mv.toString(), contents(v), what);
            }
        }
    }

    /** Changes the buffer {@code b} holds references to: appends, then drains a little. */
    private static void addAndDrainSource(final Random rnd, final Evbuffer v, final StringBuilder mv)
    {
        final String s = randomText(rnd, 60);
        add(v, s);
        mv.append(s);
        final int n = rnd.nextInt(40);
        assertEquals(0, v.drain(n));
        mv.delete(0, Math.min(n, mv.length()));
    }

    /** pullup(n) makes the first n bytes contiguous, as the model has them. */
    private static void checkPullup(final Random rnd, final Evbuffer b, final StringBuilder mb, final String what)
    {
        final int n = mb.isEmpty() ? 0 : 1 + rnd.nextInt(mb.length());
        final long p = b.pullup(n);
        if (n == 0)
        {
            assertEquals(0, p, what);
        }
        else
        {
            assertEquals(mb.substring(0, n), memory(p, n), what);
        }
    }

    /** Reserves 1 to 3 extents, fills some of them and commits those. */
    private void reserveAndCommit(final Random rnd, final Evbuffer b, final StringBuilder mb, final String what)
    {
        final Extents e = new Extents(1 + rnd.nextInt(3));
        final int k = b.reserveSpace(1 + rnd.nextInt(3 * pool().segmentSize()), e);
        assertTrue(k >= 1, what);
        final int commit = rnd.nextInt(k + 1);
        for (int i = 0; i < commit; i++)
        {
            final String s = randomText(rnd, Math.min(e.length(i), 25));
            new UnsafeBuffer(e.address(i), e.length(i)).putBytes(0, bytes(s));
            e.setLength(i, s.length());
            mb.append(s);
        }
        assertEquals(0, b.commitSpace(e, commit), what);
    }

    /** expand(n), then an add of at most n bytes. */
    private void expandThenAdd(final Random rnd, final Evbuffer b, final StringBuilder mb, final String what)
    {
        final int n = rnd.nextInt(2 * pool().segmentSize());
        assertEquals(0, b.expand(n), what);
        final String s = randomText(rnd, n);
        assertEquals(0, b.add(bytes(s)), what);
        mb.append(s);
    }

    /** search finds what String.indexOf finds in the model, for a needle taken from the content. */
    private static void checkSearch(final Random rnd, final Evbuffer b, final StringBuilder mb, final String what)
    {
        if (mb.length() > 3)
        {
            final int from = rnd.nextInt(mb.length() - 3);
            final String needle = mb.substring(from, from + 1 + rnd.nextInt(3));
            final int start = rnd.nextInt(from + 1);
            assertEquals(mb.indexOf(needle, start), b.search(bytes(needle), start), what);
        }
    }

    /** copyoutFrom a pointer set at a random position copies what the model has there. */
    private static void checkCopyoutFrom(final Random rnd, final Evbuffer b, final StringBuilder mb, final byte[] out,
        final String what)
    {
        final int pos = rnd.nextInt(mb.length() + 1);
        final EvbufferPtr p = new EvbufferPtr();
        assertEquals(0, b.ptrSet(p, pos, Evbuffer.PTR_SET), what);
        final int n = rnd.nextInt(100);
        final int got = b.copyoutFrom(p, out, 0, n);
        assertEquals(Math.min(n, mb.length() - pos), got, what);
        assertEquals(mb.substring(pos, pos + got), text(out, 0, got), what);
    }

    /** readLine(LF) returns and drains the model's first line, or returns null without one. */
    private static void checkReadLine(final Evbuffer b, final StringBuilder mb, final String what)
    {
        final String line = mb.indexOf("\n") >= 0 ? mb.substring(0, mb.indexOf("\n")) : null;
        final String got = b.readLine(EolStyle.LF);
        assertEquals(line, got, what);
        if (null != line)
        {
            mb.delete(0, line.length() + 1);
        }
    }

    private static String randomText(final Random rnd, final int maxLen)
    {
        final int n = maxLen <= 0 ? 0 : rnd.nextInt(maxLen + 1);
        final StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            final int c = rnd.nextInt(40);
            sb.append(c == 0 ? '\n' : c == 1 ? '\r' : (char)('a' + c % 26));
        }
        return sb.toString();
    }
}
