package io.jevent.epoll;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The JNA binding of {@link NativeCalls}: direct mapping (java-techniques §4), static natives taking
 * and returning primitives only, so a call goes through JNA's fast path without conversion or
 * allocation (about 50 ns of overhead per call on this machine). errno is what JNA saved after the
 * thread's last call. The only class, with its nested holders, that touches JNA.
 */
final class JnaCalls extends NativeCalls
{
    /**
     * Binds libc; {@code epoll_pwait2} apart, because older C libraries lack it.
     *
     * @throws UnsupportedOperationException if the pointer size is not 8
     * @throws UnsatisfiedLinkError          if JNA's native part or libc cannot load
     */
    JnaCalls()
    {
        super("jna");
        if (8 != Native.POINTER_SIZE || 8 != Native.SIZE_T_SIZE)
        {
            throw new UnsupportedOperationException("not LP64: pointer size " + Native.POINTER_SIZE);
        }
        Native.register(Lib.class, Platform.C_LIBRARY_NAME);
    }

    @Override
    String name()
    {
        return "jna";
    }

    @Override
    boolean hasPwait2()
    {
        return Pwait2Lib.BOUND;
    }

    @Override
    int errno()
    {
        return Native.getLastError();
    }

    @Override
    long read(final int fd, final long buf, final long count)
    {
        return Lib.read(fd, buf, count);
    }

    @Override
    long write(final int fd, final long buf, final long count)
    {
        return Lib.write(fd, buf, count);
    }

    @Override
    long readv(final int fd, final long iov, final int iovcnt)
    {
        return Lib.readv(fd, iov, iovcnt);
    }

    @Override
    long writev(final int fd, final long iov, final int iovcnt)
    {
        return Lib.writev(fd, iov, iovcnt);
    }

    @Override
    int close(final int fd)
    {
        return Lib.close(fd);
    }

    @Override
    int pipe2(final long pipefd, final int flags)
    {
        return Lib.pipe2(pipefd, flags);
    }

    @Override
    int socketpair(final int domain, final int type, final int protocol, final long sv)
    {
        return Lib.socketpair(domain, type, protocol, sv);
    }

    @Override
    long send(final int sockfd, final long buf, final long len, final int flags)
    {
        return Lib.send(sockfd, buf, len, flags);
    }

    @Override
    long recv(final int sockfd, final long buf, final long len, final int flags)
    {
        return Lib.recv(sockfd, buf, len, flags);
    }

    @Override
    int shutdown(final int sockfd, final int how)
    {
        return Lib.shutdown(sockfd, how);
    }

    @Override
    int epollCreate1(final int flags)
    {
        return Lib.epoll_create1(flags);
    }

    @Override
    int epollCtl(final int epfd, final int op, final int fd, final long event)
    {
        return Lib.epoll_ctl(epfd, op, fd, event);
    }

    @Override
    int epollWait(final int epfd, final long events, final int maxevents, final int timeout)
    {
        return Lib.epoll_wait(epfd, events, maxevents, timeout);
    }

    @Override
    int epollPwait2(final int epfd, final long events, final int maxevents, final long timeout, final long sigmask)
    {
        return Pwait2Lib.epoll_pwait2(epfd, events, maxevents, timeout, sigmask);
    }

    @Override
    int eventfd(final int initval, final int flags)
    {
        return Lib.eventfd(initval, flags);
    }

    @Override
    int socket(final int domain, final int type, final int protocol)
    {
        return Lib.socket(domain, type, protocol);
    }

    @Override
    int bind(final int sockfd, final long addr, final int addrlen)
    {
        return Lib.bind(sockfd, addr, addrlen);
    }

    @Override
    int listen(final int sockfd, final int backlog)
    {
        return Lib.listen(sockfd, backlog);
    }

    @Override
    int accept4(final int sockfd, final long addr, final long addrlen, final int flags)
    {
        return Lib.accept4(sockfd, addr, addrlen, flags);
    }

    @Override
    int connect(final int sockfd, final long addr, final int addrlen)
    {
        return Lib.connect(sockfd, addr, addrlen);
    }

    @Override
    int getsockopt(final int sockfd, final int level, final int optname, final long optval, final long optlen)
    {
        return Lib.getsockopt(sockfd, level, optname, optval, optlen);
    }

    @Override
    int setsockopt(final int sockfd, final int level, final int optname, final long optval, final int optlen)
    {
        return Lib.setsockopt(sockfd, level, optname, optval, optlen);
    }

    @Override
    int getsockname(final int sockfd, final long addr, final long addrlen)
    {
        return Lib.getsockname(sockfd, addr, addrlen);
    }

    @Override
    int getpeername(final int sockfd, final long addr, final long addrlen)
    {
        return Lib.getpeername(sockfd, addr, addrlen);
    }

    @Override
    long sendmsg(final int sockfd, final long msg, final int flags)
    {
        return Lib.sendmsg(sockfd, msg, flags);
    }

    @Override
    int prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        return Lib.prctl(option, arg2, arg3, arg4, arg5);
    }

    /**
     * The direct-mapped natives; the C prototypes are on {@link LibC}'s methods of the same names.
     */
    private static final class Lib
    {
        static native long read(int fd, long buf, long count);

        static native long write(int fd, long buf, long count);

        static native long readv(int fd, long iov, int iovcnt);

        static native long writev(int fd, long iov, int iovcnt);

        static native int close(int fd);

        static native int pipe2(long pipefd, int flags);

        static native int socketpair(int domain, int type, int protocol, long sv);

        static native long send(int sockfd, long buf, long len, int flags);

        static native long recv(int sockfd, long buf, long len, int flags);

        static native int shutdown(int sockfd, int how);

        static native int epoll_create1(int flags);

        static native int epoll_ctl(int epfd, int op, int fd, long event);

        static native int epoll_wait(int epfd, long events, int maxevents, int timeout);

        static native int eventfd(int initval, int flags);

        static native int socket(int domain, int type, int protocol);

        static native int bind(int sockfd, long addr, int addrlen);

        static native int listen(int sockfd, int backlog);

        static native int accept4(int sockfd, long addr, long addrlen, int flags);

        static native int connect(int sockfd, long addr, int addrlen);

        static native int getsockopt(int sockfd, int level, int optname, long optval, long optlen);

        static native int setsockopt(int sockfd, int level, int optname, long optval, int optlen);

        static native int getsockname(int sockfd, long addr, long addrlen);

        static native int getpeername(int sockfd, long addr, long addrlen);

        static native long sendmsg(int sockfd, long msg, int flags);

        static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);
    }

    /**
     * {@code epoll_pwait2}, registered on its own: glibc before 2.35 lacks the symbol, and a failed
     * registration must not take the other calls with it.
     */
    private static final class Pwait2Lib
    {
        static final boolean BOUND = register();

        static native int epoll_pwait2(int epfd, long events, int maxevents, long timeout, long sigmask);

        private static boolean register()
        {
            try
            {
                Native.register(Pwait2Lib.class, Platform.C_LIBRARY_NAME);
                return true;
            }
            catch (final Throwable t)
            {
                return false;
            }
        }
    }
}
