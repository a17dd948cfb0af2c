package io.jevent.bench.echo;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The load generator for every echo server: one java.nio Selector on its own thread drives all
 * connections of an {@link EchoCase}. Each connection sends a byte stream taken from a shared random
 * pattern at its own phase, and every echoed byte is compared with what was sent
 * ({@code ByteBuffer.mismatch}, vectorised); a mismatch fails the run with an
 * {@link EchoMismatchException}. A message's latency is the time from writing its first byte to
 * reading its last, recorded per message in an HdrHistogram (ns). In ping-pong each connection waits
 * for its echo before sending again, so coordinated omission does not apply. Nothing is allocated
 * per message: direct buffers, pattern views and {@code select(Consumer)}.
 * <p>
 * Warm-up runs the same code as the measurement, recording included, and ends as a {@link Warmup}
 * says; the histogram is then reset. Only messages whose first byte was written inside the measured
 * interval are recorded: a message in flight when the interval starts would otherwise carry the time
 * the client spent in {@link Phases#measureStart} (tens of ms when that asks a fresh child JVM for its
 * first stats).
 */
public final class EchoLoadClient
{
    /** Largest single write or read, and largest message. */
    public static final int MAX_CHUNK = 64 * 1024;

    private static final int PERIOD = 65_521;
    private static final long HIGHEST_NANOS = 60_000_000_000L;
    private static final ByteBuffer PATTERN = pattern();

    private final EchoCase spec;
    private final boolean spin;
    private final int size;
    private final int inFlight;
    private final ByteBuffer recvBuffer = ByteBuffer.allocateDirect(MAX_CHUNK);
    private final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    private final Consumer<SelectionKey> onReady = this::ready;
    private Connection[] connections;
    private boolean measuring;
    private long measureFrom = Long.MIN_VALUE;
    private long messages;
    private long bytes;
    private long slowestNanos;
    private long slowestAt;

    /**
     * How long to warm up: at least {@code minNanos}; from then on measurement starts at the first
     * check (every {@code checkNanos}, counted from the start of the warm-up) at which
     * {@link Phases#warmedUp()} answers true, and at the latest after {@code maxNanos}.
     *
     * @param minNanos   shortest warm-up
     * @param maxNanos   longest warm-up
     * @param checkNanos interval between two {@link Phases#warmedUp()} calls
     */
    public record Warmup(long minNanos, long maxNanos, long checkNanos)
    {
    }

    /** Hooks around the measured interval, called on the client thread. */
    public interface Phases
    {
        /**
         * Asked every {@link Warmup#checkNanos()} during the warm-up (load keeps flowing meanwhile).
         *
         * @return true when the measurement may start, e.g. when no JIT compilation happened since the
         *     last call
         */
        default boolean warmedUp()
        {
            return true;
        }

        /** Just before the measured interval starts (e.g. snapshot the server's stats). */
        void measureStart();

        /** Just after the measured interval ended. */
        void measureEnd();
    }

    /**
     * What one run measured.
     *
     * @param spec            the case
     * @param messages        messages fully echoed in the measured interval
     * @param bytes           bytes echoed back in the measured interval
     * @param nanos           length of the measured interval
     * @param latency         per-message round-trip times (ns)
     * @param clientCpuNanos  CPU time of the client thread in the interval
     * @param clientAllocBytes heap bytes allocated by the client thread in the interval
     * @param warmupNanos     how long the warm-up lasted
     * @param maxAtNanos      when the slowest message completed, in ns after the interval started
     * @param startEpochMillis wall-clock time the measured interval started (ms since the epoch), to
     *                        find the slowest message in a server's logs
     */
    public record Result(EchoCase spec, long messages, long bytes, long nanos, Histogram latency,
        long clientCpuNanos, long clientAllocBytes, long warmupNanos, long maxAtNanos, long startEpochMillis)
    {
        /**
         * @return messages per second
         */
        public double msgsPerSec()
        {
            return messages * 1e9 / nanos;
        }

        /**
         * @return echoed megabytes (10^6 bytes) per second, one direction
         */
        public double mbPerSec()
        {
            return bytes * 1e3 / nanos;
        }

        /**
         * @param percentile e.g. 99.9
         * @return that latency percentile in microseconds
         */
        public double latencyMicros(final double percentile)
        {
            return latency.getValueAtPercentile(percentile) / 1e3;
        }
    }

