package io.jevent.epoll;

import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The data path's calls allocate nothing per call once compiled, on the binding in use, and stay so: each
 * call (read, write, readv, writev, send, recv, sendmsg, epoll_wait, epoll_pwait2, epoll_ctl and errno after
 * EAGAIN) runs in its own loop, measured in windows of {@link #CALLS} calls until {@link #CLEAN_IN_A_ROW}
 * windows in a row allocate less than {@link #NOISE} bytes (an ffm downcall allocates until C2 has compiled
 * it, and a tier change can make one window allocate again, so one clean window proves nothing).
 */
class LibCHotPathAllocationTest
{
    private static final int CALLS = 20_000;
    private static final int NOISE = 4096;
    private static final int CLEAN_IN_A_ROW = 5;
    private static final int MAX_WINDOWS = 300;
    private static final int SCRATCH = 4096;

    private long scratch;
    private int a;
    private int b;

    @BeforeAll
    static void requireLibC()
    {
        LibC.ensureAvailable();
    }

    @BeforeEach
    void open()
    {
        scratch = UnsafeApi.allocateMemory(SCRATCH);
        UnsafeApi.setMemory(scratch, SCRATCH, (byte)0);
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
        assertNotEquals(-1L, pair, () -> Errno.name(LibC.errno()));
        a = LibC.firstFd(pair);
        b = LibC.secondFd(pair);
    }

    @AfterEach
    void close()
    {
        LibC.close(a);
        LibC.close(b);
        UnsafeApi.freeMemory(scratch);
    }

    @Test
    void shouldNotAllocateOnReadAndWriteOnceCompiled()
    {
        steadyState("write+read", this::writeRead);
    }

    @Test
    void shouldNotAllocateOnReadvAndWritevOnceCompiled()
    {
        final long iov = scratch + 1024;
        UnsafeApi.putLong(iov, scratch);
        UnsafeApi.putLong(iov + 8, 3);
        UnsafeApi.putLong(iov + 16, scratch + 8);
        UnsafeApi.putLong(iov + 24, 5);
        steadyState("writev+readv", n -> writevReadv(iov, n));
    }

    @Test
    void shouldNotAllocateOnSendAndRecvOnceCompiled()
    {
        steadyState("send+recv", this::sendRecv);
    }

    @Test
    void shouldNotAllocateOnSendmsgOnceCompiled()
    {
        final long iov = scratch + 1024;
        final long msg = scratch + 2048;
        UnsafeApi.putLong(iov, scratch);
        UnsafeApi.putLong(iov + 8, 16);
        UnsafeApi.putLong(msg + 16, iov);
        UnsafeApi.putLong(msg + 24, 1);
        steadyState("sendmsg+read", n -> sendmsgRead(msg, n));
    }

    @Test
    void shouldNotAllocateOnEagainAndErrnoOnceCompiled()
    {
        steadyState("read EAGAIN+errno", this::eagain);
    }

    @Test
    void shouldNotAllocateOnEpollWaitAndEpollCtlOnceCompiled()
    {
        final int epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        assertTrue(epfd >= 0, () -> Errno.name(LibC.errno()));
        try
        {
            final long event = scratch + 1024;
            final long events = scratch + 2048;
            UnsafeApi.putInt(event, LibC.EPOLLOUT);
            UnsafeApi.putLong(event + EpollEventLayout.DATA_OFFSET, a);
            assertEquals(0, LibC.epoll_ctl(epfd, LibC.EPOLL_CTL_ADD, a, event));
            steadyState("epoll_ctl+epoll_wait", n -> epoll(epfd, a, event, events, n));
            if (Pwait2.isAvailable())
            {
                final long timeout = scratch + 3072;
                UnsafeApi.putLong(timeout, 0);
                UnsafeApi.putLong(timeout + 8, 0);
                steadyState("epoll_pwait2", n -> pwait2(epfd, events, timeout, n));
            }
        }
        finally
        {
            LibC.close(epfd);
        }
    }

    private static void steadyState(final String what, final IntUnaryOperator loop)
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        final long tid = Thread.currentThread().getId();
        final StringBuilder windows = new StringBuilder();
        int clean = 0;
        int window = 0;
        for (; window < MAX_WINDOWS && clean < CLEAN_IN_A_ROW; window++)
        {
            final long before = mx.getThreadAllocatedBytes(tid);
            final int done = loop.applyAsInt(CALLS);
            final long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(CALLS, done, what);
            clean = allocated < NOISE ? clean + 1 : 0;
            windows.append(' ').append(allocated);
        }
        assertEquals(CLEAN_IN_A_ROW, clean, what + " on " + LibC.binding() + ": bytes allocated per window of " +
            CALLS + " calls:" + windows);
    }

    private int writeRead(final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (8 == LibC.write(a, scratch, 8) && 8 == LibC.read(b, scratch + 64, 64))
            {
                ok++;
            }
        }
        return ok;
    }

    private int writevReadv(final long iov, final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (8 == LibC.writev(a, iov, 2) && 8 == LibC.readv(b, iov, 2))
            {
                ok++;
            }
        }
        return ok;
    }

    private int sendRecv(final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (8 == LibC.send(a, scratch, 8, LibC.MSG_NOSIGNAL) && 8 == LibC.recv(b, scratch + 64, 64, 0))
            {
                ok++;
            }
        }
        return ok;
    }

    private int sendmsgRead(final long msg, final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (16 == LibC.sendmsg(a, msg, LibC.MSG_NOSIGNAL) && 16 == LibC.read(b, scratch + 64, 64))
            {
                ok++;
            }
        }
        return ok;
    }

    private int eagain(final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (-1 == LibC.read(b, scratch + 64, 64) && Errno.EAGAIN == LibC.errno())
            {
                ok++;
            }
        }
        return ok;
    }

    private static int epoll(final int epfd, final int fd, final long event, final long events, final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (0 == LibC.epoll_ctl(epfd, LibC.EPOLL_CTL_MOD, fd, event) && 1 == LibC.epoll_wait(epfd, events, 4, 0))
            {
                ok++;
            }
        }
        return ok;
    }

    private static int pwait2(final int epfd, final long events, final long timeout, final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (1 == LibC.epoll_pwait2(epfd, events, 4, timeout, 0))
            {
                ok++;
            }
        }
        return ok;
    }
}
