package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thread affinity ({@link Evbuffer#setOwner}): a buffer whose owner refuses the calling thread
 * refuses every public call before it reads or changes anything, and one whose owner allows it
 * behaves as if it had none ({@link EvbufferSemanticsOwnedSmallSegmentsTest} runs the whole
 * semantics suite that way).
 */
class EvbufferOwnerTest
{
    private static final byte[] CONTENT = ("owned content, long enough to span several 16-byte segments\n" +
        "second line\r\n").getBytes(StandardCharsets.ISO_8859_1);

    /** What a loop's refusal looks like: an IllegalStateException subclass. */
    static final class WrongThreadException extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        WrongThreadException(final Thread owner, final Thread caller)
        {
            super("buffer owned by " + owner.getName() + ", used from " + caller.getName());
        }
    }

    /**
     * Exactly the check EventBase makes: a volatile owner thread, null while the loop is not running.
     */
    static final class LoopOwner implements BufferOwner
    {
        volatile Thread ownerThread;
        int checks;

        @Override
        public void checkThread()
        {
            checks++;
            final Thread t = ownerThread;
            if (null != t && t != Thread.currentThread())
            {
                throw new WrongThreadException(t, Thread.currentThread());
            }
        }
    }

    /** An owner that refuses while {@link #refuse} is set, whatever the thread. */
    private static final class SwitchOwner implements BufferOwner
    {
        boolean refuse;
        int refusals;

        @Override
        public void checkThread()
        {
            if (refuse)
            {
                refusals++;
                throw new WrongThreadException(Thread.currentThread(), Thread.currentThread());
            }
        }
    }

    private SegmentPool pool;
    private final List<Evbuffer> toFree = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        pool = new SegmentPool(16, 1024, 8);
    }

    @AfterEach
    void tearDown()
    {
        for (final Evbuffer b : toFree)
        {
            if (!b.isFreed())
            {
                b.setOwner(null);
                b.free();
            }
        }
        assertEquals(0, pool.outstandingSegments(), "segments leaked");
        assertEquals(0, pool.outstandingWrappers(), "wrappers leaked");
        pool.close();
    }

    private Evbuffer newBuffer()
    {
        final Evbuffer b = new Evbuffer(pool);
        toFree.add(b);
        return b;
    }

    private static byte[] contents(final Evbuffer b)
    {
        final byte[] out = new byte[(int)b.length()];
        final Extents e = new Extents(Math.max(1, b.segmentCount()));
        b.peek(-1, null, e);
        int at = 0;
        final UnsafeBuffer u = new UnsafeBuffer(0, 0);
        for (int i = 0; i < e.count(); i++)
        {
            e.wrap(i, u);
            u.getBytes(0, out, at, u.capacity());
            at += u.capacity();
        }
        return out;
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldRefuseEveryCallFromAThreadItsOwnerRefusesAndChangeNothing()
    {
        final Evbuffer owned = newBuffer();
        final Evbuffer live = newBuffer();
        final ByteBuffer referenced = ByteBuffer.allocateDirect(8)
            .put(0, "REFERENC".getBytes(StandardCharsets.US_ASCII));
        final int[] cleanups = new int[1];
        assertEquals(0, owned.add(CONTENT));
        assertEquals(0, owned.addReference(BufferUtil.address(referenced), 8, (a, l) -> cleanups[0]++));
        final Evbuffer viewed = newBuffer();
        assertEquals(0, viewed.add("viewed".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, owned.addBufferReference(viewed));
        assertEquals(0, live.add("live buffer".getBytes(StandardCharsets.US_ASCII)));
        final byte[] ownedBefore = contents(owned);
        final byte[] liveBefore = contents(live);

        final SwitchOwner owner = new SwitchOwner();
        owned.setOwner(owner);
        final List<String> calls = new ArrayList<>();
        owned.addCallback((b, o, a, d) -> calls.add(o + "," + a + "," + d));
        final Extents reserved = new Extents(1);
        assertEquals(1, owned.reserveSpace(10, reserved));
        final ByteBuffer[] prepared = new ByteBuffer[4];
        final int k = owned.prepareRead(32, prepared);
        assertTrue(k > 0);
        final Extents peeked = new Extents(16);
        final int segments = owned.peek(-1, null, peeked);
        final long firstAddress = peeked.address(0);
        final long outstanding = pool.outstandingSegments();
        final long wrappers = pool.outstandingWrappers();
        final long bytes = pool.outstandingBytes();
        final long acquisitions = pool.acquisitions();

        owner.refuse = true;
        final Map<String, Executable> every = new LinkedHashMap<>(EvbufferBadInputTest.everyCallOn(owned, live));
        every.put("isFreed()", owned::isFreed);
        every.put("pool()", owned::pool);
        every.put("maxRead()", owned::maxRead);
        every.put("setMaxRead(int)", () -> owned.setMaxRead(100));
        every.put("isFrozen(true)", () -> owned.isFrozen(true));
        every.put("setOwner(null)", () -> owned.setOwner(null));
        every.put("setOwner(other)", () -> owned.setOwner(() ->
        {
        }));
        every.put("free()", owned::free);
        every.put("close()", owned::close);
        every.put("extents.address", () -> peeked.address(0));
        every.put("extents.length", () -> peeked.length(0));
        every.put("extents.setLength", () -> reserved.setLength(0, 1));
        every.put("extents.totalLength", peeked::totalLength);
        every.put("extents.buffer", () -> peeked.buffer(0));
        every.put("extents.wrap", () -> peeked.wrap(0, new UnsafeBuffer(0, 0)));
        final List<Executable> checks = new ArrayList<>();
        for (final Map.Entry<String, Executable> call : every.entrySet())
        {
            checks.add(() -> assertThrows(WrongThreadException.class, call.getValue(),
                call.getKey() + " from a thread the owner refuses"));
        }
        assertAll("calls from a refused thread", checks);
        assertTrue(owner.refusals >= every.size(), "every refusal came from the owner: " + owner.refusals);
        assertEquals("Evbuffer(owned by another thread)", owned.toString(), "toString does not throw");
        assertSame(owner, owned.owner(), "getOwner asks nobody");

        owner.refuse = false;
        assertAll("nothing changed",
            () -> assertArrayEquals(ownedBefore, contents(owned), "owned content"),
            () -> assertArrayEquals(liveBefore, contents(live), "live content"),
            () -> assertEquals(0, cleanups[0], "no cleanup ran"),
            () -> assertEquals(List.of(), calls, "no callback ran"),
            () -> assertEquals(outstanding, pool.outstandingSegments(), "outstanding segments"),
            () -> assertEquals(wrappers, pool.outstandingWrappers(), "outstanding wrappers"),
            () -> assertEquals(bytes, pool.outstandingBytes(), "outstanding bytes"),
            () -> assertEquals(acquisitions, pool.acquisitions(), "no pool traffic"),
            () -> assertEquals(firstAddress, peeked.address(0), "the peeked extents are still current"),
            () -> assertEquals(segments, owned.peek(-1, null, new Extents(16))),
            () -> assertEquals(32, prepared[0].remaining() + (k > 1 ? prepared[1].remaining() : 0) +
                (k > 2 ? prepared[2].remaining() : 0) + (k > 3 ? prepared[3].remaining() : 0),
                "the prepared read is still in place"),
            () -> assertFalse(owned.isFreed()));
        assertEquals(0, owned.commitRead(0), "the prepared read can still be committed");
        final byte[] tail = "tail".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, owned.add(tail));
        assertArrayEquals(concat(ownedBefore, tail), contents(owned));
        assertEquals(1, calls.size(), "the callback runs again once allowed");
        owned.free();
        assertEquals(1, cleanups[0]);
    }

    @Test
    void shouldBehaveAsWithoutOwnerWhileTheOwnerAllowsTheThread()
    {
        final LoopOwner owner = new LoopOwner();
        final Evbuffer b = newBuffer();
        b.setOwner(owner);
        assertSame(owner, b.owner());
        assertEquals(0, b.add(CONTENT), "no loop thread yet: any thread may use the buffer");
        owner.ownerThread = Thread.currentThread();
        assertEquals(0, b.drain(6));
        assertEquals(CONTENT.length - 6, b.length());
        assertTrue(owner.checks >= 3, "the check runs on every call: " + owner.checks);
        final int before = owner.checks;
        b.setOwner(null);
        assertNull(b.owner());
        assertEquals(CONTENT.length - 6, b.length());
        assertEquals(before + 1, owner.checks, "setOwner asked the old owner, the length() after it nobody");
    }

    @Test
    void shouldRefuseCallsFromOtherThreadsAndMoveSegmentsBetweenThreadsThroughAnUnownedBuffer() throws Exception
    {
        final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "loop"));
        try
        {
            final LoopOwner loopOwner = new LoopOwner();
            loop.submit(() -> loopOwner.ownerThread = Thread.currentThread()).get();
            final LoopOwner mainOwner = new LoopOwner();
            mainOwner.ownerThread = Thread.currentThread();

            final Evbuffer input = newBuffer();
            input.setOwner(loopOwner);
            final Evbuffer output = newBuffer();
            output.setOwner(mainOwner);
            final Evbuffer transfer = newBuffer();

            assertThrows(WrongThreadException.class, input::length, "the loop's buffer from the test thread");
            assertThrows(WrongThreadException.class, () -> input.add(CONTENT));
            assertThrows(WrongThreadException.class, () -> output.addBuffer(input), "a move asks both owners");
            assertThrows(WrongThreadException.class, () -> input.setOwner(null),
                "only the owner's thread may hand it on");
            loop.submit(() ->
            {
                assertEquals(0, input.add(CONTENT));
                assertThrows(WrongThreadException.class, output::length, "the test thread's buffer from the loop");
                assertEquals(0, transfer.addBuffer(input), "segments leave the loop's buffer");
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(0, output.addBuffer(transfer), "and reach a buffer of another thread");
            assertArrayEquals(CONTENT, contents(output));
            assertEquals(0, output.drain(output.length()));
            loop.submit(() ->
            {
                assertEquals(0, input.length());
                input.free();
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertThrows(WrongThreadException.class, input::isFreed, "freed, and still the loop's");
            loopOwner.ownerThread = null;
            assertTrue(input.isFreed(), "the loop stopped: any thread may ask");
            output.setOwner(null);
        }
        finally
        {
            loop.shutdownNow();
            assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
