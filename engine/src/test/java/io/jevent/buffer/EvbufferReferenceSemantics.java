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
import static io.jevent.buffer.EvbufferSemanticsFixture.peekContents;
import static io.jevent.buffer.EvbufferSemanticsFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * §1.1 references to caller memory and views of other buffers: addReference, addBufferReference,
 * their cleanups and immutability (statements 5, 12, 13, 14, 20).
 */
interface EvbufferReferenceSemantics extends EvbufferSemanticsFixture
{
    @Test
    @DisplayName("§1.1 st.5, st.12: prepend and add around a reference never write the referenced memory")
    default void shouldNeverWriteReferencedMemory()
    {
        final Evbuffer b = newBuffer();
        final Ref r = newRef("world");
        assertEquals(0, r.addTo(b));
        assertEquals(0, b.prepend(bytes("hello ")));
        assertEquals(0, b.add(bytes("!")));
        assertEquals("hello world!", contents(b));
        r.assertUntouched();

        // after a partial drain of the reference there is "room" in front of its data, but it is not ours
        final Evbuffer c = newBuffer();
        final Ref r2 = newRef("abcdefgh");
        assertEquals(0, r2.addTo(c));
        assertEquals(0, c.drain(3));
        assertEquals(0, c.prepend(bytes("XYZ")));
        assertEquals(0, c.prepend(bytes("1")));
        assertEquals("1XYZdefgh", contents(c));
        r2.assertUntouched();
        r2.assertNotCleaned();
        assertEquals(0, c.drain(9));
        r2.assertCleanedOnce();
    }

