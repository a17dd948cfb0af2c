package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.pattern;
import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static io.jevent.bufferevent.BufferEventFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behavioural suite of {@link FilterBufferEvent} against libevent 2.1 (libevent-semantics.md §1.13, statements
 * 87–94) and jevent's documented differences (FINISHED at EOF, filter errors reported, the underlying held
 * while the filter's input is full), with the two shipped filters: {@link LengthPrefixFraming} and the zlib pair
 * ({@link DeflateFilter}, {@link InflateFilter}) against the JDK's own zlib streams on the peer. Everything runs
 * over real loopback TCP with the fixture of {@link LoopbackSuite}.
 */
public abstract class FilterSuite extends LoopbackSuite
{
    private static final int R = EventFlags.READ;
    private static final int W = EventFlags.WRITE;

    private FilterBufferEvent filter(final Conn c, final BufferFilter in, final BufferFilter out, final int options)
    {
        final SocketBufferEvent under = bev(c, 0);
        return track(BufferEvent.filter(under, in, out, options));
    }

    /** Records a bufferevent's events in order. */
    private static List<Integer> events(final BufferEvent bev, final DataCallback read)
    {
        final List<Integer> seen = new ArrayList<>();
        bev.setCallbacks(read, null, (b, what) -> seen.add(what));
        return seen;
    }

