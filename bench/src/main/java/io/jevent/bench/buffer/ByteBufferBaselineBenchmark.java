package io.jevent.bench.buffer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.jevent.bench.buffer.BenchData.DATA;
import static io.jevent.bench.buffer.BenchData.LINES;
import static io.jevent.bench.buffer.BenchData.LINE_LEN;
import static io.jevent.bench.buffer.BenchData.NEEDLE;
import static io.jevent.bench.buffer.BenchData.NEEDLE_POS;
import static io.jevent.bench.buffer.BenchData.TEXT;
import static io.jevent.bench.buffer.BenchData.check;

/**
 * The same jobs as {@link EvbufferBenchmark}, method for method, done with plain direct
 * {@link ByteBuffer}s through {@link NioQueue} (one contiguous growable buffer per queue, compacted
 * only when an append does not fit). Where Evbuffer moves segments without copying, the baseline
 * copies: that is what java.nio offers. Where Evbuffer must make bytes contiguous (pullup), the
 * baseline has nothing to do, its bytes being contiguous already. Same checksums, same flags.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class ByteBufferBaselineBenchmark
{
    /** Initial capacity of every queue: the C/Evbuffer segment size; queues grow when needed. */
    static final int INITIAL = 16 * 1024;

    /** One queue: add/drain, add64x64_remove, pullup_64k. */
    @State(Scope.Thread)
    public static class One extends BenchData.Tally
    {
        final NioQueue b = new NioQueue(INITIAL);
        final byte[] tmp = new byte[64];
        final byte[] probe = new byte[4096];

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("one-queue case");
            check(0 == b.length(), "queue not empty after the iteration");
            b.add(DATA, 0, 4096);
            Arrays.fill(probe, (byte)0);
            check(4096 == b.remove(probe, 0, 4096), "remove length");
            check(Arrays.equals(probe, 0, 4096, DATA, 0, 4096), "content");
        }
    }

    /** src and dst: add_buffer_move_4k. */
    @State(Scope.Thread)
    public static class Move extends BenchData.Tally
    {
        final NioQueue src = new NioQueue(INITIAL);
        final NioQueue dst = new NioQueue(INITIAL);

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("add_buffer_move_4k");
            check(0 == src.length() && 0 == dst.length(), "queues not empty");
        }
    }

    /** a holds 4096 bytes, b is empty: add_buffer_pingpong_4k. */
    @State(Scope.Thread)
    public static class PingPong extends BenchData.Tally
    {
        final NioQueue a = new NioQueue(INITIAL);
        final NioQueue b = new NioQueue(INITIAL);
        final byte[] probe = new byte[4096];

        @Setup(Level.Trial)
        public void setup()
        {
            a.add(DATA, 0, 4096);
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("add_buffer_pingpong_4k");
            check(4096 == a.length() && 0 == b.length(), "lengths");
            final ByteBuffer bb = a.buffer();
            bb.get(bb.position(), probe, 0, 4096);
            check(Arrays.equals(probe, 0, 4096, DATA, 0, 4096), "content");
        }
    }

    /** src holds 12288 bytes, dst is empty: remove_buffer_partial. */
    @State(Scope.Thread)
    public static class Partial extends BenchData.Tally
    {
        final NioQueue src = new NioQueue(INITIAL);
        final NioQueue dst = new NioQueue(INITIAL);

        @Setup(Level.Trial)
        public void setup()
        {
            for (int i = 0; i < 3; i++)
            {
                src.add(DATA, 0, 4096);
            }
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("remove_buffer_partial");
            check(12288 == src.length() && 0 == dst.length(), "lengths");
        }
    }

    /** An empty queue refilled with 1000 CRLF lines per invocation: readln_crlf. */
    @State(Scope.Thread)
    public static class Lines extends BenchData.Tally
    {
        final NioQueue b = new NioQueue(32 * 1024);
        final byte[] line = new byte[64];

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("readln_crlf");
            check(0 == b.length(), "queue not empty after the block");
        }
    }

    /** 16384 bytes appended as 4 × 4096 (contiguous here), never modified: search_16k. */
    @State(Scope.Thread)
    public static class Haystack extends BenchData.Tally
    {
        final NioQueue b = new NioQueue(INITIAL);

        @Setup(Level.Trial)
        public void setup()
        {
            for (int c = 0; c < 4; c++)
            {
                final NioQueue t = new NioQueue(4096);
                t.add(BenchData.HAYSTACK, 4096 * c, 4096);
                b.addAll(t);
            }
            check(16384 == b.length(), "haystack length");
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("search_16k");
            check(16384 == b.length(), "haystack changed");
        }
    }

    // ------------------------------------------------------------------ cases

    @Benchmark
    public long add64_drain64(final One s)
    {
        final NioQueue b = s.b;
        b.add(DATA, 0, 64);
        final long len = b.length();
        b.drain(64);
        s.tally(len, 64);
        return len;
    }

    @Benchmark
    public long add4k_drain4k(final One s)
    {
        final NioQueue b = s.b;
        b.add(DATA, 0, 4096);
        final long len = b.length();
        b.drain(4096);
        s.tally(len, 4096);
        return len;
    }

    @Benchmark
    @OperationsPerInvocation(64)
    public long add64x64_remove(final One s)
    {
        final NioQueue b = s.b;
        final byte[] tmp = s.tmp;
        for (int k = 0; k < 64; k++)
        {
            b.add(DATA, k, 64);
        }
        long acc = 0;
        for (int k = 0; k < 64; k++)
        {
            acc += b.remove(tmp, 0, 64);
            acc += (tmp[0] & 0xff) + (tmp[63] & 0xff);
        }
        s.tally(acc, 64 * 64 + BenchData.REMOVE64_BYTES);
        return acc;
    }

    /** The refill, then a 4 KiB copy from src to dst (java.nio cannot hand memory over), then the drain. */
    @Benchmark
    public long add_buffer_move_4k(final Move s)
    {
        s.src.add(DATA, 0, 4096);
        s.dst.addAll(s.src);
        final long len = s.dst.length() - s.src.length();
        s.dst.drain(4096);
        s.tally(len, 4096);
        return len;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public long add_buffer_pingpong_4k(final PingPong s)
    {
        s.b.addAll(s.a);
        long len = s.b.length();
        s.a.addAll(s.b);
        len += s.a.length();
        s.tally(len, 8192);
        return len;
    }

    @Benchmark
    public long remove_buffer_partial(final Partial s)
    {
        final long moved = s.src.removeTo(s.dst, 5000);
        final long dstLen = s.dst.length();
        s.dst.drain(5000);
        s.src.add(DATA, 0, 5000);
        final long v = moved + dstLen + s.src.length();
        s.tally(v, 5000 + 5000 + 12288);
        return v;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_crlf_string(final Lines s, final Blackhole bh)
    {
        final NioQueue b = s.b;
        b.add(TEXT, 0, TEXT.length);
        long acc = 0;
        for (int i = 0; i < LINES; i++)
        {
            final String line = b.readLineCrlf();
            acc += line.length() + line.charAt(LINE_LEN - 1);
            bh.consume(line);
        }
        s.tally(acc, (long)LINES * (LINE_LEN + '1'));
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_crlf_bytes(final Lines s)
    {
        final NioQueue b = s.b;
        final byte[] line = s.line;
        b.add(TEXT, 0, TEXT.length);
        long acc = 0;
        for (int i = 0; i < LINES; i++)
        {
            final int n = b.readLineCrlf(line, 0, line.length);
            acc += n + line[0] + line[n - 1];
        }
        s.tally(acc, (long)LINES * (LINE_LEN + 'G' + '1'));
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_refill_only(final Lines s)
    {
        final NioQueue b = s.b;
        b.add(TEXT, 0, TEXT.length);
        final long len = b.length();
        b.drain(TEXT.length);
        s.tally(len, TEXT.length);
        return len;
    }

    @Benchmark
    public long search_16k(final Haystack s)
    {
        final long p = s.b.search(NEEDLE);
        s.tally(p, NEEDLE_POS);
        return p;
    }

    /** 16 appends of 4096 into one growable buffer: already contiguous, so "pullup" is a no-op. */
    @Benchmark
    public long pullup_64k(final One s)
    {
        final NioQueue b = s.b;
        for (int i = 0; i < 16; i++)
        {
            b.add(DATA, 0, 4096);
        }
        final ByteBuffer bb = b.buffer();
        final int p = bb.position();
        final long v = b.length() + b.length() + (bb.get(p + 4096 * 7 + 5) & 0xff) + (bb.get(p + 65535) & 0xff);
        b.drain(65536);
        s.tally(v, 65536 + 65536 + (DATA[5] & 0xff) + (DATA[4095] & 0xff));
        return v;
    }
}
