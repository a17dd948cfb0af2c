package io.jevent.epoll;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The java.lang.foreign binding of {@link NativeCalls} (JDK 22+; compiled into the jar's
 * {@code META-INF/versions/22} and loaded by {@link NativeBinding} by name).
 * <p>
 * Each call is a downcall handle made once, held in a static final field so the JIT inlines it, and
 * typed with primitives only: pointers and {@code size_t} are {@code JAVA_LONG}, {@code int} and
 * {@code socklen_t} are {@code JAVA_INT} (the gcc probe in the tests checks the C sizes). Every handle
 * captures errno into this thread's capture segment ({@code Linker.Option.captureCallState}), taken once
 * per thread from {@link CaptureSegments} (global memory, reused after a thread ends), so reading errno
 * after a failed call is exact and a call allocates nothing once C2 has inlined it into its caller.
 * <p>
 * The loop's hot non-data calls, epoll_ctl and the two epoll waits, are first made without errno capture.
 * Capture takes a view of the capture segment per call, which C2 removes only when it inlines the whole
 * downcall into its caller; a loop's poll, compiled with the downcall cut off or left in C1 code, allocated
 * 40 B per wait (seen in compare's 1-connection ping-pong, JFR naming SharedUtils.checkCaptureSegment).
 * When one of them returns -1 it is made again at once through the capturing handle, whose result and
 * errno are the answer: an epoll error (EBADF, EINVAL, EEXIST, ENOENT...) repeats, and a wait interrupted by
 * a signal is repeated with a zero timeout and reports a ready count. The data calls (read, write, readv,
 * writev, send, recv, sendmsg) always capture: a socket error such as ECONNRESET is reported once and
 * cleared, so a repeated read would return 0 (EOF) and lose it. So do accept4, close and connect.
 * <p>
 * Calls that never wait (creating pipes, socket pairs, eventfds and epoll fds, epoll_ctl, listen, shutdown,
 * getsockname, getpeername) are {@code critical}: no thread-state transition, so a safepoint waits for them
 * to return. All others are not, so a safepoint never waits for them: the data path and accept4, connect
 * and close, which may block on a blocking fd or with SO_LINGER; the epoll waits; socket, which may wait
 * for modprobe to load a protocol family's module; bind, which for an AF_UNIX path creates a file (disk,
 * NFS, FUSE); and setsockopt and getsockopt, which take any option, some of which take the global rtnl
 * mutex (multicast membership and filters) or load a module (TCP_CONGESTION). (epoll_ctl polls the fd it
 * adds, which for a FUSE file asks the FUSE daemon; jevent registers sockets, pipes and eventfds.)
 */
