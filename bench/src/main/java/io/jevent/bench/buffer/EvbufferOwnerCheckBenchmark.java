package io.jevent.bench.buffer;

import io.jevent.buffer.BufferOwner;
import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static io.jevent.bench.buffer.BenchData.DATA;
import static io.jevent.bench.buffer.BenchData.check;

/**
 * What the thread-affinity check costs: the two cheapest {@link EvbufferBenchmark} cases, with the
 * same calls, without an owner and with the owner an event loop gives its buffers (a volatile owner
 * thread compared with the current thread on every public call). The cases make 3
 * (add64_drain64: add, length, drain) and 3 per move (add_buffer_pingpong_4k: addBuffer asks both
 * buffers, then length) owner checks per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class EvbufferOwnerCheckBenchmark
{
    /**
     * The check EventBase makes: its loop thread, null while the loop does not run, in a volatile field.
     */
    static final class LoopOwner implements BufferOwner
    {
        volatile Thread ownerThread;

        @Override
        public void checkThread()
        {
            final Thread t = ownerThread;
            if (null != t && t != Thread.currentThread())
            {
                throw new IllegalStateException("evbuffer used outside its loop thread " + t.getName());
            }
        }
    }

    /** Buffers of one case, owned by the benchmark thread or by nobody. */
    @State(Scope.Thread)
    public static class Owned extends BenchData.Tally
    {
        @Param({"false", "true"})
        public boolean ownerCheck;

        final SegmentPool pool = new SegmentPool();
        Evbuffer one;
        Evbuffer a;
        Evbuffer b;

        @Setup(Level.Trial)
        public void setup()
        {
            one = newBuffer();
            a = newBuffer();
            b = newBuffer();
            a.add(DATA, 0, 4096);
        }

        private Evbuffer newBuffer()
        {
            final Evbuffer buffer = new Evbuffer(pool);
            if (ownerCheck)
            {
                final LoopOwner owner = new LoopOwner();
                owner.ownerThread = Thread.currentThread();
                buffer.setOwner(owner);
            }
            return buffer;
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("owner check case");
            check(0 == one.length() && 4096 == a.length() && 0 == b.length(), "lengths");
            check(ownerCheck == (null != one.owner()), "owner as configured");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            one.free();
            a.free();
            b.free();
            check(0 == pool.outstandingSegments(), "segments leaked: " + pool.outstandingSegments());
            pool.close();
        }
    }

    /** add(b, data, 64); drain(b, 64), as {@link EvbufferBenchmark#add64_drain64}. */
    @Benchmark
    public long add64_drain64(final Owned s)
    {
        final Evbuffer b = s.one;
        b.add(DATA, 0, 64);
        final long len = b.length();
        b.drain(64);
        s.tally(len, 64);
        return len;
    }

    /** add_buffer(b, a); add_buffer(a, b), as {@link EvbufferBenchmark#add_buffer_pingpong_4k}; per move. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long add_buffer_pingpong_4k(final Owned s)
    {
        s.b.addBuffer(s.a);
        long len = s.b.length();
        s.a.addBuffer(s.b);
        len += s.a.length();
        s.tally(len, 8192);
        return len;
    }
}
