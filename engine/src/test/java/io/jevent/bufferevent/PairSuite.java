package io.jevent.bufferevent;

import io.jevent.loop.Errno;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import io.jevent.loop.WrongThreadException;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.patternByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Behavioural suite of {@link PairBufferEvent} against libevent 2.1 (libevent-semantics.md §1.12,
 * statements 81–86) and jevent's documented differences (EOF and EPIPE when one end is freed; ends on two
 * loops). Pairs need no socket; the fixture of {@link LoopbackSuite} gives the base, the pool (nothing may be
 * outstanding after a test) and the loop helpers. Concrete subclasses give the loop (backend, busy-spin).
 */
public abstract class PairSuite extends LoopbackSuite
{
    private static final int R = EventFlags.READ;
    private static final int W = EventFlags.WRITE;

    private PairBufferEvent[] pair(final int options)
    {
        final PairBufferEvent[] p = BufferEvent.pair(base(), options);
        track(p[0]);
        track(p[1]);
        return p;
    }

    /** Records callbacks: counts, and the events flags in order. */
    private static final class Log
    {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final List<Integer> events = new ArrayList<>();

        void attach(final BufferEvent bev)
        {
            bev.setCallbacks(b -> reads.incrementAndGet(), b -> writes.incrementAndGet(),
                (b, what) -> events.add(what));
        }
    }

    @Test
    void shouldHaveNoFdAlwaysDeferAndKnowEachOther()
    {
        final PairBufferEvent[] p = pair(0);
        assertEquals(-1, p[0].fd());
        assertEquals(-1, p[1].fd());
        assertSame(p[1], p[0].partner());
        assertSame(p[0], p[1].partner());
        assertTrue(0 != (p[0].options() & BevOptions.DEFER_CALLBACKS), "DEFER_CALLBACKS always added");
        assertEquals(W, p[0].enabled(), "WRITE enabled, READ not, as every new bufferevent");
        assertEquals(0, p[0].socketError());
    }

    @Test
    void shouldMoveBytesInsideTheWriteAndRunCallbacksFromTheLoop()
    {
        final PairBufferEvent[] p = pair(0);
        final Log a = new Log();
        final Log b = new Log();
        a.attach(p[0]);
        b.attach(p[1]);
        p[1].enable(R);
        assertEquals(0, p[0].write(bytes("abc")));
        assertEquals(3, p[1].input().length(), "moved inside the write call");
        assertEquals(0, p[0].output().length());
        assertEquals(0, b.reads.get(), "no callback inside the write");
        assertEquals(0, a.writes.get());
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(1, b.reads.get());
        assertEquals(1, a.writes.get());
        assertEquals("abc", content(p[1].input()));
    }

    @Test
    void shouldHoldBytesBackUntilTheReaderEnablesRead()
    {
        final PairBufferEvent[] p = pair(0);
        p[0].write(bytes("hello"));
        assertEquals(5, p[0].output().length(), "B has READ disabled: nothing moves");
        assertEquals(0, p[1].input().length());
        p[1].enable(R);
        assertEquals(5, p[1].input().length(), "enabling READ pulls");
        p[1].disable(R);
        p[0].disable(W);
        p[0].write(bytes("world"));
        p[1].enable(R);
        assertEquals(5, p[0].output().length(), "A has WRITE disabled: nothing moves");
        p[0].enable(W);
        assertEquals("helloworld", content(p[1].input()));
    }

    @Test
    void shouldMoveOnlyUpToTheReadersHighWatermarkAndResumeWhenItDrains()
    {
        final PairBufferEvent[] p = pair(0);
        p[1].setWatermark(R, 0, 10);
        p[1].enable(R);
        p[0].write(new byte[25]);
        assertEquals(10, p[1].input().length(), "H - len(input) moved");
        assertEquals(15, p[0].output().length(), "the rest waits in A's output");
        p[0].write(new byte[5]);
        assertEquals(10, p[1].input().length(), "at H nothing moves");
        final byte[] sink = new byte[4];
        assertEquals(4, p[1].read(sink, 0, 4));
        assertEquals(10, p[1].input().length(), "draining below H pulls again up to H");
        assertEquals(16, p[0].output().length());
        p[1].setWatermark(R, 0, 0);
        assertEquals(26, p[1].input().length(), "removing H pulls the rest");
        assertEquals(0, p[0].output().length());
    }

