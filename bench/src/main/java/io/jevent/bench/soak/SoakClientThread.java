package io.jevent.bench.soak;

import io.jevent.samples.StreamPattern;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One thread of the soak client: a java.nio Selector driving its share of the connections. Each slot
 * holds one connection; when it ends (done or failed) a new one, with a role drawn from the mix, takes
 * the slot until the load is over ({@link SoakSchedule}). Then no new connection starts, the open ones
 * finish (or fail after {@code --drain} seconds) and the thread ends.
 */
final class SoakClientThread implements Runnable
{
    private static final int MAX_CONNECTING = 256;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * Socket buffers of a non-reading connection: small enough that the kernels' buffers on both ends
     * and the server's high watermark together hold less than it sends, so its sends block when the
     * server stops reading (without them the kernel would autotune its way to megabytes per connection).
     */
    private static final int NON_READER_SOCKET_BUFFER = 64 * 1024;

    final SoakOptions options;
    final SoakTally tally = new SoakTally();
    final ByteBuffer view = StreamPattern.view();
    boolean windingDown;

    private final int index;
    private final int threads;
    private final InetSocketAddress address;
    private final SoakFailures failures;
    private final SoakSchedule schedule;
    private boolean ramped;
    private final SoakConnection[] slots;
    private final int[] freeSlots;
    private final ByteBuffer recv = ByteBuffer.allocateDirect(StreamPattern.MAX_SLICE);
    private final SplittableRandom random;
    private final int weightSum;
    private final Consumer<SelectionKey> onReady = this::ready;
    private Selector selector;
    private int freeCount;
    private volatile int live;
    private int connecting;
    private long nextId;

    SoakClientThread(final SoakOptions options, final int index, final int threads, final int connections,
        final InetSocketAddress address, final SoakFailures failures, final SoakSchedule schedule)
    {
        this.options = options;
        this.index = index;
        this.threads = threads;
        this.address = address;
        this.failures = failures;
        this.schedule = schedule;
        this.slots = new SoakConnection[connections];
        this.freeSlots = new int[connections];
        for (int i = connections - 1; i >= 0; i--)
        {
            freeSlots[freeCount++] = i;
        }
        this.random = new SplittableRandom(options.seed() + index);
        int sum = 0;
        for (final int w : options.weights())
        {
            sum += w;
        }
        this.weightSum = sum;
    }

    @Override
    public void run()
    {
        try (Selector s = Selector.open())
        {
            selector = s;
            long drainDeadline = Long.MAX_VALUE;
            long lastSweep = System.nanoTime();
            while (true)
            {
                long now = System.nanoTime();
                if (!windingDown && schedule.over(now))
                {
                    windingDown = true;
                    drainDeadline = now + TimeUnit.SECONDS.toNanos(options.drainSec());
                    forEachLive(c -> c.windDown(), now);
                }
                if (!windingDown)
                {
                    openMissing(now);
                    if (!ramped && 0 == freeCount && 0 == connecting)
                    {
                        ramped = true;
                        schedule.rampDone(now);
                    }
                }
                selector.select(onReady, 5);
                now = System.nanoTime();
                if (now - lastSweep >= SWEEP_NANOS)
                {
                    lastSweep = now;
                    final long t = now;
                    forEachLive(c -> c.sweep(t), now);
                }
                if (windingDown && 0 == live)
                {
                    break;
                }
                if (now - drainDeadline >= 0)
                {
                    forEachLive(c ->
                    {
                        throw new SoakFailure(SoakErrorKind.STALL, "still open " + options.drainSec() +
                            " s after the run ended: sent " + c.sent + ", " + c.received + " echoed");
                    }, now);
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            for (final SoakConnection c : slots)
            {
                if (null != c)
                {
                    closeQuietly(c.channel, false);
                }
            }
        }
    }

    /**
     * @return connections open now (any thread may ask)
     */
    int live()
    {
        return live;
    }

    private void forEachLive(final Consumer<SoakConnection> action, final long now)
    {
        for (final SoakConnection c : slots)
        {
            if (null != c)
            {
                try
                {
                    action.accept(c);
                }
                catch (final SoakFailure f)
                {
                    fail(c, f, now);
                }
            }
        }
    }

    private void openMissing(final long now)
    {
        while (freeCount > 0 && connecting < MAX_CONNECTING)
        {
            final int slot = freeSlots[--freeCount];
            final long id = nextId++ * threads + index;
            final SoakRole role = pickRole();
            final SocketChannel channel;
            try
            {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (SoakRole.NON_READING == role)
                {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, NON_READER_SOCKET_BUFFER);
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, NON_READER_SOCKET_BUFFER);
                }
            }
            catch (final IOException ex)
            {
                freeSlots[freeCount++] = slot;
                failures.record(tally, role, id, SoakErrorKind.CONNECT, "cannot open a socket: " + ex, 0);
                return;
            }
            final SoakConnection c = new SoakConnection(this, id, role, slot, channel, now);
            slots[slot] = c;
            live++;
            connecting++;
            try
            {
                c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
                if (channel.connect(address))
                {
                    connecting--;
                    c.start(now);
                }
            }
            catch (final SoakFailure f)
            {
                fail(c, f, now);
            }
            catch (final IOException ex)
            {
                fail(c, new SoakFailure(SoakErrorKind.CONNECT, "connect: " + ex), now);
            }
        }
    }