@SuppressWarnings("restricted")
final class FfmCalls extends NativeCalls
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option[] CRITICAL = {CAPTURE_ERRNO, Linker.Option.critical(false)};
    private static final Linker.Option[] BLOCKING = {CAPTURE_ERRNO};
    private static final CaptureSegments CAPTURE_SEGMENTS = new CaptureSegments(CAPTURE);
    private static final ThreadLocal<MemorySegment> STATE =
        ThreadLocal.withInitial(() -> CAPTURE_SEGMENTS.take(Thread.currentThread()));
    private static final Map<String, FunctionDescriptor> DESCRIPTORS = new ConcurrentHashMap<>();
    private static final Set<String> CRITICAL_CALLS = ConcurrentHashMap.newKeySet();

    private static final MethodHandle READ = handle("read", fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), BLOCKING);
    private static final MethodHandle WRITE = handle("write", fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), BLOCKING);
    private static final MethodHandle READV = handle("readv", fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle WRITEV = handle("writev", fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle CLOSE = handle("close", fn(JAVA_INT, JAVA_INT), BLOCKING);
    private static final MethodHandle PIPE2 = handle("pipe2", fn(JAVA_INT, JAVA_LONG, JAVA_INT), CRITICAL);
    private static final MethodHandle SOCKETPAIR = handle("socketpair",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle SEND = handle("send",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle RECV = handle("recv",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle SHUTDOWN = handle("shutdown", fn(JAVA_INT, JAVA_INT, JAVA_INT), CRITICAL);
    private static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1", fn(JAVA_INT, JAVA_INT), CRITICAL);
    private static final MethodHandle EPOLL_CTL = handle("epoll_ctl",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle EPOLL_WAIT = handle("epoll_wait",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), BLOCKING);
    private static final MethodHandle EVENTFD = handle("eventfd", fn(JAVA_INT, JAVA_INT, JAVA_INT), CRITICAL);
    private static final MethodHandle SOCKET = handle("socket", fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), BLOCKING);
    private static final MethodHandle BIND = handle("bind", fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle LISTEN = handle("listen", fn(JAVA_INT, JAVA_INT, JAVA_INT), CRITICAL);
    private static final MethodHandle ACCEPT4 = handle("accept4",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle CONNECT = handle("connect",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle GETSOCKOPT = handle("getsockopt",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), BLOCKING);
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle GETSOCKNAME = handle("getsockname",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle GETPEERNAME = handle("getpeername",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle SENDMSG = handle("sendmsg",
        fn(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), BLOCKING);
    private static final MethodHandle PRCTL = handle("prctl",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        new Linker.Option[] {Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO});
    private static final MethodHandle EPOLL_PWAIT2 = LIBC.find("epoll_pwait2").isEmpty() ? null :
        handle("epoll_pwait2", fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), BLOCKING);
    /* The hot calls without errno capture (see the class comment), with the descriptors above. */
    private static final MethodHandle EPOLL_CTL_FAST = fast("epoll_ctl",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    /* The waits without errno capture (see the class comment), with the descriptors above. */
    private static final MethodHandle EPOLL_WAIT_FAST = fast("epoll_wait",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), false);
    private static final MethodHandle EPOLL_PWAIT2_FAST = null == EPOLL_PWAIT2 ? null :
        fast("epoll_pwait2", fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), false);
    /** A {@code struct timespec} of zero, for the retry of a failed epoll_pwait2. */
    private static final long ZERO_TIMESPEC = Arena.global().allocate(16, 8).fill((byte)0).address();

    /**
     * Makes every handle (in the static initialiser) and checks the pointer size.
     *
     * @throws UnsupportedOperationException if this is not an LP64 platform
     */
    FfmCalls()
    {
        super("ffm");
        if (8 != ADDRESS.byteSize())
        {
            throw new UnsupportedOperationException("not LP64: pointer size " +
                ADDRESS.byteSize());
        }
    }

    private static FunctionDescriptor fn(final MemoryLayout result, final MemoryLayout... arguments)
    {
        return FunctionDescriptor.of(result, arguments);
    }

    private static MethodHandle fast(final String name, final FunctionDescriptor descriptor, final boolean critical)
    {
        return critical ? LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.critical(false))
            : LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(final String name)
    {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle handle(final String name, final FunctionDescriptor descriptor,
        final Linker.Option[] options)
    {
        final MethodHandle handle = LINKER.downcallHandle(symbol(name), descriptor, options);
        DESCRIPTORS.put(name, descriptor);
        if (CRITICAL == options)
        {
            CRITICAL_CALLS.add(name);
        }
        return handle;
    }

    /**
     * @param name a C function's name
     * @return true if its handle was made {@code critical} (for the test of which calls may be)
     */
    static boolean critical(final String name)
    {
        return CRITICAL_CALLS.contains(name);
    }

    /**
     * @param name a C function's name
     * @return the descriptor its handle was made with (for the gcc probe of the C sizes), or null if
     *     none was made
     */
    static FunctionDescriptor descriptor(final String name)
    {
        return DESCRIPTORS.get(name);
    }

    /**
     * @return errno capture segments allocated so far (for tests: reuse keeps it at the threads alive at once)
     */
    static int captureSegments()
    {
        return CAPTURE_SEGMENTS.allocated();
    }

    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException r)
        {
            throw r;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    @Override
    String name()
    {
        return "ffm";
    }

    @Override
    boolean hasPwait2()
    {
        return null != EPOLL_PWAIT2;
    }

    @Override
    int errno()
    {
        return STATE.get().get(JAVA_INT, ERRNO_OFFSET);
    }

    @Override
    long read(final int fd, final long buf, final long count)
    {
        try
        {
            return (long)READ.invokeExact(STATE.get(), fd, buf, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long write(final int fd, final long buf, final long count)
    {
        try
        {
            return (long)WRITE.invokeExact(STATE.get(), fd, buf, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long readv(final int fd, final long iov, final int iovcnt)
    {
        try
        {
            return (long)READV.invokeExact(STATE.get(), fd, iov, iovcnt);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long writev(final int fd, final long iov, final int iovcnt)
    {
        try
        {
            return (long)WRITEV.invokeExact(STATE.get(), fd, iov, iovcnt);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int close(final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(STATE.get(), fd);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int pipe2(final long pipefd, final int flags)
    {
        try
        {
            return (int)PIPE2.invokeExact(STATE.get(), pipefd, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int socketpair(final int domain, final int type, final int protocol, final long sv)
    {
        try
        {
            return (int)SOCKETPAIR.invokeExact(STATE.get(), domain, type, protocol, sv);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long send(final int sockfd, final long buf, final long len, final int flags)
    {
        try
        {
            return (long)SEND.invokeExact(STATE.get(), sockfd, buf, len, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long recv(final int sockfd, final long buf, final long len, final int flags)
    {
        try
        {
            return (long)RECV.invokeExact(STATE.get(), sockfd, buf, len, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int shutdown(final int sockfd, final int how)
    {
        try
        {
            return (int)SHUTDOWN.invokeExact(STATE.get(), sockfd, how);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int epollCreate1(final int flags)
    {
        try
        {
            return (int)EPOLL_CREATE1.invokeExact(STATE.get(), flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int epollCtl(final int epfd, final int op, final int fd, final long event)
    {
        try
        {
            final int n = (int)EPOLL_CTL_FAST.invokeExact(epfd, op, fd, event);
            return n >= 0 ? n : (int)EPOLL_CTL.invokeExact(STATE.get(), epfd, op, fd, event);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int epollWait(final int epfd, final long events, final int maxevents, final int timeout)
    {
        try
        {
            final int n = (int)EPOLL_WAIT_FAST.invokeExact(epfd, events, maxevents, timeout);
            return n >= 0 ? n : (int)EPOLL_WAIT.invokeExact(STATE.get(), epfd, events, maxevents, 0);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int eventfd(final int initval, final int flags)
    {
        try
        {
            return (int)EVENTFD.invokeExact(STATE.get(), initval, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int socket(final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET.invokeExact(STATE.get(), domain, type, protocol);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int bind(final int sockfd, final long addr, final int addrlen)
    {
        try
        {
            return (int)BIND.invokeExact(STATE.get(), sockfd, addr, addrlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int listen(final int sockfd, final int backlog)
    {
        try
        {
            return (int)LISTEN.invokeExact(STATE.get(), sockfd, backlog);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int accept4(final int sockfd, final long addr, final long addrlen, final int flags)
    {
        try
        {
            return (int)ACCEPT4.invokeExact(STATE.get(), sockfd, addr, addrlen, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int connect(final int sockfd, final long addr, final int addrlen)
    {
        try
        {
            return (int)CONNECT.invokeExact(STATE.get(), sockfd, addr, addrlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int getsockopt(final int sockfd, final int level, final int optname, final long optval, final long optlen)
    {
        try
        {
            return (int)GETSOCKOPT.invokeExact(STATE.get(), sockfd, level, optname, optval, optlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int setsockopt(final int sockfd, final int level, final int optname, final long optval, final int optlen)
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(STATE.get(), sockfd, level, optname, optval, optlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int getsockname(final int sockfd, final long addr, final long addrlen)
    {
        try
        {
            return (int)GETSOCKNAME.invokeExact(STATE.get(), sockfd, addr, addrlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int getpeername(final int sockfd, final long addr, final long addrlen)
    {
        try
        {
            return (int)GETPEERNAME.invokeExact(STATE.get(), sockfd, addr, addrlen);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long sendmsg(final int sockfd, final long msg, final int flags)
    {
        try
        {
            return (long)SENDMSG.invokeExact(STATE.get(), sockfd, msg, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int epollPwait2(final int epfd, final long events, final int maxevents, final long timeout, final long sigmask)
    {
        if (null == EPOLL_PWAIT2)
        {
            throw new UnsatisfiedLinkError("libc has no epoll_pwait2 (glibc 2.35+)");
        }
        try
        {
            final int n = (int)EPOLL_PWAIT2_FAST.invokeExact(epfd, events, maxevents, timeout, sigmask);
            return n >= 0 ? n
                : (int)EPOLL_PWAIT2.invokeExact(STATE.get(), epfd, events, maxevents, ZERO_TIMESPEC, sigmask);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        try
        {
            return (int)PRCTL.invokeExact(STATE.get(), option, arg2, arg3, arg4, arg5);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }
}