    /** Thrown when an echoed byte differs from the byte sent. */
    public static final class EchoMismatchException extends IOException
    {
        private static final long serialVersionUID = 1L;

        EchoMismatchException(final String message)
        {
            super(message);
        }
    }

    /**
     * @param spec the load shape
     */
    public EchoLoadClient(final EchoCase spec)
    {
        this.spec = spec;
        this.spin = spec.clientSpin();
        this.size = spec.messageSize();
        this.inFlight = spec.inFlight();
    }

    /**
     * Connects, warms up, measures and disconnects, on a new thread named {@code echo-client}
     * (which inherits the caller's CPU affinity).
     *
     * @param address       the echo server
     * @param warmup        load before measuring
     * @param measureNanos  measured interval
     * @param phases        hooks around the measured interval
     * @return the measurement
     * @throws IOException on a connection failure or an {@link EchoMismatchException}
     * @throws InterruptedException if interrupted while waiting for the client thread
     */
    public Result run(final InetSocketAddress address, final Warmup warmup, final long measureNanos,
        final Phases phases) throws IOException, InterruptedException
    {
        final AtomicReference<Object> outcome = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try
            {
                outcome.set(runHere(address, warmup, measureNanos, phases));
            }
            catch (final IOException | RuntimeException ex)
            {
                outcome.set(ex);
            }
        }, "echo-client");
        t.start();
        t.join();
        final Object o = outcome.get();
        if (o instanceof IOException ex)
        {
            throw ex;
        }
        if (o instanceof RuntimeException ex)
        {
            throw ex;
        }
        return (Result)o;
    }

    /**
     * As {@link #run}, on the calling thread.
     *
     * @param address       the echo server
     * @param warmup        load before measuring
     * @param measureNanos  measured interval
     * @param phases        hooks around the measured interval
     * @return the measurement
     * @throws IOException on a connection failure or an {@link EchoMismatchException}
     */
    public Result runHere(final InetSocketAddress address, final Warmup warmup, final long measureNanos,
        final Phases phases) throws IOException
    {
        try (Selector selector = Selector.open())
        {
            connections = new Connection[spec.connections()];
            try
            {
                for (int i = 0; i < connections.length; i++)
                {
                    connections[i] = new Connection(i, address, selector);
                }
                for (final Connection c : connections)
                {
                    pump(c);
                }
                return loop(selector, warmup, measureNanos, phases);
            }
            catch (final UncheckedIOException ex)
            {
                throw ex.getCause();
            }
            finally
            {
                for (final Connection c : connections)
                {
                    if (null != c)
                    {
                        c.channel.close();
                    }
                }
            }
        }
    }

    private Result loop(final Selector selector, final Warmup warmup, final long measureNanos,
        final Phases phases) throws IOException
    {
        final long started = System.nanoTime();
        final long minAt = started + warmup.minNanos();
        final long latestAt = started + warmup.maxNanos();
        long checkAt = started + warmup.checkNanos();
        long endAt = Long.MAX_VALUE;
        long t0 = 0;
        long cpu0 = 0;
        long alloc0 = 0;
        long epoch0 = 0;
        while (true)
        {
            if (spin)
            {
                selector.selectNow(onReady);
            }
            else
            {
                selector.select(onReady, 100);
            }
            final long now = System.nanoTime();
            if (!measuring)
            {
                boolean warm = now >= latestAt;
                if (!warm && now >= checkAt)
                {
                    checkAt += warmup.checkNanos();
                    warm = phases.warmedUp() && now >= minAt;
                }
                if (warm)
                {
                    phases.measureStart();
                    cpu0 = ThreadStats.currentThreadCpuNanos();
                    alloc0 = ThreadStats.currentThreadAllocatedBytes();
                    epoch0 = System.currentTimeMillis();
                    t0 = System.nanoTime();
                    startMeasuring(t0);
                    endAt = t0 + measureNanos;
                }
            }
            else if (now >= endAt)
            {
                measuring = false;
                final long nanos = System.nanoTime() - t0;
                final long cpu = ThreadStats.currentThreadCpuNanos() - cpu0;
                final long alloc = ThreadStats.currentThreadAllocatedBytes() - alloc0;
                phases.measureEnd();
                if (0 == messages)
                {
                    throw new IOException("no message was echoed in the measured interval (" + spec.name() + ")");
                }
                return new Result(spec, messages, bytes, nanos, latency, cpu, alloc, t0 - started, slowestAt - t0,
                    epoch0);
            }
        }
    }

    /** Forgets the warm-up's samples; from now on only messages sent at or after {@code t0} count. */
    private void startMeasuring(final long t0)
    {
        latency.reset();
        slowestNanos = 0;
        slowestAt = t0;
        measureFrom = t0;
        measuring = true;
    }

    private void ready(final SelectionKey key)
    {
        final Connection c = (Connection)key.attachment();
        try
        {
            if (key.isReadable())
            {
                read(c);
            }
            if (key.isValid() && key.isWritable())
            {
                pump(c);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Sends as much as the window allows: up to {@code inFlight} messages beyond those echoed. */
    private void pump(final Connection c) throws IOException
    {
        final long limit = (c.received / size + inFlight) * size;
        while (c.sent < limit)
        {
            final int len = (int)Math.min(limit - c.sent, MAX_CHUNK);
            final int off = (int)((c.phase + c.sent) % PERIOD);
            c.sendView.limit(off + len).position(off);
            final long now = System.nanoTime();
            final int n = c.channel.write(c.sendView);
            if (n > 0)
            {
                for (long m = (c.sent + size - 1) / size, last = (c.sent + n - 1) / size; m <= last; m++)
                {
                    c.sendTimes[(int)(m % inFlight)] = now;
                }
                c.sent += n;
            }
            if (n < len)
            {
                if (!c.writeInterest)
                {
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    c.writeInterest = true;
                }
                return;
            }
        }
        if (c.writeInterest)
        {
            c.key.interestOps(SelectionKey.OP_READ);
            c.writeInterest = false;
        }
    }

    /** Reads what arrived, verifies every byte, records the latency of each completed message. */
    private void read(final Connection c) throws IOException
    {
        final ByteBuffer buf = recvBuffer;
        buf.clear();
        final int n = c.channel.read(buf);
        if (n <= 0)
        {
            if (n < 0)
            {
                throw new IOException("server closed connection " + c.id + " after " + c.received + " bytes");
            }
            return;
        }
        final long now = System.nanoTime();
        buf.flip();
        final int off = (int)((c.phase + c.received) % PERIOD);
        c.recvView.limit(off + n).position(off);
        final int mismatch = buf.mismatch(c.recvView);
        if (mismatch >= 0)
        {
            throw new EchoMismatchException("echo mismatch on connection " + c.id + " at stream offset " +
                (c.received + mismatch) + ": got " + buf.get(mismatch) + ", sent " + c.recvView.get(off + mismatch));
        }
        final long first = c.received / size;
        c.received += n;
        final long done = c.received / size;
        for (long m = first; m < done; m++)
        {
            final long sentAt = c.sendTimes[(int)(m % inFlight)];
            if (sentAt >= measureFrom)
            {
                final long v = Math.min(HIGHEST_NANOS, now - sentAt);
                latency.recordValue(v);
                if (v > slowestNanos)
                {
                    slowestNanos = v;
                    slowestAt = now;
                }
            }
        }
        if (measuring)
        {
            messages += done - first;
            bytes += n;
        }
        if (done != first)
        {
            pump(c);
        }
    }

    private static ByteBuffer pattern()
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(PERIOD + MAX_CHUNK);
        final SplittableRandom r = new SplittableRandom(0x6a6576656e74L);
        for (int i = 0; i < PERIOD; i++)
        {
            b.put(i, (byte)r.nextInt());
        }
        for (int i = 0; i < MAX_CHUNK; i++)
        {
            b.put(PERIOD + i, b.get(i));
        }
        return b;
    }

    /** One connection's stream state. */
    private final class Connection
    {
        private final int id;
        private final SocketChannel channel;
        private final SelectionKey key;
        private final int phase;
        private final ByteBuffer sendView = PATTERN.duplicate();
        private final ByteBuffer recvView = PATTERN.duplicate();
        private final long[] sendTimes = new long[inFlight];
        private long sent;
        private long received;
        private boolean writeInterest;

        Connection(final int id, final InetSocketAddress address, final Selector selector) throws IOException
        {
            this.id = id;
            this.phase = (int)((id * 7_919L + 13) % PERIOD);
            this.channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            this.key = channel.register(selector, SelectionKey.OP_READ, this);
        }
    }
}
