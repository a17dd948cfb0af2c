package io.jevent.bench.buffer;

import io.jevent.buffer.EolStyle;
import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import org.agrona.concurrent.UnsafeBuffer;
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
 * evbuffer_bench (benchmark-cases.md §1) ported to {@link Evbuffer}: the same API sequence per
 * operation, buffers reused across operations (steady state), results fed into a checksum that is
 * verified after every iteration ({@link BenchData.Tally}), and the pool checked for leaks at the
 * end. Scores are ns per operation as the C program defines it ({@code @OperationsPerInvocation}).
 * The nio baseline of each case is {@link ByteBufferBaselineBenchmark}, with the same method name.
 * <p>
 * Every buffer has its own {@link SegmentPool} with the default sizes (16 KiB segments).
 * <p>
 * Flags: {@code --add-exports java.base/jdk.internal.misc} (Agrona's Unsafe access) is needed in
 * every fork; {@code --enable-native-access=ALL-UNNAMED} is accepted by JDK 17 and needed on 22+
 * for the native modules, so both are set here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class EvbufferBenchmark
{
    // ------------------------------------------------------------------ states

    /** Buffers of one case, their pool, and the running checksum. */
    public abstract static class Buffers extends BenchData.Tally
    {
        final SegmentPool pool = new SegmentPool();

        Evbuffer newBuffer()
        {
            return new Evbuffer(pool);
        }

        /** Frees the case's buffers, then checks that every segment went back to the pool. */
        void closeAll(final Evbuffer... buffers)
        {
            for (final Evbuffer b : buffers)
            {
                b.free();
            }
            check(0 == pool.outstandingSegments(), "segments leaked: " + pool.outstandingSegments());
            check(0 == pool.outstandingWrappers(), "wrappers leaked");
            pool.close();
        }
    }

    /** One buffer: add/drain, add64x64_remove, pullup_64k. */
    @State(Scope.Thread)
    public static class One extends Buffers
    {
        Evbuffer b;
        final byte[] tmp = new byte[64];
        final byte[] probe = new byte[4096];
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        @Setup(Level.Trial)
        public void setup()
        {
            b = newBuffer();
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("one-buffer case");
            check(0 == b.length(), "buffer not empty after the iteration");
            // The copies really happen: a 4 KiB round trip gives DATA back.
            b.add(DATA, 0, 4096);
            Arrays.fill(probe, (byte)0);
            check(4096 == b.remove(probe, 0, 4096), "remove length");
            check(Arrays.equals(probe, 0, 4096, DATA, 0, 4096), "content");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(b);
        }
    }

    /** src and dst, both empty: add_buffer_move_4k. */
    @State(Scope.Thread)
    public static class Move extends Buffers
    {
        Evbuffer src;
        Evbuffer dst;

        @Setup(Level.Trial)
        public void setup()
        {
            src = newBuffer();
            dst = newBuffer();
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("add_buffer_move_4k");
            check(0 == src.length() && 0 == dst.length(), "buffers not empty");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(src, dst);
        }
    }

    /** a holds 4096 bytes, b is empty: add_buffer_pingpong_4k. */
    @State(Scope.Thread)
    public static class PingPong extends Buffers
    {
        Evbuffer a;
        Evbuffer b;
        final byte[] probe = new byte[4096];

        @Setup(Level.Trial)
        public void setup()
        {
            a = newBuffer();
            b = newBuffer();
            a.add(DATA, 0, 4096);
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("add_buffer_pingpong_4k");
            check(4096 == a.length() && 0 == b.length(), "lengths");
            check(4096 == a.copyout(probe, 0, 4096) && Arrays.equals(probe, 0, 4096, DATA, 0, 4096), "content");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(a, b);
        }
    }

    /** src holds 12288 bytes, dst is empty: remove_buffer_partial. */
    @State(Scope.Thread)
    public static class Partial extends Buffers
    {
        Evbuffer src;
        Evbuffer dst;

        @Setup(Level.Trial)
        public void setup()
        {
            src = newBuffer();
            dst = newBuffer();
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

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(src, dst);
        }
    }

    /** An empty buffer refilled with 1000 CRLF lines per invocation: readln_crlf. */
    @State(Scope.Thread)
    public static class Lines extends Buffers
    {
        Evbuffer b;
        final byte[] line = new byte[64];

        @Setup(Level.Trial)
        public void setup()
        {
            b = newBuffer();
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("readln_crlf");
            check(0 == b.length(), "buffer not empty after the block");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(b);
        }
    }

    /** 16384 bytes in 4 segments of 4096, never modified: search_16k. */
    @State(Scope.Thread)
    public static class Haystack extends Buffers
    {
        Evbuffer b;

        @Setup(Level.Trial)
        public void setup()
        {
            b = newBuffer();
            for (int c = 0; c < 4; c++)
            {
                final Evbuffer t = newBuffer();
                t.add(BenchData.HAYSTACK, 4096 * c, 4096);
                b.addBuffer(t);
                t.free();
            }
            check(4 == b.segmentCount(), "search_16k needs 4 segments, has " + b.segmentCount());
            check(16384 == b.length(), "haystack length");
        }

        @TearDown(Level.Iteration)
        public void verify()
        {
            verify("search_16k");
            check(16384 == b.length() && 4 == b.segmentCount(), "haystack changed");
        }

        @TearDown(Level.Trial)
        public void close()
        {
            closeAll(b);
        }
    }

    // ------------------------------------------------------------------ cases

    /** add(b, data, 64); drain(b, 64). Checked: the length after the add. */
    @Benchmark
    public long add64_drain64(final One s)
    {
        final Evbuffer b = s.b;
        b.add(DATA, 0, 64);
        final long len = b.length();
        b.drain(64);
        s.tally(len, 64);
        return len;
    }

    /** add(b, data, 4096); drain(b, 4096). */
    @Benchmark
    public long add4k_drain4k(final One s)
    {
        final Evbuffer b = s.b;
        b.add(DATA, 0, 4096);
        final long len = b.length();
        b.drain(4096);
        s.tally(len, 4096);
        return len;
    }

    /**
     * 64 × add(b, data + k, 64), then 64 × remove(b, tmp, 64); per message. Checked: each remove
     * returns 64 and tmp holds data[k..k+64) (first and last byte summed).
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public long add64x64_remove(final One s)
    {
        final Evbuffer b = s.b;
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

    /** add(src, data, 4096) (refill, included); add_buffer(dst, src); drain(dst, 4096). */
    @Benchmark
    public long add_buffer_move_4k(final Move s)
    {
        s.src.add(DATA, 0, 4096);
        s.dst.addBuffer(s.src);
        final long len = s.dst.length() - s.src.length();
        s.dst.drain(4096);
        s.tally(len, 4096);
        return len;
    }

    /** add_buffer(b, a); add_buffer(a, b): two zero-copy moves of 4096 bytes; per move. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long add_buffer_pingpong_4k(final PingPong s)
    {
        s.b.addBuffer(s.a);
        long len = s.b.length();
        s.a.addBuffer(s.b);
        len += s.a.length();
        s.tally(len, 8192);
        return len;
    }

    /**
     * remove_buffer(src, dst, 5000); drain(dst, 5000); add(src, data, 5000) (top-up back to
     * 12288 bytes, included). Checked: the count moved, dst's length, src's length after the top-up.
     */
    @Benchmark
    public long remove_buffer_partial(final Partial s)
    {
        final long moved = s.src.removeBuffer(s.dst, 5000);
        final long dstLen = s.dst.length();
        s.dst.drain(5000);
        s.src.add(DATA, 0, 5000);
        final long v = moved + dstLen + s.src.length();
        s.tally(v, 5000 + 5000 + 12288);
        return v;
    }

    /**
     * 1000 × readLine(CRLF) returning a String (ISO-8859-1), the libevent readln with its malloc;
     * per line. The refill (one add of the 26000-byte text) is inside the timed block: JMH cannot
     * stop the clock for it without Level.Invocation fixtures. Its cost per line is measured
     * apart by {@link #readln_refill_only}; subtract it to compare with the C figure (refill
     * excluded).
     */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_crlf_string(final Lines s, final Blackhole bh)
    {
        final Evbuffer b = s.b;
        b.add(TEXT, 0, TEXT.length);
        long acc = 0;
        for (int i = 0; i < LINES; i++)
        {
            final String line = b.readLine(EolStyle.CRLF);
            acc += line.length() + line.charAt(LINE_LEN - 1);
            bh.consume(line);
        }
        s.tally(acc, (long)LINES * (LINE_LEN + '1'));
        return acc;
    }

    /** As {@link #readln_crlf_string}, with the zero-allocation readLine into a byte[]. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_crlf_bytes(final Lines s)
    {
        final Evbuffer b = s.b;
        final byte[] line = s.line;
        b.add(TEXT, 0, TEXT.length);
        long acc = 0;
        for (int i = 0; i < LINES; i++)
        {
            final int n = b.readLine(EolStyle.CRLF, line, 0, line.length);
            acc += n + line[0] + line[n - 1];
        }
        s.tally(acc, (long)LINES * (LINE_LEN + 'G' + '1'));
        return acc;
    }

    /**
     * The refill of the readln cases alone: add(b, text, 26000); drain(b, 26000); per line (so it
     * can be subtracted from them). The drain stands in for the 1000 readLines' draining and is
     * cheaper than that, so the subtraction slightly overstates what remains.
     */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long readln_refill_only(final Lines s)
    {
        final Evbuffer b = s.b;
        b.add(TEXT, 0, TEXT.length);
        final long len = b.length();
        b.drain(TEXT.length);
        s.tally(len, TEXT.length);
        return len;
    }

    /** search(b, "needle") from the start over 4 segments; the match is at 16378. */
    @Benchmark
    public long search_16k(final Haystack s)
    {
        final long p = s.b.search(NEEDLE);
        s.tally(p, NEEDLE_POS);
        return p;
    }

    /**
     * 16 × add(b, data, 4096); pullup(b, -1) (65536 contiguous bytes, read through an Agrona
     * flyweight); drain(b, 65536); per cycle. Checked: the contiguous span and two bytes from
     * different 4 KiB chunks.
     */
    @Benchmark
    public long pullup_64k(final One s)
    {
        final Evbuffer b = s.b;
        for (int i = 0; i < 16; i++)
        {
            b.add(DATA, 0, 4096);
        }
        final UnsafeBuffer view = s.view;
        final boolean ok = b.pullup(-1, view);
        final long v = (ok ? view.capacity() : 0) + b.contiguousSpace() +
            (view.getByte(4096 * 7 + 5) & 0xff) + (view.getByte(65535) & 0xff);
        b.drain(65536);
        s.tally(v, 65536 + 65536 + (DATA[5] & 0xff) + (DATA[4095] & 0xff));
        return v;
    }
}
