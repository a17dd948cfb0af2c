package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.15 statements 113–115: persistent timeouts, common timeouts and once-events.
 */
public interface EventBaseTimerSemantics extends EventBaseFixture
{
    @Test
    @DisplayName("§1.15 st.113: persistent_timeout_jump: missed periods are not replayed (count == 1)")
    default void shouldNotReplayMissedPeriods()
    {
        final EventBase b = base();
        final int[] count = {0};
        final Event ev = b.newTimer(true, (e, fd, what) -> count[0]++);
        ev.add(100, TimeUnit.MILLISECONDS);
        sleepMs(300);
        b.loopExit(50, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertEquals(1, count[0]);
    }

    @Test
    @DisplayName("§1.15 st.113: persistent_active_timeout: READ at 100 ms, then TIMEOUT at 300 and 500 ms")
    default void shouldRearmFromNowAfterManualActivation()
    {
        final EventBase b = base();
        final List<Integer> events = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        final long[] t0 = new long[1];
        final long period = TimeUnit.MILLISECONDS.toNanos(200);
        final List<Long> nextMinusNow = new ArrayList<>();
        final Event ev = b.newTimer(true, (e, fd, what) ->
        {
            events.add(what);
            at.add(msSince(t0[0]));
            nextMinusNow.add(e.pendingDeadline() - b.now());
        });
        ev.add(200, TimeUnit.MILLISECONDS);
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 100, TimeUnit.MILLISECONDS,
            (e, fd, what) -> ev.active(EventFlags.READ)));
        b.loopExit(600, TimeUnit.MILLISECONDS);
        t0[0] = System.nanoTime();
        assertEquals(0, b.dispatch());
        assertEquals(List.of(EventFlags.READ, EventFlags.TIMEOUT, EventFlags.TIMEOUT), events, "at " + at);
        assertTrue(at.get(0) >= 90 && at.get(0) < 195, "READ at ~100 ms: " + at);
        assertTrue(at.get(1) >= at.get(0) + 190, "first TIMEOUT 200 ms after the READ: " + at);
        assertTrue(at.get(2) >= at.get(1) + 150, "second TIMEOUT a period later: " + at);
        assertEquals(period, nextMinusNow.get(0), "after the manual activation: next deadline = cached now + T");
    }

    @Test
    @DisplayName("§1.15 st.113: a persistent timeout re-arms at previous deadline + T: no drift over 20 periods")
    default void shouldNotDriftOverManyPeriods()
    {
        final EventBase b = base();
        final long period = TimeUnit.MILLISECONDS.toNanos(25);
        final List<Long> deadlines = new ArrayList<>();
        final Event ev = b.newTimer(true, (e, fd, what) ->
        {
            deadlines.add(e.pendingDeadline());
            EventBaseFixture.spinMs(5);
            if (deadlines.size() == 20)
            {
                e.del();
            }
        });
        ev.add(25, TimeUnit.MILLISECONDS);
        final long first = ev.pendingDeadline();
        final long t0 = System.nanoTime();
        assertEquals(1, b.dispatch());
        final long took = msSince(t0);
        assertEquals(20, deadlines.size());
        int exact = 0;
        long prev = first;
        for (final long d : deadlines)
        {
            assertTrue(d - prev >= period, "a period is never shortened");
            if (d - prev == period)
            {
                exact++;
            }
            prev = d;
        }
        assertTrue(exact >= 15, "next deadline = previous deadline + T (not now + T): " + exact + " of 20 exact");
        assertTrue(took >= 480, "20 periods of 25 ms took " + took + " ms");
    }

    @Test
    @DisplayName("§1.15 st.113: after I/O a persistent event's next timeout is now + T")
    default void shouldRearmFromNowAfterIo()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> events = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        final long[] t0 = new long[1];
        final List<Long> nextMinusNow = new ArrayList<>();
        final Event ev = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
        {
            events.add(what);
            at.add(msSince(t0[0]));
            nextMinusNow.add(e.pendingDeadline() - b.now());
            EventBaseFixture.drain(p.source());
            if (events.size() == 2)
            {
                e.del();
            }
        });
        assertEquals(0, ev.add(200, TimeUnit.MILLISECONDS));
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 100, TimeUnit.MILLISECONDS,
            (e, fd, what) -> EventBaseFixture.write(p.sink(), 1)));
        t0[0] = System.nanoTime();
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.READ, EventFlags.TIMEOUT), events);
        assertTrue(at.get(1) >= at.get(0) + 190, "timeout 200 ms after the read, not at 200 ms: " + at);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(200), nextMinusNow.get(0),
            "after I/O: next deadline = cached now + T");
    }

    @Test
    @DisplayName("§1.15 st.114: initCommonTimeout returns the same handle for the same duration")
    default void shouldShareCommonTimeoutHandles()
    {
        final EventBase b = base();
        final CommonTimeout a = b.initCommonTimeout(100, TimeUnit.MILLISECONDS);
        assertSame(a, b.initCommonTimeout(100_000, TimeUnit.MICROSECONDS));
        assertSame(a, b.initCommonTimeout(100, TimeUnit.MILLISECONDS));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), a.durationNanos());
        assertNotSame(a, b.initCommonTimeout(200, TimeUnit.MILLISECONDS));
        assertNotSame(a, newBase(backendConfig()).initCommonTimeout(100, TimeUnit.MILLISECONDS),
            "per base");
    }

    @Test
    @DisplayName("§1.15 st.114: at most 256 common timeouts per base; the 257th throws")
    default void shouldLimitCommonTimeoutsTo256()
    {
        final EventBase b = base();
        for (int i = 0; i < 256; i++)
        {
            b.initCommonTimeout(i + 1, TimeUnit.MILLISECONDS);
        }
        assertThrows(IllegalStateException.class, () -> b.initCommonTimeout(1000, TimeUnit.MILLISECONDS));
        b.initCommonTimeout(7, TimeUnit.MILLISECONDS);
    }

    @Test
    @DisplayName("§1.15 st.114: events sharing one common timeout fire in insertion order (FIFO)")
    default void shouldFireCommonTimeoutsInFifoOrder()
    {
        final EventBase b = base();
        final CommonTimeout ct = b.initCommonTimeout(50, TimeUnit.MILLISECONDS);
        final List<Integer> order = new ArrayList<>();
        final int n = 500;
        for (int i = 0; i < n; i++)
        {
            final int idx = i;
            assertEquals(0, b.newTimer(false, (e, fd, what) -> order.add(idx)).add(ct));
        }
        final long t0 = System.nanoTime();
        assertEquals(1, b.dispatch());
        assertTrue(msSince(t0) >= 40);
        assertEquals(n, order.size());
        for (int i = 0; i < n; i++)
        {
            assertEquals(i, order.get(i));
        }

        order.clear();
        final Event adder = b.newTimer(false, (e, fd, what) ->
        {
            for (int i = 0; i < 100; i++)
            {
                final int idx = i;
                assertEquals(0, b.newTimer(false, (e2, fd2, what2) -> order.add(idx)).add(ct));
            }
        });
        adder.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(100, order.size());
        for (int i = 0; i < 100; i++)
        {
            assertEquals(i, order.get(i), "equal deadlines (added with one cached now) still FIFO");
        }
    }

    @Test
    @DisplayName("§1.15 st.114: test common_timeout: persistent events on common and plain timeouts of two durations")
    default void shouldRunPersistentCommonTimeoutsPeriodically()
    {
        final EventBase b = base();
        final CommonTimeout ms50 = b.initCommonTimeout(50, TimeUnit.MILLISECONDS);
        final CommonTimeout ms100 = b.initCommonTimeout(100, TimeUnit.MILLISECONDS);
        final int[] counts = new int[8];
        final long[] lastAt = new long[8];
        final long t0 = System.nanoTime();
        for (int i = 0; i < 8; i++)
        {
            final int idx = i;
            final Event ev = b.newTimer(true, (e, fd, what) ->
            {
                assertEquals(EventFlags.TIMEOUT, what);
                lastAt[idx] = msSince(t0);
                if (++counts[idx] >= 4)
                {
                    e.del();
                }
            });
            final boolean fast = 0 == (i & 2);
            if (0 != (i & 1))
            {
                assertEquals(0, ev.add(fast ? ms50 : ms100));
            }
            else
            {
                assertEquals(0, ev.add(fast ? 50 : 100, TimeUnit.MILLISECONDS));
            }
        }
        assertEquals(1, b.dispatch());
        for (int i = 0; i < 8; i++)
        {
            assertEquals(4, counts[i], "event " + i);
            final long period = 0 == (i & 2) ? 50 : 100;
            assertTrue(lastAt[i] >= 4 * period - 10 && lastAt[i] < 4 * period + 1000,
                "event " + i + " fired 4th at " + lastAt[i] + " ms");
        }
    }

    @Test
    @DisplayName("§1.15 st.115: once with a zero or no timeout is activated at once, without a timer")
    default void shouldActivateZeroTimeoutOnceImmediately()
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 0, TimeUnit.MILLISECONDS, (e, fd, what) -> calls.add(what)));
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, -1, TimeUnit.MILLISECONDS, (e, fd, what) -> calls.add(what)));
        assertEquals(0, b.counters().timers(), "no timer used");
        assertEquals(1, b.loop(LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.TIMEOUT, EventFlags.TIMEOUT), calls);
    }

    @Test
    @DisplayName("§1.15 st.115: once with SIGNAL, PERSIST or no event kind returns -1")
    default void shouldRejectBadOnceKinds()
    {
        final EventBase b = base();
        final EventCallback cb = (e, fd, what) ->
        {
        };
        assertEquals(-1, b.once(-1, EventFlags.SIGNAL, 10, TimeUnit.MILLISECONDS, cb));
        assertEquals(-1, b.once(-1, EventFlags.TIMEOUT | EventFlags.PERSIST, 10, TimeUnit.MILLISECONDS, cb));
        assertEquals(-1, b.once(-1, 0, 10, TimeUnit.MILLISECONDS, cb));
        assertEquals(-1, b.once(-1, EventFlags.PERSIST, 10, TimeUnit.MILLISECONDS, cb));
        assertEquals(1, b.dispatch(), "nothing was scheduled");
    }

    @Test
    @DisplayName("§1.15 st.115: a once timeout fires one time after its delay and is gone")
    default void shouldFireOnceTimeoutOneTime()
    {
        final EventBase b = base();
        final List<Long> at = new ArrayList<>();
        final long t0 = System.nanoTime();
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 100, TimeUnit.MILLISECONDS,
            (e, fd, what) -> at.add(msSince(t0))));
        assertEquals(1, b.dispatch());
        assertEquals(1, at.size());
        assertTrue(at.get(0) >= 90, "after " + at);
        assertEquals(1, b.dispatch());
        assertEquals(1, at.size());
    }

    @Test
    @DisplayName("§1.15 st.115: test event_once: total 2101 (READ once + 50 ms timeout + two immediate ones)")
    default void shouldPassLibeventsEventOnceTest()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final int[] called = {0};
        final boolean rawFds = 0 != (b.features() & IoBackend.FEATURE_RAW_FDS);
        final int fd = ChannelFds.fdOf(p.source());
        final EventCallback readOnce = (e, f, what) ->
        {
            assertEquals(EventFlags.READ, what);
            called[0] += 1;
        };
        if (rawFds)
        {
            assertEquals(0, b.once(fd, EventFlags.READ, -1, TimeUnit.MILLISECONDS, readOnce));
        }
        else
        {
            assertThrows(IllegalArgumentException.class,
                () -> b.once(fd, EventFlags.READ, -1, TimeUnit.MILLISECONDS, readOnce),
                "a backend without raw fds refuses a raw-fd once");
        }
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 50, TimeUnit.MILLISECONDS, (e, f, what) ->
        {
            assertEquals(EventFlags.TIMEOUT, what);
            called[0] += 100;
        }));
        assertEquals(-1, b.once(-1, 0, -1, TimeUnit.MILLISECONDS, (e, f, what) ->
        {
        }));
        final EventCallback immediate = (e, f, what) ->
        {
            assertEquals(EventFlags.TIMEOUT, what);
            called[0] += 1000;
        };
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, -1, TimeUnit.MILLISECONDS, immediate));
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 0, TimeUnit.MILLISECONDS, immediate));
        EventBaseFixture.write(p.sink(), 15);
        assertEquals(1, b.dispatch());
        assertEquals(rawFds ? 2101 : 2100, called[0]);
    }

    @Test
    @DisplayName("§1.15 st.115: pending once-events are dropped with the base; their callbacks never run")
    default void shouldDropPendingOnceEventsWithTheBase()
    {
        final EventBase b = newBase(backendConfig());
        final int[] calls = {0};
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 1, TimeUnit.HOURS, (e, fd, what) -> calls[0]++));
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, 0, TimeUnit.HOURS, (e, fd, what) -> calls[0]++));
        b.free();
        b.free();
        assertEquals(0, calls[0]);
        assertThrows(IllegalStateException.class, () -> b.loop(0));
    }
}
