package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.15 statements 102–106: loop return values, ONCE, NONBLOCK, loopExit, loopBreak, loopContinue.
 */
public interface EventBaseLoopControlSemantics extends EventBaseFixture
{
    @Test
    @DisplayName("§1.15 st.102: loop(0) and dispatch() return 1 at once when nothing is added or active")
    default void shouldReturnOneWhenEmpty()
    {
        final EventBase b = base();
        final long t0 = System.nanoTime();
        assertEquals(1, b.loop(0));
        assertEquals(1, b.dispatch());
        assertEquals(1, b.loop(LoopFlags.ONCE));
        assertEquals(1, b.loop(LoopFlags.NONBLOCK));
        assertTrue(msSince(t0) < 1000, "returned at once");
    }

    @Test
    @DisplayName("§1.15 st.102: dispatch returns 1 once the last event has run and nothing is left")
    default void shouldReturnOneWhenEventsRunOut()
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        b.newTimer(false, (e, fd, what) -> calls.add(what)).add(10, TimeUnit.MILLISECONDS);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.TIMEOUT), calls);
    }

    @Test
    @DisplayName("§1.15 st.102: loop returns 0 after loopExit and after loopBreak, with events still pending")
    default void shouldReturnZeroAfterExitOrBreak()
    {
        final EventBase b = base();
        final Event far = b.newTimer(false, (e, fd, what) ->
        {
        });
        far.add(10, TimeUnit.SECONDS);
        b.newTimer(false, (e, fd, what) -> b.loopExit()).add(10, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertTrue(b.gotExit());
        b.newTimer(false, (e, fd, what) -> b.loopBreak()).add(10, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertTrue(b.gotBreak());
        assertTrue(0 != far.pending(EventFlags.TIMEOUT), "the far timer is still pending");
    }

    @Test
    @DisplayName("§1.15 st.102: a reentrant loop() or dispatch() inside a callback returns -1")
    default void shouldRefuseReentrantLoop()
    {
        final EventBase b = base();
        final List<Integer> inner = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) ->
        {
            inner.add(b.loop(0));
            inner.add(b.dispatch());
            inner.add(b.loop(LoopFlags.NONBLOCK));
        });
        ev.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(-1, -1, -1), inner);
        assertFalse(b.isRunning());
    }

    @Test
    @DisplayName("§1.15 st.102: NO_EXIT_ON_EMPTY keeps looping with nothing pending until loopBreak")
    default void shouldKeepLoopingWhenNoExitOnEmpty() throws Exception
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        b.newTimer(false, (e, fd, what) -> calls.add(what)).add(20, TimeUnit.MILLISECONDS);
        final Thread breaker = new Thread(() ->
        {
            sleepMs(300);
            b.execute(b::loopBreak);
        });
        final long t0 = System.nanoTime();
        breaker.start();
        final int rc = b.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        final long took = msSince(t0);
        breaker.join();
        assertEquals(0, rc);
        assertEquals(1, calls.size());
        assertTrue(took >= 250, "kept looping after the only timer ran: " + took + " ms");
    }

    @Test
    @DisplayName("§1.15 st.103: ONCE runs a higher-priority activation plus the other active events in one call")
    default void shouldRunEverythingActiveInOneOnceCall()
    {
        final EventBase b = newBase(backendConfig().priorities(3));
        final List<String> order = new ArrayList<>();
        final Event high = b.newTimer(false, (e, fd, what) -> order.add("high"));
        assertEquals(0, high.setPriority(0));
        final Event a = b.newTimer(false, (e, fd, what) ->
        {
            order.add("a");
            high.active(EventFlags.TIMEOUT);
        });
        final Event c = b.newTimer(false, (e, fd, what) -> order.add("c"));
        final Event d = b.newTimer(false, (e, fd, what) -> order.add("d"));
        final Event far = b.newTimer(false, (e, fd, what) -> order.add("far"));
        far.add(10, TimeUnit.SECONDS);
        a.active(EventFlags.TIMEOUT);
        c.active(EventFlags.TIMEOUT);
        d.active(EventFlags.TIMEOUT);
        assertEquals(0, b.loop(LoopFlags.ONCE));
        assertEquals(List.of("a", "high", "c", "d"), order);
    }

    @Test
    @DisplayName("§1.15 st.103: ONCE blocks until something is active, runs it and returns 0")
    default void shouldBlockInOnceUntilSomethingRuns()
    {
        final EventBase b = base();
        final List<String> order = new ArrayList<>();
        b.newTimer(false, (e, fd, what) -> order.add("100ms")).add(100, TimeUnit.MILLISECONDS);
        b.newTimer(false, (e, fd, what) -> order.add("10s")).add(10, TimeUnit.SECONDS);
        final long t0 = System.nanoTime();
        assertEquals(0, b.loop(LoopFlags.ONCE));
        final long took = msSince(t0);
        assertEquals(List.of("100ms"), order);
        assertTrue(took >= 90 && took < 5000, "ONCE waited for the timer: " + took + " ms");
    }

    @Test
    @DisplayName("§1.15 st.104: NONBLOCK keeps running an always-writable persistent event: " +
        "5 calls until it deletes itself, rc 1")
    default void shouldKeepGoingInNonblockWhileCallbacksBecomeActive()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final int[] calls = {0};
        final Event w = b.newEvent(p.sink(), EventFlags.WRITE | EventFlags.PERSIST, (e, fd, what) ->
        {
            if (++calls[0] == 5)
            {
                e.del();
            }
        });
        assertEquals(0, w.add());
        assertEquals(1, b.loop(LoopFlags.NONBLOCK));
        assertEquals(5, calls[0]);
    }

    @Test
    @DisplayName("§1.15 st.104: ONCE|NONBLOCK runs what is ready once and returns 0 (1 call)")
    default void shouldRunOnePassInOnceNonblock()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final int[] calls = {0};
        final Event w = b.newEvent(p.sink(), EventFlags.WRITE | EventFlags.PERSIST, (e, fd, what) ->
        {
            if (++calls[0] == 5)
            {
                e.del();
            }
        });
        assertEquals(0, w.add());
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(1, calls[0]);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(2, calls[0]);
    }

    @Test
    @DisplayName("§1.15 st.104: NONBLOCK with nothing ready returns 0 at once, even with a far timer pending")
    default void shouldNotBlockInNonblock()
    {
        final EventBase b = base();
        final int[] calls = {0};
        b.newTimer(false, (e, fd, what) -> calls[0]++).add(10, TimeUnit.SECONDS);
        final long t0 = System.nanoTime();
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(0, b.loop(LoopFlags.NONBLOCK | LoopFlags.ONCE));
        assertTrue(msSince(t0) < 1000);
        assertEquals(0, calls[0]);
    }

    @Test
    @DisplayName("§1.15 st.105: loopExit inside a callback finishes the pass: an event active behind it still runs")
    default void shouldFinishThePassOnLoopExit()
    {
        final EventBase b = base();
        final List<String> order = new ArrayList<>();
        final Event first = b.newTimer(false, (e, fd, what) ->
        {
            order.add("first");
            b.loopExit();
        });
        final Event second = b.newTimer(false, (e, fd, what) -> order.add("second"));
        final Event far = b.newTimer(false, (e, fd, what) -> order.add("far"));
        far.add(10, TimeUnit.SECONDS);
        first.active(EventFlags.TIMEOUT);
        second.active(EventFlags.TIMEOUT);
        assertEquals(0, b.dispatch());
        assertEquals(List.of("first", "second"), order);
        assertTrue(b.gotExit());
        assertFalse(b.gotBreak());
    }

    @Test
    @DisplayName("§1.15 st.105: loopExit does not poll again: an fd made ready by the last pass is not run")
    default void shouldNotPollAgainAfterLoopExit()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<String> order = new ArrayList<>();
        final Event r = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
        {
            order.add("read");
            EventBaseFixture.drain(p.source());
        });
        assertEquals(0, r.add());
        final Event t = b.newTimer(false, (e, fd, what) ->
        {
            order.add("timer");
            EventBaseFixture.write(p.sink(), 1);
            b.loopExit();
        });
        t.active(EventFlags.TIMEOUT);
        assertEquals(0, b.dispatch());
        assertEquals(List.of("timer"), order);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of("timer", "read"), order);
    }

    @Test
    @DisplayName("§1.15 st.105: loopexit_multiple: with exits at 200 ms and 3 s the loop exits at ~200 ms")
    default void shouldHonourTheEarliestOfSeveralExits()
    {
        final EventBase b = base();
        assertEquals(0, b.loopExit(200, TimeUnit.MILLISECONDS));
        assertEquals(0, b.loopExit(3, TimeUnit.SECONDS));
        final long t0 = System.nanoTime();
        assertEquals(0, b.dispatch());
        final long took = msSince(t0);
        assertTrue(took >= 190 && took < 2000, "exited after " + took + " ms");
        assertTrue(b.gotExit());
    }

    @Test
    @DisplayName("§1.15 st.105: gotExit stays true after the loop returns, until the next loop starts")
    default void shouldResetGotExitWhenTheNextLoopStarts()
    {
        final EventBase b = base();
        assertFalse(b.gotExit());
        b.newTimer(false, (e, fd, what) ->
        {
        }).add(10, TimeUnit.SECONDS);
        b.loopExit(10, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertTrue(b.gotExit());
        assertTrue(b.gotExit(), "still true");
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertFalse(b.gotExit(), "reset by the next loop");
    }

    @Test
    @DisplayName("§1.15 st.106: loopBreak returns after the running callback; the other active event does not run")
    default void shouldStopAfterTheCurrentCallbackOnLoopBreak()
    {
        final EventBase b = base();
        final List<String> order = new ArrayList<>();
        final Event first = b.newTimer(false, (e, fd, what) ->
        {
            order.add("first");
            b.loopBreak();
        });
        final Event second = b.newTimer(false, (e, fd, what) -> order.add("second"));
        first.active(EventFlags.TIMEOUT);
        second.active(EventFlags.TIMEOUT);
        assertEquals(0, b.dispatch());
        assertEquals(List.of("first"), order);
        assertTrue(b.gotBreak());
        assertFalse(b.gotExit());
        assertTrue(0 != second.pending(EventFlags.TIMEOUT), "second is still active");
        assertEquals(1, b.dispatch());
        assertFalse(b.gotBreak(), "reset by the next loop");
        assertEquals(List.of("first", "second"), order);
    }

    @Test
    @DisplayName("§1.15 st.106: test loopbreak: of two 0-ms timers, " +
        "the one that runs first breaks and the other never fires")
    default void shouldNotFireTheSecondZeroTimerAfterLoopBreak()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final EventCallback cb = (e, fd, what) ->
        {
            calls[0]++;
            b.loopBreak();
        };
        final Event t1 = b.newTimer(false, cb);
        final Event t2 = b.newTimer(false, cb);
        t1.add(0, TimeUnit.MILLISECONDS);
        t2.add(0, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertEquals(1, calls[0]);
        assertTrue(b.gotBreak());
    }

    @Test
    @DisplayName("§1.15 st.106: loopContinue re-polls after the current callback; " +
        "the next active event runs in a later pass")
    default void shouldRepollAfterLoopContinue()
    {
        final EventBase b = base();
        final AtomicLong firstPass = new AtomicLong();
        final AtomicLong secondPass = new AtomicLong();
        final Event first = b.newTimer(false, (e, fd, what) ->
        {
            firstPass.set(b.counters().iterations());
            b.loopContinue();
        });
        final Event second = b.newTimer(false, (e, fd, what) -> secondPass.set(b.counters().iterations()));
        first.active(EventFlags.TIMEOUT);
        second.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertTrue(secondPass.get() > firstPass.get(), "second ran after a new poll: " + firstPass + " / " +
            secondPass);
        assertFalse(b.gotBreak());
        assertFalse(b.gotExit());
    }

    @Test
    @DisplayName("§1.15 st.106: without loopContinue, active events of one queue run in the same pass")
    default void shouldRunOneQueueInOnePass()
    {
        final EventBase b = base();
        final List<Long> passes = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            b.newTimer(false, (e, fd, what) -> passes.add(b.counters().iterations())).active(EventFlags.TIMEOUT);
        }
        assertEquals(1, b.dispatch());
        assertEquals(3, passes.size());
        assertEquals(passes.get(0), passes.get(2));
    }

    @Test
    @DisplayName("counters: the longest pass covers a slow callback, resetMaxCycle starts over; " +
        "roleName names the method")
    default void shouldMeasureTheLongestPass()
    {
        final EventBase b = base();
        b.newTimer(false, (e, fd, what) -> EventBaseFixture.spinMs(5)).active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        final long longest = b.counters().maxCycleNanos();
        assertTrue(longest >= TimeUnit.MILLISECONDS.toNanos(5), "the pass ran a 5 ms callback, took " + longest);
        b.counters().resetMaxCycle();
        assertEquals(0, b.counters().maxCycleNanos());
        assertEquals("jevent-" + b.method(), b.roleName());
    }
}