    @Test
    void shouldTakeOverTheUnderlyingAndPassBytesThroughWithNullFilters()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, null, null, 0);
        final BufferEvent under = f.underlying();
        assertNotNull(under.readCallback(), "the filter's own callbacks on the underlying");
        assertEquals(R | W, under.enabled(), "the underlying is enabled for both");
        assertEquals(under.fd(), f.fd());
        final StringBuilder got = new StringBuilder();
        f.setCallbacks(b ->
        {
            got.append(content(b.input()));
            b.input().drain(b.input().length());
        }, null, null);
        peerSend(c, bytes("hello"));
        runFor(100);
        assertEquals(0, under.input().length(), "the underlying does not read while the filter's READ is off");
        assertEquals("", got.toString());
        f.enable(R);
        awaitLoop(() -> got.toString().equals("hello"), 5000, "bytes through the filter");
        f.write(bytes("world"));
        assertEquals("world", text(peerReceive(c, 5, 5000)));
    }

    @Test
    void shouldStopAtItsReadHighWatermarkHoldTheUnderlyingAndResumeWhenDrained()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, null, null, 0);
        final int total = 4 << 20;
        final int high = 16 * 1024;
        f.setWatermark(R, 0, high);
        f.enable(R);
        background("peer-writer", () -> peerSend(c, new byte[total]));
        awaitLoop(() -> f.input().length() >= high, 5000, "the filter's input at its high watermark");
        runFor(200);
        assertEquals(high, f.input().length(), "no more than the high watermark");
        final long held = f.underlying().input().length();
        assertTrue(held <= 512 * 1024, "the underlying stopped reading as well: " + held);
        long drained = 0;
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (drained < total && System.nanoTime() < deadline)
        {
            drained += f.input().length();
            f.input().drain(f.input().length());
            runUntil(() -> f.input().length() > 0, 1000);
        }
        assertEquals(total, drained, "every byte once drained (libevent issue 362)");
    }

    @Test
    void shouldTransformBothWaysAndNotReenterTheOutputFilter()
    {
        final Conn c = connect();
        final BufferFilter upper = (src, dst, limit, mode) ->
        {
            final byte[] b = new byte[(int)src.length()];
            src.remove(b, 0, b.length);
            dst.add(new String(b, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase().getBytes());
            return BufferFilter.OK;
        };
        final FilterBufferEvent[] self = new FilterBufferEvent[1];
        final int[] calls = {0, 0, 0};
        final BufferFilter bracket = (src, dst, limit, mode) ->
        {
            calls[0]++;
            calls[1]++;
            calls[2] = Math.max(calls[2], calls[1]);
            dst.add(bytes("["));
            dst.addBuffer(src);
            dst.add(bytes("]"));
            if (1 == calls[0])
            {
                self[0].write(bytes("!"));
            }
            calls[1]--;
            return BufferFilter.OK;
        };
        final FilterBufferEvent f = filter(c, upper, bracket, 0);
        self[0] = f;
        final StringBuilder got = new StringBuilder();
        f.setCallbacks(b ->
        {
            got.append(content(b.input()));
            b.input().drain(b.input().length());
        }, null, null);
        f.enable(R);
        peerSend(c, bytes("shout"));
        awaitLoop(() -> got.toString().equals("SHOUT"), 5000, "input filtered");
        f.write(bytes("ab"));
        assertEquals(1, calls[2], "a write from inside the output filter does not re-enter it");
        assertEquals(2, calls[0], "the filter runs again for it once the first run returned");
        assertEquals("[ab][!]", text(peerReceive(c, 7, 5000)));
    }

    @Test
    void shouldRunTheInputFilterFinishedAtEofThenPassEofUp()
    {
        final Conn c = connect();
        final List<Integer> modes = new ArrayList<>();
        final FilterBufferEvent f = filter(c, (src, dst, limit, mode) ->
        {
            modes.add(mode);
            return BufferFilter.PASS.filter(src, dst, limit, mode);
        }, null, 0);
        final List<Integer> seen = events(f, null);
        f.enable(R);
        peerSend(c, bytes("bye"));
        closePeerOutput(c);
        awaitLoop(() -> !seen.isEmpty(), 5000, "EOF through the filter");
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), seen, "the underlying's event, unchanged");
        assertEquals(BufferEvent.FLUSH_FINISHED, modes.get(modes.size() - 1), "the filter heard the end");
        assertEquals("bye", content(f.input()));
    }

    private static void closePeerOutput(final Conn c)
    {
        try
        {
            c.peer().shutdownOutput();
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldReportAFilterErrorAndStopThatDirection()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, (src, dst, limit, mode) -> BufferFilter.ERROR, (src, dst, limit, mode) ->
            BufferFilter.ERROR, 0);
        final List<Integer> seen = events(f, null);
        f.enable(R);
        peerSend(c, bytes("x"));
        awaitLoop(() -> !seen.isEmpty(), 5000, "the input error");
        f.write(bytes("y"));
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR, BevFlags.WRITING | BevFlags.ERROR), seen);
        f.write(bytes("z"));
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(2, seen.size(), "each reported once");
    }

    @Test
    void shouldFlushWithoutLimitsAndSayWhetherAnythingMoved()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, null, null, 0);
        f.disable(W);
        f.write(bytes("held"));
        assertEquals(4, f.output().length(), "WRITE disabled: the output filter does not run");
        assertEquals(1, f.flush(W, BufferEvent.FLUSH_FLUSH));
        assertEquals("held", text(peerReceive(c, 4, 5000)));
        assertEquals(0, f.flush(W, BufferEvent.FLUSH_FLUSH), "nothing left");
    }

    @Test
    void shouldFreeTheUnderlyingOnlyWithCloseOnFree() throws IOException
    {
        final Conn c = connect();
        final FilterBufferEvent kept = BufferEvent.filter(SocketBufferEvent.create(base(), c.local(), 0), null,
            null, 0);
        final BufferEvent under = kept.underlying();
        track(under);
        kept.enable(R);
        kept.free();
        assertNull(under.readCallback(), "the survivor has no callbacks");
        under.enable(R);
        peerSend(c, bytes("after"));
        awaitLoop(() -> under.input().length() == 5, 5000, "the survivor reads on its own");
        final Conn d = connect();
        final FilterBufferEvent owning = BufferEvent.filter(SocketBufferEvent.create(base(), d.local(),
            BevOptions.CLOSE_ON_FREE), null, null, BevOptions.CLOSE_ON_FREE);
        owning.free();
        assertTrue(owning.underlying().isFreed(), "CLOSE_ON_FREE frees the underlying");
        assertNotNull(peerReceiveUntilEof(d, 5000), "which closes its socket (its own CLOSE_ON_FREE)");
    }

    // ------------------------------------------------------------------ framing

    private static byte[] frame(final byte[] payload)
    {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    @Test
    void shouldDeliverOnlyWholeFramesHoweverTheStreamIsSplit()
    {
        final Conn c = connect();
        final LengthPrefixFraming framing = new LengthPrefixFraming(4096);
        final FilterBufferEvent f = filter(c, framing.decoder(), framing.encoder(), 0);
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> partial = new ArrayList<>();
        final byte[] payload = new byte[4096];
        f.setCallbacks(b ->
        {
            int n;
            while ((n = framing.readFrame(b.input(), payload)) >= 0)
            {
                frames.add(Arrays.copyOf(payload, n));
            }
            if (b.input().length() > 0)
            {
                partial.add(b.input().length());
            }
        }, null, null);
        f.enable(R);
        final Random random = new Random(7);
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            final byte[] p = pattern(random.nextInt(600), i);
            sent.add(p);
            wire.writeBytes(frame(p));
        }
        final byte[] all = wire.toByteArray();
        for (int at = 0; at < all.length;)
        {
            final int n = Math.min(all.length - at, 1 + random.nextInt(97));
            peerSend(c, Arrays.copyOfRange(all, at, at + n));
            at += n;
            base().loop(LoopFlags.NONBLOCK);
        }
        awaitLoop(() -> frames.size() == sent.size(), 10_000, "every frame");
        for (int i = 0; i < sent.size(); i++)
        {
            assertArrayEquals(sent.get(i), frames.get(i), "frame " + i);
        }
        assertEquals(List.of(), partial, "the read callback never saw part of a frame");
    }

    @Test
    void shouldRefuseAFrameLongerThanTheMaximum()
    {
        final Conn c = connect();
        final LengthPrefixFraming framing = new LengthPrefixFraming(100);
        final FilterBufferEvent f = filter(c, framing.decoder(), null, 0);
        final List<Integer> seen = events(f, null);
        f.enable(R);
        peerSend(c, new byte[] {(byte)0x80, 0, 0, 0});
        awaitLoop(() -> !seen.isEmpty(), 5000, "the oversize header refused");
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR), seen);
        assertEquals(0, f.input().length());
    }

    @Test
    void shouldReportAStreamThatEndsInsideAFrame()
    {
        final Conn c = connect();
        final LengthPrefixFraming framing = new LengthPrefixFraming(100);
        final FilterBufferEvent f = filter(c, framing.decoder(), null, 0);
        final List<Integer> seen = events(f, null);
        f.enable(R);
        peerSend(c, frame(bytes("whole")));
        peerSend(c, Arrays.copyOf(frame(bytes("cut short")), 7));
        closePeerOutput(c);
        awaitLoop(() -> !seen.isEmpty(), 5000, "EOF");
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR | BevFlags.EOF), seen,
            "the end of the stream, and that it cut a frame short (one deferred run, one mask)");
        assertEquals(4 + 5, f.input().length(), "the whole frame arrived");
    }

    @Test
    void shouldFrameEachFlushedMessage()
    {
        final Conn c = connect();
        final LengthPrefixFraming framing = new LengthPrefixFraming(100);
        final FilterBufferEvent f = filter(c, null, framing.encoder(), 0);
        f.write(bytes("ab"));
        f.write(bytes("c"));
        runFor(50);
        assertEquals(3, f.output().length(), "held until the flush");
        assertEquals(1, f.flush(W, BufferEvent.FLUSH_FLUSH));
        f.write(bytes("de"));
        f.flush(W, BufferEvent.FLUSH_FLUSH);
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(frame(bytes("abc")));
        expected.writeBytes(frame(bytes("de")));
        assertArrayEquals(expected.toByteArray(), peerReceive(c, expected.size(), 5000));
        f.write(new byte[101]);
        final List<Integer> seen = events(f, null);
        f.flush(W, BufferEvent.FLUSH_FLUSH);
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of(BevFlags.WRITING | BevFlags.ERROR), seen, "a message over the maximum");
    }

    // ------------------------------------------------------------------ zlib

    @Test
    void shouldCompressForTheJdksInflaterAndDecompressTheJdksDeflater() throws IOException
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, new InflateFilter(false), new DeflateFilter(6, false), 0);
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final byte[] sink = new byte[8192];
        f.setCallbacks(b ->
        {
            int n;
            while ((n = b.read(sink, 0, sink.length)) > 0)
            {
                got.write(sink, 0, n);
            }
        }, null, null);
        f.setWatermark(R, 0, 16 * 1024);
        f.enable(R);
        final byte[] text = new byte[1 << 20];
        final Random random = new Random(11);
        for (int i = 0; i < text.length; i++)
        {
            text[i] = (byte)('a' + random.nextInt(8));
        }
        final ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(zipped, new Deflater(9)))
        {
            z.write(text);
        }
        final byte[] compressed = zipped.toByteArray();
        background("peer-writer", () -> peerSendSlowly(c, compressed));
        awaitLoop(() -> got.size() == text.length, 20_000, "the peer's stream inflated");
        assertArrayEquals(text, got.toByteArray(), "every byte, inflated within a 16 KiB high watermark");

        for (int i = 0; i < 4; i++)
        {
            f.write(text, i * (text.length / 4), text.length / 4);
        }
        f.flush(W, BufferEvent.FLUSH_FINISHED);
        final byte[] onWire = peerReceiveUntilEofOrQuiet(c);
        final byte[] inflated = new InflaterInputStream(new ByteArrayInputStream(onWire)).readAllBytes();
        assertArrayEquals(text, inflated, "the JDK's inflater reads our stream back");
        assertTrue(onWire.length < text.length / 2, "and it is compressed: " + onWire.length);
    }

    private static void peerSendSlowly(final Conn c, final byte[] data) throws Exception
    {
        for (int at = 0; at < data.length; at += 1000)
        {
            final ByteBuffer b = ByteBuffer.wrap(data, at, Math.min(1000, data.length - at));
            while (b.hasRemaining())
            {
                if (0 == c.peer().write(b))
                {
                    Thread.sleep(1);
                }
            }
        }
    }

    private byte[] peerReceiveUntilEofOrQuiet(final Conn c)
    {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long[] last = {System.nanoTime()};
        runUntil(() ->
        {
            final int before = got.size();
            BufferEventFixture.peerRead(c, got);
            if (got.size() != before)
            {
                last[0] = System.nanoTime();
            }
            return got.size() > 0 && System.nanoTime() - last[0] > 300_000_000L;
        }, 10_000);
        return got.toByteArray();
    }

    @Test
    void shouldReportCorruptCompressedInput()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, new InflateFilter(false), null, 0);
        final List<Integer> seen = events(f, null);
        f.enable(R);
        peerSend(c, bytes("this is not a zlib stream at all"));
        awaitLoop(() -> !seen.isEmpty(), 5000, "corrupt input refused");
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR), seen);
    }

    @Test
    void shouldAllocateNothingPerFramedEchoOnceWarm()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        final Conn c = connect();
        final LengthPrefixFraming framing = new LengthPrefixFraming(1024);
        final FilterBufferEvent f = filter(c, framing.decoder(), framing.encoder(), 0);
        final byte[] payload = new byte[1024];
        f.setCallbacks(b ->
        {
            int n;
            while ((n = framing.readFrame(b.input(), payload)) >= 0)
            {
                b.write(payload, 0, n);
                b.flush(W, BufferEvent.FLUSH_FLUSH);
            }
        }, null, null);
        f.enable(R);
        final byte[] msg = frame(new byte[64]);
        final long tid = Thread.currentThread().getId();
        final StringBuilder windows = new StringBuilder();
        int clean = 0;
        for (int window = 0; window < 15 && clean < 2; window++)
        {
            final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            background("peer", () ->
            {
                final ByteBuffer reply = ByteBuffer.allocate(msg.length);
                for (int i = 0; i < 2000; i++)
                {
                    peerSend(c, msg);
                    reply.clear();
                    while (reply.hasRemaining())
                    {
                        if (0 == c.peer().read(reply))
                        {
                            Thread.onSpinWait();
                        }
                    }
                }
                done.set(true);
            });
            final long before = mx.getThreadAllocatedBytes(tid);
            awaitLoop(done::get, 30_000, "2,000 framed echoes");
            final long allocated = mx.getThreadAllocatedBytes(tid) - before;
            windows.append(' ').append(allocated);
            clean = allocated < 4096 ? clean + 1 : 0;
        }
        assertEquals(2, clean, "bytes the loop thread allocated per window of 2,000 framed echoes:" + windows);
    }

    @Test
    void shouldBeTheUnderlyingsEventTarget()
    {
        final Conn c = connect();
        final FilterBufferEvent f = filter(c, null, null, 0);
        assertSame(f.underlying().eventsCallback(), f.underlying().readCallback(),
            "one object of the filter's takes all three callbacks of the underlying");
        final Evbuffer in = f.input();
        assertEquals(0, in.length());
    }
}
