package io.jevent.loop;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static io.jevent.loop.AdversarialLoopSuite.assertFdsBackTo;
import static io.jevent.loop.AdversarialLoopSuite.join;
import static io.jevent.loop.AdversarialLoopSuite.openFds;
import static io.jevent.loop.AdversarialLoopSuite.sleepMs;
import static io.jevent.loop.AdversarialLoopSuite.start;
import static io.jevent.loop.AdversarialLoopSuite.waitRunning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second adversarial round (issue 8) on the loop: the code paths the first round's fixes introduced.
 * The agent-host hand-over of free() (AgentRunner, AgentInvoker, CompositeAgent, an invoker that stops
 * invoking, a host thread that dies), tasks run at teardown, loopExit() handed to a loop that is not
 * running, and the inbox's exactly-once promise under real threads at free time. Every test checks
 * that the fds the JVM had before are all that is left after.
 * <p>
 * One subclass per backend supplies {@link #config()}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class AdversarialRound2LoopSuite
{
    private final List<EventBase> bases = new ArrayList<>();
    private int fdsBefore;

    /**
     * @return a fresh configuration naming the backend under test
     */
    protected abstract EventBaseConfig config();

    EventBase newBase(final EventBaseConfig c)
    {
        final EventBase b = new EventBase(c);
        bases.add(b);
        return b;
    }

    EventBase newBase()
    {
        return newBase(config());
    }

    @BeforeEach
    public void warmUp() throws IOException
    {
        new EventBase(config()).free();
        final Pipe p = Pipe.open();
        try
        {
            p.sink().write(ByteBuffer.allocate(1));
            p.source().read(ByteBuffer.allocate(1));
        }
        finally
        {
            p.sink().close();
            p.source().close();
        }
        fdsBefore = openFds();
    }

    @AfterEach
    public void freeEverything()
    {
        for (final EventBase b : bases)
        {
            b.free();
        }
        assertFdsBackTo(fdsBefore, "the test");
    }

    // ================================================================== agent hosts

    /**
     * Failed before the second round of issue-8 fixes: EventBase documents CompositeAgent as a host. Two bases in one
     * CompositeAgent on one AgentRunner; the first is freed from another thread (free() is "safe from any thread at any
     * time"). Its next doWork() frees it and throws AgentTerminationException (EventBase.doWork), which
     * CompositeAgent.doWork passes up: the runner stops and closes every agent of the composite, so the
     * second base, never freed by anyone, is freed too (its onClose) and its timer stops firing.
     * Every run.
     */
    @Test
    public void shouldKeepTheOtherBaseOfACompositeAgentRunningWhenOneIsFreed() throws Exception
    {
        final EventBase doomed = newBase();
        final EventBase sibling = newBase();
        final AtomicInteger ticks = new AtomicInteger();
        final Event tick = sibling.newTimer(true, (e, fd, what) -> ticks.incrementAndGet());
        tick.add(1, TimeUnit.MILLISECONDS);
        final List<Throwable> agentErrors = new CopyOnWriteArrayList<>();
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), agentErrors::add, null,
            new CompositeAgent(doomed, sibling));
        final Thread host = AgentRunner.startOnThread(runner);
        final long t0 = System.nanoTime();
        while (ticks.get() < 3 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5))
        {
            sleepMs(1);
        }
        assertTrue(ticks.get() >= 3, "the sibling's timer fires under the composite");
        doomed.free();
        final long t1 = System.nanoTime();
        while (!doomed.isFreed() && System.nanoTime() - t1 < TimeUnit.SECONDS.toNanos(5))
        {
            sleepMs(1);
        }
        assertTrue(doomed.isFreed(), "the host thread freed it");
        sleepMs(50);
        final int before = ticks.get();
        sleepMs(50);
        final boolean siblingFreed = sibling.isFreed();
        final int after = ticks.get();
        runner.close();
        join(host, 5000);
        assertFalse(siblingFreed, "the sibling base was freed because another base of its composite was");
        assertTrue(after > before, "the sibling's timer kept firing after the other base was freed");
    }

    /**
     * Failed before the second round of issue-8 fixes: the agent host's thread owns the base between duty cycles
     * (onStart: "the thread checks hold between duty cycles too"); there it reads from a blocking pipe into a buffer
     * it owns (Evbuffer.readFrom, "normally non-blocking"). Another thread hands the buffer's free to the loop
     * (execute) and frees the base. EventBase.free waits AGENT_FREE_WAIT_NANOS (1 s) for the host, then
     * claims the base on the calling thread (awaitAgentFree, then teardown): the accepted task runs
     * there, concurrently with the host thread's call still in progress, and frees the buffer under it.
     * The segment goes back to the pool, an unrelated buffer gets it, and when the pipe delivers, the
     * kernel writes the host's read into the unrelated buffer's bytes: silent corruption of memory the
     * host thread no longer owns (an address-level use after free). Every run, about 1.1 s.
     */
    @Test
    public void shouldNeverFreeWhatTheAgentThreadIsUsingBetweenDutyCycles() throws Exception
    {
        final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);
        final EventBase b = newBase(config().pool(pool));
        final Pipe pipe = Pipe.open();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final AtomicReference<Evbuffer> owned = new AtomicReference<>();
        final AtomicReference<Thread> taskThread = new AtomicReference<>();
        final AtomicBoolean hostInsideCall = new AtomicBoolean();
        final AtomicBoolean taskRanDuringCall = new AtomicBoolean();
        final CountDownLatch reading = new CountDownLatch(1);
        final Thread host = start("agent-host", failures, () ->
        {
            final AgentInvoker invoker = new AgentInvoker(failures::add, null, b);
            invoker.start();
            for (int i = 0; i < 10; i++)
            {
                invoker.invoke();
            }
            final Evbuffer buf = new Evbuffer(pool);
            buf.setOwner(b);
            owned.set(buf);
            reading.countDown();
            hostInsideCall.set(true);
            try
            {
                buf.readFrom(pipe.source(), 4096);
            }
            catch (final IllegalStateException | IOException expected)
            {
                // the buffer was freed meanwhile
            }
            hostInsideCall.set(false);
            invoker.invoke();
            invoker.close();
        });
        assertTrue(reading.await(5, TimeUnit.SECONDS));
        sleepMs(50);
        b.execute(() ->
        {
            taskThread.set(Thread.currentThread());
            taskRanDuringCall.set(hostInsideCall.get());
            owned.get().free();
        });
        b.free();
        final Evbuffer[] victims = new Evbuffer[8];
        final byte[] vs = new byte[4096];
        Arrays.fill(vs, (byte)'V');
        for (int i = 0; i < victims.length; i++)
        {
            victims[i] = new Evbuffer(pool);
            victims[i].add(vs);
        }
        pipe.sink().write(ByteBuffer.wrap("XXXXXXXXXXXXXXXX".getBytes()));
        join(host, 5000);
        final byte[] now = new byte[victims.length * vs.length];
        for (int i = 0; i < victims.length; i++)
        {
            victims[i].copyout(now, i * vs.length, vs.length);
            victims[i].free();
        }
        pipe.source().close();
        pipe.sink().close();
        int overwritten = 0;
        for (final byte x : now)
        {
            overwritten += 'V' == x ? 0 : 1;
        }
        assertEquals(0, overwritten, "bytes of an unrelated buffer overwritten by the host thread's read " +
            "(the task freeing its buffer ran on " + taskThread.get().getName() + ", host inside its call: " +
            taskRanDuringCall.get() + ")");
        assertFalse(taskRanDuringCall.get(), "an execute() task ran on " + taskThread.get().getName() +
            " while the loop's own thread was inside a call on the base's objects");
        pool.close();
    }

    /**
     * Failed before the second round of issue-8 fixes: a mistake, a second host: the base's loop runs on one thread
     * and an AgentInvoker (or an AgentRunner) is started for it on another. EventBase.onStart detects it and throws
     * WrongThreadException, as documented; but Agrona's AgentInvoker.start (and AgentRunner.run) answer
     * a failed onStart by closing the agent, and EventBase.onClose frees the base unconditionally
     * (onClose: "free()"), so the refused host frees the base under the loop that rightly runs it: that
     * loop returns and every later call throws IllegalStateException. Misuse should throw and change
     * nothing. Every run.
     */
    @Test
    public void shouldLeaveARunningBaseAloneWhenASecondHostIsRefused() throws Exception
    {
        final EventBase b = newBase();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = start("loop", failures, () -> b.loop(LoopFlags.NO_EXIT_ON_EMPTY));
        waitRunning(b);
        final List<Throwable> hostErrors = new CopyOnWriteArrayList<>();
        final AgentInvoker second = new AgentInvoker(hostErrors::add, null, b);
        second.start();
        final boolean refused = !hostErrors.isEmpty() && hostErrors.get(0) instanceof WrongThreadException;
        final boolean freed = b.isFreed() || b.isFreeing();
        loop.join(200);
        final boolean loopReturned = !loop.isAlive();
        if (!loopReturned)
        {
            b.loopBreak();
            join(loop, 5000);
        }
        assertTrue(refused, "the second host was refused: " + hostErrors);
        assertFalse(freed || loopReturned, "the running base was freed by the refused host's close " +
            "(freed " + freed + ", its loop returned " + loopReturned + ")");
        assertEquals(List.of(), failures);
    }

    /**
     * A thread hosts the base by hand (onStart, doWork) and then ends without onClose. free() from
     * another thread sees the host dead and frees at once (no one-second wait); every task accepted
     * after the host died runs exactly once, on the freeing thread; the fds are closed.
     */
    @Test
    public void shouldFreeABaseWhoseAgentThreadDiedWithoutClosing() throws Exception
    {
        final EventBase b = newBase();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread host = start("short-lived-host", failures, () ->
        {
            b.onStart();
            for (int i = 0; i < 100; i++)
            {
                b.doWork();
            }
        });
        join(host, 5000);
        assertEquals(List.of(), failures);
        final AtomicInteger ran = new AtomicInteger();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        for (int i = 0; i < 100; i++)
        {
            b.execute(() ->
            {
                ran.incrementAndGet();
                ranOn.set(Thread.currentThread());
            });
        }
        final long t0 = System.nanoTime();
        b.free();
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(b.isFreed());
        assertEquals(100, ran.get());
        assertSame(Thread.currentThread(), ranOn.get());
        assertTrue(tookMs < 500, "free() waited " + tookMs + " ms for a dead host");
        assertThrows(RejectedExecutionException.class, () -> b.execute(() ->
        {
        }));
    }

    /**
     * An AgentInvoker whose thread stops invoking: free() from another thread returns at once (the base
     * is freeing, not freed); the invoker's next invoke() frees it on the invoker's thread and runs every
     * accepted task exactly once there; close() afterwards is harmless.
     */
    @Test
    public void shouldFreeABaseWhoseInvokerStoppedInvoking() throws Exception
    {
        final EventBase b = newBase();
        final AgentInvoker invoker = new AgentInvoker(Throwable::printStackTrace, null, b);
        invoker.start();
        for (int i = 0; i < 10; i++)
        {
            invoker.invoke();
        }
        final AtomicInteger ran = new AtomicInteger();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread freer = start("freer", failures, () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                b.execute(ran::incrementAndGet);
            }
            b.free();
        });
        join(freer, 5000);
        assertEquals(List.of(), failures);
        assertTrue(b.isFreeing());
        assertFalse(b.isFreed(), "nothing of the invoker's base is freed under it between invokes");
        invoker.invoke();
        assertTrue(b.isFreed());
        assertEquals(1000, ran.get());
        invoker.invoke();
        invoker.close();
        assertTrue(invoker.isClosed());
    }

    /**
     * An AgentRunner hosting the base, free() from another thread: the host frees it on its own thread
     * promptly; the runner runs on (a freed base's doWork does nothing) until closed.
     */
    @Test
    public void shouldLetARunningAgentFreeItsBasePromptly() throws Exception
    {
        final EventBase b = newBase();
        final AgentRunner runner = new AgentRunner(new BusySpinIdleStrategy(), Throwable::printStackTrace, null, b);
        final Thread host = AgentRunner.startOnThread(runner);
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CountDownLatch hosted = new CountDownLatch(1);
        b.execute(hosted::countDown);
        assertTrue(hosted.await(5, TimeUnit.SECONDS));
        b.execute(() -> ranOn.set(Thread.currentThread()));
        final long t0 = System.nanoTime();
        b.free();
        while (!b.isFreed() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5))
        {
            Thread.onSpinWait();
        }
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        runner.close();
        join(host, 5000);
        assertSame(host, ranOn.get());
        assertTrue(tookMs < 900, "freeing took " + tookMs + " ms");
    }

    /**
     * Failed (hung) before the second round of issue-8 fixes: free() is "safe from any thread and at any time"; from
     * another thread while the loop runs it "waits until it has" freed. Two loops, each on its own thread, each run a
     * task that frees the other base (say a shutdown broadcast to every loop). Each free() finds the other base
     * RUNNING and parks in EventBase.awaitLoopExit until that loop returns, but that loop is itself
     * parked inside its task: both loop threads wait for each other forever, nothing detects it.
     * Every run (the child JVM gives up after 2 s and reports both threads parked in awaitLoopExit;
     * run in a child JVM because the stuck threads can never be released).
     */
    @Test
    public void shouldNotDeadlockWhenTwoLoopsFreeEachOtherFromCallbacks() throws Exception
    {
        assertEquals("ok", AdversarialRound2Child.run(config().backend(), "cross-free", 2000));
    }

    // ================================================================== loopExit handed to a loop that does not run

    /**
     * loopExit() from a thread while no loop runs is handed to the loop (a task). The base is then
     * freed: no exception, the handed-over exit runs harmlessly during free(); later loopExit() says -1.
     */
    @Test
    public void shouldDropALoopExitHandedOverBeforeTheBaseIsFreed()
    {
        final EventBase b = newBase();
        assertEquals(0, b.loopExit());
        assertEquals(0, b.loopExit(1, TimeUnit.HOURS));
        b.free();
        assertTrue(b.isFreed());
        assertEquals(-1, b.loopExit());
        assertEquals(-1, b.loopExit(5, TimeUnit.MILLISECONDS));
        assertFalse(b.gotExit());
    }

    /**
     * loopExit() from this thread while no loop runs, then the loop run on another thread with a
     * timer an hour away: the loop returns 0 after its first pass, with gotExit().
     */
    @Test
    public void shouldExitALoopStartedOnAnotherThreadAfterAHandedOverLoopExit() throws Exception
    {
        final EventBase b = newBase();
        final Event far = b.newTimer(false, (e, fd, what) ->
        {
        });
        far.add(1, TimeUnit.HOURS);
        assertEquals(0, b.loopExit());
        final AtomicInteger rc = new AtomicInteger(99);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Thread loop = start("loop", failures, () -> rc.set(b.loop(0)));
        join(loop, 2000);
        assertEquals(List.of(), failures);
        assertEquals(0, rc.get());
        assertTrue(b.gotExit());
        far.free();
    }

    // ================================================================== calls after free

    /**
     * Failed before the second round of issue-8 fixes: "After it, every call on the base or its events throws
     * IllegalStateException, except free() and the read-only accessors" (EventBase.free, README). defer() (public, the
     * CallbackDeferrer of Evbuffer.deferCallbacks) only checks the thread (EventBase.defer:
     * checkThread, then deferTask), so on a freed base it queues the task into an active queue no
     * loop will ever run and returns normally: a buffer whose callbacks are deferred to that base
     * keeps changing with its callbacks silently never called. Every run.
     */
    @Test
    public void shouldRefuseDeferOnAFreedBase()
    {
        final EventBase b = newBase();
        final Evbuffer buf = new Evbuffer();
        buf.deferCallbacks(b);
        final AtomicInteger calls = new AtomicInteger();
        buf.addCallback((x, orig, added, deleted) -> calls.incrementAndGet());
        b.free();
        Object outcome;
        try
        {
            buf.add(new byte[10]);
            outcome = "add returned, callbacks run: " + calls.get();
        }
        catch (final IllegalStateException ex)
        {
            outcome = "ISE";
        }
        buf.free();
        final AtomicInteger ran = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> b.defer(ran::incrementAndGet),
            "defer() on a freed base (a buffer deferring to it: " + outcome + ")");
    }

    // ================================================================== tasks at teardown

    /**
     * RETHROW, and tasks already moved into the active queue when a task frees the base: the later
     * ones run during teardown even though one of them throws; the first error comes out of loop(),
     * the backend is closed, and a task queued by a teardown task is refused, not lost silently.
     */
    @Test
    public void shouldRunTeardownTasksFromTheActiveQueueWhenOneThrowsWithRethrow()
    {
        final EventBase b = new EventBase(config().errorHandler(LoopErrorHandlers.RETHROW));
        final AtomicInteger ran = new AtomicInteger();
        final AtomicReference<Throwable> refused = new AtomicReference<>();
        b.execute(b::free);
        b.execute(() ->
        {
            ran.incrementAndGet();
            throw new IllegalStateException("expected: a teardown task fails");
        });
        b.execute(() ->
        {
            ran.incrementAndGet();
            try
            {
                b.execute(ran::incrementAndGet);
            }
            catch (final RejectedExecutionException ex)
            {
                refused.set(ex);
            }
        });
        b.execute(ran::incrementAndGet);
        final IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> b.loop(0));
        assertEquals("expected: a teardown task fails", thrown.getMessage());
        assertTrue(b.isFreed());
        assertEquals(3, ran.get(), "every accepted task ran once");
        assertNotNull(refused.get(), "execute() during teardown refused");
    }

    // ================================================================== the inbox at free time, real threads

    /**
     * 3 producers execute(), tryExecute() and activate while a fourth thread frees a base that no loop
     * runs (so free() claims it at once and drains the inbox on its own thread): every task accepted
     * ran exactly once, no refused one ran, and activations after the free are refused.
     */
    @Test
    public void shouldRunEveryAcceptedTaskOnceWhenAnIdleBaseIsFreedUnderProducers() throws Exception
    {
        long acceptedInAll = 0;
        for (int round = 0; round < 5; round++)
        {
            final EventBase b = newBase();
            final Event ev = b.newTimer(false, (e, fd, what) ->
            {
            });
            final int per = 30_000;
            final AtomicIntegerArray runs = new AtomicIntegerArray(3 * per);
            final AtomicIntegerArray accepted = new AtomicIntegerArray(3 * per);
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            final CountDownLatch go = new CountDownLatch(1);
            final Thread[] ps = new Thread[3];
            for (int p = 0; p < 3; p++)
            {
                final int first = p * per;
                ps[p] = start("producer-" + p, failures, () ->
                {
                    go.await();
                    for (int i = 0; i < per; i++)
                    {
                        final int id = first + i;
                        final Runnable r = () -> runs.incrementAndGet(id);
                        try
                        {
                            if (0 == (i & 1))
                            {
                                b.execute(r);
                                accepted.set(id, 1);
                            }
                            else if (b.tryExecute(r))
                            {
                                accepted.set(id, 1);
                            }
                            b.activateFromAnyThread(ev, EventFlags.TIMEOUT);
                        }
                        catch (final RejectedExecutionException ex)
                        {
                            if (b.isFreeing())
                            {
                                return;
                            }
                        }
                    }
                });
            }
            go.countDown();
            sleepMs(2 + round);
            b.free();
            for (final Thread t : ps)
            {
                join(t, 10_000);
            }
            assertEquals(List.of(), failures);
            for (int i = 0; i < runs.length(); i++)
            {
                assertEquals(accepted.get(i), runs.get(i), "task " + i + " (accepted " + accepted.get(i) + ")");
                acceptedInAll += accepted.get(i);
            }
            ev.free();
        }
        assertTrue(acceptedInAll > 0, "the producers got tasks in before the frees");
    }
}
