package io.jevent.epoll;

import org.agrona.UnsafeApi;

/**
 * Whether {@code epoll_pwait2} (Linux 5.11, glibc 2.35) can be used: it takes the timeout as a
 * {@code struct timespec}, so waits have nanosecond rather than millisecond resolution and need no
 * timerfd. {@link #isAvailable()} tells whether both the symbol and the kernel support it (probed once);
 * {@code -Djevent.epoll.noPwait2=true} turns it off.
 */
public final class Pwait2
{
    private static final boolean AVAILABLE = probe();

    private Pwait2()
    {
    }

    /**
     * {@link LibC#epoll_pwait2(int, long, int, long, long)}: call it only when {@link #isAvailable()}.
     *
     * @param epfd      epoll fd
     * @param events    address of maxevents structs
     * @param maxevents capacity
     * @param timeout   address of {@code {long tv_sec; long tv_nsec;}}, or 0 to block
     * @param sigmask   0
     * @return ready count, or -1 with {@link LibC#errno()}
     */
    public static int epoll_pwait2(final int epfd, final long events, final int maxevents, final long timeout,
        final long sigmask)
    {
        return LibC.epoll_pwait2(epfd, events, maxevents, timeout, sigmask);
    }

    /**
     * @return true if epoll_pwait2 can be called here
     */
    public static boolean isAvailable()
    {
        return AVAILABLE;
    }

    private static boolean probe()
    {
        if (!LibC.isAvailable() || Boolean.getBoolean("jevent.epoll.noPwait2") || !LibC.hasPwait2Symbol())
        {
            return false;
        }
        final int epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (epfd < 0)
        {
            return false;
        }
        final long buf = UnsafeApi.allocateMemory(64);
        try
        {
            UnsafeApi.putLong(buf, 0);
            UnsafeApi.putLong(buf + 8, 0);
            return LibC.epoll_pwait2(epfd, buf + 16, 1, buf, 0) >= 0;
        }
        finally
        {
            UnsafeApi.freeMemory(buf);
            LibC.close(epfd);
        }
    }
}