    @Test
    @DisplayName("§1.1 st.12: cleanup runs exactly once, with the original address and length, " +
        "on the last byte's drain")
    default void shouldCleanUpReferenceOnceWhenLastByteDrained()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc");
        final Ref r = newRef("this is what we add as read-only memory.");
        assertEquals(0, r.addTo(b));
        add(b, "xyz");
        assertEquals(3 + 40 + 3, b.length());
        assertEquals("abc" + r.content + "xyz", contents(b));
        assertEquals(0, b.drain(13));
        r.assertNotCleaned();
        assertEquals(0, b.drain(29));
        r.assertNotCleaned();
        assertEquals("." + "xyz", contents(b));
        assertEquals(0, b.drain(1));
        r.assertCleanedOnce();
        assertEquals("xyz", contents(b));
        assertEquals(0, b.drain(3));
        add(b, "more");
        assertEquals(0, b.drain(4));
        r.assertCleanedOnce();
        r.assertUntouched();
    }

    @Test
    @DisplayName("§1.1 st.12 (libevent test_evbuffer_reference): remove through a reference, prepend in front, commit")
    default void shouldReproduceLibeventReferenceTest()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        final Ref r = newRef("this is what we add as read-only memory.");
        final int len = r.length;
        assertEquals(0, r.addTo(src));
        final Extents v = new Extents(1);
        assertEquals(1, dst.reserveSpace(len, v));
        final byte[] tmp = new byte[len];
        assertEquals(10, src.remove(tmp, 0, 10));
        // make sure that we don't write data at the beginning
        assertEquals(0, src.prepend(bytes("aaaaa")));
        assertEquals(0, src.drain(5));
        assertEquals(len - 10, src.remove(tmp, 10, len - 10));
        new UnsafeBuffer(v.address(0), len).putBytes(0, tmp);
        v.setLength(0, len);
        assertEquals(0, dst.commitSpace(v, 1));
        r.assertCleanedOnce();
        final long p = dst.pullup(len);
        assertNotEquals(0, p);
        assertEquals(r.content, memory(p, len));
        r.assertUntouched();
    }

    @Test
    @DisplayName("§1.1 st.12, st.20: freeing the owning buffer runs the pending cleanup once; partial drains never do")
    default void shouldCleanUpReferenceOnFree()
    {
        final Evbuffer b = newBuffer();
        final Ref r1 = newRef("first reference");
        final Ref r2 = newRef("second");
        assertEquals(0, r1.addTo(b));
        assertEquals(0, r2.addTo(b));
        assertEquals(0, b.drain(4));
        r1.assertNotCleaned();
        b.free();
        r1.assertCleanedOnce();
        r2.assertCleanedOnce();
        b.free();
        r1.assertCleanedOnce();
        r2.assertCleanedOnce();
    }

    @Test
    @DisplayName("§1.1 st.12: moving a reference with addBuffer or removeBuffer moves the cleanup obligation")
    default void shouldMoveCleanupObligationWithBufferMoves()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        final Ref r = newRef("moved ref");
        add(src, "pre:");
        assertEquals(0, r.addTo(src));
        assertEquals(0, dst.addBuffer(src));
        src.free();
        r.assertNotCleaned();
        assertEquals("pre:moved ref", contents(dst));
        assertEquals(0, dst.drain(12));
        r.assertNotCleaned();
        assertEquals(0, dst.drain(1));
        r.assertCleanedOnce();

        final Evbuffer a = newBuffer();
        final Evbuffer c = newBuffer();
        final Ref r2 = newRef("0123456789");
        assertEquals(0, r2.addTo(a));
        add(a, "tail");
        assertEquals(12, a.removeBuffer(c, 12), "the whole reference and part of the tail");
        assertEquals("il", contents(a));
        assertEquals("0123456789ta", contents(c));
        a.free();
        r2.assertNotCleaned();
        c.free();
        r2.assertCleanedOnce();
        r2.assertUntouched();
    }

    @Test
    @DisplayName("§1.1 st.12, st.18: addReference on a frozen end returns -1 and does not call cleanup")
    default void shouldRefuseReferenceOnFrozenEndWithoutCleanup()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        b.freeze(false);
        final Ref r = newRef("refused");
        assertEquals(-1, r.addTo(b));
        assertEquals(0, b.length());
        r.assertNotCleaned();
        assertEquals(List.of(), log.take());
    }

    @Test
    @DisplayName("§1.1 st.12, §1.5 st.40: a reference add fires callbacks with n_added = its length")
    default void shouldFireCallbackForReferenceAdd()
    {
        final Evbuffer b = newBuffer();
        add(b, "ab");
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        final Ref r = newRef("Goodbye");
        assertEquals(0, r.addTo(b));
        assertEquals(List.of("(2,7,0)"), log.take());
    }

    @Test
    @DisplayName("§1.1 st.12 (jevent difference): a zero-length reference is accepted, holds nothing, " +
        "cleans up at once")
    default void shouldCleanUpZeroLengthReferenceAtOnce()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc");
        final int segments = b.segmentCount();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        final Ref r = newRef("");
        assertEquals(0, r.addTo(b));
        r.assertCleanedOnce();
        assertEquals(3, b.length());
        assertEquals(segments, b.segmentCount(), "no segment is made");
        assertEquals(List.of(), log.take(), "nothing changed, no callback");
        add(b, "def");
        assertEquals("abcdef", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.14: pullup frees the segments it absorbs, running their reference cleanups")
    default void shouldRunCleanupOfReferencesAbsorbedByPullup()
    {
        final Evbuffer b = newBuffer();
        add(b, "ab");
        final Ref r = newRef("cdef");
        assertEquals(0, r.addTo(b));
        add(b, "gh");
        final long partial = b.pullup(3);
        assertNotEquals(0, partial);
        assertEquals("abc", memory(partial, 3));
        r.assertNotCleaned();
        assertEquals("abcdefgh", contents(b));
        final long all = b.pullup(-1);
        assertNotEquals(0, all);
        assertEquals("abcdefgh", memory(all, 8));
        r.assertCleanedOnce();
        r.assertUntouched();
        assertEquals("abcdefgh", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.13: addBufferReference appends a view of src; " +
        "src is unchanged and both report the same length")
    default void shouldShareBytesWithAddBufferReference()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        final String s = "hello " + letters(3000, 0);
        add(src, s);
        assertEquals(0, dst.addBufferReference(src));
        assertEquals(src.length(), dst.length());
        assertEquals(s, contents(src));
        assertEquals(s, contents(dst));
        // draining and refilling src does not change dst
        assertEquals(0, src.drain(100));
        add(src, "new");
        assertEquals(s, contents(dst));
        assertEquals(s.substring(100) + "new", contents(src));
        // freeing src does not change dst
        src.free();
        assertEquals(s, contents(dst));
        assertEquals(s, peekContents(dst));
        assertEquals(0, dst.drain(6));
        add(dst, "!");
        assertEquals(s.substring(6) + "!", contents(dst));
    }

    @Test
    @DisplayName("§1.1 st.13: a view is read-only: appends and prepends on either side never show through")
    default void shouldKeepViewAndSourceIndependent()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        add(src, "abc");
        add(dst, "<");
        assertEquals(0, dst.addBufferReference(src));
        assertEquals(0, dst.add(bytes("ZZZ")));
        assertEquals(0, src.add(bytes("123")));
        assertEquals("<abcZZZ", contents(dst));
        assertEquals("abc123", contents(src));
        assertEquals(0, dst.drain(2));
        assertEquals(0, dst.prepend(bytes("XY")));
        assertEquals(0, src.drain(1));
        assertEquals(0, src.prepend(bytes("Q")));
        assertEquals("XYbcZZZ", contents(dst));
        assertEquals("Qbc123", contents(src));
        final Evbuffer other = newBuffer();
        add(other, "o");
        assertEquals(0, other.addBufferReference(src));
        final byte[] out = new byte[3];
        assertEquals(3, other.remove(out, 0, 3));
        assertEquals("oQb", text(out, 0, 3));
        assertEquals("Qbc123", contents(src));
        assertEquals("XYbcZZZ", contents(dst));
    }

    @Test
    @DisplayName("§1.1 st.13: addBufferReference: 0 for an empty src; " +
        "-1 for dst == src, a frozen dst end, a src holding views")
    default void shouldRefuseInvalidAddBufferReference()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        assertEquals(0, dst.addBufferReference(src), "empty src");
        assertEquals(0, src.addBufferReference(src), "empty src, even itself");
        assertEquals(0, dst.length());
        add(src, "data");
        assertEquals(-1, src.addBufferReference(src), "dst == src");
        assertEquals("data", contents(src));
        dst.freeze(false);
        assertEquals(-1, dst.addBufferReference(src), "frozen end");
        assertEquals(0, dst.length());
        dst.unfreeze(false);
        assertEquals(0, dst.addBufferReference(src));
        final Evbuffer third = newBuffer();
        assertEquals(-1, third.addBufferReference(dst), "a view cannot itself be viewed");
        assertEquals(0, third.length());
        assertEquals("data", contents(dst));
    }

    @Test
    @DisplayName("§1.1 st.13, §1.5 st.40: addBufferReference fires only dst's callbacks")
    default void shouldFireOnlyDestinationCallbacksForBufferReference()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        add(src, "12345");
        add(dst, "ab");
        final CallbackLog srcLog = new CallbackLog();
        final CallbackLog dstLog = new CallbackLog();
        src.addCallback(srcLog);
        dst.addCallback(dstLog);
        assertEquals(0, dst.addBufferReference(src));
        assertEquals(List.of("(2,5,0)"), dstLog.take());
        assertEquals(List.of(), srcLog.take());
    }

    @Test
    @DisplayName("§1.1 st.12, st.13, st.20: a viewed reference is cleaned up once, after its last holder lets go")
    default void shouldCleanUpViewedReferenceAfterLastHolder()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        final Ref r = newRef("shared bytes");
        assertEquals(0, r.addTo(src));
        assertEquals(0, dst.addBufferReference(src));
        assertEquals(0, src.drain(12));
        r.assertNotCleaned();
        assertEquals("shared bytes", contents(dst));
        dst.free();
        r.assertCleanedOnce();

        final Evbuffer a = newBuffer();
        final Evbuffer v = newBuffer();
        final Ref r2 = newRef("other shared");
        assertEquals(0, r2.addTo(a));
        assertEquals(0, v.addBufferReference(a));
        v.free();
        r2.assertNotCleaned();
        assertEquals("other shared", contents(a));
        a.free();
        r2.assertCleanedOnce();
        r2.assertUntouched();
    }
}
