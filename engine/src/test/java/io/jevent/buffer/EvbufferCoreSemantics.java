package io.jevent.buffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.1 core operations: add, prepend, drain, remove, copyout, the buffer moves, pullup, expand,
 * printf/iovec adds and freezing (statements 1, 2, 5–11, 14–18).
 */
interface EvbufferCoreSemantics extends EvbufferSemanticsFixture
{
    @Test
    @DisplayName("§1.1 st.1: a new buffer has length 0, no segments and no contiguous space")
    default void shouldStartEmpty()
    {
        final Evbuffer b = newBuffer();
        assertEquals(0, b.length());
        assertEquals(0, b.contiguousSpace());
        assertEquals(0, b.segmentCount());
        assertEquals(0, b.peek(-1, null, new Extents(0)));
        assertEquals(0, b.peek(-1, null, new Extents(4)));
    }

    @Test
    @DisplayName("§1.1 st.1: contiguous space is the number of data bytes in the first segment")
    default void shouldReportFirstSegmentBytesAsContiguousSpace()
    {
        final Evbuffer b = newBuffer();
        add(b, "hello");
        assertEquals(5, b.contiguousSpace());
        add(b, letters(3000, 0));
        final Extents first = new Extents(1);
        assertTrue(b.peek(-1, null, first) >= 1);
        assertEquals(first.length(0), b.contiguousSpace(), "contiguous space = first extent of peek");
        assertTrue(b.contiguousSpace() >= 5 && b.contiguousSpace() <= 3005);
        assertEquals(0, b.drain(3005));
        assertEquals(0, b.contiguousSpace(), "0 when empty");
    }

    @Test
    @DisplayName("§1.1 st.2: add appends n bytes and returns 0, across segment boundaries")
    default void shouldAppendAndReturnZero()
    {
        final Evbuffer b = newBuffer();
        final StringBuilder expected = new StringBuilder();
        for (int n = 1; n <= 70; n += 3)
        {
            final String s = letters(n, n);
            assertEquals(0, b.add(bytes(s)));
            expected.append(s);
        }
        final String big = letters(40000, 7);
        assertEquals(0, b.add(bytes(big)));
        expected.append(big);
        assertEquals(expected.length(), b.length());
        assertEquals(expected.toString(), contents(b));
        assertEquals(expected.toString(), peekContents(b));
    }

