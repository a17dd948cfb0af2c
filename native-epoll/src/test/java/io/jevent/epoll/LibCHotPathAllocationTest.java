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
    private static final int SHOWN = 30;

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

    /**
     * The calls deep in a call chain, as in a loop: C2 stops inlining 15 levels below the method it compiles,
     * and an ffm downcall whose errno capture is cut off there allocates its capture view (40 B) per call.
     */
    @Test
    void shouldNotAllocateOnReadAndWriteDeepInACallChain()
    {
        steadyState("write+read 12 calls deep", this::deepWriteRead);
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
            if (window < SHOWN)
            {
                windows.append(' ').append(allocated);
            }
        }
        assertEquals(CLEAN_IN_A_ROW, clean, what + " on " + LibC.binding() + ": bytes allocated per window of " +
            CALLS + " calls (the first " + SHOWN + "):" + windows);
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

    private int deepWriteRead(final int n)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            ok += depth12();
        }
        return ok;
    }

    private int depth12()
    {
        return depth11();
    }

    private int depth11()
    {
        return depth10();
    }

    private int depth10()
    {
        return depth9();
    }

    private int depth9()
    {
        return depth8();
    }

    private int depth8()
    {
        return depth7();
    }

    private int depth7()
    {
        return depth6();
    }

    private int depth6()
    {
        return depth5();
    }

    private int depth5()
    {
        return depth4();
    }

    private int depth4()
    {
        return depth3();
    }

    private int depth3()
    {
        return depth2();
    }

    private int depth2()
    {
        return depth1();
    }

    private int depth1()
    {
        return depth0();
    }

    private int depth0()
    {
        return 8 == LibC.write(a, scratch, 8) && 8 == LibC.read(b, scratch + 64, 64) ? 1 : 0;
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
