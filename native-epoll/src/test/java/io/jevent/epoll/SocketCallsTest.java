package io.jevent.epoll;

import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket calls of {@link LibC} against the real kernel over loopback, raw fds only.
 */
class SocketCallsTest
{
    private final List<Integer> fds = new ArrayList<>();
    private long mem;

    @BeforeEach
    void setUp()
    {
        mem = UnsafeApi.allocateMemory(1024);
    }

    @AfterEach
    void tearDown()
    {
        for (final int fd : fds)
        {
            LibC.close(fd);
        }
        UnsafeApi.freeMemory(mem);
    }

    @Test
    void shouldListenConnectAcceptAndExchangeOverIpv4() throws Exception
    {
        roundTrip(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), LibC.AF_INET);
    }

    @Test
    void shouldListenConnectAcceptAndExchangeOverIpv6() throws Exception
    {
        roundTrip(new InetSocketAddress(InetAddress.getByName("::1"), 0), LibC.AF_INET6);
    }

    @Test
    void shouldSetAndGetSocketOptions()
    {
        final int s = track(LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0));
        assertTrue(s >= 0);
        assertEquals(0, setInt(s, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, 1));
        assertEquals(1, getInt(s, LibC.IPPROTO_TCP, LibC.TCP_NODELAY));
        assertEquals(0, setInt(s, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1));
        assertEquals(1, getInt(s, LibC.SOL_SOCKET, LibC.SO_REUSEADDR));
        assertEquals(0, setInt(s, LibC.SOL_SOCKET, LibC.SO_REUSEPORT, 1));
        assertEquals(1, getInt(s, LibC.SOL_SOCKET, LibC.SO_REUSEPORT));
        assertEquals(0, setInt(s, LibC.SOL_SOCKET, LibC.SO_SNDBUF, 65536));
        assertEquals(2 * 65536, getInt(s, LibC.SOL_SOCKET, LibC.SO_SNDBUF), "the kernel doubles SO_SNDBUF");
        assertEquals(0, setInt(s, LibC.SOL_SOCKET, LibC.SO_RCVBUF, 65536));
        assertEquals(2 * 65536, getInt(s, LibC.SOL_SOCKET, LibC.SO_RCVBUF));
        if (0 == setInt(s, LibC.SOL_SOCKET, LibC.SO_BUSY_POLL, 50))
        {
            assertEquals(50, getInt(s, LibC.SOL_SOCKET, LibC.SO_BUSY_POLL));
        }
        else
        {
            assertEquals(Errno.EPERM, LibC.errno(), "SO_BUSY_POLL may only fail for lack of CAP_NET_ADMIN");
        }
        assertEquals(-1, setInt(-1, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1));
        assertEquals(Errno.EBADF, LibC.errno());
    }

    @Test
    void shouldReportConnectionRefusedThroughSoError() throws Exception
    {
        final int l = track(LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM, 0));
        final int len = SockAddr.write(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), mem);
        assertEquals(0, LibC.bind(l, mem, len));
        final int port = boundPort(l);
        LibC.close(l);
        fds.remove(Integer.valueOf(l));
        final int c = track(LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK, 0));
        SockAddr.write(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), mem);
        final int rc = LibC.connect(c, mem, SockAddr.IN_SIZE);
        if (-1 == rc && Errno.EINPROGRESS == LibC.errno())
        {
            Thread.sleep(50);
            assertEquals(Errno.ECONNREFUSED, getInt(c, LibC.SOL_SOCKET, LibC.SO_ERROR));
        }
        else
        {
            assertEquals(-1, rc);
            assertEquals(Errno.ECONNREFUSED, LibC.errno());
        }
    }

    private void roundTrip(final InetSocketAddress bindTo, final int family) throws Exception
    {
        final int l = track(LibC.socket(family, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0));
        assertTrue(l >= 0, Errno.message(LibC.errno()));
        assertEquals(0, setInt(l, LibC.SOL_SOCKET, LibC.SO_REUSEADDR, 1));
        final int len = SockAddr.write(bindTo, mem);
        assertEquals(0, LibC.bind(l, mem, len), Errno.message(LibC.errno()));
        assertEquals(0, LibC.listen(l, 16));
        final int port = boundPort(l);
        assertTrue(port > 0);
        assertEquals(-1, LibC.accept4(l, 0, 0, LibC.SOCK_NONBLOCK));
        assertEquals(Errno.EAGAIN, LibC.errno(), "nothing pending yet");

        final int c = track(LibC.socket(family, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, 0));
        final int clen = SockAddr.write(new InetSocketAddress(bindTo.getAddress(), port), mem);
        final int rc = LibC.connect(c, mem, clen);
        assertTrue(0 == rc || Errno.EINPROGRESS == LibC.errno(), Errno.message(LibC.errno()));

        final long peer = mem + 256;
        final long peerLen = mem + 512;
        int a = -1;
        for (int i = 0; i < 1000 && a < 0; i++)
        {
            UnsafeApi.putInt(peerLen, SockAddr.STORAGE_SIZE);
            a = LibC.accept4(l, peer, peerLen, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
            if (a < 0)
            {
                Thread.sleep(1);
            }
        }
        track(a);
        assertTrue(a >= 0, "accepted");
        assertEquals(family, SockAddr.family(peer));
        assertEquals(SockAddr.read(peer).getAddress(), bindTo.getAddress());
        if (LibC.AF_INET == family)
        {
            assertEquals(0x7F000001, SockAddr.ipv4(peer), "127.0.0.1 in network order");
        }
        assertEquals(0, getInt(c, LibC.SOL_SOCKET, LibC.SO_ERROR));

        UnsafeApi.putInt(peerLen, SockAddr.STORAGE_SIZE);
        assertEquals(0, LibC.getpeername(a, peer, peerLen));
        UnsafeApi.putInt(peerLen + 4, SockAddr.STORAGE_SIZE);
        assertEquals(0, LibC.getsockname(c, mem + 768, peerLen + 4));
        assertEquals(SockAddr.port(peer), SockAddr.port(mem + 768), "the accepted peer is the client");

        final long data = mem + 600;
        UnsafeApi.putLong(data, 0x0102030405060708L);
        final long iov = mem + 640;
        UnsafeApi.putLong(iov, data);
        UnsafeApi.putLong(iov + 8, 8);
        final long msg = mem + 672;
        UnsafeApi.setMemory(msg, 56, (byte)0);
        UnsafeApi.putLong(msg + 16, iov);
        UnsafeApi.putLong(msg + 24, 1);
        assertEquals(8, LibC.sendmsg(c, msg, LibC.MSG_NOSIGNAL));
        final long in = mem + 700;
        long got = -1;
        for (int i = 0; i < 1000 && got < 0; i++)
        {
            got = LibC.recv(a, in, 8, 0);
            if (got < 0)
            {
                Thread.sleep(1);
            }
        }
        assertEquals(8, got);
        assertEquals(0x0102030405060708L, UnsafeApi.getLong(in));
    }

    private int boundPort(final int fd)
    {
        final long addr = mem + 128;
        UnsafeApi.putInt(mem + 120, SockAddr.STORAGE_SIZE);
        assertEquals(0, LibC.getsockname(fd, addr, mem + 120));
        return SockAddr.port(addr);
    }

    private int setInt(final int fd, final int level, final int opt, final int value)
    {
        UnsafeApi.putInt(mem + 900, value);
        return LibC.setsockopt(fd, level, opt, mem + 900, 4);
    }

    private int getInt(final int fd, final int level, final int opt)
    {
        UnsafeApi.putInt(mem + 904, 4);
        assertEquals(0, LibC.getsockopt(fd, level, opt, mem + 908, mem + 904), Errno.message(LibC.errno()));
        return UnsafeApi.getInt(mem + 908);
    }

    private int track(final int fd)
    {
        if (fd >= 0)
        {
            fds.add(fd);
        }
        return fd;
    }
}
