package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.15 statements 107–109, 118 and 119: priority queues, activation inversion, deferred callbacks
 * and the max dispatch interval.
 */
public interface EventBasePrioritySemantics extends EventBaseFixture
{
    @Test
    @DisplayName("§1.15 st.107: one queue by default; priorityInit(n) gives new events priority n/2")
    default void shouldDefaultToOneQueueAndMiddlePriority()
    {
        final EventBase b = base();
        assertEquals(1, b.priorities());
        final EventCallback noop = (e, fd, what) ->
        {
        };
        assertEquals(0, b.newTimer(false, noop).priority());
        assertEquals(0, b.priorityInit(3));
        assertEquals(3, b.priorities());
        assertEquals(1, b.newTimer(false, noop).priority());
        assertEquals(0, b.priorityInit(8));
        assertEquals(4, b.newTimer(false, noop).priority());
        assertEquals(0, b.priorityInit(255));
        assertEquals(127, b.newTimer(false, noop).priority());
    }

    @Test
    @DisplayName("§1.15 st.107: priorityInit(256), (0) and (-1) return -1; " +
        "so does priorityInit while a callback is active")
    default void shouldRejectBadPriorityInit()
    {
        final EventBase b = base();
        assertEquals(-1, b.priorityInit(256));
        assertEquals(-1, b.priorityInit(0));
        assertEquals(-1, b.priorityInit(-1));
        assertEquals(1, b.priorities());
        final Event ev = b.newTimer(false, (e, fd, what) ->
        {
        });
        ev.active(EventFlags.TIMEOUT);
        assertEquals(-1, b.priorityInit(3), "a callback is active");
        assertEquals(1, b.priorities());
        assertEquals(1, b.dispatch());
        assertEquals(0, b.priorityInit(3));
    }

    @Test
    @DisplayName("§1.15 st.107: setPriority fails on an active event and out of range")
    default void shouldRejectSetPriorityOnActiveEventOrOutOfRange()
    {
        final EventBase b = newBase(backendConfig().priorities(3));
        final Event ev = b.newTimer(false, (e, fd, what) ->
        {
        });
        assertEquals(-1, ev.setPriority(3));
        assertEquals(-1, ev.setPriority(-1));
        assertEquals(0, ev.setPriority(2));
        assertEquals(2, ev.priority());
        ev.active(EventFlags.TIMEOUT);
        assertEquals(-1, ev.setPriority(0), "active");
        assertEquals(2, ev.priority());
        assertEquals(1, b.dispatch());
        assertEquals(0, ev.setPriority(0), "no longer active");
    }

    @ParameterizedTest(name = "{0} queues: one={1}, two={2}")
    @CsvSource({"1, 3, 3", "2, 3, 1", "3, 3, 0"})
    @DisplayName("§1.15 st.108: test_priorities: 0-ms re-arming timers at priorities 0 and n-1 with a loopexit at n/2")
    default void shouldServeOnlyTheHighestQueueEachPass(final int npriorities, final int expectOne,
        final int expectTwo)
    {
        final EventBase b = base();
        assertEquals(0, b.priorityInit(npriorities));
        final int[] counts = new int[2];
        final Event one = b.newTimer(false, (e, fd, what) -> priorityCallback(b, e, counts, 0));
        final Event two = b.newTimer(false, (e, fd, what) -> priorityCallback(b, e, counts, 1));
        assertEquals(0, one.setPriority(0));
        assertEquals(0, two.setPriority(npriorities - 1));
        one.add(0, TimeUnit.MILLISECONDS);
        two.add(0, TimeUnit.MILLISECONDS);
        assertEquals(0, b.dispatch());
        assertEquals(expectOne, counts[0], "one");
        assertEquals(expectTwo, counts[1], "two");
    }

    private static void priorityCallback(final EventBase b, final Event e, final int[] counts, final int i)
    {
        if (counts[i] == 3)
        {
            b.loopExit();
            return;
        }
        counts[i]++;
        e.add(0, TimeUnit.MILLISECONDS);
    }

