package io.jevent.bench.echo;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Echo round trip over loopback TCP per server: the benchmark thread writes {@code size} bytes on a
 * non-blocking SocketChannel and busy-polls until the whole echo is back (and checks it). The server
 * (an {@link EchoServers} server, in this JVM on its own loop thread) is the path measured. SampleTime
 * gives the percentiles. The client allocates nothing, so {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is the server's allocation per echo; the secondary metric
 * {@code serverBytesPerOp} counts the server loop thread alone (ThreadMXBean).
 * <p>
 * {@code java -jar bench/target/benchmarks.jar EchoRoundTripBenchmark -prof gc}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class EchoRoundTripBenchmark
{
    @Param({"nio-baseline", "jevent-epoll", "jevent-nio", "jevent-epoll-busy-spin", "jevent-nio-busy-spin",
        "netty-epoll"})
    public String server;

    @Param({"64"})
    public int size;

    private EchoBenchServer echo;
    private SocketChannel client;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup
    public void setUp() throws IOException
    {
        echo = EchoServers.create(server);
        client = EchoJmhClient.start(echo);
        out = EchoJmhClient.message(size);
        in = ByteBuffer.allocateDirect(size);
    }

    @TearDown
    public void tearDown() throws IOException
    {
        client.close();
        echo.stop();
    }

    /**
     * One round trip.
     *
     * @param alloc the server-allocation counter
     * @return the last byte echoed
     * @throws IOException on a socket error or a wrong echo
     */
    @Benchmark
    public byte roundTrip(final ServerAlloc alloc) throws IOException
    {
        out.clear();
        while (out.hasRemaining())
        {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining())
        {
            if (client.read(in) < 0)
            {
                throw new IOException("server closed");
            }
        }
        if (in.getLong(0) != out.getLong(0) || in.get(size - 1) != out.get(size - 1))
        {
            throw new IOException("echo mismatch");
        }
        alloc.ops++;
        return in.get(size - 1);
    }

    /**
     * Secondary metric: bytes allocated by the server's loop thread(s) per round trip, per iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ServerAlloc
    {
        /** Server loop allocation per round trip in the last iteration. */
        public double serverBytesPerOp;
        long ops;
        private long start;

        /**
         * @param b the benchmark, whose server is measured
         */
        @Setup(Level.Iteration)
        public void begin(final EchoRoundTripBenchmark b)
        {
            ops = 0;
            serverBytesPerOp = 0;
            start = b.echo.stats().loopAllocBytes();
        }

        /**
         * @param b the benchmark, whose server is measured
         */
        @TearDown(Level.Iteration)
        public void end(final EchoRoundTripBenchmark b)
        {
            final long bytes = b.echo.stats().loopAllocBytes() - start;
            serverBytesPerOp = 0 == ops ? 0 : (double)bytes / ops;
        }
    }
}
