package io.jevent.bench.echo;

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
 * Echo throughput per server: one connection streaming {@code size}-byte messages with
 * {@code window} messages in flight; one op is one message sent and its echo eventually received
 * and verified (ops/s × size = bytes/s each way). The server runs in the JMH JVM on its own thread;
 * with {@code -prof gc} the allocation of both sides shows (the client allocates nothing).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@State(Scope.Benchmark)
public class EchoThroughputBenchmark
{
    @Param({"nio-baseline", "jevent-epoll", "jevent-nio", "netty-epoll"})
    public String server;

    @Param({"4096"})
    public int size;

    @Param({"8"})
    public int window;

    private EchoBenchServer echo;
    private SocketChannel client;
    private ByteBuffer out;
    private ByteBuffer in;
    private long sent;
    private long received;

    @Setup
    public void setUp() throws IOException
    {
        echo = EchoServers.create(server);
        client = EchoJmhClient.start(echo);
        out = EchoJmhClient.message(size);
        in = ByteBuffer.allocateDirect(64 * 1024);
    }

    @TearDown
    public void tearDown() throws IOException
    {
        client.close();
        echo.stop();
    }

    @Benchmark
    public long message() throws IOException
    {
        out.clear();
        while (out.hasRemaining())
        {
            client.write(out);
            drain(false);
        }
        sent += size;
        while (sent - received > (long)(window - 1) * size)
        {
            drain(true);
        }
        return received;
    }

    private void drain(final boolean spin) throws IOException
    {
        in.clear();
        final int n = client.read(in);
        if (n < 0)
        {
            throw new IOException("server closed the connection");
        }
        for (int i = 0; i < n; i++)
        {
            final long at = received + i;
            if (in.get(i) != EchoJmhClient.patternByte(at % size))
            {
                throw new IllegalStateException(server + " corrupted byte " + at);
            }
        }
        received += n;
        if (spin && 0 == n)
        {
            Thread.onSpinWait();
        }
    }
}
