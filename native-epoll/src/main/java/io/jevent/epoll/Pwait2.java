package io.jevent.epoll;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * {@code epoll_pwait2} (Linux 5.11, glibc 2.35), bound apart from {@link LibC} because older C
 * libraries lack it: it takes the timeout as a {@code struct timespec}, so waits have nanosecond
 * rather than millisecond resolution and need no timerfd. {@link #isAvailable()} tells whether both
 * the symbol and the kernel support it.
 */
public final class Pwait2
{
    private static final boolean AVAILABLE = bind();

    private Pwait2()
    {
    }

    /**
     * {@code int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
     * const struct timespec *timeout, const sigset_t *sigmask)}.
     *
     * @param epfd      epoll fd
     * @param events    address of maxevents structs
     * @param maxevents capacity
     * @param timeout   address of {@code {long tv_sec; long tv_nsec;}}, or 0 to block
     * @param sigmask   0
     * @return ready count, or -1 with {@link LibC#errno()}
     */
    public static native int epoll_pwait2(int epfd, long events, int maxevents, long timeout, long sigmask);

    /**
     * @return true if epoll_pwait2 can be called here
     */
    public static boolean isAvailable()
    {
        return AVAILABLE;
    }

    private static boolean bind()
    {
        if (!LibC.isAvailable() || Boolean.getBoolean("jevent.epoll.noPwait2"))
        {
            return false;
        }
        try
        {
            Native.register(Pwait2.class, Platform.C_LIBRARY_NAME);
        }
        catch (final Throwable t)
        {
            return false;
        }
        final int epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (epfd < 0)
        {
            return false;
        }
        final long buf = org.agrona.UnsafeApi.allocateMemory(64);
        try
        {
            org.agrona.UnsafeApi.putLong(buf, 0);
            org.agrona.UnsafeApi.putLong(buf + 8, 0);
            return epoll_pwait2(epfd, buf + 16, 1, buf, 0) >= 0;
        }
        finally
        {
            org.agrona.UnsafeApi.freeMemory(buf);
            LibC.close(epfd);
        }
    }
}
