package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import io.jevent.listener.ConnListener;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.LoopFlags;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the loopback suites ({@link LoopbackSuite}) share: the per-test base and pool, loopback connection
 * pairs (the local end to wrap in a bufferevent, a non-blocking peer end driven by the test), and
 * helpers that run the loop for a while or until a condition holds. Everything made through the
 * fixture is freed or closed after the test, then the pool must report 0 outstanding segments.
 */
public interface BufferEventFixture
{
    /**
     * A connected loopback TCP pair.
     *
     * @param local the accepted end, to wrap in a bufferevent (blocking mode untouched)
     * @param peer  the client end, non-blocking, driven by the test
     */
    record Conn(SocketChannel local, SocketChannel peer)
    {
    }

    /**
     * Work for a background thread.
     */
    @FunctionalInterface
    interface Work
    {
        /**
         * @throws Exception anything; reported after the test
         */
        void run() throws Exception;
    }

    /**
     * @return the base of the running test (its pool is {@link #pool()})
     */
    EventBase base();

    /**
     * @return the pool of the running test
     */
    SegmentPool pool();

    /**
     * @return a fresh configuration of the running suite, with the test's pool (for a second base)
     */
    io.jevent.loop.EventBaseConfig configWithPool();

    /**
     * @return the address of the test's listening ServerSocketChannel (loopback)
     */
    InetSocketAddress serverAddress();

    /**
     * @return a new connected pair, closed after the test
     */
    Conn connect();

    /**
     * A pair whose peer sets its receive buffer before connecting, so the window it offers from the
     * handshake on is already that small, as a slow peer's is. (Lowering SO_RCVBUF after
     * {@link #connect()} instead leaves the sender's segments sized for the old, larger window: see
     * {@code BufferEventWriteSemantics#shouldKeepWritingToAPeerThatShrankItsWindowAfterTheHandshake}.)
     *
     * @param peerReceiveBuffer the peer's SO_RCVBUF (the kernel doubles it); 0 keeps the default
     * @return a new connected pair, closed after the test
     */
    Conn connect(int peerReceiveBuffer);

    /**
     * Accepts the next pending connection on the test's server socket (e.g. one a bufferevent
     * connected).
     *
     * @return a pair whose {@code peer} is the accepted end (non-blocking) and {@code local} null
     */
    Conn acceptPending();

    /**
     * @param bev a bufferevent to free after the test
     * @param <T> its kind
     * @return bev
     */
    <T extends BufferEvent> T track(T bev);

    /**
     * @param listener a listener to free after the test
     * @return listener
     */
    ConnListener track(ConnListener listener);

    /**
     * Starts a thread; it is joined after the test and its failure fails the test.
     *
     * @param name thread name
     * @param work what it does
     * @return the started thread
     */
    Thread background(String name, Work work);

    // ------------------------------------------------------------------ helpers

    /**
     * @param c       a pair
     * @param options {@link BevOptions}
     * @return a tracked socket bufferevent over the local end
     */
    default SocketBufferEvent bev(final Conn c, final int options)
    {
        return track(SocketBufferEvent.create(base(), c.local(), options));
    }

    /**
     * Runs the loop for about {@code ms} milliseconds, whatever happens.
     */
    default void runFor(final long ms)
    {
        base().loopExit(ms, TimeUnit.MILLISECONDS);
        base().loop(LoopFlags.NO_EXIT_ON_EMPTY);
    }

