package io.jevent.listener;

import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.BufferEventFixture;
import io.jevent.bufferevent.EchoCorrectnessSuite;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.loop.EventBase;
import io.jevent.loop.LoopFlags;
import io.jevent.loop.WrongThreadException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statements 121–126: evconnlistener (listener.c), over loopback, with the fixture of
 * {@link ConnListenerSuite}.
 */
public interface ConnListenerSemantics extends BufferEventFixture
{
    /**
     * @return an accept callback that records peer addresses and closes each socket through a
     *     CLOSE_ON_FREE bufferevent
     */
    static AcceptCallback recording(final List<InetSocketAddress> peers)
    {
        return (l, s) ->
        {
            assertTrue(s.fd() >= 0, "accepted fd");
            peers.add(s.remoteAddress());
            SocketBufferEvent.create(l.base(), s, BevOptions.CLOSE_ON_FREE).free();
        };
    }

    /**
     * @return the loopback address with port 0
     */
    static InetSocketAddress anyLoopbackPort()
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Opens {@code n} blocking client sockets to {@code to}; the kernel completes them into the backlog.
     */
    static List<Socket> clients(final InetSocketAddress to, final int n) throws IOException
    {
        final List<Socket> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Socket s = new Socket();
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            out.add(s);
        }
        return out;
    }

    /**
     * Closes sockets, quietly.
     */
    static void closeAll(final List<Socket> sockets)
    {
        for (final Socket s : sockets)
        {
            try
            {
                s.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
    }

    /**
     * @return true if the socket saw EOF or a reset (the other side closed it)
     */
    static boolean closedByPeer(final Socket s)
    {
        try
        {
            final InputStream in = s.getInputStream();
            return in.read() < 0;
        }
        catch (final SocketException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    @Test
    @DisplayName("122: bind with port 0 listens on the port the kernel picked; localAddress tells it")
    default void shouldBindToAnEphemeralPort() throws IOException
    {
        final List<InetSocketAddress> peers = new ArrayList<>();
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), ListenerFlags.REUSEABLE, -1,
            recording(peers)));
        final InetSocketAddress local = l.localAddress();
        assertNotEquals(0, local.getPort());
        assertEquals(InetAddress.getLoopbackAddress(), local.getAddress());
        assertTrue(l.fd() >= 0);
        assertTrue(l.isEnabled(), "121: enabled at once");
        assertSame(base(), l.base(), "126: base returns what was passed");
        assertNull(l.attachment());
        l.setAttachment(peers);
        assertSame(peers, l.attachment(), "the attachment reads back what was set");
        final List<Socket> cs = clients(local, 1);
        try
        {
            awaitLoop(() -> 1 == peers.size(), 5000, "one accept");
            assertEquals(cs.get(0).getLocalSocketAddress(), peers.get(0));
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("122: bind with backlog 0 returns null")
    default void shouldReturnNullForBacklogZero()
    {
        assertNull(ConnListener.bind(base(), anyLoopbackPort(), 0, 0, (l, s) ->
        {
        }));
    }

    @Test
    @DisplayName("122: bind to an address in use fails and leaves no socket open")
    default void shouldFailToBindAnAddressInUse()
    {
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), 0, 16, null));
        assertThrows(RuntimeException.class, () -> ConnListener.bind(base(), l.localAddress(), 0, 16, null));
    }

    @Test
    @DisplayName("123: accepts in a loop and hands each connection to the callback with its peer address")
    default void shouldAcceptEachPendingConnectionWithItsPeerAddress() throws IOException
    {
        final List<InetSocketAddress> peers = new ArrayList<>();
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), 0, 128, recording(peers)));
        final List<Socket> cs = clients(l.localAddress(), 100);
        try
        {
            awaitLoop(() -> 100 == peers.size(), 10_000, "100 accepts");
            final List<InetSocketAddress> expected = new ArrayList<>();
            for (final Socket s : cs)
            {
                expected.add((InetSocketAddress)s.getLocalSocketAddress());
            }
            assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(peers));
            runFor(50);
            for (final Socket s : cs)
            {
                assertTrue(closedByPeer(s), "each accepted socket was handed over (and closed by the test)");
            }
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("123: a callback that disables the listener stops the accept loop; queued connections wait")
    default void shouldStopAcceptingWhenTheCallbackDisables() throws IOException
    {
        final List<InetSocketAddress> peers = new ArrayList<>();
        final AcceptCallback record = recording(peers);
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), 0, 128, (li, s) ->
        {
            record.onAccept(li, s);
            li.disable();
        }));
        final List<Socket> cs = clients(l.localAddress(), 5);
        try
        {
            awaitLoop(() -> 1 == peers.size(), 5000, "first accept");
            runFor(150);
            assertEquals(1, peers.size(), "one accept, then the loop stopped");
            assertFalse(l.isEnabled());
            for (int i = 2; i <= 5; i++)
            {
                final int n = i;
                l.enable();
                awaitLoop(() -> n == peers.size(), 5000, "accept " + n);
            }
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("123 (close_accepted_fd): a callback that frees the listener is safe and stops the loop")
    default void shouldStopAcceptingWhenTheCallbackFrees() throws IOException
    {
        final List<InetSocketAddress> peers = new ArrayList<>();
        final AcceptCallback record = recording(peers);
        final ConnListener l = ConnListener.bind(base(), anyLoopbackPort(), 0, 128, (li, s) ->
        {
            record.onAccept(li, s);
            li.free();
        });
        final InetSocketAddress at = l.localAddress();
        final List<Socket> cs = clients(at, 5);
        try
        {
            awaitLoop(() -> 1 == peers.size(), 5000, "first accept");
            runFor(150);
            assertEquals(1, peers.size());
            assertThrows(IllegalStateException.class, l::enable, "a freed listener refuses use");
            assertThrows(IOException.class, () -> clients(at, 1), "126: the socket is closed on free");
            for (final Socket s : cs)
            {
                assertTrue(closedByPeer(s), "queued connections die with the listening socket");
            }
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("124: with no callback the accepted sockets are closed; setCallback starts handing them over")
    default void shouldCloseAcceptedSocketsWithoutACallback() throws IOException
    {
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), 0, 128, null));
        final List<Socket> first = clients(l.localAddress(), 3);
        try
        {
            runFor(150);
            for (final Socket s : first)
            {
                assertTrue(closedByPeer(s), "closed by the listener");
            }
            final List<InetSocketAddress> peers = new ArrayList<>();
            l.setCallback(recording(peers));
            final List<Socket> second = clients(l.localAddress(), 2);
            try
            {
                awaitLoop(() -> 2 == peers.size(), 5000, "two accepts via the new callback");
            }
            finally
            {
                closeAll(second);
            }
        }
        finally
        {
            closeAll(first);
        }
    }

    @Test
    @DisplayName("121/124: DISABLED starts the listener disabled; enable and disable toggle accepting")
    default void shouldHonourEnableAndDisable() throws IOException
    {
        final List<InetSocketAddress> peers = new ArrayList<>();
        final ConnListener l = track(ConnListener.bind(base(), anyLoopbackPort(), ListenerFlags.DISABLED, 128,
            recording(peers)));
        assertFalse(l.isEnabled());
        final List<Socket> cs = new ArrayList<>(clients(l.localAddress(), 2));
        try
        {
            runFor(150);
            assertEquals(0, peers.size(), "disabled: nothing accepted");
            assertEquals(0, l.enable());
            awaitLoop(() -> 2 == peers.size(), 5000, "both accepted once enabled");
            assertEquals(0, l.disable());
            cs.addAll(clients(l.localAddress(), 1));
            runFor(150);
            assertEquals(2, peers.size());
            l.enable();
            awaitLoop(() -> 3 == peers.size(), 5000, "third accepted");
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("122/123: listens on IPv6 ::1 and reports IPv6 peers")
    default void shouldAcceptOnIpv6Loopback() throws IOException
    {
        final InetAddress v6 = InetAddress.getByName("::1");
        final List<InetSocketAddress> peers = new ArrayList<>();
        final ConnListener l = track(ConnListener.bind(base(), new InetSocketAddress(v6, 0),
            ListenerFlags.BIND_IPV6ONLY, 16, recording(peers)));
        assertEquals(v6, l.localAddress().getAddress());
        final List<Socket> cs = clients(l.localAddress(), 2);
        try
        {
            awaitLoop(() -> 2 == peers.size(), 5000, "two IPv6 accepts");
            for (int i = 0; i < 2; i++)
            {
                assertEquals(v6, peers.get(i).getAddress());
            }
            assertEquals(cs.get(0).getLocalPort(), peers.get(0).getPort());
        }
        finally
        {
            closeAll(cs);
        }
    }

    @Test
    @DisplayName("122: two listeners on one port with REUSEABLE_PORT on two bases both accept connections")
    default void shouldShareAPortAcrossTwoBasesWithReusePort() throws Exception
    {
        final AtomicInteger mine = new AtomicInteger();
        final AtomicInteger theirs = new AtomicInteger();
        final int total = 200;
        final ConnListener first = track(ConnListener.bind(base(), anyLoopbackPort(), ListenerFlags.REUSEABLE_PORT,
            128, (l, s) ->
            {
                mine.incrementAndGet();
                SocketBufferEvent.create(l.base(), s, BevOptions.CLOSE_ON_FREE).free();
            }));
        final InetSocketAddress port = first.localAddress();
        final CountDownLatch ready = new CountDownLatch(1);
        final EventBase other = new EventBase(configWithPool());
        final Thread loop = background("second-base", () ->
        {
            final ConnListener second = ConnListener.bind(other, port, ListenerFlags.REUSEABLE_PORT, 128, (l, s) ->
            {
                theirs.incrementAndGet();
                SocketBufferEvent.create(l.base(), s, BevOptions.CLOSE_ON_FREE).free();
            });
            ready.countDown();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (mine.get() + theirs.get() < total && System.nanoTime() < deadline)
            {
                other.loopExit(5, TimeUnit.MILLISECONDS);
                other.loop(LoopFlags.NO_EXIT_ON_EMPTY);
            }
            second.free();
            other.loop(LoopFlags.NONBLOCK);
            other.free();
        });
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        final List<Socket> cs = new ArrayList<>();
        background("clients", () ->
        {
            for (int i = 0; i < total; i++)
            {
                final Socket s = new Socket();
                s.connect(port, 5000);
                synchronized (cs)
                {
                    cs.add(s);
                }
            }
        });
        try
        {
            awaitLoop(() -> mine.get() + theirs.get() >= total, 20_000, "all connections accepted");
            loop.join(10_000);
            assertEquals(total, mine.get() + theirs.get());
            assertTrue(mine.get() > 0 && theirs.get() > 0, "both listeners accepted: " + mine + " / " + theirs);
        }
        finally
        {
            synchronized (cs)
            {
                closeAll(cs);
            }
        }
    }

    @Test
    @DisplayName("126: a wrapped ServerSocketChannel is closed on free only with CLOSE_ON_FREE")
    default void shouldCloseAWrappedChannelOnlyWithCloseOnFree() throws IOException
    {
        try (java.nio.channels.ServerSocketChannel keep = java.nio.channels.ServerSocketChannel.open();
            java.nio.channels.ServerSocketChannel close = java.nio.channels.ServerSocketChannel.open())
        {
            keep.bind(anyLoopbackPort());
            close.bind(anyLoopbackPort());
            final List<InetSocketAddress> peers = new ArrayList<>();
            final ConnListener a = ConnListener.wrap(base(), keep, 0, recording(peers));
            final ConnListener b = ConnListener.wrap(base(), close, ListenerFlags.CLOSE_ON_FREE, recording(peers));
            final List<Socket> cs = new ArrayList<>(clients((InetSocketAddress)keep.getLocalAddress(), 1));
            cs.addAll(clients((InetSocketAddress)close.getLocalAddress(), 1));
            try
            {
                awaitLoop(() -> 2 == peers.size(), 5000, "one accept on each");
                a.free();
                b.free();
                runFor(20);
                assertTrue(keep.isOpen(), "without CLOSE_ON_FREE the channel stays open");
                assertFalse(close.isOpen(), "CLOSE_ON_FREE closes it");
            }
            finally
            {
                closeAll(cs);
            }
        }
    }

    @Test
    @DisplayName("listener: after free, localAddress() throws; free after the base closes the socket; " +
        "wrong thread throws")
    default void shouldRefuseListenerUseAfterFreeAndFromAnotherThread() throws Exception
    {
        final EventBase other = new EventBase(configWithPool());
        final AcceptCallback noop = (li, s) ->
        {
        };
        final ConnListener l = ConnListener.bind(other, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0,
            -1, noop);
        final InetSocketAddress where = l.localAddress();
        assertNotEquals(0, where.getPort(), "bound to the port the kernel picked");
        final Thread loopThread = new Thread(() -> other.loop(LoopFlags.NO_EXIT_ON_EMPTY), "listener-loop");
        loopThread.start();
        final long t0 = System.nanoTime();
        while (!other.isRunning() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5))
        {
            Thread.onSpinWait();
        }
        assertThrows(WrongThreadException.class, l::disable);
        assertThrows(WrongThreadException.class, l::free);
        final java.util.Set<String> before = EchoCorrectnessSuite.socketFds();
        assertThrows(WrongThreadException.class, () -> ConnListener.bind(other,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, -1, noop));
        assertEquals(before, EchoCorrectnessSuite.socketFds(), "the refused listener closed the socket it opened");
        final ConnListener disabled = ConnListener.bind(other,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ListenerFlags.DISABLED, -1, noop);
        final CountDownLatch enabled = new CountDownLatch(1);
        other.execute(() ->
        {
            disabled.enable();
            enabled.countDown();
        });
        assertTrue(enabled.await(5, TimeUnit.SECONDS), "a DISABLED listener made off-loop is enabled on the loop");
        other.execute(disabled::free);
        assertEquals(where, l.localAddress(), "readable from any thread");
        other.loopBreak();
        loopThread.join(5000);
        other.free();
        l.free();
        assertThrows(IllegalStateException.class, l::localAddress);
        assertThrows(IllegalStateException.class, l::enable);
        try (SocketChannel probe = SocketChannel.open())
        {
            assertThrows(java.net.ConnectException.class, () -> probe.connect(where), "the listening socket is closed");
        }
        l.free();
    }
}
