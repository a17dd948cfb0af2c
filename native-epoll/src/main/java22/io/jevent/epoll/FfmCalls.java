package io.jevent.epoll;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
 * Each call is a downcall handle made once and typed with primitives only: pointers and {@code size_t} are
 * {@code JAVA_LONG}, {@code int} and {@code socklen_t} are {@code JAVA_INT} (the gcc probe in the tests checks
 * the C sizes). Every handle that reads errno captures it into this thread's capture segment
 * ({@code Linker.Option.captureCallState}), taken once per thread from {@link CaptureSegments} (global memory,
 * reused after a thread ends), so reading errno after a failed call is exact. Those capturing handles live in
 * {@link CapturedCalls}, reached through method handles held in this class's non-final fields: an inlining
 * barrier that makes C2 compile each capturing call as its own root, where it allocates nothing, however deep
 * in a loop's call chain it is called (see {@link CapturedCalls} for why).
 * <p>
 * The loop's hot non-data calls, epoll_ctl and the two epoll waits, are first made without errno capture and
 * inline into their callers (the uncaptured handles are static finals here). When one of them returns -1 it
 * is made again at once through the capturing call, whose result and errno are the answer: an epoll error
 * (EBADF, EINVAL, EEXIST, ENOENT...) repeats, and a wait interrupted by a signal is repeated with a zero
 * timeout and reports a ready count. The data calls (read, write, readv, writev, send, recv, sendmsg) always
 * capture: a socket error such as ECONNRESET is reported once and cleared, so a repeated read would return 0
 * (EOF) and lose it. So do all the other calls.
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
    /** Options of a capturing call that may wait. */
    static final Linker.Option[] BLOCKING = {Linker.Option.captureCallState("errno")};
    /** Options of a capturing call that never waits. */
    static final Linker.Option[] CRITICAL = {BLOCKING[0], Linker.Option.critical(false)};
    /** Options of a capturing call to a variadic function whose variadic arguments start second (prctl). */
    static final Linker.Option[] VARIADIC_1 = {Linker.Option.firstVariadicArg(1), BLOCKING[0]};

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final CaptureSegments CAPTURE_SEGMENTS = new CaptureSegments(CAPTURE);
    private static final ThreadLocal<MemorySegment> STATE =
        ThreadLocal.withInitial(() -> CAPTURE_SEGMENTS.take(Thread.currentThread()));
    private static final Map<String, FunctionDescriptor> DESCRIPTORS = new ConcurrentHashMap<>();
    private static final Set<String> CRITICAL_CALLS = ConcurrentHashMap.newKeySet();

    /* The hot calls without errno capture (see the class comment); the capturing ones are in CapturedCalls. */
    private static final MethodHandle EPOLL_CTL_FAST = fast("epoll_ctl",
        fn(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle EPOLL_WAIT_FAST = fast("epoll_wait",
        fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), false);
    private static final MethodHandle EPOLL_PWAIT2_FAST = hasSymbol("epoll_pwait2") ?
        fast("epoll_pwait2", fn(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), false) : null;
    /** A {@code struct timespec} of zero, for the retry of a failed epoll_pwait2. */
    private static final long ZERO_TIMESPEC = Arena.global().allocate(16, 8).fill((byte)0).address();

    /*
     * The inlining barrier (see CapturedCalls): handles to CapturedCalls' methods, deliberately in non-final
     * instance fields, which C2 never treats as constants, so it cannot inline through them. Set once, in the
     * constructor, before the binding is published through LibC's static final field.
     */
    private MethodHandle read;
    private MethodHandle write;
    private MethodHandle readv;
    private MethodHandle writev;
    private MethodHandle send;
    private MethodHandle recv;
    private MethodHandle sendmsg;
    private MethodHandle close;
    private MethodHandle accept4;
    private MethodHandle connect;
    private MethodHandle epollCtl;
    private MethodHandle epollWait;
    private MethodHandle pipe2;
    private MethodHandle socketpair;
    private MethodHandle shutdown;
    private MethodHandle epollCreate1;
    private MethodHandle eventfd;
    private MethodHandle socket;
    private MethodHandle bind;
    private MethodHandle listen;
    private MethodHandle getsockopt;
    private MethodHandle setsockopt;
    private MethodHandle getsockname;
    private MethodHandle getpeername;
    private MethodHandle prctl;
    private MethodHandle epollPwait2;

    /**
     * Makes every handle (in the static initialisers of this class and {@link CapturedCalls}), the
     * barrier's handles, and checks the pointer size.
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
        final MethodHandles.Lookup lookup = MethodHandles.lookup();
        try
        {
            lookup.ensureInitialized(CapturedCalls.class);
        }
        catch (final IllegalAccessException e)
        {
            throw new IllegalStateException(e);
        }
        read = root(lookup, "read", long.class, int.class, long.class, long.class);
        write = root(lookup, "write", long.class, int.class, long.class, long.class);
        readv = root(lookup, "readv", long.class, int.class, long.class, int.class);
        writev = root(lookup, "writev", long.class, int.class, long.class, int.class);
        send = root(lookup, "send", long.class, int.class, long.class, long.class, int.class);
        recv = root(lookup, "recv", long.class, int.class, long.class, long.class, int.class);
        sendmsg = root(lookup, "sendmsg", long.class, int.class, long.class, int.class);
        close = root(lookup, "close", int.class, int.class);
        accept4 = root(lookup, "accept4", int.class, int.class, long.class, long.class, int.class);
        connect = root(lookup, "connect", int.class, int.class, long.class, int.class);
        epollCtl = root(lookup, "epollCtl", int.class, int.class, int.class, int.class, long.class);
        epollWait = root(lookup, "epollWait", int.class, int.class, long.class, int.class, int.class);
        pipe2 = root(lookup, "pipe2", int.class, long.class, int.class);
        socketpair = root(lookup, "socketpair", int.class, int.class, int.class, int.class, long.class);
        shutdown = root(lookup, "shutdown", int.class, int.class, int.class);
        epollCreate1 = root(lookup, "epollCreate1", int.class, int.class);
        eventfd = root(lookup, "eventfd", int.class, int.class, int.class);
        socket = root(lookup, "socket", int.class, int.class, int.class, int.class);
        bind = root(lookup, "bind", int.class, int.class, long.class, int.class);
        listen = root(lookup, "listen", int.class, int.class, int.class);
        getsockopt = root(lookup, "getsockopt", int.class, int.class, int.class, int.class, long.class, long.class);
        setsockopt = root(lookup, "setsockopt", int.class, int.class, int.class, int.class, long.class, int.class);
        getsockname = root(lookup, "getsockname", int.class, int.class, long.class, long.class);
        getpeername = root(lookup, "getpeername", int.class, int.class, long.class, long.class);
        prctl = root(lookup, "prctl", int.class, int.class, long.class, long.class, long.class, long.class);
        epollPwait2 = root(lookup, "epollPwait2", int.class, int.class, long.class, int.class, long.class, long.class);
        customizeBarrier();
    }

    /**
     * Invokes every barrier handle past the JDK's customization threshold, with arguments the kernel refuses at
     * once (fd -1, invalid flags), so each handle's LambdaForm is customized here, at startup, and not later in a
     * hot loop: a non-constant handle is customized on its 128th invocation (which generates a class, a few
     * dozen KB of allocation), and a rare path such as an epoll_wait interrupted by a signal would otherwise
     * reach it in the middle of traffic. About 3,500 failing system calls, once per JVM.
     */
    private void customizeBarrier()
    {
        final int threshold = Integer.getInteger("java.lang.invoke.MethodHandle.CUSTOMIZE_THRESHOLD", 127);
        final int times = Math.min(threshold, 1000) + 1;
        long sum = 0;
        try
        {
            for (int i = 0; i < times; i++)
            {
                sum += (long)read.invokeExact(-1, 0L, 0L) + (long)write.invokeExact(-1, 0L, 0L);
                sum += (long)readv.invokeExact(-1, 0L, 0) + (long)writev.invokeExact(-1, 0L, 0);
                sum += (long)send.invokeExact(-1, 0L, 0L, 0) + (long)recv.invokeExact(-1, 0L, 0L, 0);
                sum += (long)sendmsg.invokeExact(-1, 0L, 0) + (int)close.invokeExact(-1);
                sum += (int)accept4.invokeExact(-1, 0L, 0L, 0) + (int)connect.invokeExact(-1, 0L, 0);
                sum += (int)epollCtl.invokeExact(-1, 0, -1, 0L) + (int)epollWait.invokeExact(-1, 0L, 1, 0);
                sum += (int)pipe2.invokeExact(0L, -1) + (int)socketpair.invokeExact(-1, 0, 0, 0L);
                sum += (int)shutdown.invokeExact(-1, 0) + (int)epollCreate1.invokeExact(-1);
                sum += (int)eventfd.invokeExact(0, -1) + (int)socket.invokeExact(-1, 0, 0);
                sum += (int)bind.invokeExact(-1, 0L, 0) + (int)listen.invokeExact(-1, 0);
                sum += (int)getsockopt.invokeExact(-1, 0, 0, 0L, 0L) + (int)setsockopt.invokeExact(-1, 0, 0, 0L, 0);
                sum += (int)getsockname.invokeExact(-1, 0L, 0L) + (int)getpeername.invokeExact(-1, 0L, 0L);
                sum += (int)prctl.invokeExact(-1, 0L, 0L, 0L, 0L);
                if (null != EPOLL_PWAIT2_FAST)
                {
                    sum += (int)epollPwait2.invokeExact(-1, 0L, 1, 0L, 0L);
                }
            }
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
        if (sum != -25L * times - (null != EPOLL_PWAIT2_FAST ? times : 0))
        {
            throw new IllegalStateException("a call meant to fail at once did not: " + sum);
        }
    }

    private static MethodHandle root(final MethodHandles.Lookup lookup, final String name, final Class<?> result,
        final Class<?>... parameters)
    {
        try
        {
            return lookup.findStatic(CapturedCalls.class, name, MethodType.methodType(result, parameters));
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException(e);
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

    /**
     * @param name a C function's name
     * @return true if libc has it
     */
    static boolean hasSymbol(final String name)
    {
        return LIBC.find(name).isPresent();
    }

    /**
     * Makes a handle that captures errno; for {@link CapturedCalls}'s static initialiser.
     *
     * @param name a libc function
     * @param descriptor its C signature
     * @param options {@link #BLOCKING}, {@link #CRITICAL} or {@link #VARIADIC_1}
     * @return the handle, whose first parameter is the capture segment
     * @throws UnsatisfiedLinkError if libc has no such function
     */
    static MethodHandle capturing(final String name, final FunctionDescriptor descriptor,
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
     * @return the calling thread's errno capture segment
     */
    static MemorySegment captureSegment()
    {
        return STATE.get();
    }

    /**
     * Makes the capturing handles if no binding has yet.
     *
     * @param name a C function's name
     * @return true if its handle was made {@code critical} (for the test of which calls may be)
     */
    static boolean critical(final String name)
    {
        CapturedCalls.hasPwait2();
        return CRITICAL_CALLS.contains(name);
    }

    /**
     * Makes the capturing handles if no binding has yet.
     *
     * @param name a C function's name
     * @return the descriptor its handle was made with (for the gcc probe of the C sizes), or null if
     *     none was made
     */
    static FunctionDescriptor descriptor(final String name)
    {
        CapturedCalls.hasPwait2();
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
        return CapturedCalls.hasPwait2();
    }

    @Override
    int errno()
    {
        return STATE.get().get(JAVA_INT, ERRNO_OFFSET);
    }

    @Override
    int epollCtl(final int epfd, final int op, final int fd, final long event)
    {
        try
        {
            final int n = (int)EPOLL_CTL_FAST.invokeExact(epfd, op, fd, event);
            return n >= 0 ? n : (int)epollCtl.invokeExact(epfd, op, fd, event);
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
            return n >= 0 ? n : (int)epollWait.invokeExact(epfd, events, maxevents, 0);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    int epollPwait2(final int epfd, final long events, final int maxevents, final long timeout, final long sigmask)
    {
        if (null == EPOLL_PWAIT2_FAST)
        {
            throw new UnsatisfiedLinkError("libc has no epoll_pwait2 (glibc 2.35+)");
        }
        try
        {
            final int n = (int)EPOLL_PWAIT2_FAST.invokeExact(epfd, events, maxevents, timeout, sigmask);
            return n >= 0 ? n : (int)epollPwait2.invokeExact(epfd, events, maxevents, ZERO_TIMESPEC, sigmask);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    @Override
    long read(final int fd, final long buf, final long count)
    {
        try
        {
            return (long)read.invokeExact(fd, buf, count);
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
            return (long)write.invokeExact(fd, buf, count);
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
            return (long)readv.invokeExact(fd, iov, iovcnt);
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
            return (long)writev.invokeExact(fd, iov, iovcnt);
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
            return (long)send.invokeExact(sockfd, buf, len, flags);
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
            return (long)recv.invokeExact(sockfd, buf, len, flags);
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
            return (long)sendmsg.invokeExact(sockfd, msg, flags);
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
            return (int)close.invokeExact(fd);
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
            return (int)accept4.invokeExact(sockfd, addr, addrlen, flags);
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
            return (int)connect.invokeExact(sockfd, addr, addrlen);
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
            return (int)pipe2.invokeExact(pipefd, flags);
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
            return (int)socketpair.invokeExact(domain, type, protocol, sv);
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
            return (int)shutdown.invokeExact(sockfd, how);
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
            return (int)epollCreate1.invokeExact(flags);
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
            return (int)eventfd.invokeExact(initval, flags);
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
            return (int)socket.invokeExact(domain, type, protocol);
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
            return (int)bind.invokeExact(sockfd, addr, addrlen);
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
            return (int)listen.invokeExact(sockfd, backlog);
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
            return (int)getsockopt.invokeExact(sockfd, level, optname, optval, optlen);
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
            return (int)setsockopt.invokeExact(sockfd, level, optname, optval, optlen);
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
            return (int)getsockname.invokeExact(sockfd, addr, addrlen);
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
            return (int)getpeername.invokeExact(sockfd, addr, addrlen);
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
            return (int)prctl.invokeExact(option, arg2, arg3, arg4, arg5);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }
}