    @Test
    @DisplayName("§1.15 st.108: a lower queue starves while a higher one keeps re-activating; " +
        "same-queue activations run in the same pass")
    default void shouldStarveLowerQueues()
    {
        final EventBase b = newBase(backendConfig().priorities(2));
        final List<String> order = new ArrayList<>();
        final List<Long> passes = new ArrayList<>();
        final Event low = b.newTimer(false, (e, fd, what) -> order.add("low"));
        assertEquals(0, low.setPriority(1));
        final Event sibling = b.newTimer(false, (e, fd, what) ->
        {
            order.add("sibling");
            passes.add(b.counters().iterations());
        });
        assertEquals(0, sibling.setPriority(0));
        final int[] n = {0};
        final Event high = b.newTimer(false, (e, fd, what) ->
        {
            order.add("high");
            passes.add(b.counters().iterations());
            if (++n[0] == 1)
            {
                sibling.active(EventFlags.TIMEOUT);
            }
            if (n[0] < 3)
            {
                e.add(0, TimeUnit.MILLISECONDS);
            }
        });
        assertEquals(0, high.setPriority(0));
        low.active(EventFlags.TIMEOUT);
        high.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("high", "sibling", "high", "high", "low"), order);
        assertEquals(passes.get(0), passes.get(1), "sibling activated into the running queue ran in the same pass");
    }

    @Test
    @DisplayName("§1.15 st.109: priority_active_inversion: call order 0, 2, 1")
    default void shouldRunAHigherPriorityActivationNext()
    {
        final EventBase b = base();
        assertEquals(0, b.priorityInit(8));
        final int[] nCalls = {0};
        final int[] callOrder = {-1, -1, -1};
        final Event[] ev = new Event[3];
        for (int i = 0; i < 3; i++)
        {
            final int idx = i;
            ev[i] = b.newEvent(-1, 0, (e, fd, what) ->
            {
                callOrder[idx] = nCalls[0]++;
                if (nCalls[0] == 1)
                {
                    ev[1].active(EventFlags.READ);
                    ev[2].active(EventFlags.TIMEOUT);
                }
            });
        }
        assertEquals(0, ev[0].setPriority(4));
        assertEquals(0, ev[1].setPriority(4));
        assertEquals(0, ev[2].setPriority(0));
        ev[0].active(EventFlags.WRITE);
        assertEquals(1, b.dispatch());
        assertEquals(3, nCalls[0]);
        assertEquals(0, callOrder[0]);
        assertEquals(2, callOrder[1]);
        assertEquals(1, callOrder[2]);
    }

    @Test
    @DisplayName("§1.15 st.109: activating a higher priority stops the current queue after that callback, " +
        "even with more queued")
    default void shouldStopTheCurrentQueueOnInversion()
    {
        final EventBase b = newBase(backendConfig().priorities(3));
        final List<String> order = new ArrayList<>();
        final Event urgent = b.newTimer(false, (e, fd, what) -> order.add("urgent"));
        assertEquals(0, urgent.setPriority(0));
        final Event a = b.newTimer(false, (e, fd, what) ->
        {
            order.add("a");
            urgent.active(EventFlags.TIMEOUT);
        });
        final Event c = b.newTimer(false, (e, fd, what) -> order.add("c"));
        final Event d = b.newTimer(false, (e, fd, what) -> order.add("d"));
        assertEquals(0, d.setPriority(2));
        d.active(EventFlags.TIMEOUT);
        a.active(EventFlags.TIMEOUT);
        c.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("a", "urgent", "c", "d"), order);
    }

    @Test
    @DisplayName("§1.15 st.118: deferred callbacks run at priority n/2, between higher and lower event queues")
    default void shouldRunDeferredCallbacksAtMiddlePriority()
    {
        final EventBase b = newBase(backendConfig().priorities(3));
        final List<String> order = new ArrayList<>();
        final Event low = b.newTimer(false, (e, fd, what) -> order.add("low"));
        assertEquals(0, low.setPriority(2));
        final Event high = b.newTimer(false, (e, fd, what) -> order.add("high"));
        assertEquals(0, high.setPriority(0));
        low.active(EventFlags.TIMEOUT);
        b.defer(() -> order.add("deferred"));
        high.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("high", "deferred", "low"), order);
    }

    @Test
    @DisplayName("§1.15 st.118: after 32 deferred activations in one pass, the rest move to the next pass")
    default void shouldMoveDeferredCallbacksBeyond32ToTheNextPass()
    {
        final EventBase b = base();
        final List<Integer> order = new ArrayList<>();
        final List<Long> passes = new ArrayList<>();
        final long[] origin = {-1};
        final Event ev = b.newTimer(false, (e, fd, what) ->
        {
            origin[0] = b.counters().iterations();
            for (int i = 0; i < 40; i++)
            {
                final int idx = i;
                b.defer(() ->
                {
                    order.add(idx);
                    passes.add(b.counters().iterations());
                });
            }
        });
        ev.active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(40, order.size());
        for (int i = 0; i < 40; i++)
        {
            assertEquals(i, order.get(i), "FIFO");
            assertEquals(i < EventBase.MAX_DEFERREDS_QUEUED ? origin[0] : origin[0] + 1, passes.get(i),
                "pass of deferred callback " + i);
        }
    }

    @Test
    @DisplayName("§1.15 st.119: by default every active callback of a queue runs in one pass")
    default void shouldNotLimitDispatchByDefault()
    {
        final EventBase b = base();
        final List<Long> passes = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            b.newTimer(false, (e, fd, what) -> passes.add(b.counters().iterations())).active(EventFlags.TIMEOUT);
        }
        assertEquals(1, b.dispatch());
        assertEquals(50, passes.size());
        assertEquals(passes.get(0), passes.get(49));
    }

    @Test
    @DisplayName("§1.15 st.119: max_cbs = 2 re-polls after every 2 callbacks of priorities >= min_prio")
    default void shouldRepollAfterMaxCallbacks()
    {
        final EventBase b = newBase(backendConfig().priorities(2).maxDispatch(Long.MAX_VALUE, 2, 1));
        final List<String> order = new ArrayList<>();
        final List<Long> passes = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final String name = "urgent" + i;
            final Event e0 = b.newTimer(false, (e, fd, what) ->
            {
                order.add(name);
                passes.add(b.counters().iterations());
            });
            assertEquals(0, e0.setPriority(0));
            e0.active(EventFlags.TIMEOUT);
        }
        for (int i = 0; i < 5; i++)
        {
            final String name = "limited" + i;
            final Event e1 = b.newTimer(false, (e, fd, what) ->
            {
                order.add(name);
                passes.add(b.counters().iterations());
            });
            assertEquals(1, e1.priority());
            e1.active(EventFlags.TIMEOUT);
        }
        assertEquals(1, b.dispatch());
        assertEquals(List.of("urgent0", "urgent1", "urgent2", "limited0", "limited1", "limited2", "limited3",
            "limited4"), order);
        final long p0 = passes.get(0);
        assertEquals(List.of(p0, p0, p0, p0 + 1, p0 + 1, p0 + 2, p0 + 2, p0 + 3), passes,
            "priority 0 unlimited; priority 1 two callbacks per pass");
    }

    @Test
    @DisplayName("§1.15 st.119: a max dispatch interval re-polls once the interval has elapsed")
    default void shouldRepollAfterMaxInterval()
    {
        final EventBase b = newBase(backendConfig().maxDispatch(TimeUnit.MILLISECONDS.toNanos(20), Integer.MAX_VALUE,
            0));
        final List<Long> passes = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            b.newTimer(false, (e, fd, what) ->
            {
                passes.add(b.counters().iterations());
                EventBaseFixture.spinMs(30);
            }).active(EventFlags.TIMEOUT);
        }
        assertEquals(1, b.dispatch());
        assertEquals(3, passes.size());
        assertTrue(passes.get(0) < passes.get(1) && passes.get(1) < passes.get(2),
            "each 30 ms callback exceeded the 20 ms interval: " + passes);
    }
}
