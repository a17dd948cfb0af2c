package io.jevent.bench.loop;

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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * libevent's bench.c as a JMH benchmark: {@code n} AF_UNIX socket pairs with a persistent READ event
 * each, {@code a} tokens circulating round the ring until {@value #WRITES} sends are used up, driven by
 * {@code loop(ONCE|NONBLOCK)} as bench.c does. One op is one bench.c run ({@code a + w} callbacks,
 * each a 1-byte recv and send), in µs, as bench.c prints them (with {@code -w 1000}). Channels work on
 * both backends; {@code -prof gc} shows the dispatch path allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DispatchJmhBenchmark
{
    static final int WRITES = 1000;

    @Param({"epoll", "nio"})
    public String backend;

    @Param({"100", "1000"})
    public int pairs;

    @Param({"1", "100"})
    public int active;

    private EventBase base;
    private SocketChannel[][] ring;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private int count;
    private int fired;
    private int writes;

    @Setup
    public void setUp() throws IOException
    {
        base = new EventBase(new EventBaseConfig().backend(backend));
        ring = new SocketChannel[pairs][];
        for (int i = 0; i < pairs; i++)
        {
            ring[i] = UnixPairs.open();
            ring[i][0].configureBlocking(false);
            ring[i][1].configureBlocking(false);
            final int idx = i;
            base.newEvent(ring[i][0], EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> onRead(idx)).add();
        }
    }

    @TearDown
    public void tearDown() throws IOException
    {
        base.free();
        for (final SocketChannel[] p : ring)
        {
            p[0].close();
            p[1].close();
        }
    }

    @Benchmark
    public int run()
    {
        count = 0;
        fired = 0;
        writes = WRITES;
        final int space = pairs / active;
        for (int i = 0; i < active; i++, fired++)
        {
            send(i * space);
        }
        while (count != fired)
        {
            base.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);
        }
        if (count != active + WRITES)
        {
            throw new IllegalStateException("dispatched " + count + ", expected " + (active + WRITES));
        }
        return count;
    }

    private void onRead(final int idx)
    {
        try
        {
            one.clear();
            ring[idx][0].read(one);
            count++;
            if (writes > 0)
            {
                final int next = idx + 1 == pairs ? 0 : idx + 1;
                send(next);
                writes--;
                fired++;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void send(final int idx)
    {
        try
        {
            one.clear();
            one.put(0, (byte)'e');
            ring[idx][1].write(one);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
