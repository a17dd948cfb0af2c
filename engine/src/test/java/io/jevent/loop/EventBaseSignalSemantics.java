package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.15 statement 116: signal events. SIGWINCH is used: the JVM does not reserve it and its default
 * action is to ignore it, so a stray delivery after a test cannot hurt the test JVM.
 */
public interface EventBaseSignalSemantics extends EventBaseFixture
{
    /** Time the JVM's signal dispatcher gets to hand raised signals to their handlers. */
    long SETTLE_MS = 300;

    /**
     * @return the number of the signal the tests raise
     */
    static int testSignal()
    {
        return EventBase.signalNumber("WINCH");
    }

    /**
     * Raises the test signal k times, then waits for the JVM to dispatch them.
     */
    static void raise(final int k)
    {
        for (int i = 0; i < k; i++)
        {
            EventBase.raiseSignal(testSignal());
            sleepMs(5);
        }
        sleepMs(SETTLE_MS);
    }

    @Test
    @DisplayName("§1.15 st.116: a signal raised k times since the last dispatch runs the callback " +
        "k times with (signum, SIGNAL)")
    default void shouldRunSignalCallbackOncePerArrival()
    {
        final EventBase b = base();
        final int sig = testSignal();
        final List<String> calls = new ArrayList<>();
        final long[] passes = new long[4];
        final Event ev = b.newSignal(sig, true, (e, fd, what) ->
        {
            passes[calls.size()] = b.counters().iterations();
            calls.add(fd + ":" + what);
        });
        assertEquals(0, ev.add());
        assertEquals(EventFlags.SIGNAL, ev.pending(EventFlags.SIGNAL | EventFlags.READ | EventFlags.TIMEOUT));
        raise(3);
        assertEquals(0, b.loop(LoopFlags.ONCE));
        final String one = sig + ":" + EventFlags.SIGNAL;
        assertEquals(List.of(one, one, one), calls);
        assertEquals(passes[0], passes[2], "all three in the pass that saw them");
        assertTrue(0 != ev.pending(EventFlags.SIGNAL), "persistent signal event stays pending");
    }

    @Test
    @DisplayName("§1.15 st.116: a signal arriving while the loop sleeps wakes it")
    default void shouldWakeTheLoopOnASignal() throws Exception
    {
        final EventBase b = base();
        final AtomicInteger calls = new AtomicInteger();
        final Event ev = b.newSignal(testSignal(), false, (e, fd, what) -> calls.incrementAndGet());
        assertEquals(0, ev.add());
        b.newTimer(false, (e, fd, what) ->
        {
        }).add(10, TimeUnit.SECONDS);
        final Thread raiser = new Thread(() ->
        {
            sleepMs(200);
            EventBase.raiseSignal(testSignal());
        });
        final long t0 = System.nanoTime();
        raiser.start();
        assertEquals(0, b.loop(LoopFlags.ONCE));
        final long took = msSince(t0);
        raiser.join();
        assertEquals(1, calls.get());
        assertTrue(took >= 150 && took < 5000, "woke after " + took + " ms");
    }

    @Test
    @DisplayName("§1.15 st.116: deleting the signal event inside its callback stops the remaining repeated calls")
    default void shouldStopRepeatedSignalCallsWhenDeleted()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final Event ev = b.newSignal(testSignal(), true, (e, fd, what) ->
        {
            calls[0]++;
            e.del();
        });
        assertEquals(0, ev.add());
        raise(3);
        assertEquals(0, b.loop(LoopFlags.ONCE));
        assertEquals(1, calls[0]);
        assertEquals(1, b.dispatch(), "nothing left");
        assertEquals(1, calls[0]);
    }

    @Test
    @DisplayName("§1.15 st.116: loopBreak inside a signal callback stops the remaining repeated calls")
    default void shouldStopRepeatedSignalCallsOnLoopBreak()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final Event ev = b.newSignal(testSignal(), true, (e, fd, what) ->
        {
            calls[0]++;
            b.loopBreak();
        });
        assertEquals(0, ev.add());
        raise(3);
        assertEquals(0, b.dispatch());
        assertEquals(1, calls[0]);
        assertTrue(b.gotBreak());
        ev.del();
    }

    @Test
    @DisplayName("§1.15 st.116: a non-persistent signal event runs once per arrival count and is then deleted")
    default void shouldDeleteNonPersistentSignalEvent()
    {
        final EventBase b = base();
        final int[] calls = {0};
        final Event ev = b.newSignal(testSignal(), false, (e, fd, what) -> calls[0]++);
        assertEquals(0, ev.add());
        raise(2);
        assertEquals(1, b.dispatch());
        assertEquals(2, calls[0], "the arrivals counted before the run are all delivered");
        assertEquals(0, ev.pending(EventFlags.SIGNAL));
    }

    @Test
    @DisplayName("§1.15 st.116: the previous signal handler is restored when the last signal event is deleted")
    default void shouldRestoreThePreviousHandlerOnDelete() throws Exception
    {
        final int sig = testSignal();
        final Class<?> signalClass = Class.forName("sun.misc.Signal");
        final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        final Object signal = signalClass.getConstructor(String.class).newInstance("WINCH");
        final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
        final AtomicInteger mine = new AtomicInteger();
        final Object myHandler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
            (proxy, method, args) ->
            {
                if ("handle".equals(method.getName()))
                {
                    mine.incrementAndGet();
                    return null;
                }
                if ("equals".equals(method.getName()))
                {
                    return proxy == args[0];
                }
                return "hashCode".equals(method.getName()) ? (Object)System.identityHashCode(proxy) : "mine";
            });
        final Object original = handle.invoke(null, signal, myHandler);
        try
        {
            final EventBase b = base();
            final int[] calls = {0};
            final Event ev = b.newSignal(sig, true, (e, fd, what) -> calls[0]++);
            assertEquals(0, ev.add());
            raise(1);
            assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
            assertEquals(1, calls[0]);
            assertEquals(0, mine.get(), "the base's handler replaced mine");
            ev.del();
            raise(1);
            assertEquals(1, mine.get(), "mine is back after the event was deleted");
            assertEquals(1, b.loop(LoopFlags.NONBLOCK));
            assertEquals(1, calls[0]);
        }
        finally
        {
            handle.invoke(null, signal, original);
        }
    }

    @Test
    @DisplayName("§1.15 st.116: newSignal rejects numbers out of range")
    default void shouldRejectBadSignalNumbers()
    {
        final EventBase b = base();
        final EventCallback noop = (e, fd, what) ->
        {
        };
        assertThrows(IllegalArgumentException.class, () -> b.newSignal(0, false, noop));
        assertThrows(IllegalArgumentException.class, () -> b.newSignal(65, false, noop));
    }
}
