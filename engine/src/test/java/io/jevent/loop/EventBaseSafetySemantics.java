package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safe under real use (issue 8): who may call what from which thread, freeing in any order, loop
 * control from other threads, exceptions in callbacks, a full inbox, huge timeouts. Every test here
 * failed (or hung, or crashed) before the thread model and the lifetime rules existed.
 */
public interface EventBaseSafetySemantics extends EventBaseFixture
{
    /**
     * Runs {@code b.loop(NO_EXIT_ON_EMPTY)} on a new thread and waits until it runs.
     *
     * @param b        the base
     * @param failures where the loop thread's exception goes
     * @return the loop thread
     */
    static Thread startLoop(final EventBase b, final List<Throwable> failures)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                b.loop(LoopFlags.NO_EXIT_ON_EMPTY);
            }
            catch (final Throwable ex)
            {
                failures.add(ex);
            }
        }, "loop-under-test");
        t.start();
        final long t0 = System.nanoTime();
        while (!b.isRunning() && msSince(t0) < 5000)
        {
            Thread.onSpinWait();
        }
        assertTrue(b.isRunning(), "the loop thread started");
        return t;
    }

    /**
     * Breaks the loop from this thread and joins it.
     */
    static void stopLoop(final EventBase b, final Thread t) throws InterruptedException
    {
        b.loopBreak();
        t.join(5000);
        assertFalse(t.isAlive(), "the loop stopped");
    }

    @Test
    @DisplayName("threads: while the loop runs, add/del/active/free of an event from another thread " +
        "throw and change nothing")
    default void shouldRefuseEventCallsFromAnotherThreadWhileTheLoopRuns() throws Exception
    {
        final EventBase b = base();
        final AtomicInteger fired = new AtomicInteger();
        final Event timer = b.newTimer(false, (e, fd, what) -> fired.incrementAndGet());
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = startLoop(b, failures);
        assertThrows(WrongThreadException.class, () -> timer.add(10, TimeUnit.MILLISECONDS));
        assertThrows(WrongThreadException.class, timer::add);
        assertThrows(WrongThreadException.class, () -> timer.active(EventFlags.TIMEOUT));
        assertThrows(WrongThreadException.class, timer::del);
        assertThrows(WrongThreadException.class, timer::free);
        assertThrows(WrongThreadException.class, () -> timer.setPriority(0));
        assertThrows(WrongThreadException.class, () -> b.once(-1, EventFlags.TIMEOUT, 0, TimeUnit.MILLISECONDS,
            (e, fd, what) ->
            {
            }));
        assertThrows(WrongThreadException.class, () -> b.initCommonTimeout(5, TimeUnit.MILLISECONDS));
        assertThrows(WrongThreadException.class, () -> b.finalizeLater(() ->
        {
        }));
        assertThrows(WrongThreadException.class, () -> b.loop(0));
        assertFalse(b.inLoopThread());
        assertFalse(timer.isPending(), "nothing changed");
        assertFalse(timer.isFreed());
        final CountDownLatch added = new CountDownLatch(1);
        b.execute(() ->
        {
            timer.add(1, TimeUnit.MILLISECONDS);
            added.countDown();
        });
        assertTrue(added.await(5, TimeUnit.SECONDS), "the same call handed over with execute() works");
        final long t0 = System.nanoTime();
        while (0 == fired.get() && msSince(t0) < 5000)
        {
            sleepMs(1);
        }
        stopLoop(b, loop);
        assertEquals(1, fired.get());
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName("threads: an event created on another thread while the loop runs is handed over " +
        "with execute() and fires")
    default void shouldAcceptEventsCreatedOnAnyThread() throws Exception
    {
        final EventBase b = base();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = startLoop(b, failures);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CountDownLatch fired = new CountDownLatch(1);
        final Event e = b.newTimer(false, (ev, fd, what) ->
        {
            ranOn.set(Thread.currentThread());
            fired.countDown();
        });
        b.execute(() -> e.add(0, TimeUnit.MILLISECONDS));
        assertTrue(fired.await(5, TimeUnit.SECONDS));
        stopLoop(b, loop);
        assertSame(loop, ranOn.get());
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName("threads: between loop runs any one thread may use the base; the next loop thread owns it")
    default void shouldLetAnyThreadUseTheBaseWhileNoLoopRuns() throws Exception
    {
        final EventBase b = base();
        assertFalse(b.inLoopThread(), "no loop runs: no thread is the loop thread");
        b.checkThread();
        final AtomicInteger fired = new AtomicInteger();
        final Event e = b.newTimer(false, (ev, fd, what) -> fired.incrementAndGet());
        final Thread other = new Thread(() -> e.add(1, TimeUnit.MILLISECONDS));
        other.start();
        other.join();
        assertEquals(1, b.loop(0), "the loop ran the event added on the other thread and ran out of events");
        assertEquals(1, fired.get());
        e.add(1, TimeUnit.MILLISECONDS);
        assertEquals(1, b.loop(0));
        assertEquals(2, fired.get());
    }

    @Test
    @DisplayName("loop control: loopBreak() from another thread stops a loop sleeping on a 10 s timer at once")
    default void shouldBreakASleepingLoopFromAnotherThreadPromptly() throws Exception
    {
        final EventBase b = base();
        final Event far = b.newTimer(false, (e, fd, what) ->
        {
        });
        far.add(10, TimeUnit.SECONDS);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = startLoop(b, failures);
        sleepMs(50);
        final long t0 = System.nanoTime();
        assertEquals(0, b.loopBreak());
        loop.join(5000);
        assertFalse(loop.isAlive());
        assertTrue(msSince(t0) < 1000, "stopped after " + msSince(t0) + " ms");
        assertTrue(b.gotBreak());
        assertTrue(far.isPending(), "the far timer is untouched");
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName("loop control: loopExit() and loopExit(200 ms) from another thread stop a sleeping loop on time")
    default void shouldExitASleepingLoopFromAnotherThread() throws Exception
    {
        final EventBase b = base();
        final Event far = b.newTimer(false, (e, fd, what) ->
        {
        });
        far.add(10, TimeUnit.SECONDS);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread loop = startLoop(b, failures);
        sleepMs(20);
        long t0 = System.nanoTime();
        assertEquals(0, b.loopExit());
        loop.join(5000);
        assertFalse(loop.isAlive());
        assertTrue(msSince(t0) < 1000, "loopExit() took " + msSince(t0) + " ms");
        assertTrue(b.gotExit());
        loop = startLoop(b, failures);
        t0 = System.nanoTime();
        assertEquals(0, b.loopExit(200, TimeUnit.MILLISECONDS));
        loop.join(5000);
        assertFalse(loop.isAlive());
        final long took = msSince(t0);
        assertTrue(took >= 195 && took < 2000, "loopExit(200 ms) took " + took + " ms");
        assertTrue(b.gotExit());
        assertEquals(List.of(), failures);
    }

    @Test
    @DisplayName("errors: a callback that throws is reported to the error handler and the loop goes on")
    default void shouldKeepLoopingAfterACallbackThrows() throws Exception
    {
        final List<Throwable> handled = new CopyOnWriteArrayList<>();
        final EventBase b = newBase(backendConfig().errorHandler(handled::add));
        final AtomicInteger after = new AtomicInteger();
        final Event bad = b.newTimer(false, (e, fd, what) ->
        {
            throw new IllegalStateException("boom");
        });
        bad.add(1, TimeUnit.MILLISECONDS);
        b.execute(() ->
        {
            throw new IllegalArgumentException("task boom");
        });
        final Event good = b.newTimer(false, (e, fd, what) -> after.incrementAndGet());
        good.add(20, TimeUnit.MILLISECONDS);
        assertEquals(1, b.loop(0), "the loop ran to the end");
        assertEquals(1, after.get(), "later callbacks still ran");
        assertEquals(2, handled.size(), handled.toString());
        assertEquals(2, b.counters().callbackErrors());
        b.execute(after::incrementAndGet);
        assertEquals(1, b.loop(0), "execute() still works after errors");
        assertEquals(2, after.get());
    }

    @Test
    @DisplayName("errors: the default handler logs and keeps the loop thread alive, so later tasks run")
    default void shouldSurviveAThrowingCallbackWithTheDefaultHandler() throws Exception
    {
        final EventBase b = newBase(backendConfig().errorHandler(LoopErrorHandlers.LOG));
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = startLoop(b, failures);
        b.execute(() ->
        {
            throw new IllegalStateException("expected in this test: the default handler logs it");
        });
        final CountDownLatch later = new CountDownLatch(1);
        b.execute(later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS), "the loop outlived the exception");
        stopLoop(b, loop);
        assertEquals(List.of(), failures);
        assertEquals(1, b.counters().callbackErrors());
    }

    @Test
    @DisplayName("errors: with RETHROW the exception stops loop() and the base can loop again")
    default void shouldStopTheLoopWithTheRethrowHandler()
    {
        final EventBase b = newBase(backendConfig().errorHandler(LoopErrorHandlers.RETHROW));
        final Event bad = b.newTimer(false, (e, fd, what) ->
        {
            throw new IllegalStateException("stop here");
        });
        bad.add(1, TimeUnit.MILLISECONDS);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> b.loop(0));
        assertEquals("stop here", ex.getMessage());
        assertFalse(b.isRunning());
        final AtomicInteger ran = new AtomicInteger();
        b.execute(ran::incrementAndGet);
        assertEquals(1, b.loop(0));
        assertEquals(1, ran.get());
    }

    @Test
    @DisplayName("inbox: a full inbox refuses execute() at once with RejectedExecutionException " +
        "(tryExecute: false), without spinning")
    default void shouldRefuseAFullInboxAtOnce()
    {
        final EventBase b = newBase(backendConfig().remoteQueueCapacity(16));
        final AtomicInteger ran = new AtomicInteger();
        int queued = 0;
        while (b.tryExecute(ran::incrementAndGet))
        {
            queued++;
            assertTrue(queued <= 1024, "the inbox is bounded");
        }
        assertTrue(queued >= 16, "took " + queued);
        final long t0 = System.nanoTime();
        final RejectedExecutionException ex = assertThrows(RejectedExecutionException.class,
            () -> b.execute(ran::incrementAndGet));
        assertTrue(msSince(t0) < 1000);
        assertTrue(ex.getMessage().contains("full"), ex.getMessage());
        b.loop(LoopFlags.NONBLOCK);
        assertEquals(queued, ran.get(), "every accepted task ran once");
        assertTrue(b.tryExecute(ran::incrementAndGet), "room again once the loop drained it");
    }

    @Test
    @DisplayName("inbox: activateFromAnyThread() never fails for room: 100,000 events activated with a 16-slot inbox")
    default void shouldActivateMoreEventsThanTheInboxHolds() throws Exception
    {
        final EventBase b = newBase(backendConfig().remoteQueueCapacity(16));
        final int n = 100_000;
        final int[] runs = new int[n];
        final Event[] events = new Event[n];
        for (int i = 0; i < n; i++)
        {
            final int id = i;
            events[i] = b.newTimer(false, (e, fd, what) -> runs[id] += what);
        }
        final Thread producer = new Thread(() ->
        {
            for (final Event e : events)
            {
                b.activateFromAnyThread(e, 3);
                b.activateFromAnyThread(e, 4);
            }
        });
        producer.start();
        producer.join();
        b.loop(0);
        for (int i = 0; i < n; i++)
        {
            assertEquals(7, runs[i], "event " + i + " ran once with both bits");
        }
    }

    @Test
    @DisplayName("free: queued tasks run during free(); afterwards execute() and activateFromAnyThread() are refused")
    default void shouldRunQueuedTasksAtFreeAndRefuseLaterOnes()
    {
        final EventBase b = newBase(backendConfig());
        final AtomicInteger ran = new AtomicInteger();
        final Event e = b.newTimer(false, (ev, fd, what) -> ran.addAndGet(100));
        b.execute(ran::incrementAndGet);
        b.execute(ran::incrementAndGet);
        b.free();
        assertTrue(b.isFreed());
        assertEquals(2, ran.get(), "the queued tasks ran, the event callback did not");
        assertThrows(RejectedExecutionException.class, () -> b.execute(ran::incrementAndGet));
        assertFalse(b.tryExecute(ran::incrementAndGet));
        assertThrows(RejectedExecutionException.class, () -> b.activateFromAnyThread(e, 1));
        assertEquals(-1, b.loopExit());
        assertEquals(0, b.loopBreak());
        b.wakeupFromAnyThread();
        assertEquals(2, ran.get());
    }

    @Test
    @DisplayName("free: in any order: events, then or after the base; after free every call throws, free() stays safe")
    default void shouldFreeEventsAndBaseInAnyOrder() throws Exception
    {
        final SocketChannel[] pair = tcpPair();
        final EventBase b = newBase(backendConfig());
        final EventCallback noop = (e, fd, what) ->
        {
        };
        final Event read = b.newEvent(pair[0], EventFlags.READ | EventFlags.PERSIST, noop);
        final Event timer = b.newTimer(true, noop);
        final Event early = b.newTimer(false, noop);
        assertEquals(0, read.add());
        assertEquals(0, timer.add(1, TimeUnit.SECONDS));
        early.free();
        b.free();
        b.free();
        assertThrows(IllegalStateException.class, read::add);
        assertThrows(IllegalStateException.class, read::del);
        assertThrows(IllegalStateException.class, () -> timer.add(1, TimeUnit.MILLISECONDS));
        assertThrows(IllegalStateException.class, () -> timer.active(1));
        assertThrows(IllegalStateException.class, () -> b.loop(0));
        assertThrows(IllegalStateException.class, () -> b.newTimer(false, noop));
        read.free();
        timer.free();
        read.free();
        assertTrue(read.isFreed() && timer.isFreed());
        assertThrows(IllegalStateException.class, read::add, "a freed event throws");
    }

    @Test
    @DisplayName("free: free() from another thread while the loop sleeps stops it, frees it, " +
        "and no callback runs after")
    default void shouldFreeASleepingLoopFromAnotherThread() throws Exception
    {
        final SocketChannel[] pair = tcpPair();
        final EventBase b = newBase(backendConfig());
        final AtomicInteger callbacks = new AtomicInteger();
        final Event far = b.newTimer(false, (e, fd, what) -> callbacks.incrementAndGet());
        far.add(10, TimeUnit.SECONDS);
        final Event read = b.newEvent(pair[0], EventFlags.READ | EventFlags.PERSIST,
            (e, fd, what) -> callbacks.incrementAndGet());
        read.add();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = startLoop(b, failures);
        sleepMs(30);
        final long t0 = System.nanoTime();
        b.free();
        assertTrue(b.isFreed(), "free() returned after the loop freed the base");
        assertTrue(msSince(t0) < 2000, "took " + msSince(t0) + " ms");
        loop.join(5000);
        assertFalse(loop.isAlive());
        EventBaseFixture.write(pair[1], 10);
        sleepMs(50);
        assertEquals(0, callbacks.get(), "no callback ran on the freed base");
        assertEquals(List.of(), failures, "loop() returned normally");
        read.free();
        far.free();
    }

    @Test
    @DisplayName("free: free() from another thread of a base hosted by an AgentRunner asks the agent thread " +
        "to free it and returns; the last tasks run there, the runner keeps running (idle) until closed")
    default void shouldLetTheAgentThreadFreeItsBase() throws Exception
    {
        final EventBase b = newBase(backendConfig());
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final org.agrona.concurrent.AgentRunner runner = new org.agrona.concurrent.AgentRunner(
            new org.agrona.concurrent.SleepingMillisIdleStrategy(1), errors::add, null, b);
        final Thread host = org.agrona.concurrent.AgentRunner.startOnThread(runner);
        final CountDownLatch started = new CountDownLatch(1);
        b.execute(started::countDown);
        assertTrue(started.await(5, TimeUnit.SECONDS), "the agent runs");
        final AtomicReference<Thread> lastTaskOn = new AtomicReference<>();
        final Event timer = b.newTimer(false, (e, fd, what) ->
        {
        });
        b.execute(() -> timer.add(1, TimeUnit.HOURS));
        b.execute(() -> lastTaskOn.set(Thread.currentThread()));
        final long t0 = System.nanoTime();
        b.free();
        assertTrue(b.isFreeing());
        while (!b.isFreed() && msSince(t0) < 5000)
        {
            sleepMs(1);
        }
        assertTrue(b.isFreed(), "the agent thread freed it in its next duty cycle");
        assertTrue(msSince(t0) < 2000, "took " + msSince(t0) + " ms");
        assertSame(host, lastTaskOn.get(), "the tasks queued before free() ran on the agent thread");
        assertTrue(host.isAlive(), "a freed base's doWork does nothing: the runner runs until its owner closes it");
        runner.close();
        assertFalse(host.isAlive());
        assertEquals(List.of(), errors);
        timer.free();
    }

    @Test
    @DisplayName("free: free() inside a callback stops the loop after that callback and frees the base on the way out")
    default void shouldFreeFromInsideACallback()
    {
        final EventBase b = newBase(backendConfig());
        final AtomicInteger later = new AtomicInteger();
        final Event first = b.newTimer(false, (e, fd, what) ->
        {
            e.base().free();
            assertFalse(e.base().isFreed(), "still usable until the callback returns");
        });
        final Event second = b.newTimer(false, (e, fd, what) -> later.incrementAndGet());
        first.add(1, TimeUnit.MILLISECONDS);
        second.add(1, TimeUnit.MILLISECONDS);
        assertEquals(0, b.loop(0));
        assertTrue(b.isFreed());
        assertEquals(0, later.get(), "the loop stopped after the freeing callback");
        first.free();
        second.free();
    }

    @Test
    @DisplayName("timeouts: add(Long.MAX_VALUE ns) and add(Long.MAX_VALUE s) mean never; " +
        "a pending loopExit(200 ms) still fires")
    default void shouldTreatHugeTimeoutsAsNever()
    {
        final EventBase b = base();
        final AtomicInteger fired = new AtomicInteger();
        final Event nanos = b.newTimer(false, (e, fd, what) -> fired.incrementAndGet());
        final Event seconds = b.newTimer(true, (e, fd, what) -> fired.incrementAndGet());
        final Event days = b.newTimer(false, (e, fd, what) -> fired.incrementAndGet());
        assertEquals(0, nanos.add(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
        assertEquals(0, seconds.add(Long.MAX_VALUE, TimeUnit.SECONDS));
        assertEquals(0, days.add(Long.MAX_VALUE / 2, TimeUnit.DAYS));
        assertEquals(0, b.loopExit(200, TimeUnit.MILLISECONDS));
        final long t0 = System.nanoTime();
        assertEquals(0, b.loop(0));
        final long took = msSince(t0);
        assertTrue(b.gotExit());
        assertTrue(took >= 195 && took < 3000, "took " + took + " ms");
        assertEquals(0, fired.get());
        assertTrue(0 != nanos.pending(EventFlags.TIMEOUT) && 0 != seconds.pending(EventFlags.TIMEOUT));
        assertEquals(Long.MAX_VALUE, nanos.pendingDeadline());
        final CommonTimeout huge = b.initCommonTimeout(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
        final Event common = b.newTimer(false, (e, fd, what) -> fired.incrementAndGet());
        assertEquals(0, common.add(huge));
        assertEquals(0, b.loopExit(50, TimeUnit.MILLISECONDS));
        assertEquals(0, b.loop(0));
        assertEquals(0, fired.get());
        assertEquals(0, b.once(-1, EventFlags.TIMEOUT, Long.MAX_VALUE, TimeUnit.HOURS, (e, fd, what) ->
            fired.incrementAndGet()));
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(0, fired.get());
    }

    @Test
    @DisplayName("timeouts: a pending event moves between plain and common timeouts any number of times, fires once, " +
        "at the last")
    default void shouldMoveEventsBetweenPlainAndCommonTimeouts()
    {
        final EventBase b = base();
        final CommonTimeout c20 = b.initCommonTimeout(20, TimeUnit.MILLISECONDS);
        final CommonTimeout c40 = b.initCommonTimeout(40, TimeUnit.MILLISECONDS);
        final List<String> order = new CopyOnWriteArrayList<>();
        final Event moving = b.newTimer(false, (e, fd, what) -> order.add("moving"));
        final Event persistent = b.newTimer(true, (e, fd, what) ->
        {
            order.add("persistent");
            e.del();
        });
        final Event a20 = b.newTimer(false, (e, fd, what) -> order.add("a20"));
        final Event a40 = b.newTimer(false, (e, fd, what) -> order.add("a40"));
        a20.add(c20);
        a40.add(c40);
        for (int i = 0; i < 50; i++)
        {
            moving.add(c20);
            moving.add(5, TimeUnit.MILLISECONDS);
            moving.add(c40);
            persistent.add(c20);
            persistent.add(c40);
            persistent.add(3, TimeUnit.MILLISECONDS);
            persistent.add(c20);
        }
        moving.add(60, TimeUnit.MILLISECONDS);
        persistent.add(c40);
        final long t0 = System.nanoTime();
        assertEquals(1, b.loop(0));
        assertTrue(msSince(t0) >= 55, "the last timeout (60 ms) decided");
        assertEquals(List.of("a20", "a40", "persistent", "moving"), order);
    }

    @Test
    @DisplayName("fds: add() on a closed channel returns -1 and the loop, with nothing else pending, returns at once")
    default void shouldRefuseAClosedChannel() throws Exception
    {
        final SocketChannel[] pair = tcpPair();
        final EventBase b = base();
        final Event e = b.newEvent(pair[0], EventFlags.READ, (ev, fd, what) ->
        {
        });
        pair[0].close();
        assertEquals(-1, e.add());
        assertFalse(e.isPending());
        final long t0 = System.nanoTime();
        assertEquals(1, b.loop(0));
        assertTrue(msSince(t0) < 1000);
    }

    @Test
    @DisplayName("fds: a socket closed without del() and its fd number reused: the new socket's event fires")
    default void shouldFireOnAReusedFdClosedWithoutDel() throws Exception
    {
        final EventBase b = base();
        final SocketChannel[] first = tcpPair();
        final AtomicInteger oldFired = new AtomicInteger();
        final Event old = b.newEvent(first[0], EventFlags.READ | EventFlags.PERSIST,
            (e, fd, what) -> oldFired.incrementAndGet());
        assertEquals(0, old.add());
        final int fd = old.fd();
        first[0].close();
        SocketChannel[] reused = null;
        for (int i = 0; i < 20 && null == reused; i++)
        {
            final SocketChannel[] p = tcpPair();
            if (ChannelFds.fdOf(p[0]) == fd || ChannelFds.fdOf(p[1]) == fd)
            {
                reused = ChannelFds.fdOf(p[0]) == fd ? p : new SocketChannel[] {p[1], p[0]};
            }
        }
        final SocketChannel[] pair = null == reused ? tcpPair() : reused;
        final CountDownLatch fired = new CountDownLatch(1);
        final Event fresh = b.newEvent(pair[0], EventFlags.READ | EventFlags.PERSIST, (e, f, what) ->
        {
            EventBaseFixture.drain(pair[0]);
            fired.countDown();
            e.base().loopBreak();
        });
        assertEquals(0, fresh.add());
        EventBaseFixture.write(pair[1], 5);
        b.loopExit(3, TimeUnit.SECONDS);
        b.loop(0);
        assertEquals(0, fired.getCount(), "the event on the reused fd fired (fd reused: " + (null != reused) + ")");
        old.free();
        fresh.free();
    }
}