    /**
     * Runs the loop until {@code condition} holds (checked every millisecond) or {@code ms} pass.
     *
     * @return the condition at the end
     */
    default boolean runUntil(final BooleanSupplier condition, final long ms)
    {
        if (condition.getAsBoolean())
        {
            return true;
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        final EventBase base = base();
        final Event tick = base.newTimer(true, (e, fd, what) ->
        {
            if (condition.getAsBoolean() || System.nanoTime() - deadline >= 0)
            {
                base.loopBreak();
            }
        });
        tick.add(1, TimeUnit.MILLISECONDS);
        try
        {
            base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        }
        finally
        {
            tick.free();
        }
        return condition.getAsBoolean();
    }

    /**
     * Runs the loop until {@code condition} holds, failing after {@code ms}.
     */
    default void awaitLoop(final BooleanSupplier condition, final long ms, final String what)
    {
        assertTrue(runUntil(condition, ms), "timed out after " + ms + " ms waiting for: " + what);
    }

    /**
     * Non-blocking read of whatever the peer has received.
     *
     * @param c    the pair
     * @param into where the bytes go
     * @return bytes read, or -1 at end of stream
     */
    static int peerRead(final Conn c, final ByteArrayOutputStream into)
    {
        final ByteBuffer buf = ByteBuffer.allocate(65536);
        int total = 0;
        try
        {
            while (true)
            {
                buf.clear();
                final int n = c.peer().read(buf);
                if (n < 0)
                {
                    return total > 0 ? total : -1;
                }
                if (0 == n)
                {
                    return total;
                }
                into.write(buf.array(), 0, n);
                total += n;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Runs the loop until the peer has received {@code n} bytes; returns exactly what it received.
     */
    default byte[] peerReceive(final Conn c, final int n, final long ms)
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final boolean[] eof = new boolean[1];
        runUntil(() ->
        {
            if (peerRead(c, got) < 0)
            {
                eof[0] = true;
            }
            return eof[0] || got.size() >= n;
        }, ms);
        assertEquals(n, got.size(), "bytes received by the peer (eof " + eof[0] + ")");
        return got.toByteArray();
    }

    /**
     * Runs the loop until the peer sees end of stream (after reading whatever came first).
     *
     * @return the bytes received before end of stream, or null if no end of stream came in time
     */
    default byte[] peerReceiveUntilEof(final Conn c, final long ms)
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final boolean[] eof = new boolean[1];
        runUntil(() ->
        {
            try
            {
                if (peerRead(c, got) < 0)
                {
                    eof[0] = true;
                }
            }
            catch (final UncheckedIOException ex)
            {
                eof[0] = true;
            }
            return eof[0];
        }, ms);
        return eof[0] ? got.toByteArray() : null;
    }

    /**
     * Writes all of {@code data} from the peer (non-blocking, retrying briefly while the socket is
     * full); for amounts that fit the socket buffers, or while another thread drains.
     */
    static void peerSend(final Conn c, final byte[] data)
    {
        final ByteBuffer b = ByteBuffer.wrap(data);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try
        {
            while (b.hasRemaining())
            {
                if (0 == c.peer().write(b))
                {
                    if (System.nanoTime() - deadline > 0)
                    {
                        fail("peer could not send " + b.remaining() + " bytes in 10 s");
                    }
                    Thread.sleep(1);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @return ISO-8859-1 bytes of s
     */
    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * @return ISO-8859-1 text of b
     */
    static String text(final byte[] b)
    {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * @return the whole content of a buffer, without draining it (a bufferevent's output has its
     *     start frozen, where copyout refuses as in libevent: the test lifts the freeze meanwhile)
     */
    static String content(final Evbuffer b)
    {
        final byte[] out = new byte[(int)b.length()];
        final boolean frozen = b.isFrozen(true);
        if (frozen)
        {
            b.unfreeze(true);
        }
        try
        {
            assertEquals(out.length, b.copyout(out, 0, out.length));
        }
        finally
        {
            if (frozen)
            {
                b.freeze(true);
            }
        }
        return text(out);
    }

    /**
     * A byte pattern that differs by position and seed.
     */
    static byte[] pattern(final int n, final int seed)
    {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = patternByte(seed, i);
        }
        return b;
    }

    /**
     * @return byte {@code i} of the pattern with {@code seed}
     */
    static byte patternByte(final int seed, final long i)
    {
        return (byte)(i * (2 * seed + 1) + (i >>> 9) + seed);
    }
}
