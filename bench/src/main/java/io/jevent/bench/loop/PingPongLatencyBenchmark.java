package io.jevent.bench.loop;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
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
 * Dispatch latency, busy-spin against blocking: the benchmark thread writes one byte into an AF_UNIX
 * socket pair and spins reading the reply; a loop on its own thread has a persistent READ event on
 * the other end whose callback echoes the byte. A blocking loop is woken by the kernel from
 * epoll_wait/select; a busy-spinning one polls with a zero timeout and sees the byte without being
 * scheduled. SampleTime reports the round-trip percentiles.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PingPongLatencyBenchmark
{
    @Param({"epoll", "nio", "epoll-busy-spin", "nio-busy-spin"})
    public String method;

    private EventBase base;
    private Thread loopThread;
    private SocketChannel client;
    private SocketChannel server;
    private final ByteBuffer out = ByteBuffer.allocateDirect(1);
    private final ByteBuffer in = ByteBuffer.allocateDirect(1);
    private final ByteBuffer echo = ByteBuffer.allocateDirect(1);

    @Setup
    public void setUp() throws IOException, InterruptedException
    {
        final SocketChannel[] pair = UnixPairs.open();
        client = pair[0];
        server = pair[1];
        client.configureBlocking(false);
        server.configureBlocking(false);
        base = LoopThread.base(method);
        base.newEvent(server, EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> echoOnce()).add();
        loopThread = LoopThread.start(base);
    }

    @TearDown
    public void tearDown() throws Exception
    {
        LoopThread.stop(base, loopThread);
        client.close();
        server.close();
    }

    @Benchmark
    public int roundTrip() throws IOException
    {
        out.clear();
        out.put(0, (byte)7);
        client.write(out);
        in.clear();
        while (0 == client.read(in))
        {
            Thread.onSpinWait();
        }
        return in.get(0);
    }

    private void echoOnce()
    {
        try
        {
            echo.clear();
            if (server.read(echo) > 0)
            {
                echo.flip();
                server.write(echo);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