    @Test
    @DisplayName("§1.1 st.2, §1.5 st.40: adding 0 bytes returns 0, changes nothing and fires no callback")
    default void shouldIgnoreZeroByteAddWithoutCallback()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        assertEquals(0, b.add(new byte[0]));
        assertEquals(0, b.add(new byte[10], 3, 0));
        assertEquals(0, b.length());
        add(b, "abc");
        assertEquals(List.of("(0,3,0)"), log.take());
        assertEquals(0, b.add(new byte[0]));
        assertEquals("abc", contents(b));
        assertEquals(List.of(), log.take(), "no callback for an add of 0 bytes");
    }

    @Test
    @DisplayName("§1.1 st.2, st.18: add returns -1 on a frozen end, even for 0 bytes")
    default void shouldFailAddOnFrozenEndEvenForZeroBytes()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc");
        b.freeze(false);
        assertEquals(-1, b.add(bytes("def")));
        assertEquals(-1, b.add(new byte[0]));
        assertEquals(-1, b.add(ByteBuffer.wrap(bytes("x"))));
        assertEquals("abc", contents(b));
        b.unfreeze(false);
        assertEquals(0, b.add(bytes("def")));
        assertEquals("abcdef", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.5: prepend inserts before the data (libevent test_evbuffer: \"elsesomething1/hello\")")
    default void shouldPrependBeforeData()
    {
        final Evbuffer b = newBuffer();
        assertEquals(7, b.addFormat("%d/%s", 1, "hello"));
        assertEquals(0, b.prepend(bytes("something")));
        assertEquals(0, b.prepend(bytes("else")));
        assertEquals("elsesomething1/hello", contents(b));

        // Room in front after a drain: part of a longer prepend fits there, the rest goes in front.
        final Evbuffer c = newBuffer();
        add(c, letters(100, 0));
        assertEquals(0, c.drain(10));
        final String front = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!";
        assertEquals(0, c.prepend(bytes(front)));
        assertEquals(front + letters(90, 10), contents(c));
        assertEquals(front + letters(90, 10), peekContents(c));

        // Prepending into an empty buffer, repeatedly.
        final Evbuffer d = newBuffer();
        for (int i = 0; i < 40; i++)
        {
            assertEquals(0, d.prepend(bytes(Integer.toString(i % 10))));
        }
        assertEquals("9876543210".repeat(4), contents(d));
    }

    @Test
    @DisplayName("§1.1 st.5: prepend of 0 bytes returns 0, changes nothing and fires no callback")
    default void shouldIgnoreZeroBytePrepend()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        assertEquals(0, b.prepend(new byte[0]));
        assertEquals(0, b.length());
        add(b, "xyz");
        log.take();
        assertEquals(0, b.prepend(new byte[0]));
        assertEquals("xyz", contents(b));
        assertEquals(List.of(), log.take());
        assertEquals(0, b.prepend(bytes("ab")));
        assertEquals(List.of("(3,2,0)"), log.take());
    }

    @Test
    @DisplayName("§1.1 st.5, st.17: prepend on a start-frozen buffer returns -1")
    default void shouldFailPrependOnFrozenStart()
    {
        final Evbuffer b = newBuffer();
        add(b, "world");
        b.freeze(true);
        assertEquals(-1, b.prepend(bytes("hello ")));
        assertEquals(5, b.length());
        b.unfreeze(true);
        assertEquals(0, b.prepend(bytes("hello ")));
        assertEquals("hello world", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.6: drain removes min(n, len) bytes from the front and returns 0")
    default void shouldDrainMinOfNAndLength()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        add(b, "abcdef");
        b.addCallback(log);
        assertEquals(0, b.drain(3));
        assertEquals("def", contents(b));
        assertEquals(0, b.drain(100));
        assertEquals(0, b.length());
        assertEquals(List.of("(6,0,3)", "(3,0,3)"), log.take());
        assertEquals(0, b.drain(5), "draining an empty buffer returns 0");
        assertEquals(List.of(), log.take(), "draining an empty buffer fires no callback");

        final String big = letters(5000, 3);
        add(b, big);
        assertEquals(0, b.drain(1234));
        assertEquals(big.substring(1234), contents(b));
        assertEquals(0, b.drain(Long.MAX_VALUE));
        assertEquals(0, b.length());
        add(b, "again");
        assertEquals("again", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.6, st.17: drain of a start-frozen non-empty buffer returns -1")
    default void shouldFailDrainOnFrozenStart()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc");
        b.freeze(true);
        assertEquals(-1, b.drain(1));
        assertEquals(3, b.length());
        b.unfreeze(true);
        assertEquals(0, b.drain(1));
        assertEquals("bc", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.7: remove copies out min(n, len) bytes, drains them and returns the count")
    default void shouldRemoveAndReturnCount()
    {
        final Evbuffer b = newBuffer();
        final String s = letters(300, 0);
        add(b, s);
        final byte[] out = new byte[400];
        assertEquals(4, b.remove(out, 0, 4));
        assertEquals("abcd", text(out, 0, 4));
        assertEquals(296, b.length());
        assertEquals(100, b.remove(out, 10, 100));
        assertEquals(s.substring(4, 104), text(out, 10, 100));
        assertEquals(196, b.remove(out, 0, 400), "only min(n, len)");
        assertEquals(s.substring(104), text(out, 0, 196));
        assertEquals(0, b.length());
        assertEquals(0, b.remove(out, 0, 10), "0 when empty");
        add(b, "xy");
        b.freeze(true);
        assertEquals(-1, b.remove(out, 0, 1), "-1 when the start is frozen");
        assertEquals(2, b.length());
    }

    @Test
    @DisplayName("§1.1 st.8: copyout copies min(n, len) bytes without draining; -1 when start-frozen")
    default void shouldCopyoutWithoutDraining()
    {
        final Evbuffer b = newBuffer();
        final String s = letters(200, 5);
        add(b, s);
        final byte[] out = new byte[300];
        assertEquals(3, b.copyout(out, 0, 3));
        assertEquals(s.substring(0, 3), text(out, 0, 3));
        assertEquals(200, b.copyout(out, 0, 300));
        assertEquals(s, text(out, 0, 200));
        assertEquals(200, b.length(), "copyout does not drain");
        b.freeze(true);
        assertEquals(-1, b.copyout(out, 0, 3), "libevent surprise: -1 on a start-frozen buffer");
        b.unfreeze(true);
        b.drain(200);
        assertEquals(0, b.copyout(out, 0, 3));
    }

    @Test
    @DisplayName("§1.1 st.8: copyoutFrom copies from ptr.pos, at most len - pos bytes")
    default void shouldCopyoutFromPosition()
    {
        final Evbuffer b = newBuffer();
        final String s = letters(100, 0);
        add(b, s.substring(0, 30));
        final Ref r = newRef(s.substring(30, 50));
        assertEquals(0, r.addTo(b));
        add(b, s.substring(50));
        final EvbufferPtr p = new EvbufferPtr();
        final byte[] out = new byte[200];
        for (final int pos : new int[] {0, 1, 15, 29, 30, 31, 49, 50, 77, 99})
        {
            assertEquals(0, b.ptrSet(p, pos, Evbuffer.PTR_SET));
            assertEquals(Math.min(25, 100 - pos), b.copyoutFrom(p, out, 0, 25), "from " + pos);
            assertEquals(s.substring(pos, Math.min(pos + 25, 100)), text(out, 0, Math.min(25, 100 - pos)));
            assertEquals(100 - pos, b.copyoutFrom(p, out, 0, 200), "at most len - pos from " + pos);
            assertEquals(s.substring(pos), text(out, 0, 100 - pos));
        }
        assertEquals(0, b.ptrSet(p, 100, Evbuffer.PTR_SET));
        assertEquals(0, b.copyoutFrom(p, out, 0, 10), "nothing after the end");
        assertEquals(100, b.length());
    }

    @Test
    @DisplayName("§1.1 st.9, §1.5 st.40: addBuffer moves all of src to dst's end; callbacks on both")
    default void shouldMoveAllWithAddBuffer()
    {
        final Evbuffer dst = newBuffer();
        final Evbuffer src = newBuffer();
        final String a = letters(45, 0);
        final String c = letters(3000, 9);
        add(dst, a);
        add(src, c);
        final CallbackLog dstLog = new CallbackLog();
        final CallbackLog srcLog = new CallbackLog();
        dst.addCallback(dstLog);
        src.addCallback(srcLog);
        assertEquals(0, dst.addBuffer(src));
        assertEquals(0, src.length());
        assertEquals(3045, dst.length());
        assertEquals(a + c, contents(dst));
        assertEquals(List.of("(3000,0,3000)"), srcLog.take());
        assertEquals(List.of("(45,3000,0)"), dstLog.take());
        // both stay usable
        add(src, "tail");
        assertEquals(0, dst.addBuffer(src));
        assertEquals(a + c + "tail", contents(dst));
        assertEquals(0, src.length());
        add(src, "more");
        assertEquals("more", contents(src));
    }

    @Test
    @DisplayName("§1.1 st.9: addBuffer of an empty src or of itself does nothing and returns 0")
    default void shouldIgnoreAddBufferOfEmptyOrSelf()
    {
        final Evbuffer dst = newBuffer();
        final Evbuffer src = newBuffer();
        add(dst, "abc");
        final CallbackLog log = new CallbackLog();
        dst.addCallback(log);
        src.addCallback(log);
        assertEquals(0, dst.addBuffer(src));
        assertEquals(0, dst.addBuffer(dst));
        assertEquals("abc", contents(dst));
        assertEquals(0, src.length());
        assertEquals(List.of(), log.take());
    }

    @Test
    @DisplayName("§1.1 st.9, st.17, st.18: addBuffer returns -1 if dst's end or src's start is frozen")
    default void shouldFailAddBufferWhenDstEndOrSrcStartFrozen()
    {
        final Evbuffer dst = newBuffer();
        final Evbuffer src = newBuffer();
        add(dst, "abc");
        add(src, "def");
        dst.freeze(false);
        assertEquals(-1, dst.addBuffer(src));
        dst.unfreeze(false);
        src.freeze(true);
        assertEquals(-1, dst.addBuffer(src));
        src.unfreeze(true);
        assertEquals("abc", contents(dst));
        assertEquals("def", contents(src));
        // the other ends do not matter
        dst.freeze(true);
        src.freeze(false);
        assertEquals(0, dst.addBuffer(src));
        dst.unfreeze(true);
        assertEquals("abcdef", contents(dst));
        assertEquals(0, src.length());
    }

    @Test
    @DisplayName("§1.1 st.10, §1.5 st.40: prependBuffer moves all of src before dst's data; callbacks on both")
    default void shouldMoveAllWithPrependBuffer()
    {
        final Evbuffer dst = newBuffer();
        final Evbuffer src = newBuffer();
        final String tail = letters(70, 0);
        final String head = letters(2100, 4);
        add(dst, tail);
        add(src, head);
        final CallbackLog dstLog = new CallbackLog();
        final CallbackLog srcLog = new CallbackLog();
        dst.addCallback(dstLog);
        src.addCallback(srcLog);
        assertEquals(0, dst.prependBuffer(src));
        assertEquals(0, src.length());
        assertEquals(head + tail, contents(dst));
        assertEquals(List.of("(2100,0,2100)"), srcLog.take());
        assertEquals(List.of("(70,2100,0)"), dstLog.take());
        // empty src and src == dst do nothing
        assertEquals(0, dst.prependBuffer(src));
        assertEquals(0, dst.prependBuffer(dst));
        assertEquals(head + tail, contents(dst));
        assertEquals(List.of(), dstLog.take());
        assertEquals(List.of(), srcLog.take());
        // into an empty dst
        add(src, "solo");
        final Evbuffer empty = newBuffer();
        assertEquals(0, empty.prependBuffer(src));
        assertEquals("solo", contents(empty));
        add(empty, "!");
        assertEquals("solo!", contents(empty));
    }

    @Test
    @DisplayName("§1.1 st.10, st.17: prependBuffer returns -1 if either buffer's start is frozen")
    default void shouldFailPrependBufferWhenEitherStartFrozen()
    {
        final Evbuffer dst = newBuffer();
        final Evbuffer src = newBuffer();
        add(dst, "world");
        add(src, "hello ");
        dst.freeze(true);
        assertEquals(-1, dst.prependBuffer(src));
        dst.unfreeze(true);
        src.freeze(true);
        assertEquals(-1, dst.prependBuffer(src));
        src.unfreeze(true);
        assertEquals("world", contents(dst));
        assertEquals("hello ", contents(src));
        assertEquals(0, dst.prependBuffer(src));
        assertEquals("hello world", contents(dst));
    }

    @Test
    @DisplayName("§1.1 st.11, §1.5 st.40: removeBuffer moves min(n, len) front bytes to dst's end")
    default void shouldMovePrefixWithRemoveBuffer()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        final String s = letters(1000, 0);
        for (int i = 0; i < 1000; i += 100)
        {
            add(src, s.substring(i, i + 100));
        }
        add(dst, "dst:");
        final CallbackLog srcLog = new CallbackLog();
        final CallbackLog dstLog = new CallbackLog();
        src.addCallback(srcLog);
        dst.addCallback(dstLog);
        assertEquals(250, src.removeBuffer(dst, 250));
        assertEquals(s.substring(250), contents(src));
        assertEquals("dst:" + s.substring(0, 250), contents(dst));
        assertEquals(List.of("(1000,0,250)"), srcLog.take());
        assertEquals(List.of("(4,250,0)"), dstLog.take());

        assertEquals(0, src.removeBuffer(dst, 0), "n == 0 moves nothing");
        assertEquals(0, src.removeBuffer(src, 10), "src == dst moves nothing");
        assertEquals(List.of(), srcLog.take());
        assertEquals(List.of(), dstLog.take());

        assertEquals(1, src.removeBuffer(dst, 1));
        assertEquals(749, src.removeBuffer(dst, 10_000), "n >= len moves everything");
        assertEquals(0, src.length());
        assertEquals("dst:" + s, contents(dst));
        assertEquals(0, src.removeBuffer(dst, 5), "empty src moves nothing");
        add(src, "next");
        assertEquals("next", contents(src));
        add(dst, "!");
        assertEquals("dst:" + s + "!", contents(dst));
    }

    @Test
    @DisplayName("§1.1 st.11, st.17, st.18: removeBuffer returns -1 if dst's end or src's start is frozen")
    default void shouldFailRemoveBufferWhenDstEndOrSrcStartFrozen()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        add(src, "abcdef");
        dst.freeze(false);
        assertEquals(-1, src.removeBuffer(dst, 3));
        dst.unfreeze(false);
        src.freeze(true);
        assertEquals(-1, src.removeBuffer(dst, 3));
        src.unfreeze(true);
        assertEquals("abcdef", contents(src));
        assertEquals(0, dst.length());
        assertEquals(3, src.removeBuffer(dst, 3));
        assertEquals("abc", contents(dst));
        assertEquals("def", contents(src));
    }

    @Test
    @DisplayName("§1.1 st.14: pullup makes the first n bytes contiguous, keeps the content, fires no callback")
    default void shouldPullupMakingPrefixContiguous()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer tmp = newBuffer();
        final String s = letters(600, 0);
        for (int i = 0; i < 600; i += 20)
        {
            add(tmp, s.substring(i, i + 20));
            assertEquals(0, b.addBuffer(tmp));
        }
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        for (final int n : new int[] {1, 20, 21, 77, 300, 600})
        {
            final long address = b.pullup(n);
            assertNotEquals(0, address, "pullup(" + n + ")");
            assertEquals(s.substring(0, n), memory(address, n));
            assertTrue(b.contiguousSpace() >= n, "first segment holds at least n bytes after pullup(" + n + ")");
            assertEquals(s, contents(b));
        }
        final long all = b.pullup(-1);
        assertNotEquals(0, all);
        assertEquals(s, memory(all, 600));
        assertEquals(600, b.contiguousSpace());
        assertEquals(1, b.segmentCount());
        assertEquals(List.of(), log.take(), "pullup fires no callback");
        add(b, "!");
        assertEquals(s + "!", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.14: pullup returns NULL (0) for n == 0, n > len or an empty buffer")
    default void shouldReturnNullFromPullupForZeroOrTooLongOrEmpty()
    {
        final Evbuffer b = newBuffer();
        assertEquals(0, b.pullup(-1), "empty buffer");
        assertEquals(0, b.pullup(1), "empty buffer");
        add(b, "abc");
        assertEquals(0, b.pullup(0), "n == 0");
        assertEquals(0, b.pullup(4), "n > len");
        assertEquals("abc", contents(b));
        assertNotEquals(0, b.pullup(3));
    }

    @Test
    @DisplayName("§1.1 st.14: pullup copies nothing when the first segment already holds n bytes")
    default void shouldNotCopyWhenFirstSegmentHoldsPullupBytes()
    {
        final Evbuffer b = newBuffer();
        add(b, letters(5000, 0));
        final Extents e = new Extents(1);
        b.peek(-1, null, e);
        final int first = e.length(0);
        assertEquals(e.address(0), b.pullup(1));
        assertEquals(e.address(0), b.pullup(first), "a pointer into the first segment");
        b.peek(-1, null, e);
        assertEquals(first, e.length(0), "the layout is unchanged");
        // a reference region too
        final Evbuffer c = newBuffer();
        final Ref r = newRef("referenced bytes");
        assertEquals(0, r.addTo(c));
        add(c, "tail");
        assertEquals(r.address, c.pullup(10), "pullup inside a reference points into the caller memory");
        r.assertNotCleaned();
    }

    @Test
    @DisplayName("§1.1 st.15: after expand(n), n bytes are appended into one segment without allocating")
    default void shouldAppendExpandedBytesIntoOneSegmentWithoutAllocating()
    {
        for (final int n : new int[] {1, 10, 100, 1000, 5000, 20000})
        {
            for (final int prefill : new int[] {0, 3, 15, 200})
            {
                final Evbuffer b = newBuffer();
                final String pre = letters(prefill, 1);
                add(b, pre);
                assertEquals(0, b.expand(n), "expand(" + n + ") after " + prefill);
                final long before = pool().outstandingSegments();
                assertEquals(0, b.expand(n), "expanding again is a no-op");
                assertEquals(before, pool().outstandingSegments(), "a second expand allocates nothing");
                final String more = letters(n, 2);
                add(b, more);
                assertEquals(before, pool().outstandingSegments(),
                    "appending the expanded bytes allocates nothing (n=" + n + ", prefill=" + prefill + ")");
                final int k = b.peek(-1, null, new Extents(0));
                final Extents e = new Extents(k);
                b.peek(-1, null, e);
                assertTrue(e.length(k - 1) >= n, "the " + n + " appended bytes are in one segment (prefill " +
                    prefill + ")");
                assertEquals(pre + more, contents(b));
                b.free();
            }
        }
        // after an immutable reference at the tail
        final Evbuffer c = newBuffer();
        final Ref r = newRef("ref");
        assertEquals(0, r.addTo(c));
        assertEquals(0, c.expand(50));
        final long before = pool().outstandingSegments();
        add(c, letters(50, 0));
        assertEquals(before, pool().outstandingSegments());
        assertEquals("ref" + letters(50, 0), contents(c));
        r.assertUntouched();
        assertEquals(0, c.expand(0), "expand(0) succeeds");
    }

    @Test
    @DisplayName("§1.1 st.15: expand beyond the largest segment fails with -1 and leaves the buffer valid")
    default void shouldFailExpandBeyondLargestSegment()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc");
        assertEquals(-1, b.expand(Long.MAX_VALUE / 2));
        assertEquals(-1, b.expand((1L << 31) + 5));
        assertEquals("abc", contents(b));
        add(b, "def");
        assertEquals("abcdef", contents(b));
    }

    @Test
    @DisplayName("§1.1 st.16: addFormat returns the bytes appended; addAll appends every vector in order")
    default void shouldReturnAppendedCountsFromFormatAndVectorAdds()
    {
        final Evbuffer b = newBuffer();
        assertEquals(7, b.addFormat("%s/%d", "hello", 1));
        assertEquals(0, b.addFormat(""));
        final ByteBuffer[] vecs = {
            ByteBuffer.wrap(bytes("one ")), ByteBuffer.wrap(new byte[0]),
            ByteBuffer.wrap(bytes(letters(40, 0))), ByteBuffer.wrap(bytes(" three"))};
        assertEquals(50, b.addAll(vecs, 0, vecs.length));
        assertEquals("hello/1one " + letters(40, 0) + " three", contents(b));
        b.freeze(false);
        assertEquals(-1, b.addFormat("%d", 42));
        assertEquals(57, b.length());
    }

    @Test
    @DisplayName("§1.1 st.17: a frozen start refuses drain, remove, copyout, readLine, prepend, prependBuffer, " +
        "removeBuffer/addBuffer as source and writes; appends still work")
    default void shouldRefuseStartOperationsWhenStartFrozen() throws Exception
    {
        final Evbuffer b = newBuffer();
        final Evbuffer other = newBuffer();
        add(b, "line one\nline two\n");
        add(other, "other");
        b.freeze(true);
        assertTrue(b.isFrozen(true));
        final byte[] out = new byte[64];
        final EvbufferPtr p = new EvbufferPtr();
        assertEquals(0, b.ptrSet(p, 2, Evbuffer.PTR_SET));
        assertEquals(-1, b.drain(1), "drain");
        assertEquals(-1, b.remove(out, 0, 4), "remove");
        assertEquals(-1, b.copyout(out, 0, 4), "copyout");
        assertEquals(-1, b.copyoutFrom(p, out, 0, 4), "copyoutFrom");
        assertNull(b.readLine(EolStyle.LF), "readLine");
        assertEquals(-1, b.readLine(EolStyle.LF, out, 0, out.length), "readLine into an array");
        assertEquals(-1, b.prepend(bytes("x")), "prepend");
        assertEquals(-1, b.prependBuffer(other), "prependBuffer as destination");
        assertEquals(-1, other.prependBuffer(b), "prependBuffer as source");
        assertEquals(-1, b.removeBuffer(other, 3), "removeBuffer as source");
        assertEquals(-1, other.addBuffer(b), "addBuffer as source");
        assertEquals(-1, b.prepareWrite(-1, new ByteBuffer[4]), "write");
        final Pipe pipe = Pipe.open();
        try
        {
            pipe.sink().configureBlocking(false);
            assertEquals(Evbuffer.FROZEN, b.writeTo(pipe.sink(), -1), "write_atmost");
        }
        finally
        {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals("line one\nline two\n", peekContents(b));
        assertEquals("other", contents(other));
        assertEquals(0, b.add(bytes("three")), "appends still work");
        assertEquals(2, other.removeBuffer(b, 2), "removeBuffer into a start-frozen dst works");
        b.unfreeze(true);
        assertEquals("line one\nline two\nthreeot", contents(b));
        assertEquals("line one", b.readLine(EolStyle.LF));
    }

    @Test
    @DisplayName("§1.1 st.18: a frozen end refuses add, addFormat, addReference, addBuffer as destination, " +
        "reserve, commit and reads; drains and prepends still work; unfreeze restores")
    default void shouldRefuseEndOperationsWhenEndFrozen() throws Exception
    {
        final Evbuffer b = newBuffer();
        final Evbuffer other = newBuffer();
        add(b, "0123456789");
        add(other, "other");
        final Extents reserved = new Extents(1);
        assertEquals(1, b.reserveSpace(5, reserved));
        b.freeze(false);
        assertTrue(b.isFrozen(false));
        assertEquals(-1, b.add(bytes("x")), "add");
        assertEquals(-1, b.add(new byte[0]), "add of 0 bytes");
        assertEquals(-1, b.addFormat("%d", 5), "add_printf");
        final Ref r = newRef("ref");
        assertEquals(-1, r.addTo(b), "add_reference");
        r.assertNotCleaned();
        assertEquals(-1, b.addBuffer(other), "addBuffer as destination");
        assertEquals(-1, other.removeBuffer(b, 2), "removeBuffer into a frozen destination");
        assertEquals(-1, b.commitSpace(reserved, 1), "commit_space");
        assertEquals(-1, b.reserveSpace(5, new Extents(1)), "reserve_space");
        assertEquals(-1, b.prepareRead(100, new ByteBuffer[4]), "read");
        final Pipe pipe = Pipe.open();
        try
        {
            pipe.source().configureBlocking(false);
            assertEquals(Evbuffer.FROZEN, b.readFrom(pipe.source(), -1), "evbuffer_read");
        }
        finally
        {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals("0123456789", contents(b));
        assertEquals("other", contents(other));
        assertEquals(0, b.drain(2), "drains still work");
        assertEquals(0, b.prepend(bytes("ab")), "prepends still work");
        assertEquals(0, b.prependBuffer(other), "prependBuffer still works");
        assertEquals("otherab23456789", contents(b));
        b.unfreeze(false);
        assertEquals(0, b.add(bytes("!")));
        assertEquals(0, r.addTo(b));
        assertEquals("otherab23456789!ref", contents(b));
    }
}
