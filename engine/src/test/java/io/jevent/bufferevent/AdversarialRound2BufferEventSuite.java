package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.listener.ConnListener;
import io.jevent.listener.ListenerFlags;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second adversarial round (issue 8) on bufferevents and listeners: the code paths the first round's
 * fixes introduced. THREADSAFE writes staged while no loop runs and what happens to them when the loop
 * starts, the base is freed or the bufferevent is freed; BOUNDED_OUTPUT checked off the loop against a
 * snapshot; a THREADSAFE free() refused by a full inbox and retried; tasks run at teardown that free
 * bufferevents; transports used after their bufferevent or base is gone; accepted sockets outliving
 * their listener. After every test the pool must report 0 outstanding segments and the process must
 * have exactly the sockets it had before.
 * <p>
 * One subclass per backend supplies {@link #config()}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class AdversarialRound2BufferEventSuite extends AdversarialBufferEventFixture
{
    /**
     * Reads the peer on this thread (no loop) until it has {@code n} bytes, EOF or {@code ms} passed.
     */
    static byte[] peerReceiveBlocking(final Conn c, final int n, final long ms) throws InterruptedException
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (got.size() < n && System.nanoTime() < deadline)
        {
            final int r = read(c, got);
            if (r < 0)
            {
                break;
            }
            if (0 == r)
            {
                Thread.sleep(1);
            }
        }
        return got.toByteArray();
    }

    static String ascii(final byte[] b)
    {
        return new String(b, StandardCharsets.US_ASCII);
    }

    // ================================================================== THREADSAFE writes staged while no loop runs

    /**
     * Failed before the second round of issue-8 fixes: one thread, no other. A THREADSAFE bufferevent; before the loop
     * runs the program writes "HELLO " (no loop runs, so it is staged and its hand-over queued as a task,
     * RemoteWrites), adds a timer that is due at once, and runs the loop on the same thread. The timer's callback
     * writes "WORLD" on the loop thread: straight into the output. The timer is activated by expireTimers()
     * before drainRemote() queues the hand-over behind it in the same pass, so the peer receives
     * "WORLDHELLO ": the single writer's order is not kept. Without THREADSAFE the same program sends
     * "HELLO WORLD". Every run.
     */
    @Test
    public void shouldKeepOneThreadsWriteOrderWhenItStartsTheLoopItself() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = track(SocketBufferEvent.create(base, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE));
        assertEquals(0, bev.write(BufferEventFixture.bytes("HELLO ")));
        final Event heartbeat = base.newTimer(false, (e, fd, what) -> bev.write(BufferEventFixture.bytes("WORLD")));
        heartbeat.add(0, TimeUnit.MILLISECONDS);
        final byte[] got = peerReceive(base, c, 11, 5000);
        heartbeat.free();
        assertEquals("HELLO WORLD", ascii(got), "one thread wrote \"HELLO \" and then \"WORLD\"");
    }

    /**
     * Writes staged by 3 threads while no loop runs, then the loop started on a fourth thread: every
     * byte arrives, each writer's records in order, nothing is left in the pool.
     */
    @Test
    public void shouldDeliverThreadsafeWritesStagedBeforeTheLoopStartsOnAnotherThread() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = track(SocketBufferEvent.create(base, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE));
        final int writers = 3;
        final int records = 2000;
        final Thread[] ws = new Thread[writers];
        for (int w = 0; w < writers; w++)
        {
            final int id = w;
            ws[w] = background("writer-" + w, () ->
            {
                final byte[] rec = new byte[8];
                for (int i = 0; i < records; i++)
                {
                    ByteBuffer.wrap(rec).putInt(id).putInt(i);
                    assertEquals(0, bev.write(rec));
                }
            });
        }
        for (final Thread w : ws)
        {
            w.join(10_000);
        }
        assertTrue(pool.outstandingSegments() > 0, "staged");
        final Thread loop = startLoop(base);
        final byte[] got = peerReceiveBlocking(c, writers * records * 8, 10_000);
        stopLoop(base, loop);
        assertEquals(writers * records * 8, got.length);
        final int[] next = new int[writers];
        final ByteBuffer in = ByteBuffer.wrap(got);
        while (in.hasRemaining())
        {
            final int id = in.getInt();
            final int seq = in.getInt();
            assertEquals(next[id], seq, "writer " + id + " order");
            next[id]++;
        }
    }

    /**
     * Writes staged while no loop runs, then the base freed (the hand-over runs during its free, the
     * bytes join the output and are never sent), then the bufferevent freed from another thread: no
     * exception, every segment back (staging, hand-over batch and output), the socket closed.
     */
    @Test
    public void shouldReturnStagedWritesWhenTheBaseAndThenTheBufferEventAreFreed() throws Exception
    {
        final EventBase b = newBase(configWithPool());
        final Conn c = connect();
        final BufferEvent bev = SocketBufferEvent.create(b, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        for (int i = 0; i < 50; i++)
        {
            assertEquals(0, bev.write(BufferEventFixture.pattern(3000, i)));
        }
        assertTrue(pool.outstandingSegments() > 0);
        b.free();
        assertThrows(IllegalStateException.class, () -> bev.write(BufferEventFixture.bytes("x")));
        final Thread freer = background("freer", bev::free);
        freer.join(5000);
        assertTrue(bev.isFreed());
        assertEquals(0, pool.outstandingSegments(), "segments after the base and the bufferevent were freed");
        assertTrue(peerSeesEof(c, 5000));
    }

    /**
     * Writes staged while no loop runs, then the bufferevent freed (queued behind them), then the loop
     * runs: the free runs, the staged bytes are discarded with the rest of the output (as libevent),
     * no segment is left, later writes throw.
     */
    @Test
    public void shouldDiscardStagedWritesOfABufferEventFreedBeforeTheLoopRan() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = SocketBufferEvent.create(base, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        for (int i = 0; i < 20; i++)
        {
            assertEquals(0, bev.write(BufferEventFixture.pattern(5000, i)));
        }
        bev.free();
        assertFalse(bev.isFreed(), "handed to the loop: no loop runs yet");
        assertThrows(IllegalStateException.class, () -> bev.write(BufferEventFixture.bytes("x")));
        runUntil(base, bev::isFreed, 5000);
        runUntil(base, () -> false, 10);
        assertTrue(bev.isFreed());
        assertEquals(0, pool.outstandingSegments());
        assertTrue(peerSeesEof(c, 5000));
    }

    // ================================================================== THREADSAFE + BOUNDED_OUTPUT off the loop

    /**
     * Failed before the second round of issue-8 fixes: BOUNDED_OUTPUT promises that write* calls that would take the
     * output past the write high watermark refuse (BevOptions.BOUNDED_OUTPUT). High watermark 1000, writing disabled
     * so the output keeps what it is given. A task on the loop writes 1000 bytes (accepted: the output is full).
     * Then, with no loop running and no race at all, this thread writes 1000 more: accepted with 0,
     * and the output holds 2000 bytes, twice the bound. The off-loop check (RemoteWrites.fullOffLoop)
     * compares against loopOutput, which only a hand-over or a socket write updates
     * (RemoteWrites.run, BufferEvent.outputDrained), never the loop's own writes, so it still says 0.
     * Every run.
     */
    @Test
    public void shouldRefuseAnOffLoopWriteOnceTheLoopFilledTheBoundedOutput() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = track(SocketBufferEvent.create(base, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE | BevOptions.BOUNDED_OUTPUT));
        bev.setWatermark(EventFlags.WRITE, 0, 1000);
        bev.disable(EventFlags.WRITE);
        final AtomicInteger onLoop = new AtomicInteger(Integer.MIN_VALUE);
        base.execute(() -> onLoop.set(bev.write(new byte[1000])));
        runUntil(base, () -> Integer.MIN_VALUE != onLoop.get(), 5000);
        assertEquals(0, onLoop.get(), "the loop's write fits the bound exactly");
        assertEquals(1000, bev.output().length());
        assertEquals(BufferEvent.OUTPUT_FULL, bev.write(new byte[1000]),
            "a write that takes the output past the bound, from this thread while no loop runs");
        runUntil(base, () -> false, 20);
        assertTrue(bev.output().length() <= 1000, "output " + bev.output().length() + " > bound 1000");
    }

    // ================================================================== THREADSAFE free refused by a full inbox

    /**
     * THREADSAFE free() from another thread while the loop's inbox is full throws
     * RejectedExecutionException with nothing done (the bufferevent keeps working, writes are still
     * taken); once the loop drained, the same call succeeds and the socket closes.
     */
    @Test
    public void shouldRetryAThreadsafeFreeRefusedByAFullInbox() throws Exception
    {
        final EventBase b = newBase(configWithPool().remoteQueueCapacity(4));
        final Conn c = connect();
        final BufferEvent bev = SocketBufferEvent.create(b, c.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final Thread loop = startLoop(b);
        final CountDownLatch busy = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        b.execute(() ->
        {
            busy.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        final Runnable noop = () ->
        {
        };
        while (b.tryExecute(noop))
        {
            Thread.onSpinWait();
        }
        assertThrows(RejectedExecutionException.class, bev::free, "full inbox");
        assertFalse(bev.isFreed());
        release.countDown();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int written = -99;
        while (System.nanoTime() < deadline)
        {
            try
            {
                written = bev.write(BufferEventFixture.bytes("still alive"));
                break;
            }
            catch (final RejectedExecutionException ex)
            {
                Thread.sleep(1);
            }
        }
        assertEquals(0, written, "the refused free did nothing: writes are still taken");
        assertArrayEquals(BufferEventFixture.bytes("still alive"), peerReceiveBlocking(c, 11, 5000));
        bev.free();
        assertTrue(peerSeesEof(c, 5000), "the retried free ran on the loop and closed the socket");
        assertTrue(bev.isFreed());
        stopLoop(b, loop);
    }

    // ================================================================== tasks at teardown

    /**
     * Tasks accepted before the base's free, run during it: one frees a THREADSAFE bufferevent and a
     * plain one, one writes to a third, one tries to execute() another task (refused, reported), one
     * adds an I/O event. free() completes, every socket of a freed bufferevent closes, the survivors
     * are freed after the base with their memory returned.
     */
    @Test
    public void shouldRunTeardownTasksThatFreeBufferEventsAndQueueMore() throws Exception
    {
        final List<Throwable> handled = new CopyOnWriteArrayList<>();
        final EventBase b = newBase(config().pool(pool).errorHandler(handled::add));
        final Conn c1 = connect();
        final Conn c2 = connect();
        final Conn c3 = connect();
        final BufferEvent safe = SocketBufferEvent.create(b, c1.local(),
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final BufferEvent plain = SocketBufferEvent.create(b, c2.local(), BevOptions.CLOSE_ON_FREE);
        final BufferEvent survivor = track(SocketBufferEvent.create(b, c3.local(), BevOptions.CLOSE_ON_FREE));
        final AtomicInteger ran = new AtomicInteger();
        final Thread producer = background("producer", () ->
        {
            b.execute(() ->
            {
                safe.write(BufferEventFixture.pattern(10_000, 1));
                safe.free();
                plain.free();
                ran.incrementAndGet();
            });
            b.execute(() ->
            {
                survivor.write(BufferEventFixture.pattern(10_000, 2));
                ran.incrementAndGet();
                b.execute(ran::incrementAndGet);
            });
            b.execute(() ->
            {
                survivor.enable(EventFlags.READ);
                ran.incrementAndGet();
            });
        });
        producer.join(5000);
        b.free();
        assertEquals(3, ran.get(), "every accepted task ran once; the one queued during free was refused");
        assertEquals(1, handled.size(), "the refused execute() reported: " + handled);
        assertTrue(handled.get(0) instanceof RejectedExecutionException, handled.toString());
        assertTrue(safe.isFreed() && plain.isFreed());
        assertTrue(peerSeesEof(c1, 5000));
        assertTrue(peerSeesEof(c2, 5000));
    }

    // ================================================================== transports after their owner is gone

    /**
     * The transport of a bufferevent without a socket (connect() never called), used directly:
     * read, write, finishConnect and the socket options report an error (-1, ERROR) as the epoll
     * backend does, rather than throwing. FAILS on nio: NioTransport calls through its null
     * channel and throws NullPointerException from read, write, finishConnect, setTcpNoDelay and
     * setBufferSize (NioTransport.java read/write: in.readFrom(channel, ...) with channel null).
     */
    @Test
    public void shouldReportErrorsFromTheTransportOfAnUnconnectedBufferEvent() throws Exception
    {
        final SocketBufferEvent bev = track(SocketBufferEvent.create(base, (SocketChannel)null,
            BevOptions.CLOSE_ON_FREE));
        final Transport t = bev.transport();
        final Evbuffer buf = new Evbuffer(pool);
        buf.add(BufferEventFixture.bytes("abc"));
        final List<String> outcomes = new ArrayList<>();
        outcomes.add("read " + outcome(() -> t.read(buf, 10)));
        outcomes.add("write " + outcome(() -> t.write(buf, 3)));
        outcomes.add("finishConnect " + outcome(() -> (long)t.finishConnect()));
        outcomes.add("setTcpNoDelay " + outcome(() -> (long)t.setTcpNoDelay(true)));
        outcomes.add("setBufferSize " + outcome(() -> (long)t.setBufferSize(true, 4096)));
        buf.free();
        assertEquals(List.of("read -2", "write -2", "finishConnect -1", "setTcpNoDelay -1", "setBufferSize -1"),
            outcomes, "Transport calls on a transport with no socket");
    }

    /**
     * The transport of a freed bufferevent (CLOSE_ON_FREE) and of one whose base is freed: every I/O
     * call fails with ERROR, nothing throws, nothing is read or written.
     */
    @Test
    public void shouldFailTransportIoAfterTheBufferEventOrTheBaseIsFreed() throws Exception
    {
        final Conn c1 = connect();
        final SocketBufferEvent gone = SocketBufferEvent.create(base, c1.local(),
            BevOptions.CLOSE_ON_FREE);
        gone.free();
        runUntil(base, () -> false, 10);
        final Evbuffer buf = new Evbuffer(pool);
        buf.add(BufferEventFixture.bytes("abc"));
        assertEquals(Transport.ERROR, gone.transport().read(buf, 10));
        assertEquals(Transport.ERROR, gone.transport().write(buf, 3));
        assertEquals(3, buf.length());
        final EventBase b = newBase(configWithPool());
        final Conn c2 = connect();
        final SocketBufferEvent orphan = SocketBufferEvent.create(b, c2.local(), BevOptions.CLOSE_ON_FREE);
        b.free();
        c2.peer().write(ByteBuffer.wrap(BufferEventFixture.bytes("in")));
        final Thread other = background("other", () ->
        {
            final long r = orphan.transport().read(buf, 10);
            assertTrue(Transport.ERROR == r || Transport.AGAIN == r || 2 == r, "read after the base is freed: " + r);
        });
        other.join(5000);
        orphan.free();
        buf.free();
    }

    private static String outcome(final java.util.function.LongSupplier call)
    {
        try
        {
            return Long.toString(call.getAsLong());
        }
        catch (final RuntimeException ex)
        {
            return ex.getClass().getSimpleName();
        }
    }

    // ================================================================== accepted sockets outliving their listener

    /**
     * The listener is freed inside its accept callback, which then makes a bufferevent from the
     * accepted socket for a second base whose loop runs on another thread: the connection echoes, the
     * peer address read after the free is right, nothing leaks.
     */
    @Test
    public void shouldServeASocketAcceptedByAListenerFreedInsideItsCallback() throws Exception
    {
        final EventBase worker = newBase(configWithPool());
        final Thread workerLoop = startLoop(worker);
        final AtomicReference<BufferEvent> made = new AtomicReference<>();
        final AtomicReference<String> peer = new AtomicReference<>();
        final ConnListener l = ConnListener.bind(base, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            ListenerFlags.CLOSE_ON_FREE, 16, (lis, s) ->
            {
                lis.free();
                peer.set(String.valueOf(s.remoteAddress()));
                final BufferEvent bev = SocketBufferEvent.create(worker, s,
                    BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
                worker.execute(() ->
                {
                    bev.setCallbacks(x -> x.writeBuffer(x.input()), null, (x, what) -> x.free());
                    bev.enable(EventFlags.READ);
                });
                made.set(bev);
            });
        final SocketChannel client = SocketChannel.open(l.localAddress());
        channels.add(client);
        runUntil(base, () -> null != made.get(), 5000);
        assertEquals(String.valueOf(client.getLocalAddress()), peer.get());
        client.configureBlocking(false);
        client.write(ByteBuffer.wrap(BufferEventFixture.bytes("echo me")));
        final byte[] back = peerReceiveBlocking(new Conn(null, client), 7, 5000);
        assertEquals("echo me", ascii(back));
        client.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!made.get().isFreed() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertTrue(made.get().isFreed(), "freed by its event callback on EOF");
        stopLoop(worker, workerLoop);
    }
}