    @Test
    void shouldRunReadCallbackOnlyFromTheReadLowWatermark()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[1].setWatermark(R, 4, 0);
        p[1].enable(R);
        p[0].write(bytes("ab"));
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(0, b.reads.get(), "below the low watermark");
        p[0].write(bytes("cd"));
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(1, b.reads.get());
    }

    @Test
    void shouldFlushRegardlessOfWatermarksAndReportFinished()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[1].setWatermark(R, 0, 4);
        p[1].enable(R);
        p[0].write(new byte[20]);
        assertEquals(4, p[1].input().length());
        assertEquals(0, p[0].flush(W, BufferEvent.FLUSH_NORMAL), "NORMAL does nothing");
        assertEquals(16, p[0].output().length());
        assertEquals(1, p[0].flush(W, BufferEvent.FLUSH_FLUSH));
        assertEquals(20, p[1].input().length(), "FLUSH ignores the high watermark");
        p[1].disable(R);
        p[0].write(bytes("xy"));
        assertEquals(1, p[0].flush(W, BufferEvent.FLUSH_FINISHED), "and the enable state");
        assertEquals(22, p[1].input().length());
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), b.events, "libevent's flags for a WRITE flush");
        assertEquals(0, p[0].flush(W, BufferEvent.FLUSH_FLUSH), "nothing left to move");
        p[1].write(bytes("back"));
        assertEquals(1, p[0].flush(R, BufferEvent.FLUSH_FLUSH), "READ pulls the partner's output");
        assertEquals("back", content(p[0].input()));
    }

    @Test
    void shouldReportEofToTheSurvivorAndEpipeOnItsLaterOutput()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[1].enable(R);
        p[0].write(bytes("last words"));
        p[0].free();
        assertNull(p[1].partner(), "the link is cleared on both ends");
        base().loop(LoopFlags.NONBLOCK);
        assertEquals("last words", content(p[1].input()), "what had moved stays");
        assertEquals(1, b.reads.get());
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), b.events);
        assertEquals(W, p[1].enabled(), "reading stops at EOF");
        assertEquals(0, p[1].write(bytes("into the void")), "the write itself is accepted, as on a socket");
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF, BevFlags.WRITING | BevFlags.ERROR), b.events);
        assertEquals(Errno.EPIPE, p[1].socketError());
        assertEquals(0, p[1].enabled(), "writing stops at the error");
        assertEquals(-1, p[1].flush(W, BufferEvent.FLUSH_FLUSH), "no partner");
    }

    @Test
    void shouldDeliverEofOnlyOnceTheSurvivorReadsAgain()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[0].write(bytes("held"));
        p[0].free();
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(), b.events, "B is not reading: no EOF yet");
        p[1].enable(R);
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), b.events);
        assertEquals(0, p[1].input().length(), "A's unmoved output went with A, as a socket's unsent output");
    }

    @Test
    void shouldTimeOutReadingWhileNothingArrives()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[1].enable(R);
        p[1].setTimeouts(50, 0, TimeUnit.MILLISECONDS);
        final long start = System.nanoTime();
        awaitLoop(() -> !b.events.isEmpty(), 5000, "read timeout");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45), "not before the timeout");
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), b.events);
        assertEquals(W, p[1].enabled(), "the timed-out direction is disabled");
    }

    @Test
    void shouldRestartTheReadTimeoutWithEveryMove()
    {
        final PairBufferEvent[] p = pair(0);
        final Log b = new Log();
        b.attach(p[1]);
        p[1].enable(R);
        p[1].setTimeouts(150, 0, TimeUnit.MILLISECONDS);
        final io.jevent.loop.Event feeder = base().newTimer(true, (e, fd, what) -> p[0].write(bytes("x")));
        feeder.add(30, TimeUnit.MILLISECONDS);
        runFor(450);
        feeder.free();
        assertEquals(List.of(), b.events, "bytes every 30 ms keep a 150 ms read timeout away");
        awaitLoop(() -> !b.events.isEmpty(), 5000, "read timeout once the bytes stop");
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT), b.events);
    }

    @Test
    void shouldTimeOutWritingOnlyWhileOutputWaits()
    {
        final PairBufferEvent[] p = pair(0);
        final Log a = new Log();
        a.attach(p[0]);
        p[0].setTimeouts(0, 50, TimeUnit.MILLISECONDS);
        runFor(120);
        assertEquals(List.of(), a.events, "no output: no write timeout");
        p[0].write(bytes("stuck"));
        awaitLoop(() -> !a.events.isEmpty(), 5000, "write timeout");
        assertEquals(List.of(BevFlags.WRITING | BevFlags.TIMEOUT), a.events);
        assertEquals(0, p[0].enabled());
    }

    @Test
    void shouldTimeOutWritingWhileTheReaderTakesNothingHoweverMuchIsAppended()
    {
        final PairBufferEvent[] p = pair(0);
        final Log a = new Log();
        a.attach(p[0]);
        p[0].setTimeouts(0, 100, TimeUnit.MILLISECONDS);
        final io.jevent.loop.Event appender = base().newTimer(true, (e, fd, what) -> p[0].write(bytes("more")));
        appender.add(20, TimeUnit.MILLISECONDS);
        awaitLoop(() -> !a.events.isEmpty(), 5000, "write timeout");
        appender.free();
        assertEquals(List.of(BevFlags.WRITING | BevFlags.TIMEOUT), a.events);
    }

    @Test
    void shouldCarryAStreamWithBackPressureAndLoseNothing()
    {
        final PairBufferEvent[] p = pair(0);
        final long total = 4L << 20;
        final long high = 64 * 1024;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong maxInput = new AtomicLong();
        final AtomicReference<String> bad = new AtomicReference<>();
        final byte[] chunk = new byte[16 * 1024];
        final byte[] sink = new byte[7000];
        p[1].setWatermark(R, 0, high);
        p[0].setWatermark(W, 32 * 1024, 0);
        p[1].setCallbacks(b ->
        {
            maxInput.accumulateAndGet(b.input().length(), Math::max);
            int n;
            while ((n = b.read(sink, 0, sink.length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (sink[i] != patternByte(3, received.get() + i) && null == bad.get())
                    {
                        bad.set("byte " + (received.get() + i));
                    }
                }
                received.addAndGet(n);
            }
        }, null, null);
        final DataCallback writer = a ->
        {
            while (sent.get() < total && a.output().length() < 128 * 1024)
            {
                final int n = (int)Math.min(chunk.length, total - sent.get());
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = patternByte(3, sent.get() + i);
                }
                a.write(chunk, 0, n);
                sent.addAndGet(n);
            }
        };
        p[0].setCallbacks(null, writer, null);
        p[1].enable(R);
        writer.onData(p[0]);
        awaitLoop(() -> received.get() == total, 30_000, "all bytes received");
        assertNull(bad.get(), "every byte in order");
        assertTrue(maxInput.get() <= high, "the reader's input never exceeds its high watermark: " + maxInput.get());
    }

    @Test
    void shouldAllocateNothingPerPingPongOnceWarm()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        final PairBufferEvent[] p = pair(0);
        final int[] left = {0};
        final byte[] msg = new byte[64];
        p[1].setCallbacks(b -> b.writeBuffer(b.input()), null, null);
        p[0].setCallbacks(a ->
        {
            a.input().drain(a.input().length());
            if (--left[0] > 0)
            {
                a.write(msg, 0, msg.length);
            }
        }, null, null);
        p[0].enable(R);
        p[1].enable(R);
        final long tid = Thread.currentThread().getId();
        final StringBuilder windows = new StringBuilder();
        int clean = 0;
        for (int window = 0; window < 15 && clean < 2; window++)
        {
            left[0] = 20_000;
            final long before = mx.getThreadAllocatedBytes(tid);
            p[0].write(msg, 0, msg.length);
            awaitLoop(() -> 0 == left[0], 30_000, "round trips");
            final long allocated = mx.getThreadAllocatedBytes(tid) - before;
            windows.append(' ').append(allocated);
            clean = allocated < 4096 ? clean + 1 : 0;
        }
        assertEquals(2, clean, "bytes allocated per window of 20,000 round trips:" + windows);
    }

    @Test
    void shouldRefuseTheOtherThreadWhileTheLoopRuns() throws Exception
    {
        final PairBufferEvent[] p = pair(0);
        final CountDownLatch running = new CountDownLatch(1);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread other = background("intruder", () ->
        {
            running.await();
            try
            {
                p[1].write(bytes("x"));
            }
            catch (final Throwable t)
            {
                thrown.set(t);
            }
        });
        final io.jevent.loop.Event signal = base().newTimer(false, (e, fd, what) -> running.countDown());
        signal.add(1, TimeUnit.MILLISECONDS);
        runUntil(() -> !other.isAlive(), 5000);
        other.join();
        assertTrue(thrown.get() instanceof WrongThreadException, "got " + thrown.get());
        assertEquals(0, p[1].output().length(), "nothing written");
    }

    @Test
    void shouldFreeInEitherOrderAndAfterTheBase()
    {
        for (int order = 0; order < 2; order++)
        {
            final PairBufferEvent[] p = BufferEvent.pair(base(), 0);
            p[1].enable(R);
            p[1].setWatermark(R, 0, 8);
            p[0].write(new byte[100]);
            if (0 == order)
            {
                p[0].free();
                p[1].free();
            }
            else
            {
                p[1].free();
                assertNull(p[0].partner());
                p[0].free();
            }
            assertTrue(p[0].isFreed() && p[1].isFreed());
            assertThrows(IllegalStateException.class, () -> p[0].write(bytes("x")));
            base().loop(LoopFlags.NONBLOCK);
        }
        final PairBufferEvent[] late = BufferEvent.pair(base(), 0);
        late[1].enable(R);
        late[0].write(new byte[3000]);
        base().free();
        late[1].free();
        late[0].free();
    }

    // ------------------------------------------------------------------ two loops

    /**
     * Runs {@code other} on a thread of its own until {@link #stop}.
     */
    private Thread runInBackground(final EventBase other)
    {
        return background("other-loop", () -> other.loop(LoopFlags.NO_EXIT_ON_EMPTY));
    }

    private static void stop(final EventBase other, final Thread t) throws InterruptedException
    {
        other.execute(other::loopBreak);
        t.join(10_000);
        assertFalse(t.isAlive(), "the other loop stopped");
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(1);
        }
    }

    private PairBufferEvent[] pairAcross(final EventBase other)
    {
        final PairBufferEvent[] p = BufferEvent.pair(base(), other, 0);
        track(p[0]);
        track(p[1]);
        return p;
    }

    @Test
    void shouldEchoAStreamAcrossTwoLoopsWithBackPressureAndLoseNothing() throws Exception
    {
        final long total = 6L << 20;
        final long high = 32 * 1024;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong maxRemoteInput = new AtomicLong();
        final AtomicReference<String> bad = new AtomicReference<>();
        final AtomicInteger remoteEvents = new AtomicInteger();
        final EventBase second = new EventBase(configWithPool());
        try
        {
            final PairBufferEvent[] p = pairAcross(second);
            p[1].setWatermark(R, 0, high);
            p[1].setCallbacks(b ->
            {
                maxRemoteInput.accumulateAndGet(b.input().length(), Math::max);
                b.writeBuffer(b.input());
            }, null, (b, what) -> remoteEvents.accumulateAndGet(what, (x, y) -> x | y));
            p[1].enable(R);
            final byte[] chunk = new byte[8192];
            final byte[] sink = new byte[5000];
            p[0].setWatermark(W, 16 * 1024, 0);
            final DataCallback writer = a ->
            {
                while (sent.get() < total && a.output().length() < 64 * 1024)
                {
                    final int n = (int)Math.min(chunk.length, total - sent.get());
                    for (int i = 0; i < n; i++)
                    {
                        chunk[i] = patternByte(5, sent.get() + i);
                    }
                    a.write(chunk, 0, n);
                    sent.addAndGet(n);
                }
            };
            p[0].setCallbacks(a ->
            {
                int n;
                while ((n = a.read(sink, 0, sink.length)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (sink[i] != patternByte(5, received.get() + i) && null == bad.get())
                        {
                            bad.set("byte " + (received.get() + i));
                        }
                    }
                    received.addAndGet(n);
                }
            }, writer, null);
            p[0].enable(R);
            final Thread t = runInBackground(second);
            writer.onData(p[0]);
            awaitLoop(() -> received.get() == total, 60_000, "the echo of every byte");
            assertNull(bad.get(), "every byte echoed in order");
            assertTrue(maxRemoteInput.get() <= high, "remote input within its high watermark: " + maxRemoteInput.get());
            p[0].free();
            await(() -> 0 != remoteEvents.get(), "EOF on the other loop");
            stop(second, t);
            assertEquals(BevFlags.READING | BevFlags.EOF, remoteEvents.get(), "the remote end saw EOF only");
            assertNull(p[1].partner(), "the survivor forgets its partner");
        }
        finally
        {
            second.free();
        }
    }

    @Test
    void shouldHoldAtMostTwiceTheHighWatermarkInFlightAcrossLoops() throws Exception
    {
        final EventBase second = new EventBase(configWithPool());
        try
        {
            final PairBufferEvent[] p = pairAcross(second);
            final AtomicLong remoteInput = new AtomicLong();
            p[1].setWatermark(R, 0, 1000);
            p[1].enable(R);
            final Thread t = runInBackground(second);
            p[0].write(new byte[50_000]);
            awaitLoop(() -> 48_000 == p[0].output().length(), 5000, "the conduit and the remote input full");
            runFor(50);
            assertEquals(48_000, p[0].output().length(), "H in the conduit, H in the remote input, the rest waits");
            final CountDownLatch drained = new CountDownLatch(1);
            second.execute(() ->
            {
                remoteInput.set(p[1].input().length());
                p[1].input().drain(500);
                drained.countDown();
            });
            assertTrue(drained.await(10, TimeUnit.SECONDS));
            assertEquals(1000, remoteInput.get(), "the remote input stopped at its high watermark");
            awaitLoop(() -> 47_500 == p[0].output().length(), 5000, "500 more once the remote end drained 500");
            runFor(50);
            assertEquals(47_500, p[0].output().length());
            stop(second, t);
            assertEquals(1000, p[1].input().length());
        }
        finally
        {
            second.free();
        }
    }

    @Test
    void shouldReportFinishedAcrossLoopsAfterTheBytesSentBeforeIt() throws Exception
    {
        final EventBase second = new EventBase(configWithPool());
        try
        {
            final PairBufferEvent[] p = pairAcross(second);
            final StringBuilder seen = new StringBuilder();
            p[1].setCallbacks(b ->
            {
                seen.append(content(b.input()));
                b.input().drain(b.input().length());
            },
                null, (b, what) -> seen.append('[').append(BevFlags.toString(what)).append(']'));
            p[1].enable(R);
            final Thread t = runInBackground(second);
            p[0].disable(W);
            p[0].write(bytes("one "));
            p[0].write(bytes("two"));
            assertEquals(1, p[0].flush(W, BufferEvent.FLUSH_FINISHED), "moved regardless of WRITE disabled");
            await(() -> seen.toString().contains("EOF"), "FINISHED on the other loop");
            stop(second, t);
            assertEquals("one two[READING|EOF]", seen.toString());
            assertSame(p[0], p[1].partner(), "FINISHED does not unlink");
        }
        finally
        {
            second.free();
        }
    }

    @Test
    void shouldFailOutputWithEpipeWhenTheOtherLoopsEndIsFreed() throws Exception
    {
        final EventBase second = new EventBase(configWithPool());
        try
        {
            final PairBufferEvent[] p = pairAcross(second);
            final Log a = new Log();
            a.attach(p[0]);
            final Thread t = runInBackground(second);
            final CountDownLatch freed = new CountDownLatch(1);
            second.execute(() ->
            {
                p[1].free();
                freed.countDown();
            });
            assertTrue(freed.await(10, TimeUnit.SECONDS));
            p[0].write(bytes("nobody listens"));
            awaitLoop(() -> !a.events.isEmpty(), 5000, "EPIPE");
            assertEquals(List.of(BevFlags.WRITING | BevFlags.ERROR), a.events);
            assertEquals(Errno.EPIPE, p[0].socketError());
            assertNull(p[0].partner());
            stop(second, t);
        }
        finally
        {
            second.free();
        }
    }

    @Test
    void shouldFailOutputWithEpipeWhenTheOtherLoopIsFreedFirst()
    {
        final EventBase second = new EventBase(configWithPool());
        final PairBufferEvent[] p = pairAcross(second);
        final Log a = new Log();
        a.attach(p[0]);
        p[1].enable(R);
        second.free();
        p[0].write(bytes("to a dead loop"));
        awaitLoop(() -> !a.events.isEmpty(), 5000, "EPIPE");
        assertEquals(List.of(BevFlags.WRITING | BevFlags.ERROR), a.events);
    }

    @Test
    void shouldFreeEndsOnTwoLoopsInAnyOrderWithBytesInFlight()
    {
        for (int order = 0; order < 4; order++)
        {
            final EventBase second = new EventBase(configWithPool());
            final PairBufferEvent[] p = BufferEvent.pair(base(), second, 0);
            p[1].enable(R);
            p[0].enable(R);
            p[1].setWatermark(R, 0, 1000);
            p[0].write(new byte[50_000]);
            p[1].write(new byte[30_000]);
            base().loop(LoopFlags.NONBLOCK);
            switch (order)
            {
                case 0 ->
                {
                    p[0].free();
                    p[1].free();
                    second.free();
                }
                case 1 ->
                {
                    p[1].free();
                    p[0].free();
                    second.free();
                }
                case 2 ->
                {
                    second.free();
                    p[0].free();
                    p[1].free();
                }
                default ->
                {
                    second.free();
                    p[1].free();
                    p[0].free();
                }
            }
            base().loop(LoopFlags.NONBLOCK);
        }
    }
}
