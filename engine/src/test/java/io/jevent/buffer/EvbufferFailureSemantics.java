package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static io.jevent.buffer.EvbufferSemanticsFixture.memory;
import static io.jevent.buffer.EvbufferSemanticsFixture.peekContents;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User code that throws: reference cleanups and change callbacks run once the buffer is complete,
 * all those due run even if one throws, and the first exception reaches the caller with later ones
 * suppressed. The suite's after-test check then proves free() still releases every segment.
 */
interface EvbufferFailureSemantics extends EvbufferSemanticsFixture
{
    /** A failure of user code, told apart from anything the buffer throws. */
    final class UserFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UserFailure(final String message)
        {
            super(message);
        }
    }

    /**
     * Caller memory whose cleanup records its calls and then throws (when {@code fails}).
     */
    final class FailingRef implements ReferenceCleanup
    {
        final ByteBuffer memory;
        final long address;
        final int length;
        final boolean fails;
        final List<Evbuffer> seen = new ArrayList<>();
        int calls;
        Runnable during;

        FailingRef(final String content, final boolean fails)
        {
            memory = ByteBuffer.allocateDirect(content.length());
            memory.put(0, bytes(content));
            address = BufferUtil.address(memory);
            length = content.length();
            this.fails = fails;
        }

        int addTo(final Evbuffer b)
        {
            return b.addReference(address, length, this);
        }

        @Override
        public void release(final long a, final int n)
        {
            calls++;
            assertEquals(address, a);
            assertEquals(length, n);
            if (null != during)
            {
                during.run();
            }
            if (fails)
            {
                throw new UserFailure("cleanup of " + memory(a, n));
            }
        }
    }

    @Test
    @DisplayName("a cleanup that throws during a drain: every cleanup due runs, the drain stands, " +
        "the first exception is rethrown")
    default void shouldCompleteADrainWhoseCleanupsThrow()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        add(b, "ab");
        final FailingRef first = new FailingRef("cdef", true);
        final FailingRef quiet = new FailingRef("gh", false);
        final FailingRef second = new FailingRef("ijk", true);
        assertEquals(0, first.addTo(b));
        assertEquals(0, quiet.addTo(b));
        assertEquals(0, second.addTo(b));
        add(b, "lmn");
        log.take();
        final long segmentsBefore = pool().outstandingSegments();

        final UserFailure ex = assertThrows(UserFailure.class, () -> b.drain(12));
        assertEquals("cleanup of cdef", ex.getMessage(), "the first cleanup's exception");
        assertEquals(1, ex.getSuppressed().length, "the second one is attached to it");
        assertEquals("cleanup of ijk", ex.getSuppressed()[0].getMessage());
        assertEquals(1, first.calls);
        assertEquals(1, quiet.calls, "a cleanup after a throwing one still runs");
        assertEquals(1, second.calls);
        assertEquals(2, b.length(), "the drain took full effect");
        assertEquals("mn", contents(b));
        assertEquals("mn", peekContents(b));
        assertEquals(List.of("(14,0,12)"), log.take(), "callbacks ran with the exact counts");
        assertEquals(0, pool().outstandingWrappers(), "the reference wrappers went back to the pool");
        assertTrue(pool().outstandingSegments() <= segmentsBefore);
        add(b, "o");
        assertEquals(List.of("(2,1,0)"), log.take(), "the next round starts after this one");
        assertEquals("mno", contents(b));
    }

    @Test
    @DisplayName("a cleanup that throws when the buffer is freed: the buffer is freed and every cleanup ran")
    default void shouldFreeEverythingWhenACleanupThrowsDuringFree()
    {
        final Evbuffer b = newBuffer();
        final FailingRef failing = new FailingRef("failing", true);
        final FailingRef quiet = new FailingRef("quiet", false);
        add(b, "data before");
        assertEquals(0, failing.addTo(b));
        add(b, "data between");
        assertEquals(0, quiet.addTo(b));
        final UserFailure ex = assertThrows(UserFailure.class, b::free);
        assertEquals("cleanup of failing", ex.getMessage());
        assertTrue(b.isFreed());
        assertEquals(1, failing.calls);
        assertEquals(1, quiet.calls);
        assertEquals(0, pool().outstandingSegments(), "every segment went back");
        assertEquals(0, pool().outstandingWrappers());
        b.free();
        assertEquals(1, failing.calls, "a second free runs nothing again");
    }

    @Test
    @DisplayName("a cleanup that throws during a pullup: the bytes are contiguous all the same")
    default void shouldCompleteAPullupWhoseCleanupThrows()
    {
        final Evbuffer b = newBuffer();
        final FailingRef failing = new FailingRef("referenced", true);
        assertEquals(0, failing.addTo(b));
        add(b, "+added");
        assertThrows(UserFailure.class, () -> b.pullup(-1));
        assertEquals(1, failing.calls, "the reference was copied whole and released");
        assertEquals(16, b.contiguousSpace());
        assertEquals("referenced+added", memory(b.pullup(-1), 16));
        assertEquals(1, failing.calls);
    }

    @Test
    @DisplayName("a cleanup may use the buffer that released it: it finds the drain complete")
    default void shouldRunCleanupsOnAConsistentBuffer()
    {
        final Evbuffer b = newBuffer();
        final FailingRef ref = new FailingRef("ref", false);
        assertEquals(0, ref.addTo(b));
        add(b, "tail");
        final List<String> seen = new ArrayList<>();
        ref.during = () ->
        {
            seen.add(b.length() + ":" + contents(b));
            add(b, "!");
        };
        assertEquals(0, b.drain(4));
        assertEquals(List.of("3:ail"), seen, "the cleanup saw the buffer after the drain");
        assertEquals("ail!", contents(b));
    }

    @Test
    @DisplayName("a shared reference is cleaned by the last buffer that drains it, even if the cleanup throws")
    default void shouldCleanASharedReferenceOnceWhenTheLastViewThrows()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer view = newBuffer();
        final FailingRef failing = new FailingRef("shared", true);
        assertEquals(0, failing.addTo(src));
        assertEquals(0, view.addBufferReference(src));
        assertEquals(0, src.drain(6));
        assertEquals(0, failing.calls, "the view still holds it");
        add(view, "!");
        assertThrows(UserFailure.class, () -> view.drain(6));
        assertEquals(1, failing.calls);
        assertEquals("!", contents(view));
        assertEquals(0, pool().outstandingWrappers(), "view and reference wrappers released");
    }

    @Test
    @DisplayName("a callback that throws: the rest of the round runs, the first exception is rethrown, " +
        "counts stay exact")
    default void shouldRunEveryCallbackWhenOneThrows()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog first = new CallbackLog();
        final CallbackLog last = new CallbackLog();
        final List<String> order = new ArrayList<>();
        b.addCallback(last);
        b.addCallback((buf, o, a, d) ->
        {
            order.add("second thrower");
            throw new UserFailure("second");
        });
        b.addCallback((buf, o, a, d) ->
        {
            order.add("first thrower");
            assertEquals(o + a - d, buf.length(), "the buffer is complete when callbacks run");
            throw new UserFailure("first");
        });
        b.addCallback(first);

        final UserFailure ex = assertThrows(UserFailure.class, () -> add(b, "abc"));
        assertEquals("first", ex.getMessage(), "the first exception, in the order callbacks run");
        assertEquals("second", ex.getSuppressed()[0].getMessage());
        assertEquals(List.of("first thrower", "second thrower"), order);
        assertEquals(List.of("(0,3,0)"), first.take());
        assertEquals(List.of("(0,3,0)"), last.take(), "callbacks after the throwing ones ran");
        assertEquals("abc", contents(b), "the add stands");

        assertThrows(UserFailure.class, () -> b.drain(1));
        assertEquals(List.of("(3,0,1)"), first.take(), "the next round counts from the end of this one");
        assertEquals(List.of("(3,0,1)"), last.take());
    }

    @Test
    @DisplayName("a move whose source callback throws still runs the destination's callbacks")
    default void shouldRunBothBuffersCallbacksWhenAMoveCallbackThrows()
    {
        final Evbuffer src = newBuffer();
        final Evbuffer dst = newBuffer();
        add(src, "moved bytes");
        final boolean[] armed = {true};
        src.addCallback((buf, o, a, d) ->
        {
            if (armed[0])
            {
                throw new UserFailure("source");
            }
        });
        final CallbackLog dstLog = new CallbackLog();
        dst.addCallback(dstLog);
        final UserFailure ex = assertThrows(UserFailure.class, () -> dst.addBuffer(src));
        assertEquals("source", ex.getMessage());
        assertEquals(List.of("(0,11,0)"), dstLog.take(), "the destination's callbacks ran after the source's threw");
        assertEquals(0, src.length());
        assertEquals("moved bytes", contents(dst));

        armed[0] = false;
        add(src, "more");
        armed[0] = true;
        final UserFailure again = assertThrows(UserFailure.class, () -> src.removeBuffer(dst, 2));
        assertEquals("source", again.getMessage());
        assertEquals(List.of("(11,2,0)"), dstLog.take());
        assertEquals("moved bytesmo", contents(dst));
        assertEquals("re", contents(src));
    }

    @Test
    @DisplayName("a deferred round whose callback throws rethrows from the task; the next change schedules again")
    default void shouldScheduleAgainAfterADeferredCallbackThrew()
    {
        final Evbuffer b = newBuffer();
        final ArrayDeque<Runnable> loop = new ArrayDeque<>();
        b.deferCallbacks(loop::add);
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        final boolean[] fail = {true};
        b.addCallback((buf, o, a, d) ->
        {
            if (fail[0])
            {
                throw new UserFailure("deferred");
            }
        });
        add(b, "abc");
        assertEquals(1, loop.size());
        final Runnable task = loop.poll();
        assertThrows(UserFailure.class, task::run);
        assertEquals(List.of("(0,3,0)"), log.take(), "the other callback of the deferred round ran");
        fail[0] = false;
        add(b, "d");
        assertEquals(1, loop.size(), "scheduled again");
        loop.poll().run();
        assertEquals(List.of("(3,1,0)"), log.take());
    }

    @Test
    @DisplayName("a deferrer that throws: the change stands and a later change schedules again")
    default void shouldScheduleAgainAfterTheDeferrerThrew()
    {
        final Evbuffer b = newBuffer();
        final ArrayDeque<Runnable> loop = new ArrayDeque<>();
        final boolean[] fail = {true};
        b.deferCallbacks(task ->
        {
            if (fail[0])
            {
                throw new UserFailure("deferrer");
            }
            loop.add(task);
        });
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        assertThrows(UserFailure.class, () -> add(b, "abc"));
        assertEquals("abc", contents(b));
        fail[0] = false;
        add(b, "d");
        assertEquals(1, loop.size(), "the failed scheduling did not leave the buffer believing a run is pending");
        loop.poll().run();
        assertEquals(List.of("(0,4,0)"), log.take(), "the deferred round reports both changes");
    }

    @Test
    @DisplayName("an exception thrown twice (the same object) is rethrown once, not suppressed into itself")
    default void shouldRethrowTheSameExceptionObjectOnce()
    {
        final Evbuffer b = newBuffer();
        final UserFailure shared = new UserFailure("shared");
        b.addCallback((buf, o, a, d) ->
        {
            throw shared;
        });
        b.addCallback((buf, o, a, d) ->
        {
            throw shared;
        });
        final UserFailure ex = assertThrows(UserFailure.class, () -> add(b, "x"));
        assertSame(shared, ex);
        assertArrayEquals(new Throwable[0], ex.getSuppressed());
    }
}