    private void ready(final SelectionKey key)
    {
        final SoakConnection c = (SoakConnection)key.attachment();
        final long now = System.nanoTime();
        try
        {
            if (SoakConnection.CONNECTING == c.state)
            {
                if (key.isConnectable() && c.channel.finishConnect())
                {
                    if (windingDown)
                    {
                        close(c, false);
                        return;
                    }
                    connecting--;
                    c.start(now);
                }
                return;
            }
            if (key.isReadable())
            {
                recv.clear();
                final int n = c.channel.read(recv);
                if (n < 0)
                {
                    c.onEof();
                }
                else if (n > 0)
                {
                    recv.flip();
                    c.onData(recv, now);
                }
            }
            if (SoakConnection.CLOSED != c.state && key.isValid() && key.isWritable())
            {
                c.pump(now);
            }
        }
        catch (final SoakFailure f)
        {
            fail(c, f, now);
        }
        catch (final IOException ex)
        {
            fail(c, new SoakFailure(SoakConnection.CONNECTING == c.state ? SoakErrorKind.CONNECT : SoakErrorKind.RESET,
                ex.getMessage() + " (sent " + c.sent + ", " + c.received + " echoed)"), now);
        }
    }

    private void fail(final SoakConnection c, final SoakFailure f, final long now)
    {
        if (SoakConnection.CLOSED == c.state)
        {
            return;
        }
        failures.record(tally, c.role, c.id, f.kind(), f.getMessage(), now - c.openedNanos);
        close(c, false);
    }

    /**
     * Closes a connection and frees its slot.
     *
     * @param c     the connection
     * @param reset true to close with SO_LINGER 0 (a reset)
     */
    void close(final SoakConnection c, final boolean reset)
    {
        if (SoakConnection.CLOSED == c.state)
        {
            return;
        }
        if (SoakConnection.CONNECTING == c.state)
        {
            connecting--;
        }
        c.state = SoakConnection.CLOSED;
        slots[c.slot] = null;
        freeSlots[freeCount++] = c.slot;
        live--;
        closeQuietly(c.channel, reset);
    }

    private static void closeQuietly(final SocketChannel channel, final boolean reset)
    {
        try
        {
            if (reset)
            {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            channel.close();
        }
        catch (final IOException ex)
        {
            System.err.println("soak: close failed: " + ex);
        }
    }

    private SoakRole pickRole()
    {
        int x = random.nextInt(weightSum);
        for (final SoakRole role : SoakRole.values())
        {
            x -= options.weights()[role.ordinal()];
            if (x < 0)
            {
                return role;
            }
        }
        throw new IllegalStateException("weights");
    }
}
