package io.jevent.loop;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.jevent.loop.EventBaseFixture.msSince;
import static io.jevent.loop.EventBaseFixture.sleepMs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-thread work ({@link EventBase#execute}, {@link EventBase#activateFromAnyThread}), wakeups,
 * and the Agrona Agent duty cycle ({@link EventBase#doWork}) under AgentRunner and AgentInvoker.
 */
public interface EventBaseThreadingSemantics extends EventBaseFixture
{
    @Test
    @DisplayName("threads: tryExecute() (backing off while the inbox is full) and activateFromAnyThread() " +
        "from 4 threads, 100,000 tasks: none lost, none run twice")
    default void shouldRunEveryCrossThreadTaskExactlyOnce() throws Exception
    {
        final EventBase b = base();
        final int threads = 4;
        final int perThread = 25_000;
        final int total = threads * perThread;
        final int[] runs = new int[total];
        final int[] ran = {0};
        final int[] activationRuns = {0};
        final int[] finalBitRuns = new int[threads];
        final int[] activations = {0};
        final Thread[] producers = new Thread[threads];
        final Event target = b.newTimer(false, (e, fd, what) ->
        {
        });
        final Thread loopThread = Thread.currentThread();
        final List<Throwable> offThread = new CopyOnWriteArrayList<>();
        final Runnable checkDone = () ->
        {
            if (ran[0] == total && allPositive(finalBitRuns))
            {
                b.loopBreak();
            }
        };
        target.setCallback((e, fd, what) ->
        {
            assertTrue(0 != what, "an activation carries its bits");
            activationRuns[0]++;
            for (int t = 0; t < threads; t++)
            {
                if (0 != (what & (1 << (16 + t))))
                {
                    finalBitRuns[t]++;
                }
            }
            checkDone.run();
        });
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger issued = new AtomicInteger();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            producers[t] = new Thread(() ->
            {
                try
                {
                    go.await();
                    for (int i = 0; i < perThread; i++)
                    {
                        final int id = thread * perThread + i;
                        final Runnable task = () ->
                        {
                            if (Thread.currentThread() != loopThread)
                            {
                                offThread.add(new AssertionError("task ran on " + Thread.currentThread()));
                            }
                            runs[id]++;
                            ran[0]++;
                            checkDone.run();
                        };
                        while (!b.tryExecute(task))
                        {
                            Thread.yield();
                        }
                        if (0 == i % 10)
                        {
                            issued.incrementAndGet();
                            b.activateFromAnyThread(target, 1 << thread);
                        }
                    }
                    issued.incrementAndGet();
                    b.activateFromAnyThread(target, 1 << (16 + thread));
                }
                catch (final Throwable ex)
                {
                    offThread.add(ex);
                }
            }, "producer-" + t);
            producers[t].start();
        }
        b.loopExit(25, TimeUnit.SECONDS);
        go.countDown();
        final int rc = b.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        for (final Thread p : producers)
        {
            p.join();
        }
        activations[0] = issued.get();
        assertEquals(List.of(), offThread);
        assertTrue(b.gotBreak(), "finished before the 25 s guard (rc " + rc + ", ran " + ran[0] + ")");
        assertEquals(total, ran[0]);
        assertEachRanOnce(runs, finalBitRuns);
        assertTrue(activationRuns[0] >= 1 && activationRuns[0] <= activations[0],
            "at most one run per activation: " + activationRuns[0] + " runs for " + activations[0]);
    }

    private static boolean allPositive(final int[] counts)
    {
        for (final int count : counts)
        {
            if (count <= 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Each of {@link #shouldRunEveryCrossThreadTaskExactlyOnce}'s tasks ran once, and each producer's final
     * activation was seen in exactly one run.
     */
    private static void assertEachRanOnce(final int[] taskRuns, final int[] finalBitRuns)
    {
        for (int i = 0; i < taskRuns.length; i++)
        {
            assertEquals(1, taskRuns[i], "task " + i);
        }
        for (int t = 0; t < finalBitRuns.length; t++)
        {
            assertEquals(1, finalBitRuns[t], "final activation of thread " + t + " seen in exactly one run");
        }
    }

    @Test
    @DisplayName("threads: concurrent activations that arrive before the loop drains them OR into one run")
    default void shouldOrConcurrentActivationsIntoOneRun() throws Exception
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        final Event ev = b.newTimer(false, (e, fd, what) -> calls.add(what));
        final int[] bits = {EventFlags.READ, EventFlags.WRITE, EventFlags.TIMEOUT, 0x100};
        final Thread[] threads = new Thread[bits.length];
        for (int i = 0; i < bits.length; i++)
        {
            final int bit = bits[i];
            threads[i] = new Thread(() ->
            {
                b.activateFromAnyThread(ev, bit);
                b.activateFromAnyThread(ev, bit);
            });
            threads[i].start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertEquals(1, b.loop(LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.READ | EventFlags.WRITE | EventFlags.TIMEOUT | 0x100), calls);
        b.activateFromAnyThread(ev, EventFlags.READ);
        assertEquals(1, b.loop(LoopFlags.NONBLOCK));
        assertEquals(2, calls.size(), "a later activation runs again");
        assertEquals(EventFlags.READ, calls.get(1));
        assertThrows(IllegalArgumentException.class,
            () -> newBase(backendConfig()).activateFromAnyThread(ev, EventFlags.READ));
    }

    @Test
    @DisplayName("threads: execute() from another thread wakes a sleeping loop promptly (< 1 s)")
    default void shouldWakeASleepingLoopOnExecute() throws Exception
    {
        checkWakeup(false);
    }

    @Test
    @DisplayName("threads: activateFromAnyThread() from another thread wakes a sleeping loop promptly (< 1 s)")
    default void shouldWakeASleepingLoopOnActivate() throws Exception
    {
        checkWakeup(true);
    }

    private void checkWakeup(final boolean activate) throws Exception
    {
        final EventBase b = base();
        final AtomicLong ranAt = new AtomicLong();
        final Event breaker = b.newTimer(false, (e, fd, what) ->
        {
            ranAt.set(System.nanoTime());
            b.loopBreak();
        });
        b.newTimer(false, (e, fd, what) ->
        {
        }).add(20, TimeUnit.SECONDS);
        final AtomicInteger rc = new AtomicInteger(42);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread loop = new Thread(() ->
        {
            try
            {
                rc.set(b.dispatch());
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, "loop");
        loop.start();
        sleepMs(300);
        assertTrue(loop.isAlive(), "loop is sleeping on its 20 s timer");
        final long t0 = System.nanoTime();
        if (activate)
        {
            b.activateFromAnyThread(breaker, EventFlags.READ);
        }
        else
        {
            b.execute(() -> breaker.active(EventFlags.TIMEOUT));
        }
        loop.join(5000);
        assertFalse(loop.isAlive(), "loop returned");
        assertNull(failure.get());
        assertEquals(0, rc.get());
        final long latencyMs = TimeUnit.NANOSECONDS.toMillis(ranAt.get() - t0);
        assertTrue(latencyMs < 1000, "woke after " + latencyMs + " ms");
    }

    @Test
    @DisplayName("Agent: doWork returns 0 on an idle base every time, and > 0 only when work ran")
    default void shouldReportAnHonestWorkCount() throws Exception
    {
        final EventBase b = base();
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(0, b.doWork(), "empty base, call " + i);
        }
        final Pipe p = pipe();
        final int[] reads = {0};
        final Event r = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
        {
            reads[0]++;
            EventBaseFixture.drain(p.source());
        });
        assertEquals(0, r.add());
        b.newTimer(true, (e, fd, what) ->
        {
        }).add(1, TimeUnit.HOURS);
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(0, b.doWork(), "idle with an idle channel and a far timer, call " + i);
        }
        final Thread waker = new Thread(b::wakeupFromAnyThread);
        waker.start();
        waker.join();
        assertEquals(0, b.doWork(), "a bare wakeup is no work");
        assertEquals(0, b.doWork());

        EventBaseFixture.write(p.sink(), 1);
        assertTrue(b.doWork() > 0, "a readable channel is work");
        assertEquals(1, reads[0]);
        assertEquals(0, b.doWork(), "drained");

        final Event manual = b.newTimer(false, (e, fd, what) ->
        {
        });
        manual.active(EventFlags.TIMEOUT);
        assertTrue(b.doWork() > 0, "an active event is work");
        assertEquals(0, b.doWork());

        final int[] tasks = {0};
        final Thread other = new Thread(() -> b.execute(() -> tasks[0]++));
        other.start();
        other.join();
        assertTrue(b.doWork() > 0, "a cross-thread task is work");
        assertEquals(1, tasks[0]);
        assertEquals(0, b.doWork());

        final int[] fired = {0};
        b.newTimer(false, (e, fd, what) -> fired[0]++).add(50, TimeUnit.MILLISECONDS);
        final long t0 = System.nanoTime();
        int work = 0;
        while (0 == work && msSince(t0) < 5000)
        {
            work = b.doWork();
        }
        assertTrue(work > 0);
        assertEquals(1, fired[0]);
        assertTrue(msSince(t0) >= 40, "the timer fired on time, not early");
        for (int i = 0; i < 100; i++)
        {
            assertEquals(0, b.doWork(), "idle again, call " + i);
        }
    }

    @Test
    @DisplayName("Agent: doWork inside a running loop is refused")
    default void shouldRefuseDoWorkInsideTheLoop()
    {
        final EventBase b = base();
        final List<Class<?>> thrown = new ArrayList<>();
        b.newTimer(false, (e, fd, what) ->
        {
            try
            {
                b.doWork();
            }
            catch (final IllegalStateException ex)
            {
                thrown.add(ex.getClass());
            }
        }).active(EventFlags.TIMEOUT);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(IllegalStateException.class), thrown);
    }

    @Test
    @DisplayName("Agent: hosted by an AgentRunner on its own thread, the base runs tasks, activations and timers")
    default void shouldRunUnderAgentRunner() throws Exception
    {
        final EventBase b = newBase(backendConfig());
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final ErrorHandler onError = errors::add;
        final AtomicReference<Thread> taskThread = new AtomicReference<>();
        final CountDownLatch activated = new CountDownLatch(1);
        final CountDownLatch timerFired = new CountDownLatch(1);
        final Event ev = b.newTimer(false, (e, fd, what) -> activated.countDown());
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), onError, null, b);
        try
        {
            AgentRunner.startOnThread(runner);
            final CountDownLatch taskRan = new CountDownLatch(1);
            b.execute(() ->
            {
                taskThread.set(Thread.currentThread());
                b.newTimer(false, (e, fd, what) -> timerFired.countDown()).add(50, TimeUnit.MILLISECONDS);
                taskRan.countDown();
            });
            assertTrue(taskRan.await(5, TimeUnit.SECONDS), "task ran");
            assertNotSame(Thread.currentThread(), taskThread.get());
            assertSame(runner.thread(), taskThread.get(), "on the runner's thread");
            b.activateFromAnyThread(ev, EventFlags.READ);
            assertTrue(activated.await(5, TimeUnit.SECONDS), "activation ran");
            assertTrue(timerFired.await(5, TimeUnit.SECONDS), "timer fired");
        }
        finally
        {
            runner.close();
        }
        assertEquals(List.of(), errors);
        assertThrows(IllegalStateException.class, () -> b.loop(0), "onClose freed the base");
    }

    @Test
    @DisplayName("Agent: hosted by an AgentInvoker on the test thread, invoke() returns the work count")
    default void shouldRunUnderAgentInvoker()
    {
        final EventBase b = newBase(backendConfig());
        final List<Throwable> errors = new ArrayList<>();
        final AgentInvoker invoker = new AgentInvoker(errors::add, null, b);
        invoker.start();
        try
        {
            assertEquals(0, invoker.invoke(), "idle");
            final int[] calls = {0};
            b.newTimer(false, (e, fd, what) -> calls[0]++).active(EventFlags.TIMEOUT);
            assertTrue(invoker.invoke() > 0);
            assertEquals(1, calls[0]);
            assertEquals(0, invoker.invoke());
            b.newTimer(false, (e, fd, what) -> calls[0]++).add(20, TimeUnit.MILLISECONDS);
            final long t0 = System.nanoTime();
            while (1 == calls[0] && msSince(t0) < 5000)
            {
                invoker.invoke();
            }
            assertEquals(2, calls[0]);
        }
        finally
        {
            invoker.close();
        }
        assertEquals(List.of(), errors);
        assertTrue(invoker.isClosed());
        assertThrows(IllegalStateException.class, () -> b.loop(0), "onClose freed the base");
    }
}
