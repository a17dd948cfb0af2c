package io.jevent.bench.loop;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one loop pass, single-threaded, per backend; run with {@code -prof gc} to show that the
 * hot loop allocates nothing.
 * <ul>
 *   <li>{@code readyFd}: one {@code loop(ONCE|NONBLOCK)} over an fd that stays readable (level-triggered,
 *       never drained): one poll syscall, activation, callback.</li>
 *   <li>{@code activeEvent}: {@code event.active(READ)} then one pass: the loop's own cost plus an empty
 *       poll.</li>
 *   <li>{@code timerAddDel}: add a timeout to an event and delete it (heap insert and removal).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoopDispatchBenchmark
{
    /**
     * A base with one always-readable fd.
     */
    @State(Scope.Thread)
    public static class Ready
    {
        @Param({"epoll", "nio"})
        public String backend;

        EventBase base;
        SocketChannel a;
        SocketChannel b;
        long fired;

        @Setup
        public void setUp() throws IOException
        {
            base = new EventBase(new EventBaseConfig().backend(backend));
            final SocketChannel[] pair = UnixPairs.open();
            a = pair[0];
            b = pair[1];
            a.configureBlocking(false);
            b.write(ByteBuffer.wrap(new byte[] {1}));
            base.newEvent(a, EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> fired++).add();
        }

        @TearDown
        public void tearDown() throws IOException
        {
            base.free();
            a.close();
            b.close();
            if (0 == fired)
            {
                throw new IllegalStateException("no callback ran");
            }
        }
    }

    /**
     * A base with no I/O: a manually activated event and a timer.
     */
    @State(Scope.Thread)
    public static class Idle
    {
        @Param({"epoll", "nio"})
        public String backend;

        EventBase base;
        Event manual;
        Event timer;
        long fired;

        @Setup
        public void setUp()
        {
            base = new EventBase(new EventBaseConfig().backend(backend));
            manual = base.newTimer(false, (e, fd, what) -> fired++);
            timer = base.newTimer(false, (e, fd, what) -> fired++);
        }

        @TearDown
        public void tearDown()
        {
            base.free();
        }
    }

    @Benchmark
    public int readyFd(final Ready s)
    {
        return s.base.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);
    }

    @Benchmark
    public int activeEvent(final Idle s)
    {
        s.manual.active(EventFlags.READ);
        return s.base.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);
    }

    @Benchmark
    public int timerAddDel(final Idle s)
    {
        s.timer.add(1, TimeUnit.SECONDS);
        return s.timer.del();
    }
}
