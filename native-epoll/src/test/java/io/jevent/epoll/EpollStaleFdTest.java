package io.jevent.epoll;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;
import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.Errno;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.ListenSocket;
import io.jevent.loop.LoopErrorHandlers;
import io.jevent.loop.Transport;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw fds on epoll after their owner is gone (issue 8): an fd closed without {@code del()} whose
 * number is reused, and transports and listening sockets used after the loop or the socket was freed.
 */
class EpollStaleFdTest
{
    @Test
    void shouldFireOnARawFdClosedWithoutDelAndReused()
    {
        try (EventBase base = new EventBase(new EventBaseConfig().backend("epoll")
            .errorHandler(LoopErrorHandlers.RETHROW)))
        {
            final long first = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK);
            final int a = LibC.firstFd(first);
            final AtomicInteger stale = new AtomicInteger();
            final Event old = base.newEvent(a, EventFlags.READ | EventFlags.PERSIST,
                (e, fd, what) -> stale.incrementAndGet());
            assertEquals(0, old.add());
            LibC.close(a);
            LibC.close(LibC.secondFd(first));
            final java.util.List<Integer> spare = new java.util.ArrayList<>();
            int reused = -1;
            int peer = -1;
            for (int i = 0; i < 32 && reused < 0; i++)
            {
                final long p = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK);
                if (LibC.firstFd(p) == a || LibC.secondFd(p) == a)
                {
                    reused = a;
                    peer = LibC.firstFd(p) == a ? LibC.secondFd(p) : LibC.firstFd(p);
                }
                else
                {
                    spare.add(LibC.firstFd(p));
                    spare.add(LibC.secondFd(p));
                }
            }
            spare.forEach(LibC::close);
            assertEquals(a, reused, "the fd number came back (the kernel hands out the lowest free fd)");
            final long buf = UnsafeApi.allocateMemory(16);
            try
            {
                final AtomicInteger fired = new AtomicInteger();
                final Event fresh = base.newEvent(reused, EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
                {
                    LibC.recv(fd, buf, 16, 0);
                    fired.incrementAndGet();
                    e.base().loopBreak();
                });
                assertEquals(0, fresh.add());
                assertEquals(1, LibC.send(peer, buf, 1, LibC.MSG_NOSIGNAL));
                base.loopExit(2, TimeUnit.SECONDS);
                base.loop(0);
                assertEquals(1, fired.get(), "the event of the new socket fired");
                old.free();
                fresh.free();
            }
            finally
            {
                UnsafeApi.freeMemory(buf);
                LibC.close(a);
                LibC.close(peer);
            }
        }
    }

    @Test
    void shouldFailTransportIoAfterTheLoopIsFreedWithoutTouchingFreedScratch()
    {
        final SegmentPool pool = new SegmentPool(4096, 1 << 20, 8);
        final EventBase base = new EventBase(new EventBaseConfig().backend("epoll").pool(pool));
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK);
        final Transport t = base.transports().wrap(LibC.firstFd(pair));
        final Evbuffer in = new Evbuffer(pool);
        final Evbuffer out = new Evbuffer(pool);
        out.add(new byte[100]);
        base.free();
        assertEquals(Transport.ERROR, t.read(in, 1000));
        assertEquals(Errno.EBADF, t.lastError());
        assertEquals(Transport.ERROR, t.write(out, 1000));
        assertEquals(100, out.length(), "nothing drained");
        t.close();
        LibC.close(LibC.secondFd(pair));
        in.free();
        out.free();
        assertEquals(0, pool.outstandingSegments());
        pool.close();
    }

    @Test
    void shouldRefuseAcceptAndAddressesOfAClosedListeningSocket()
    {
        final ListenSocket s = NativeListenSocket.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0,
            16);
        assertTrue(s.localAddress().getPort() > 0);
        s.close();
        assertNull(s.localAddress());
        assertEquals(-1, s.accept(new AcceptedSocket(), true));
        assertEquals(Errno.EBADF, s.lastError());
        s.close();
    }
}
