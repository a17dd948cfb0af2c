package io.jevent.bufferevent;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import io.jevent.loop.WrongThreadException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safe under real use (issue 8), for bufferevents and listeners: the thread model (and the
 * THREADSAFE option), freeing after the base, timeouts without a socket or too large to represent,
 * libevent 2.1.12's deferred events mask, reading back callbacks, and bounded UTF-8 output.
 */
public interface BufferEventSafetySemantics extends BufferEventFixture
{
    /**
     * Runs the fixture's base on a background thread until {@link #stopLoop} and waits until it runs.
     */
    default Thread startLoop()
    {
        final EventBase b = base();
        final Thread t = background("loop", () -> b.loop(LoopFlags.NO_EXIT_ON_EMPTY));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!b.isRunning() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(b.isRunning());
        return t;
    }

    /**
     * Breaks the loop and joins its thread.
     */
    static void stopLoop(final EventBase b, final Thread t) throws InterruptedException
    {
        b.loopBreak();
        t.join(10_000);
        assertFalse(t.isAlive());
    }

    /**
     * Reads from the (non-blocking) peer until {@code n} bytes came, from this thread.
     */
    static byte[] peerReadFully(final Conn c, final int n, final long ms) throws InterruptedException
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (got.size() < n && System.nanoTime() < deadline)
        {
            if (BufferEventFixture.peerRead(c, got) <= 0)
            {
                Thread.sleep(1);
            }
        }
        return got.toByteArray();
    }

    @Test
    @DisplayName("threads: while the loop runs, every call on a bufferevent from another thread " +
        "throws and changes nothing")
    default void shouldRefuseBufferEventCallsFromAnotherThread() throws Exception
    {
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.enable(EventFlags.READ);
        final Thread loop = startLoop();
        assertThrows(WrongThreadException.class, () -> bev.write(BufferEventFixture.bytes("x")));
        assertThrows(WrongThreadException.class, () -> bev.write(ByteBuffer.allocate(3)));
        assertThrows(WrongThreadException.class, () -> bev.writeUtf8("x"));
        assertThrows(WrongThreadException.class, () -> bev.writeBuffer(new io.jevent.buffer.Evbuffer(pool())));
        assertThrows(WrongThreadException.class, () -> bev.enable(EventFlags.WRITE));
        assertThrows(WrongThreadException.class, () -> bev.disable(EventFlags.READ));
        assertThrows(WrongThreadException.class, () -> bev.setCallbacks(null, null, null));
        assertThrows(WrongThreadException.class, () -> bev.setWatermark(EventFlags.READ, 0, 10));
        assertThrows(WrongThreadException.class, () -> bev.setTimeouts(1, 1, TimeUnit.SECONDS));
        assertThrows(WrongThreadException.class, () -> bev.read(new byte[4], 0, 4));
        assertThrows(WrongThreadException.class, () -> bev.setMaxSingleRead(100));
        assertThrows(WrongThreadException.class, () -> bev.trigger(EventFlags.READ, 0));
        assertThrows(WrongThreadException.class, bev::free);
        assertThrows(WrongThreadException.class, () -> bev.output().add(new byte[3]), "its buffers belong to the loop");
        assertThrows(WrongThreadException.class, () -> bev.input().length());
        assertThrows(WrongThreadException.class, () -> bev.input().drain(1));
        stopLoop(base(), loop);
        assertEquals(0, bev.output().length(), "nothing was written");
        assertEquals(EventFlags.READ | EventFlags.WRITE, bev.enabled(), "nothing was disabled");
        assertFalse(bev.isFreed());
        bev.write(BufferEventFixture.bytes("after"));
        assertArrayEquals(BufferEventFixture.bytes("after"), peerReceive(c, 5, 5000), "usable again on this thread");
    }

    @Test
    @DisplayName("THREADSAFE: 4 threads write 5,000 records each while the loop runs; " +
        "the peer gets every byte, each thread's in order")
    default void shouldTakeThreadsafeWritesFromManyThreads() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final Thread loop = startLoop();
        final int threads = 4;
        final int records = 5000;
        final int size = 16;
        final CountDownLatch go = new CountDownLatch(1);
        final Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            writers[t] = background("writer-" + t, () ->
            {
                go.await();
                final ByteBuffer rec = ByteBuffer.allocate(size);
                final byte[] arr = new byte[size];
                for (int i = 0; i < records; i++)
                {
                    switch (i % 3)
                    {
                        case 0 ->
                        {
                            rec.clear();
                            rec.putInt(id).putLong(i).putInt(~i).flip();
                            assertEquals(0, bev.write(rec));
                        }
                        case 1 ->
                        {
                            ByteBuffer.wrap(arr).putInt(id).putLong(i).putInt(~i);
                            assertEquals(0, bev.write(arr, 0, size));
                        }
                        default ->
                        {
                            final io.jevent.buffer.Evbuffer b = new io.jevent.buffer.Evbuffer(pool());
                            ByteBuffer.wrap(arr).putInt(id).putLong(i).putInt(~i);
                            b.add(arr, 0, size);
                            assertEquals(0, bev.writeBuffer(b));
                            assertEquals(0, b.length(), "moved");
                            b.free();
                        }
                    }
                }
            });
        }
        go.countDown();
        final byte[] got = peerReadFully(c, threads * records * size, 20_000);
        for (final Thread w : writers)
        {
            w.join(10_000);
        }
        stopLoop(base(), loop);
        assertEquals(threads * records * size, got.length, "every byte arrived");
        final long[] next = new long[threads];
        final ByteBuffer in = ByteBuffer.wrap(got);
        while (in.hasRemaining())
        {
            final int id = in.getInt();
            final long seq = in.getLong();
            assertEquals(~(int)seq, in.getInt(), "record intact");
            assertEquals(next[id], seq, "thread " + id + " in order");
            next[id]++;
        }
    }

    @Test
    @DisplayName("THREADSAFE + BOUNDED_OUTPUT: off-loop writes to a peer that reads late " +
        "stop at the bound and lose nothing")
    default void shouldBoundThreadsafeWritesFromAnotherThread() throws Exception
    {
        final Conn c = connect();
        final int high = 64 << 10;
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE | BevOptions.BOUNDED_OUTPUT);
        bev.setWatermark(EventFlags.WRITE, 0, high);
        final long[] maxOutput = new long[1];
        final io.jevent.loop.Event probe = base().newTimer(true, (e, fd, what) ->
            maxOutput[0] = Math.max(maxOutput[0], bev.output().length()));
        probe.add(1, TimeUnit.MILLISECONDS);
        final Thread loop = startLoop();
        final byte[] chunk = new byte[1024];
        long accepted = 0;
        int full = 0;
        for (int i = 0; i < 20_000 && full < 50; i++)
        {
            for (int k = 0; k < chunk.length; k++)
            {
                chunk[k] = BufferEventFixture.patternByte(9, accepted + k);
            }
            final int r = bev.write(chunk, 0, chunk.length);
            if (BufferEvent.OUTPUT_FULL == r)
            {
                full++;
                Thread.sleep(1);
            }
            else
            {
                assertEquals(0, r);
                accepted += chunk.length;
            }
        }
        assertTrue(full > 0, "the bound refused writes once the socket was full");
        final byte[] got = peerReadFully(c, (int)accepted, 20_000);
        base().execute(probe::free);
        stopLoop(base(), loop);
        assertEquals(accepted, got.length, "every accepted byte arrived");
        for (int i = 0; i < got.length; i++)
        {
            if (got[i] != BufferEventFixture.patternByte(9, i))
            {
                throw new AssertionError("byte " + i + " differs");
            }
        }
        assertTrue(maxOutput[0] <= high, "output stayed within the bound: " + maxOutput[0]);
    }

    @Test
    @DisplayName("THREADSAFE: enable, disable and free from another thread are handed to the loop; " +
        "nothing runs after the free")
    default void shouldHandEnableDisableAndFreeToTheLoop() throws Exception
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicReference<Thread> readOn = new AtomicReference<>();
        final CountDownLatch read = new CountDownLatch(1);
        bev.setCallbacks(b ->
        {
            readOn.set(Thread.currentThread());
            seen.add("read:" + b.input().length());
            b.input().drain(b.input().length());
            read.countDown();
        }, null, (b, what) -> seen.add("event:" + BevFlags.toString(what)));
        final Thread loop = startLoop();
        assertEquals(0, bev.enable(EventFlags.READ));
        BufferEventFixture.peerSend(c, BufferEventFixture.bytes("12345"));
        assertTrue(read.await(5, TimeUnit.SECONDS), "readcb ran after the handed-over enable");
        assertSame(loop, readOn.get());
        assertEquals(0, bev.disable(EventFlags.READ));
        final long t0 = System.nanoTime();
        while (0 != (bev.enabled() & EventFlags.READ) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5))
        {
            Thread.sleep(1);
        }
        assertEquals(EventFlags.WRITE, bev.enabled());
        BufferEventFixture.peerSend(c, BufferEventFixture.bytes("ignored"));
        Thread.sleep(50);
        assertEquals(List.of("read:5"), seen, "no read while disabled");
        bev.free();
        assertThrows(IllegalStateException.class, () -> bev.write(BufferEventFixture.bytes("late")));
        bev.free();
        final byte[] rest = peerReceiveUntilEofFrom(c, 5000);
        assertNotNull(rest, "the peer saw EOF: the socket was closed on the loop");
        stopLoop(base(), loop);
        assertTrue(bev.isFreed());
        assertEquals(List.of("read:5"), seen);
    }

    /**
     * Reads from the peer on this thread until end of stream or a reset (a socket closed with unread
     * input resets the connection).
     */
    private static byte[] peerReceiveUntilEofFrom(final Conn c, final long ms) throws InterruptedException
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline)
        {
            final int n;
            try
            {
                n = BufferEventFixture.peerRead(c, got);
            }
            catch (final java.io.UncheckedIOException ex)
            {
                return got.toByteArray();
            }
            if (n < 0)
            {
                return got.toByteArray();
            }
            if (0 == n)
            {
                Thread.sleep(1);
            }
        }
        return null;
    }

    @Test
    @DisplayName("free: a bufferevent freed after its base closes its socket (CLOSE_ON_FREE) " +
        "and returns its memory at once")
    default void shouldCloseTheSocketWhenFreedAfterTheBase() throws Exception
    {
        final Conn c = connect();
        final EventBase other = new EventBase(configWithPool());
        final BufferEvent bev = SocketBufferEvent.create(other, c.local(), BevOptions.CLOSE_ON_FREE);
        bev.setWatermark(EventFlags.READ, 0, 100);
        bev.rateLimit().set(TokenBucketConfig.create(1000, 1000, 1000, 1000, 10));
        bev.enable(EventFlags.READ);
        bev.write(BufferEventFixture.pattern(1000, 3));
        other.free();
        assertThrows(IllegalStateException.class, () -> bev.enable(EventFlags.READ), "no loop to enable on");
        bev.free();
        assertTrue(bev.isFreed());
        assertNotNull(peerReceiveUntilEofFrom(c, 5000), "the peer saw EOF");
        assertFalse(c.local().isOpen(), "the channel was closed");
        bev.free();
    }

    @Test
    @DisplayName("timeouts: without a socket (fd -1) the read and write timeouts still fire (libevent statement 120)")
    default void shouldRunTimeoutsWithoutASocket()
    {
        final BufferEvent bev = track(SocketBufferEvent.create(base(), (SocketChannel)null, 0));
        assertEquals(-1, bev.fd());
        final List<Integer> events = new ArrayList<>();
        final long t0 = System.nanoTime();
        final long[] at = new long[2];
        bev.setCallbacks(null, null, (b, what) ->
        {
            events.add(what);
            at[events.size() - 1] = System.nanoTime() - t0;
        });
        bev.setTimeouts(40, 90, TimeUnit.MILLISECONDS);
        bev.enable(EventFlags.READ);
        assertEquals(0, bev.write(BufferEventFixture.bytes("waits for a socket")));
        runFor(300);
        assertEquals(List.of(BevFlags.READING | BevFlags.TIMEOUT, BevFlags.WRITING | BevFlags.TIMEOUT), events);
        assertTrue(at[0] >= TimeUnit.MILLISECONDS.toNanos(38), "read timeout after " + at[0] / 1_000_000 + " ms");
        assertTrue(at[1] >= TimeUnit.MILLISECONDS.toNanos(88), "write timeout after " + at[1] / 1_000_000 + " ms");
        assertEquals(18, bev.output().length(), "the output waits for a connect");
    }

    @Test
    @DisplayName("timeouts: setTimeouts(Long.MAX_VALUE, ...) means never, it does not fire at once")
    default void shouldNeverFireHugeTimeouts()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        bev.setCallbacks(b ->
        {
            reads.addAndGet((int)b.input().length());
            b.input().drain(b.input().length());
        }, null, (b, what) -> events.add(what));
        bev.setTimeouts(Long.MAX_VALUE, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        bev.enable(EventFlags.READ);
        runFor(100);
        bev.setTimeouts(Long.MAX_VALUE, Long.MAX_VALUE, TimeUnit.DAYS);
        runFor(100);
        assertEquals(List.of(), events);
        BufferEventFixture.peerSend(c, BufferEventFixture.bytes("still works"));
        awaitLoop(() -> 11 == reads.get(), 5000, "the read");
        assertEquals(List.of(), events);
    }

    @Test
    @DisplayName("deferred: events triggered inside a deferred callback arrive in one call " +
        "with exactly their bits (2.1.12)")
    default void shouldDeliverEventsTriggeredDuringADeferredRunInOneCall()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.DEFER_CALLBACKS);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(b ->
        {
            b.input().drain(b.input().length());
            b.triggerEvent(BevFlags.CONNECTED | BevFlags.EOF, BevOptions.TRIG_DEFER_CALLBACKS);
        }, null, (b, what) -> events.add(what));
        bev.enable(EventFlags.READ);
        BufferEventFixture.peerSend(c, BufferEventFixture.bytes("go"));
        awaitLoop(() -> !events.isEmpty(), 5000, "the events callback");
        runFor(30);
        assertEquals(List.of(BevFlags.CONNECTED | BevFlags.EOF), events, "one call, CONNECTED not split off");
        events.clear();
        bev.triggerEvent(BevFlags.CONNECTED | BevFlags.EOF, BevOptions.TRIG_DEFER_CALLBACKS);
        runFor(30);
        assertEquals(List.of(BevFlags.CONNECTED, BevFlags.EOF), events, "a CONNECTED pending at the start goes first");
    }

    @Test
    @DisplayName("accessors: the callbacks, the attachment and the options read back what was set; "
        + "flush on a socket leaves the output to the loop")
    default void shouldReadBackTheCallbacks()
    {
        final BufferEvent bev = bev(connect(), BevOptions.NAGLE | BevOptions.DEFER_CALLBACKS);
        assertEquals(BevOptions.NAGLE | BevOptions.DEFER_CALLBACKS, bev.options());
        assertNull(bev.attachment());
        final Object mine = new Object();
        bev.setAttachment(mine);
        assertSame(mine, bev.attachment());
        bev.disable(EventFlags.WRITE);
        assertEquals(0, bev.write(BufferEventFixture.bytes("abc")));
        assertEquals(0, bev.flush(EventFlags.WRITE, BufferEvent.FLUSH_FINISHED), "nothing held back to flush");
        assertEquals(3, bev.output().length(), "flush writes nothing itself");
        final DataCallback r = b ->
        {
        };
        final DataCallback w = b ->
        {
        };
        final EventsCallback e = (b, what) ->
        {
        };
        assertNull(bev.readCallback());
        bev.setCallbacks(r, w, e);
        assertSame(r, bev.readCallback());
        assertSame(w, bev.writeCallback());
        assertSame(e, bev.eventsCallback());
        bev.setCallbacks(null, w, null);
        assertNull(bev.readCallback());
        assertSame(w, bev.writeCallback());
        assertNull(bev.eventsCallback());
        bev.free();
        assertNull(bev.writeCallback(), "free clears them");
        assertThrows(IllegalStateException.class, () -> bev.flush(EventFlags.WRITE, BufferEvent.FLUSH_NORMAL));
    }

    @Test
    @DisplayName("BOUNDED_OUTPUT: writeUtf8 counts encoded bytes, not characters")
    default void shouldBoundUtf8WritesInBytes()
    {
        final BufferEvent bev = bev(connect(), BevOptions.BOUNDED_OUTPUT);
        bev.disable(EventFlags.WRITE);
        bev.setWatermark(EventFlags.WRITE, 0, 10);
        assertEquals(10, bev.writeUtf8("\u00e9\u00e9\u00e9\u00e9\u00e9"), "5 chars, 10 bytes: exactly the bound");
        assertEquals(BufferEvent.OUTPUT_FULL, bev.writeUtf8("\u00e9"));
        assertEquals(10, bev.output().length());
        for (final String s : new String[] {"a", "\u00e9", "\u20ac", "\ud834\udd1e", "\ud834", "x\udd1ey", ""})
        {
            final long expected = s.replace("\ud834\udd1e", "AAAA").replaceAll("[\ud800-\udfff]", "?")
                .getBytes(StandardCharsets.UTF_8).length;
            assertEquals(expected, io.jevent.buffer.Evbuffer.utf8Length(s),
                "length of " + s.codePoints().boxed().toList());
            final io.jevent.buffer.Evbuffer b = new io.jevent.buffer.Evbuffer(pool());
            assertEquals(expected, b.addUtf8(s), "what addUtf8 appends for " + s.codePoints().boxed().toList());
            b.free();
        }
    }
}
