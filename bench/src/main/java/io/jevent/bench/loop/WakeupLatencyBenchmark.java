package io.jevent.bench.loop;

import io.jevent.loop.EventBase;
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

import java.util.concurrent.TimeUnit;

/**
 * Cross-thread latency: the benchmark thread hands a task to a loop running on its own thread with
 * {@link EventBase#execute(Runnable)} and spins until the task has run. A blocking loop sleeps in
 * the backend and must be woken (an eventfd write on epoll, {@code Selector.wakeup()} on nio); a
 * busy-spinning loop needs no syscall. SampleTime gives the percentiles.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class WakeupLatencyBenchmark
{
    @Param({"epoll", "nio", "epoll-busy-spin", "nio-busy-spin"})
    public String method;

    private EventBase base;
    private Thread loopThread;
    private volatile long done;
    private long sent;
    private final Runnable task = () -> done++;

    @Setup
    public void setUp() throws InterruptedException
    {
        base = LoopThread.base(method);
        loopThread = LoopThread.start(base);
    }

    @TearDown
    public void tearDown() throws InterruptedException
    {
        LoopThread.stop(base, loopThread);
    }

    @Benchmark
    public long executeAndWait()
    {
        final long target = ++sent;
        base.execute(task);
        while (done < target)
        {
            Thread.onSpinWait();
        }
        return target;
    }
}
