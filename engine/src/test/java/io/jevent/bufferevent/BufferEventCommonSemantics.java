package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static io.jevent.bufferevent.BufferEventFixture.peerRead;
import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static io.jevent.bufferevent.BufferEventFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 45–53: what every bufferevent shares (bufferevent.c), and libevent's test trigger.
 */
public interface BufferEventCommonSemantics extends BufferEventFixture
{
    @Test
    @DisplayName("45: a new bufferevent has WRITE enabled, 0/0 watermarks, and registers nothing")
    default void shouldStartWithWriteEnabledAndNothingRegistered()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        assertEquals(EventFlags.WRITE, bev.enabled());
        assertEquals(0, bev.watermark(EventFlags.READ, false));
        assertEquals(0, bev.watermark(EventFlags.READ, true));
        assertEquals(0, bev.watermark(EventFlags.WRITE, false));
        assertEquals(0, bev.watermark(EventFlags.WRITE, true));
        final long start = System.nanoTime();
        assertEquals(1, base().dispatch(), "a loop with only an un-enabled bufferevent has nothing to wait for");
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "dispatch returned at once");
    }

    @Test
    @DisplayName("45: no read happens until READ is enabled explicitly")
    default void shouldNotReadBeforeReadIsEnabled()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] reads = new int[1];
        bev.setCallbacks(b -> reads[0]++, null, null);
        peerSend(c, bytes("hello"));
        runFor(100);
        assertEquals(0, reads[0]);
        assertEquals(0, bev.input().length());
        bev.enable(EventFlags.READ);
        awaitLoop(() -> 5 == bev.input().length(), 5000, "input holds the 5 bytes once READ is enabled");
        assertEquals(1, reads[0]);
    }

    @Test
    @DisplayName("46: CLOSE_ON_FREE closes the socket at destruction; without it the socket stays open")
    default void shouldCloseTheSocketOnFreeOnlyWithCloseOnFree()
    {
        final Conn closing = connect();
        final Conn keeping = connect();
        final BufferEvent a = bev(closing, BevOptions.CLOSE_ON_FREE);
        final BufferEvent b = bev(keeping, 0);
        a.free();
        b.free();
        assertNotNull(peerReceiveUntilEof(closing, 5000), "the peer of a CLOSE_ON_FREE bufferevent sees EOF");
        runFor(50);
        assertTrue(keeping.local().isOpen(), "without CLOSE_ON_FREE the channel stays open");
        assertEquals(0, peerRead(keeping, new ByteArrayOutputStream()), "and the peer sees no EOF");
    }

    @Test
    @DisplayName("46: DEFER_CALLBACKS runs the user callbacks from the loop, not inside the call")
    default void shouldRunCallbacksFromTheLoopWithDeferCallbacks()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.DEFER_CALLBACKS);
        final List<String> calls = new ArrayList<>();
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"),
            (b, what) -> calls.add(BevFlags.toString(what)));
        bev.trigger(EventFlags.READ | EventFlags.WRITE, BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.READING | BevFlags.EOF, 0);
        assertEquals(List.of(), calls, "nothing runs inside trigger on a deferred bufferevent");
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of("read", "write", "READING|EOF"), calls);
        calls.clear();
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("x"));
        awaitLoop(() -> !calls.isEmpty(), 5000, "deferred readcb after data arrives");
        assertEquals(List.of("read"), calls);
    }

    @Test
    @DisplayName("47: user code cannot add to the input nor drain/prepend the output; appending output works")
    default void shouldFreezeTheLibraryEndsOfBothBuffers()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("abc"));
        awaitLoop(() -> 3 == bev.input().length(), 5000, "3 bytes in the input");
        assertEquals(-1, bev.input().add(bytes("zz")), "input.add");
        assertEquals(3, bev.input().length());
        bev.disable(EventFlags.WRITE);
        assertEquals(0, bev.output().add(bytes("hello")), "output.add is allowed");
        assertEquals(-1, bev.output().drain(1), "output.drain");
        assertEquals(-1, bev.output().prepend(bytes(">")), "output.prepend");
        assertEquals("hello", content(bev.output()));
        assertEquals(0, bev.input().drain(1), "user code may drain the input");
        assertEquals("bc", content(bev.input()));
        bev.enable(EventFlags.WRITE);
        assertEquals("hello", text(peerReceive(c, 5, 5000)));
    }

    @Test
    @DisplayName("48: write/writeBuffer append to the output; read/readBuffer remove from the input")
    default void shouldMoveBytesThroughTheConvenienceCalls()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.disable(EventFlags.WRITE);
        assertEquals(0, bev.write(bytes("one,")));
        final Evbuffer other = new Evbuffer(pool());
        try
        {
            other.add(bytes("two,"));
            assertEquals(0, bev.writeBuffer(other));
            assertEquals(0, other.length(), "writeBuffer moves all of the source");
            assertEquals(0, bev.writeUtf8("three") < 0 ? -1 : 0);
            assertEquals("one,two,three", content(bev.output()));
            bev.enable(EventFlags.WRITE | EventFlags.READ);
            assertEquals("one,two,three", text(peerReceive(c, 13, 5000)));
            peerSend(c, bytes("0123456789"));
            awaitLoop(() -> 10 == bev.input().length(), 5000, "10 bytes in");
            final byte[] four = new byte[4];
            assertEquals(4, bev.read(four, 0, 4));
            assertEquals("0123", text(four));
            assertEquals(0, bev.readBuffer(other));
            assertEquals(0, bev.input().length(), "readBuffer moves the whole input");
            assertEquals("456789", content(other));
            assertEquals(0, bev.read(four, 0, 4), "read on an empty input");
        }
        finally
        {
            other.free();
        }
    }

    @Test
    @DisplayName("49: enable while suspended by the high watermark sets the bit but re-arms only when it ends")
    default void shouldReArmReadOnlyWhenTheSuspensionEnds()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        bev.setWatermark(EventFlags.READ, 0, 10);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("0123456789abcdefghij"));
        awaitLoop(() -> 10 == bev.input().length(), 5000, "input at the high watermark");
        bev.disable(EventFlags.READ);
        assertEquals(EventFlags.WRITE, bev.enabled());
        bev.enable(EventFlags.READ);
        assertEquals(EventFlags.READ | EventFlags.WRITE, bev.enabled(), "enable sets the bit at once");
        runFor(100);
        assertEquals(10, bev.input().length(), "still suspended: nothing more read");
        bev.input().drain(10);
        awaitLoop(() -> 10 == bev.input().length(), 5000, "reading resumes once below the mark");
        assertEquals("abcdefghij", content(bev.input()));
    }

    @Test
    @DisplayName("49: disable(READ) clears the bit and stops reading at once")
    default void shouldStopReadingAtOnceOnDisable()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] reads = new int[1];
        bev.setCallbacks(b -> reads[0]++, null, null);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("a"));
        awaitLoop(() -> 1 == reads[0], 5000, "first read");
        bev.disable(EventFlags.READ);
        assertEquals(EventFlags.WRITE, bev.enabled());
        peerSend(c, bytes("b"));
        runFor(150);
        assertEquals(1, reads[0]);
        assertEquals("a", content(bev.input()));
    }

    @Test
    @DisplayName("50: free clears the callbacks at once: no callback runs after it, even with I/O pending")
    default void shouldRunNoCallbackAfterFree()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        final List<String> calls = new ArrayList<>();
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"),
            (b, what) -> calls.add(BevFlags.toString(what)));
        bev.enable(EventFlags.READ | EventFlags.WRITE);
        bev.write(bytes("pending"));
        peerSend(c, bytes("data"));
        runFor(0);
        calls.clear();
        peerSend(c, bytes("more"));
        bev.write(bytes("more"));
        bev.trigger(EventFlags.READ, BevOptions.TRIG_DEFER_CALLBACKS | BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.ERROR, BevOptions.TRIG_DEFER_CALLBACKS);
        bev.free();
        assertTrue(bev.isFreed());
        runFor(100);
        assertEquals(List.of(), calls);
    }

    @Test
    @DisplayName("50: the peer sees EOF only after the next loop pass, and unsent output is discarded")
    default void shouldCloseOnlyFromTheLoopAndDiscardUnsentOutput()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        assertEquals(0, bev.write(bytes("never sent")));
        bev.free();
        assertEquals(0, peerRead(c, new ByteArrayOutputStream()), "no EOF before the loop runs");
        assertTrue(c.local().isOpen(), "the socket is closed later, by the loop");
        assertArrayEquals(new byte[0], peerReceiveUntilEof(c, 5000), "EOF without the unsent output");
        assertFalse(c.local().isOpen());
    }

    @Test
    @DisplayName("50: free inside a callback is safe and stops the other pending callbacks")
    default void shouldAllowFreeInsideACallback()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE | BevOptions.DEFER_CALLBACKS);
        final List<String> calls = new ArrayList<>();
        bev.setCallbacks(b ->
        {
            calls.add("read");
            b.free();
        }, b -> calls.add("write"), (b, what) -> calls.add(BevFlags.toString(what)));
        bev.trigger(EventFlags.READ | EventFlags.WRITE, BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.EOF | BevFlags.READING, 0);
        runFor(50);
        assertEquals(List.of("read"), calls);
        assertNotNull(peerReceiveUntilEof(c, 5000));
    }

    @Test
    @DisplayName("51: deferred callbacks run CONNECTED, readcb, writecb, then one eventcb with the OR of the rest")
    default void shouldRunDeferredCallbacksInLibeventOrder()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.DEFER_CALLBACKS);
        final List<String> calls = new ArrayList<>();
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"),
            (b, what) -> calls.add(BevFlags.toString(what)));
        bev.triggerEvent(BevFlags.READING | BevFlags.EOF, 0);
        bev.trigger(EventFlags.WRITE, BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.WRITING | BevFlags.ERROR, 0);
        bev.trigger(EventFlags.READ, BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.CONNECTED, 0);
        assertEquals(List.of(), calls);
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of("CONNECTED", "read", "write", "READING|WRITING|EOF|ERROR"), calls);
    }

    @Test
    @DisplayName("51: a deferred callback set to null by setCallbacks before it runs is skipped")
    default void shouldSkipDeferredCallbacksClearedMeanwhile()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.DEFER_CALLBACKS);
        final List<String> calls = new ArrayList<>();
        final EventsCallback events = (b, what) -> calls.add(BevFlags.toString(what));
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"), events);
        bev.trigger(EventFlags.READ | EventFlags.WRITE, BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.TIMEOUT | BevFlags.READING, 0);
        bev.setCallbacks(null, b -> calls.add("write2"), events);
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of("write2", "READING|TIMEOUT"), calls);
    }

    @Test
    @DisplayName("52: trigger runs readcb only at or above the read low watermark, unless IGNORE_WATERMARKS")
    default void shouldTriggerReadOnlyAboveTheLowWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] reads = new int[1];
        bev.setCallbacks(b -> reads[0]++, null, null);
        bev.trigger(EventFlags.READ, 0);
        assertEquals(1, reads[0], "low watermark 0: an empty input qualifies, synchronously");
        bev.setWatermark(EventFlags.READ, 5, 0);
        bev.trigger(EventFlags.READ, 0);
        assertEquals(1, reads[0], "0 bytes < low watermark 5");
        bev.trigger(EventFlags.READ, BevOptions.TRIG_IGNORE_WATERMARKS);
        assertEquals(2, reads[0], "IGNORE_WATERMARKS runs it anyway");
        bev.setWatermark(EventFlags.READ, 3, 0);
        bev.enable(EventFlags.READ);
        peerSend(c, bytes("abc"));
        awaitLoop(() -> 3 == reads[0], 5000, "readcb at 3 bytes");
        bev.trigger(EventFlags.READ, 0);
        assertEquals(4, reads[0], "3 bytes >= low watermark 3");
    }

    @Test
    @DisplayName("52: trigger runs writecb only at or below the write low watermark, unless IGNORE_WATERMARKS")
    default void shouldTriggerWriteOnlyBelowTheLowWatermark()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final int[] writes = new int[1];
        bev.setCallbacks(null, b -> writes[0]++, null);
        bev.trigger(EventFlags.WRITE, 0);
        assertEquals(1, writes[0], "empty output <= 0");
        bev.disable(EventFlags.WRITE);
        bev.write(bytes("0123456789"));
        bev.trigger(EventFlags.WRITE, 0);
        assertEquals(1, writes[0], "10 bytes > low watermark 0");
        bev.setWatermark(EventFlags.WRITE, 10, 0);
        bev.trigger(EventFlags.WRITE, 0);
        assertEquals(2, writes[0], "10 bytes <= low watermark 10");
        bev.setWatermark(EventFlags.WRITE, 0, 0);
        bev.trigger(EventFlags.WRITE, BevOptions.TRIG_IGNORE_WATERMARKS);
        assertEquals(3, writes[0]);
    }

    @Test
    @DisplayName("52: TRIG_DEFER_CALLBACKS defers the triggered callbacks on a non-deferred bufferevent")
    default void shouldDeferTriggeredCallbacksOnRequest()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<String> calls = new ArrayList<>();
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"),
            (b, what) -> calls.add(Integer.toHexString(what)));
        bev.trigger(EventFlags.READ | EventFlags.WRITE,
            BevOptions.TRIG_DEFER_CALLBACKS | BevOptions.TRIG_IGNORE_WATERMARKS);
        bev.triggerEvent(BevFlags.WRITING | BevFlags.TIMEOUT, BevOptions.TRIG_DEFER_CALLBACKS);
        assertEquals(List.of(), calls, "nothing inside the calls");
        base().loop(LoopFlags.NONBLOCK);
        assertEquals(List.of("read", "write", "42"), calls);
        calls.clear();
        bev.trigger(EventFlags.READ, 0);
        assertEquals(List.of("read"), calls, "without the option it is synchronous again");
    }

    @Test
    @DisplayName("52: triggerEvent passes any flags to eventcb, e.g. ~0")
    default void shouldPassAnyFlagsThroughTriggerEvent()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> got = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> got.add(what));
        bev.triggerEvent(~0, 0);
        bev.triggerEvent(BevFlags.READING | BevFlags.EOF, 0);
        assertEquals(List.of(~0, BevFlags.READING | BevFlags.EOF), got);
    }

    @Test
    @DisplayName("53: getFd is -1 for a socket bufferevent without a socket, the fd otherwise")
    default void shouldReportTheFd()
    {
        final BufferEvent none = track(SocketBufferEvent.create(base(), (SocketChannel)null, BevOptions.CLOSE_ON_FREE));
        assertEquals(-1, none.fd());
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        assertTrue(bev.fd() >= 0);
        assertEquals(io.jevent.loop.ChannelFds.fdOf(c.local()), bev.fd());
    }
}
