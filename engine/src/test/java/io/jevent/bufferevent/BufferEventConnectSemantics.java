package io.jevent.bufferevent;

import io.jevent.loop.Errno;
import io.jevent.loop.EventFlags;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 73–79: event flags, what lives on after EOF/ERROR/TIMEOUT, and connect (libevent's
 * tests connect and connect_fail_eventcb).
 */
public interface BufferEventConnectSemantics extends BufferEventFixture
{
    /**
     * @return a loopback address nobody listens on
     */
    static InetSocketAddress refusingAddress()
    {
        try (ServerSocketChannel s = ServerSocketChannel.open())
        {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return (InetSocketAddress)s.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return a tracked bufferevent without a socket whose callbacks record into {@code calls}
     */
    default SocketBufferEvent unconnected(final int options, final List<String> calls)
    {
        final BufferEvent bev = track(SocketBufferEvent.create(base(), (SocketChannel)null, options));
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write:" + b.output().length()),
            (b, what) -> calls.add(BevFlags.toString(what)));
        return (SocketBufferEvent)bev;
    }

    @Test
    @DisplayName("73: event flag values are libevent's")
    default void shouldUseLibeventFlagValues()
    {
        assertEquals("READING", BevFlags.toString(0x01));
        assertEquals("WRITING", BevFlags.toString(0x02));
        assertEquals("EOF", BevFlags.toString(0x10));
        assertEquals("ERROR", BevFlags.toString(0x20));
        assertEquals("TIMEOUT", BevFlags.toString(0x40));
        assertEquals("CONNECTED", BevFlags.toString(0x80));
        assertEquals("READING|EOF", BevFlags.toString(0x11));
    }

    @Test
    @DisplayName("74: after EOF the bufferevent lives on; with nothing else registered dispatch returns 1 "
        + "(issue 1106)")
    default void shouldLiveOnAfterEofAndLetDispatchReturn() throws IOException
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, 0);
        final List<Integer> events = new ArrayList<>();
        bev.setCallbacks(null, null, (b, what) -> events.add(what));
        bev.enable(EventFlags.READ);
        BufferEventFixture.peerSend(c, bytes("bye"));
        c.peer().shutdownOutput();
        assertEquals(1, base().dispatch(), "the loop runs out of events after the EOF");
        assertEquals(List.of(BevFlags.READING | BevFlags.EOF), events);
        assertTrue(!bev.isFreed());
        assertEquals("bye", content(bev.input()));
        bev.write(bytes("still here"));
        assertEquals("still here", BufferEventFixture.text(peerReceive(c, 10, 5000)));
    }

    @Test
    @DisplayName("75/76: connect on a bufferevent without a socket: 0, CONNECTED alone when nothing is queued")
    default void shouldReportConnectedAloneWithEmptyOutput() throws IOException
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        bev.enable(EventFlags.READ | EventFlags.WRITE);
        assertEquals(0, bev.connect(serverAddress()));
        assertTrue(bev.fd() >= 0, "the bufferevent made its own socket");
        assertEquals(List.of(), calls, "78: no callback inside connect");
        awaitLoop(() -> !calls.isEmpty(), 5000, "CONNECTED");
        runFor(100);
        assertEquals(List.of("CONNECTED"), calls, "no writecb follows a connect with an empty output");
    }

    @Test
    @DisplayName("60/76: data queued before the connect goes out after it: CONNECTED, then writecb with output 0")
    default void shouldSendQueuedDataAfterConnect() throws IOException
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        assertEquals(0, bev.write(bytes("hi")));
        assertEquals(0, bev.connect(serverAddress()));
        assertEquals(List.of(), calls);
        awaitLoop(() -> calls.size() >= 2, 5000, "CONNECTED and writecb");
        runFor(50);
        assertEquals(List.of("CONNECTED", "write:0"), calls);
        final Conn accepted = acceptPending();
        assertEquals("hi", BufferEventFixture.text(peerReceive(accepted, 2, 5000)));
    }

    @Test
    @DisplayName("77 (connect_fail_eventcb): a refused connect gives exactly one eventcb(ERROR), no read/write")
    default void shouldReportRefusedConnectOnce()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        bev.enable(EventFlags.READ | EventFlags.WRITE);
        final int[] errno = new int[1];
        bev.setCallbacks(b -> calls.add("read"), b -> calls.add("write"), (b, what) ->
        {
            calls.add(Integer.toHexString(what));
            errno[0] = b.socketError();
        });
        assertEquals(0, bev.connect(refusingAddress()), "refused at once or later: 0 either way");
        assertEquals(List.of(), calls, "78: no callback inside connect");
        awaitLoop(() -> !calls.isEmpty(), 5000, "ERROR");
        runFor(150);
        assertEquals(List.of("20"), calls, "exactly ERROR (0x20), no READING/WRITING, no read/write callback");
        assertEquals(Errno.ECONNREFUSED, errno[0], "socket error " + Errno.name(errno[0]));
        assertEquals(1, base().dispatch(), "both I/O events removed");
    }

    @Test
    @DisplayName("77: a refused connect leaves the enabled bits as they were")
    default void shouldKeepEnabledBitsAfterRefusedConnect()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        bev.enable(EventFlags.READ | EventFlags.WRITE);
        assertEquals(0, bev.connect(refusingAddress()));
        awaitLoop(() -> !calls.isEmpty(), 5000, "ERROR");
        assertEquals(EventFlags.READ | EventFlags.WRITE, bev.enabled());
    }

    @Test
    @DisplayName("79: disable(WRITE) while connecting does not stop the completion being reported")
    default void shouldReportConnectedEvenIfWriteIsDisabledWhileConnecting()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        assertEquals(0, bev.connect(serverAddress()));
        bev.disable(EventFlags.WRITE);
        awaitLoop(() -> !calls.isEmpty(), 5000, "CONNECTED");
        runFor(50);
        assertEquals(List.of("CONNECTED"), calls);
    }

    @Test
    @DisplayName("75: connect to an unresolved address fails at once with -1 and no callback")
    default void shouldFailAtOnceOnAnInvalidAddress()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        assertEquals(-1, bev.connect(InetSocketAddress.createUnresolved("no-such-host.invalid", 80)));
        runFor(50);
        assertEquals(List.of(), calls);
        assertEquals(-1, bev.fd(), "the socket it made is closed");
    }

    @Test
    @DisplayName("76: a connected bufferevent exchanges data both ways with the accepting side")
    default void shouldExchangeDataAfterConnect()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE, calls);
        bev.enable(EventFlags.READ);
        assertEquals(0, bev.connect(serverAddress()));
        awaitLoop(() -> calls.contains("CONNECTED"), 5000, "CONNECTED");
        final Conn accepted = acceptPending();
        BufferEventFixture.peerSend(accepted, bytes("ping"));
        awaitLoop(() -> 4 == bev.input().length(), 5000, "ping");
        assertEquals("ping", content(bev.input()));
        assertEquals(0, bev.write(bytes("pong")));
        assertEquals("pong", BufferEventFixture.text(peerReceive(accepted, 4, 5000)));
        assertEquals(List.of("CONNECTED", "read", "write:0"), calls);
    }

    @Test
    @DisplayName("51/76: with DEFER_CALLBACKS a connect with queued data gives CONNECTED, then writecb")
    default void shouldDeferConnectedBeforeWrite()
    {
        final List<String> calls = new ArrayList<>();
        final SocketBufferEvent bev = unconnected(BevOptions.CLOSE_ON_FREE | BevOptions.DEFER_CALLBACKS, calls);
        assertEquals(0, bev.write(bytes("hi")));
        assertEquals(0, bev.connect(serverAddress()));
        awaitLoop(() -> calls.size() >= 2, 5000, "CONNECTED and writecb");
        runFor(50);
        assertEquals(List.of("CONNECTED", "write:0"), calls);
        assertEquals("hi", BufferEventFixture.text(peerReceive(acceptPending(), 2, 5000)));
    }

    @Test
    @DisplayName("jevent: a freed bufferevent refuses further use")
    default void shouldRefuseUseAfterFree()
    {
        final Conn c = connect();
        final BufferEvent bev = bev(c, BevOptions.CLOSE_ON_FREE);
        bev.free();
        bev.free();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> bev.write(bytes("x")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> bev.enable(EventFlags.READ));
    }

    @Test
    @DisplayName("51: deferred callbacks of many bufferevents all run, across loop passes")
    default void shouldRunEveryDeferredCallbackOfManyBufferEvents()
    {
        final int[] reads = new int[1];
        final List<BufferEvent> all = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            final BufferEvent b = track(SocketBufferEvent.create(base(), (SocketChannel)null,
                BevOptions.DEFER_CALLBACKS));
            b.setCallbacks(x -> reads[0]++, null, null);
            all.add(b);
        }
        for (final BufferEvent b : all)
        {
            b.trigger(EventFlags.READ, 0);
        }
        assertEquals(0, reads[0]);
        awaitLoop(() -> 100 == reads[0], 5000, "100 deferred readcbs");
        runFor(20);
        assertEquals(100, reads[0]);
    }
}
