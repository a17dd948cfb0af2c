package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static io.jevent.loop.EventBaseFixture.spinMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.15 statements 110–112, 117 and 120: manual activation, deletion, re-adding, timeouts of
 * pending events, the time cache, fd -1 events.
 */
public interface EventBaseEventSemantics extends EventBaseFixture
{
    @Test
    @DisplayName("§1.15 st.110: active() on a never-added event runs it once; loop rc 1 afterwards")
    default void shouldActivateANeverAddedEvent()
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        final Event ev = b.newEvent(-1, EventFlags.READ, (e, fd, what) -> calls.add(what));
        assertFalse(ev.isPending());
        ev.active(EventFlags.WRITE);
        assertTrue(ev.isPending());
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.WRITE), calls);
        assertFalse(ev.isPending());
    }

    @Test
    @DisplayName("§1.15 st.110: TIMEOUT then READ on an active event OR into one call with res 0x3; " +
        "pending reports them")
    default void shouldOrActivationsOfAnActiveEvent()
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) -> calls.add(what));
        ev.active(EventFlags.TIMEOUT);
        ev.active(EventFlags.READ);
        assertEquals(EventFlags.TIMEOUT | EventFlags.READ,
            ev.pending(EventFlags.TIMEOUT | EventFlags.READ | EventFlags.WRITE | EventFlags.SIGNAL));
        assertEquals(EventFlags.READ, ev.pending(EventFlags.READ));
        assertEquals(1, b.dispatch());
        assertEquals(List.of(0x3), calls);
    }

    @Test
    @DisplayName("§1.15 st.111: deleting an active event drops the activation: no callback, loop rc 1")
    default void shouldNotRunADeletedActiveEvent()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final Event ev = b.newTimer(false, (e, fd, what) -> calls[0]++);
        ev.active(EventFlags.TIMEOUT);
        assertTrue(ev.isPending());
        ev.del();
        assertFalse(ev.isPending());
        assertEquals(0, ev.pending(EventFlags.TIMEOUT | EventFlags.READ));
        assertEquals(1, b.dispatch());
        assertEquals(0, calls[0]);
    }

    @Test
    @DisplayName("§1.15 st.111: deleting an event that is active behind the running callback stops it running")
    default void shouldNotRunAnEventDeletedByAnEarlierCallback()
    {
        final EventBase b = base();
        final List<String> order = new ArrayList<>();
        final Event victim = b.newTimer(false, (e, fd, what) -> order.add("victim"));
        final Event killer = b.newTimer(false, (e, fd, what) ->
        {
            order.add("killer");
            victim.del();
        });
        killer.active(EventFlags.TIMEOUT);
        victim.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("killer"), order);
    }

    @Test
    @DisplayName("§1.15 st.111: a non-persistent event is deleted before its callback and can re-add itself there")
    default void shouldDeleteNonPersistentEventBeforeItsCallback()
    {
        final EventBase b = base();
        final List<Boolean> pendingInside = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) ->
        {
            pendingInside.add(e.isPending());
            if (pendingInside.size() < 3)
            {
                assertEquals(0, e.add(5, TimeUnit.MILLISECONDS));
            }
        });
        ev.add(5, TimeUnit.MILLISECONDS);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(false, false, false), pendingInside);
        assertFalse(ev.isPending());
    }

    @Test
    @DisplayName("§1.15 st.111: a persistent READ event stays pending inside its callback; event_del removes it")
    default void shouldKeepPersistentEventPending()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> pendingInside = new ArrayList<>();
        final Event ev = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
        {
            pendingInside.add(e.pending(EventFlags.READ));
            EventBaseFixture.drain(p.source());
            if (pendingInside.size() == 2)
            {
                e.del();
            }
            else
            {
                EventBaseFixture.write(p.sink(), 1);
            }
        });
        assertEquals(0, ev.add());
        EventBaseFixture.write(p.sink(), 1);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.READ, EventFlags.READ), pendingInside);
        assertEquals(0, ev.pending(EventFlags.READ));
    }

    @Test
    @DisplayName("§1.15 st.112: add(t) on a pending event replaces its timeout (5 s → 50 ms)")
    default void shouldReplaceTheTimeoutOnAdd()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final Event ev = b.newTimer(false, (e, fd, what) -> calls[0]++);
        ev.add(5, TimeUnit.SECONDS);
        final long far = ev.pendingDeadline();
        ev.add(50, TimeUnit.MILLISECONDS);
        assertTrue(ev.pendingDeadline() < far);
        final long t0 = System.nanoTime();
        assertEquals(1, b.dispatch());
        final long took = msSince(t0);
        assertEquals(1, calls[0]);
        assertTrue(took >= 40 && took < 2000, "fired after " + took + " ms");
    }

    @Test
    @DisplayName("§1.15 st.112: add() on a pending event keeps its timeout; removeTimer drops only the timeout")
    default void shouldKeepTimeoutOnAddWithoutTimeoutAndRemoveOnlyTheTimer()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> calls = new ArrayList<>();
        final Event ev = b.newEvent(p.source(), EventFlags.READ, (e, fd, what) -> calls.add(what));
        assertEquals(0, ev.add(50, TimeUnit.MILLISECONDS));
        final long deadline = ev.pendingDeadline();
        assertEquals(0, ev.add());
        assertEquals(deadline, ev.pendingDeadline(), "add() kept the timeout");
        assertEquals(EventFlags.READ | EventFlags.TIMEOUT, ev.pending(EventFlags.READ | EventFlags.TIMEOUT));
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.TIMEOUT), calls);

        calls.clear();
        assertEquals(0, ev.add(30, TimeUnit.MILLISECONDS));
        assertEquals(EventFlags.READ | EventFlags.TIMEOUT, ev.pending(EventFlags.READ | EventFlags.TIMEOUT));
        ev.removeTimer();
        assertEquals(EventFlags.READ, ev.pending(EventFlags.READ | EventFlags.TIMEOUT), "only READ left");
        assertEquals(-1, ev.pendingDeadline());
        b.loopExit(150, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertEquals(List.of(), calls, "no timeout fired");
        EventBaseFixture.write(p.sink(), 1);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.READ), calls);
    }

    @Test
    @DisplayName("§1.15 st.117: inside callbacks now() and gettimeofdayCached() are the time the poll returned")
    default void shouldCacheTimeInsideCallbacks()
    {
        final EventBase b = base();
        final List<Long> seen = new ArrayList<>();
        final long[] fresh = new long[2];
        final Event a = b.newTimer(false, (e, fd, what) ->
        {
            seen.add(b.now());
            seen.add(b.gettimeofdayCached());
            spinMs(20);
        });
        final Event c = b.newTimer(false, (e, fd, what) ->
        {
            seen.add(b.now());
            seen.add(b.gettimeofdayCached());
            b.updateCacheTime();
            fresh[0] = b.now();
            fresh[1] = System.nanoTime();
        });
        final long before = System.nanoTime();
        a.active(EventFlags.TIMEOUT);
        c.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(4, seen.size());
        assertEquals(seen.get(0), seen.get(2), "now() stable within a pass");
        assertEquals(seen.get(1), seen.get(3), "gettimeofdayCached() stable within a pass");
        assertTrue(seen.get(0) >= before, "cached after the poll");
        assertTrue(fresh[0] - seen.get(0) >= TimeUnit.MILLISECONDS.toNanos(15), "updateCacheTime refreshed it");
        assertTrue(Math.abs(seen.get(1) / 1000 - System.currentTimeMillis()) < 60_000, "wall-clock micros");
    }

    @Test
    @DisplayName("§1.15 st.117: the cache moves between passes and is dropped outside the loop")
    default void shouldRefreshTheTimeCacheEachPass()
    {
        final EventBase b = base();
        final List<Long> seen = new ArrayList<>();
        b.newTimer(false, (e, fd, what) -> seen.add(b.now())).add(10, TimeUnit.MILLISECONDS);
        b.newTimer(false, (e, fd, what) -> seen.add(b.now())).add(60, TimeUnit.MILLISECONDS);
        assertEquals(1, b.dispatch());
        assertEquals(2, seen.size());
        assertTrue(seen.get(1) - seen.get(0) >= TimeUnit.MILLISECONDS.toNanos(40), "passes 50 ms apart");
        final long outside = b.now();
        sleepMs(20);
        assertNotEquals(outside, b.now(), "outside the loop now() reads the clock");
    }

    @Test
    @DisplayName("§1.15 st.120: an event on fd -1 never becomes ready, but its timeout works")
    default void shouldNeverMakeFdMinusOneReadyButFireItsTimeout()
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        final Event never = b.newEvent(-1, EventFlags.READ | EventFlags.WRITE | EventFlags.PERSIST,
            (e, fd, what) -> calls.add(what));
        assertEquals(0, never.add());
        assertTrue(never.isPending());
        sleepMs(20);
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(List.of(), calls);
        final List<Integer> timed = new ArrayList<>();
        final Event withTimeout = b.newEvent(-1, EventFlags.READ, (e, fd, what) ->
        {
            timed.add(what);
            never.del();
        });
        assertEquals(0, withTimeout.add(50, TimeUnit.MILLISECONDS));
        final long t0 = System.nanoTime();
        assertEquals(1, b.dispatch());
        assertTrue(msSince(t0) >= 40);
        assertEquals(List.of(EventFlags.TIMEOUT), timed);
        assertEquals(List.of(), calls);
    }

    @Test
    @DisplayName("§1.15 st.116: SIGNAL cannot be combined with READ or WRITE in a plain event")
    default void shouldRejectSignalInPlainEvents()
    {
        final EventBase b = base();
        assertThrows(IllegalArgumentException.class, () -> b.newEvent(-1, EventFlags.SIGNAL | EventFlags.READ,
            (e, fd, what) ->
            {
            }));
        assertThrows(IllegalArgumentException.class, () -> b.newEvent(pipe().source(),
            EventFlags.SIGNAL | EventFlags.WRITE, (e, fd, what) ->
            {
            }));
    }

    @Test
    @DisplayName("attachment: the callback reads what was attached, the loop never changes it")
    default void shouldHandTheAttachmentToTheCallback()
    {
        final EventBase b = base();
        final List<Object> seen = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) -> seen.add(e.attachment()));
        assertNull(ev.attachment());
        final Object mine = new Object();
        ev.setAttachment(mine);
        ev.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(mine), seen);
        assertEquals(mine, ev.attachment());
    }

    @Test
    @DisplayName("setCallback: the next activation runs the new callback")
    default void shouldRunTheReplacedCallbackOnTheNextActivation()
    {
        final EventBase b = base();
        final List<String> seen = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) -> seen.add("first"));
        ev.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        ev.setCallback((e, fd, what) -> seen.add("second"));
        ev.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("first", "second"), seen);
        assertThrows(NullPointerException.class, () -> ev.setCallback(null));
        ev.free();
        assertThrows(IllegalStateException.class, () -> ev.setCallback((e, fd, what) -> seen.add("third")));
    }
}
