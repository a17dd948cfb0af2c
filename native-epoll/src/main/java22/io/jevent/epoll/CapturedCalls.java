package io.jevent.epoll;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The downcalls that capture errno, one static method each, which {@link FfmCalls} reaches only through
 * {@link java.lang.invoke.MethodHandle}s it keeps in non-final fields, so that C2 never inlines one of these
 * methods into a caller and compiles each as its own root.
 * <p>
 * Why: a capturing downcall takes a 40-byte view of the capture segment on every call
 * ({@code SharedUtils.checkCaptureSegment}, which is not force-inlined), and C2 removes that allocation only
 * when the whole downcall, about eight levels of method handle and segment code, is inlined into the method
 * it compiles. C2 stops inlining 15 levels ({@code MaxInlineLevel}) below that method, and an event loop
 * reaches its reads and writes deeper than that, so before this barrier a data call allocated 40 B in some
 * processes and not in others, depending on which method C2 compiled first. Compiled as roots, these methods
 * inline their downcall whole and allocate nothing; the barrier costs an indirect call, a few nanoseconds
 * against a system call. {@code LibCHotPathAllocationTest} calls them 12 levels deep to keep it so.
 * <p>
 * Every method returns the C result and leaves errno in the calling thread's capture segment.
 */
final class CapturedCalls
{
    private static final MethodHandle READ = FfmCalls.capturing("read",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), FfmCalls.BLOCKING);
    private static final MethodHandle WRITE = FfmCalls.capturing("write",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), FfmCalls.BLOCKING);
    private static final MethodHandle READV = FfmCalls.capturing("readv",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle WRITEV = FfmCalls.capturing("writev",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle SEND = FfmCalls.capturing("send",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle RECV = FfmCalls.capturing("recv",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle SENDMSG = FfmCalls.capturing("sendmsg",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle CLOSE = FfmCalls.capturing("close", fn(JAVA_INT, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle ACCEPT4 = FfmCalls.capturing("accept4",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle CONNECT = FfmCalls.capturing("connect",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle EPOLL_CTL = FfmCalls.capturing("epoll_ctl",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), FfmCalls.CRITICAL);
    private static final MethodHandle EPOLL_WAIT = FfmCalls.capturing("epoll_wait",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle PIPE2 = FfmCalls.capturing("pipe2",
        fn(JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.CRITICAL);
    private static final MethodHandle SOCKETPAIR = FfmCalls.capturing("socketpair",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), FfmCalls.CRITICAL);
    private static final MethodHandle SHUTDOWN = FfmCalls.capturing("shutdown",
        fn(JAVA_INT, JAVA_INT, JAVA_INT), FfmCalls.CRITICAL);
    private static final MethodHandle EPOLL_CREATE1 = FfmCalls.capturing("epoll_create1",
        fn(JAVA_INT, JAVA_INT), FfmCalls.CRITICAL);
    private static final MethodHandle EVENTFD = FfmCalls.capturing("eventfd",
        fn(JAVA_INT, JAVA_INT, JAVA_INT), FfmCalls.CRITICAL);
    private static final MethodHandle SOCKET = FfmCalls.capturing("socket",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle BIND = FfmCalls.capturing("bind",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle LISTEN = FfmCalls.capturing("listen",
        fn(JAVA_INT, JAVA_INT, JAVA_INT), FfmCalls.CRITICAL);
    private static final MethodHandle GETSOCKOPT = FfmCalls.capturing("getsockopt",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), FfmCalls.BLOCKING);
    private static final MethodHandle SETSOCKOPT = FfmCalls.capturing("setsockopt",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), FfmCalls.BLOCKING);
    private static final MethodHandle GETSOCKNAME = FfmCalls.capturing("getsockname",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), FfmCalls.CRITICAL);
    private static final MethodHandle GETPEERNAME = FfmCalls.capturing("getpeername",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), FfmCalls.CRITICAL);
    private static final MethodHandle PRCTL = FfmCalls.capturing("prctl",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), FfmCalls.VARIADIC_1);
    private static final MethodHandle EPOLL_PWAIT2 = FfmCalls.hasSymbol("epoll_pwait2") ?
        FfmCalls.capturing("epoll_pwait2", fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG),
        FfmCalls.BLOCKING) : null;

    private CapturedCalls()
    {
    }

    private static FunctionDescriptor fn(final MemoryLayout result, final MemoryLayout... arguments)
    {
        return FunctionDescriptor.of(result, arguments);
    }

    /**
     * @return true if epoll_pwait2 is bound (glibc 2.35+)
     */
    static boolean hasPwait2()
    {
        return null != EPOLL_PWAIT2;
    }

    static long read(final int fd, final long buf, final long count) throws Throwable
    {
        return (long)READ.invokeExact(FfmCalls.captureSegment(), fd, buf, count);
    }

    static long write(final int fd, final long buf, final long count) throws Throwable
    {
        return (long)WRITE.invokeExact(FfmCalls.captureSegment(), fd, buf, count);
    }

    static long readv(final int fd, final long iov, final int iovcnt) throws Throwable
    {
        return (long)READV.invokeExact(FfmCalls.captureSegment(), fd, iov, iovcnt);
    }

    static long writev(final int fd, final long iov, final int iovcnt) throws Throwable
    {
        return (long)WRITEV.invokeExact(FfmCalls.captureSegment(), fd, iov, iovcnt);
    }

    static long send(final int sockfd, final long buf, final long len, final int flags) throws Throwable
    {
        return (long)SEND.invokeExact(FfmCalls.captureSegment(), sockfd, buf, len, flags);
    }

    static long recv(final int sockfd, final long buf, final long len, final int flags) throws Throwable
    {
        return (long)RECV.invokeExact(FfmCalls.captureSegment(), sockfd, buf, len, flags);
    }

    static long sendmsg(final int sockfd, final long msg, final int flags) throws Throwable
    {
        return (long)SENDMSG.invokeExact(FfmCalls.captureSegment(), sockfd, msg, flags);
    }

    static int close(final int fd) throws Throwable
    {
        return (int)CLOSE.invokeExact(FfmCalls.captureSegment(), fd);
    }

    static int accept4(final int sockfd, final long addr, final long addrlen, final int flags) throws Throwable
    {
        return (int)ACCEPT4.invokeExact(FfmCalls.captureSegment(), sockfd, addr, addrlen, flags);
    }

    static int connect(final int sockfd, final long addr, final int addrlen) throws Throwable
    {
        return (int)CONNECT.invokeExact(FfmCalls.captureSegment(), sockfd, addr, addrlen);
    }

    static int epollCtl(final int epfd, final int op, final int fd, final long event) throws Throwable
    {
        return (int)EPOLL_CTL.invokeExact(FfmCalls.captureSegment(), epfd, op, fd, event);
    }

    static int epollWait(final int epfd, final long events, final int maxevents, final int timeout) throws Throwable
    {
        return (int)EPOLL_WAIT.invokeExact(FfmCalls.captureSegment(), epfd, events, maxevents, timeout);
    }

    static int pipe2(final long pipefd, final int flags) throws Throwable
    {
        return (int)PIPE2.invokeExact(FfmCalls.captureSegment(), pipefd, flags);
    }

    static int socketpair(final int domain, final int type, final int protocol, final long sv) throws Throwable
    {
        return (int)SOCKETPAIR.invokeExact(FfmCalls.captureSegment(), domain, type, protocol, sv);
    }

    static int shutdown(final int sockfd, final int how) throws Throwable
    {
        return (int)SHUTDOWN.invokeExact(FfmCalls.captureSegment(), sockfd, how);
    }

    static int epollCreate1(final int flags) throws Throwable
    {
        return (int)EPOLL_CREATE1.invokeExact(FfmCalls.captureSegment(), flags);
    }

    static int eventfd(final int initval, final int flags) throws Throwable
    {
        return (int)EVENTFD.invokeExact(FfmCalls.captureSegment(), initval, flags);
    }

    static int socket(final int domain, final int type, final int protocol) throws Throwable
    {
        return (int)SOCKET.invokeExact(FfmCalls.captureSegment(), domain, type, protocol);
    }

    static int bind(final int sockfd, final long addr, final int addrlen) throws Throwable
    {
        return (int)BIND.invokeExact(FfmCalls.captureSegment(), sockfd, addr, addrlen);
    }

    static int listen(final int sockfd, final int backlog) throws Throwable
    {
        return (int)LISTEN.invokeExact(FfmCalls.captureSegment(), sockfd, backlog);
    }

    static int getsockopt(final int sockfd, final int level, final int optname, final long optval, final long optlen) throws Throwable
    {
        return (int)GETSOCKOPT.invokeExact(FfmCalls.captureSegment(), sockfd, level, optname, optval, optlen);
    }

    static int setsockopt(final int sockfd, final int level, final int optname, final long optval, final int optlen) throws Throwable
    {
        return (int)SETSOCKOPT.invokeExact(FfmCalls.captureSegment(), sockfd, level, optname, optval, optlen);
    }

    static int getsockname(final int sockfd, final long addr, final long addrlen) throws Throwable
    {
        return (int)GETSOCKNAME.invokeExact(FfmCalls.captureSegment(), sockfd, addr, addrlen);
    }

    static int getpeername(final int sockfd, final long addr, final long addrlen) throws Throwable
    {
        return (int)GETPEERNAME.invokeExact(FfmCalls.captureSegment(), sockfd, addr, addrlen);
    }

    static int prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5) throws Throwable
    {
        return (int)PRCTL.invokeExact(FfmCalls.captureSegment(), option, arg2, arg3, arg4, arg5);
    }

    static int epollPwait2(final int epfd, final long events, final int maxevents, final long timeout, final long sigmask) throws Throwable
    {
        return (int)EPOLL_PWAIT2.invokeExact(FfmCalls.captureSegment(), epfd, events, maxevents, timeout, sigmask);
    }
}
