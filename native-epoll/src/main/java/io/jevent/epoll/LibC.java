package io.jevent.epoll;

import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;

/**
 * The libc calls of the epoll backend, transport and listener: every call takes and returns
 * primitives only (ints, and raw {@code long} addresses of off-heap memory) and allocates nothing.
 * <p>
 * <b>Bindings.</b> Two implement the calls, chosen once when this class initialises
 * ({@link #binding()} names the one in use):
 * <ul>
 *   <li>{@code ffm}, java.lang.foreign downcalls (JDK 22+): handles made once, errno captured by the
 *   call itself ({@code Linker.Option.captureCallState}), {@code critical} for calls that never wait.
 *   Its classes are in the jar's {@code META-INF/versions/22}, so a jar built on JDK 22+ carries both
 *   bindings and still runs on JDK 17;</li>
 *   <li>{@code jna}, JNA direct mapping (java-techniques §4), on any JDK 17+.</li>
 * </ul>
 * The default, {@code auto}, takes ffm on JDK 22+ when the jar has it and jna otherwise;
 * {@code -Djevent.native=jna|ffm} ({@link EpollConfiguration#NATIVE_PROP_NAME}) forces one. Both need
 * {@code --enable-native-access=ALL-UNNAMED} on JDK 22+ to run without a warning (jevent.jvm.flags).
 * <p>
 * <b>Errors.</b> The calls return what libc returns: -1 on failure. Only then read {@link #errno()},
 * on the same thread, before any other call here: it is the errno the thread's last call left, stale
 * after a success. No call throws for an error return, so EAGAIN costs no exception.
 * Error numbers and their names are in {@link Errno}. A virtual thread: on ffm errno is its own (a capture
 * segment per virtual thread that calls here, made on its first call); on jna it is the carrier thread's,
 * so read it before anything that can unmount the virtual thread (blocking, {@code Thread.yield()}).
 * <p>
 * <b>Availability.</b> On anything but Linux on x86_64 or aarch64, or when the chosen binding cannot
 * load, nothing is bound: the class still initialises, {@link #isAvailable()} returns false and
 * {@link #unavailabilityCause()} says why; a call then throws {@link UnsatisfiedLinkError}. Use
 * {@link #ensureAvailable()} to fail early with the cause.
 * <p>
 * <b>Constants</b> are hard-coded for LP64 Linux; the values below are identical on x86_64 and
 * aarch64 (both use asm-generic for them) and are checked against the C headers by a gcc probe.
 * <p>
 * The natives are raw and unchecked: a wrong address corrupts the JVM. Thread-safe (errno is
 * per thread).
 */
public final class LibC
{
    /** {@code O_NONBLOCK} (octal 04000), for {@link #pipe2(long, int)}. */
    public static final int O_NONBLOCK = 0x800;
    /** {@code O_CLOEXEC} (octal 02000000), for {@link #pipe2(long, int)}. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code AF_UNIX} (= {@code AF_LOCAL}). */
    public static final int AF_UNIX = 1;
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_NONBLOCK} (= {@link #O_NONBLOCK}), or-ed into a socket type. */
    public static final int SOCK_NONBLOCK = O_NONBLOCK;
    /** {@code SOCK_CLOEXEC} (= {@link #O_CLOEXEC}), or-ed into a socket type. */
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** {@code MSG_PEEK}. */
    public static final int MSG_PEEK = 0x2;
    /** {@code MSG_DONTWAIT}. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_NOSIGNAL}: EPIPE instead of SIGPIPE when the peer has gone. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** {@code SHUT_RD}. */
    public static final int SHUT_RD = 0;
    /** {@code SHUT_WR}. */
    public static final int SHUT_WR = 1;
    /** {@code SHUT_RDWR}. */
    public static final int SHUT_RDWR = 2;
    /** {@code IOV_MAX} on Linux: most iovecs one readv/writev accepts. */
    public static final int IOV_MAX = 1024;
    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6}. */
    public static final int AF_INET6 = 10;
    /** {@code SOL_SOCKET}. */
    public static final int SOL_SOCKET = 1;
    /** {@code IPPROTO_TCP}. */
    public static final int IPPROTO_TCP = 6;
    /** {@code IPPROTO_IPV6}. */
    public static final int IPPROTO_IPV6 = 41;
    /** {@code SO_REUSEADDR}. */
    public static final int SO_REUSEADDR = 2;
    /** {@code SO_ERROR}. */
    public static final int SO_ERROR = 4;
    /** {@code SO_SNDBUF}. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_RCVBUF}. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_KEEPALIVE}. */
    public static final int SO_KEEPALIVE = 9;
    /** {@code SO_REUSEPORT}. */
    public static final int SO_REUSEPORT = 15;
    /** {@code SO_BUSY_POLL}. */
    public static final int SO_BUSY_POLL = 46;
    /** {@code TCP_NODELAY}. */
    public static final int TCP_NODELAY = 1;
    /** {@code IPV6_V6ONLY}. */
    public static final int IPV6_V6ONLY = 26;
    /** {@code SOMAXCONN} (the kernel caps larger backlogs at net.core.somaxconn). */
    public static final int SOMAXCONN = 4096;
    /** {@code PR_SET_TIMERSLACK}: the calling thread's timer slack in nanoseconds. */
    public static final int PR_SET_TIMERSLACK = 29;
    /** {@code PR_GET_TIMERSLACK}: returns the calling thread's timer slack. */
    public static final int PR_GET_TIMERSLACK = 30;
    /** {@code EPOLL_CLOEXEC}. */
    public static final int EPOLL_CLOEXEC = 0x80000;
    /** {@code EPOLL_CTL_ADD}. */
    public static final int EPOLL_CTL_ADD = 1;
    /** {@code EPOLL_CTL_DEL}. */
    public static final int EPOLL_CTL_DEL = 2;
    /** {@code EPOLL_CTL_MOD}. */
    public static final int EPOLL_CTL_MOD = 3;
    /** {@code EPOLLIN}. */
    public static final int EPOLLIN = 0x001;
    /** {@code EPOLLPRI}. */
    public static final int EPOLLPRI = 0x002;
    /** {@code EPOLLOUT}. */
    public static final int EPOLLOUT = 0x004;
    /** {@code EPOLLERR}. */
    public static final int EPOLLERR = 0x008;
    /** {@code EPOLLHUP}. */
    public static final int EPOLLHUP = 0x010;
    /** {@code EPOLLRDHUP}. */
    public static final int EPOLLRDHUP = 0x2000;
    /** {@code EPOLLET}. */
    public static final int EPOLLET = 0x80000000;
    /** {@code EFD_CLOEXEC}. */
    public static final int EFD_CLOEXEC = 0x80000;
    /** {@code EFD_NONBLOCK}. */
    public static final int EFD_NONBLOCK = 0x800;

    private static final NativeBinding BINDING = NativeBinding.choose();
    private static final NativeCalls CALLS = BINDING.calls();
    private static final Throwable UNAVAILABILITY_CAUSE = BINDING.cause();

    private LibC()
    {
    }

    /**
     * @return true if the natives are bound and may be called
     */
    public static boolean isAvailable()
    {
        return null == UNAVAILABILITY_CAUSE;
    }

    /**
     * @return the binding in use: {@code "ffm"}, {@code "jna"}, or {@code "none"} when unavailable
     */
    public static String binding()
    {
        return CALLS.name();
    }

    /**
     * @return why the natives could not be bound, or null if they are available
     */
    public static Throwable unavailabilityCause()
    {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * @throws UnsatisfiedLinkError with the cause attached, if {@link #isAvailable()} is false
     */
    public static void ensureAvailable()
    {
        if (null != UNAVAILABILITY_CAUSE)
        {
            final UnsatisfiedLinkError e =
                new UnsatisfiedLinkError("libc unavailable: " + UNAVAILABILITY_CAUSE);
            e.initCause(UNAVAILABILITY_CAUSE);
            throw e;
        }
    }

    /**
     * The errno of this thread's last native call. Meaningful only right after a call returned -1.
     *
     * @return the error number, see {@link Errno}
     */
    public static int errno()
    {
        return CALLS.errno();
    }

    // ------------------------------------------------------------------ calls (raw, unchecked)

    /**
     * {@code ssize_t read(int fd, void *buf, size_t count)}.
     *
     * @param fd    file descriptor
     * @param buf   address of at least count writable bytes
     * @param count most bytes to read
     * @return bytes read, 0 at end of file, or -1 with {@link #errno()}
     */
    public static long read(final int fd, final long buf, final long count)
    {
        return CALLS.read(fd, buf, count);
    }

    /**
     * {@code ssize_t write(int fd, const void *buf, size_t count)}.
     *
     * @param fd    file descriptor
     * @param buf   address of count bytes
     * @param count bytes to write
     * @return bytes written, or -1 with {@link #errno()}
     */
    public static long write(final int fd, final long buf, final long count)
    {
        return CALLS.write(fd, buf, count);
    }

    /**
     * {@code ssize_t readv(int fd, const struct iovec *iov, int iovcnt)}.
     *
     * @param fd     file descriptor
     * @param iov    address of iovcnt 16-byte {@code struct iovec}s
     * @param iovcnt entries, at most {@link #IOV_MAX}
     * @return bytes read, 0 at end of file, or -1 with {@link #errno()}
     */
    public static long readv(final int fd, final long iov, final int iovcnt)
    {
        return CALLS.readv(fd, iov, iovcnt);
    }

    /**
     * {@code ssize_t writev(int fd, const struct iovec *iov, int iovcnt)}.
     *
     * @param fd     file descriptor
     * @param iov    address of iovcnt 16-byte {@code struct iovec}s
     * @param iovcnt entries, at most {@link #IOV_MAX}
     * @return bytes written, or -1 with {@link #errno()}
     */
    public static long writev(final int fd, final long iov, final int iovcnt)
    {
        return CALLS.writev(fd, iov, iovcnt);
    }

    /**
     * {@code int close(int fd)}. Do not retry on EINTR: on Linux the fd is released anyway.
     *
     * @param fd file descriptor
     * @return 0, or -1 with {@link #errno()}
     */
    public static int close(final int fd)
    {
        return CALLS.close(fd);
    }

    /**
     * {@code int pipe2(int pipefd[2], int flags)}.
     *
     * @param pipefd address of 8 writable bytes: the read end's int, then the write end's
     * @param flags  {@link #O_NONBLOCK} and/or {@link #O_CLOEXEC}, or 0
     * @return 0, or -1 with {@link #errno()}
     */
    public static int pipe2(final long pipefd, final int flags)
    {
        return CALLS.pipe2(pipefd, flags);
    }

    /**
     * {@code int socketpair(int domain, int type, int protocol, int sv[2])}.
     *
     * @param domain   {@link #AF_UNIX}
     * @param type     {@link #SOCK_STREAM} or {@link #SOCK_DGRAM}, or-ed with {@link #SOCK_NONBLOCK}
     *                 and/or {@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @param sv       address of 8 writable bytes for the two fds
     * @return 0, or -1 with {@link #errno()}
     */
    public static int socketpair(final int domain, final int type, final int protocol, final long sv)
    {
        return CALLS.socketpair(domain, type, protocol, sv);
    }

    /**
     * {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags)}.
     *
     * @param sockfd socket
     * @param buf    address of len bytes
     * @param len    bytes to send
     * @param flags  e.g. {@link #MSG_NOSIGNAL}
     * @return bytes sent, or -1 with {@link #errno()}
     */
    public static long send(final int sockfd, final long buf, final long len, final int flags)
    {
        return CALLS.send(sockfd, buf, len, flags);
    }

    /**
     * {@code ssize_t recv(int sockfd, void *buf, size_t len, int flags)}.
     *
     * @param sockfd socket
     * @param buf    address of len writable bytes
     * @param len    most bytes to receive
     * @param flags  e.g. {@link #MSG_DONTWAIT} or {@link #MSG_PEEK}
     * @return bytes received, 0 when the peer has shut down, or -1 with {@link #errno()}
     */
    public static long recv(final int sockfd, final long buf, final long len, final int flags)
    {
        return CALLS.recv(sockfd, buf, len, flags);
    }

    /**
     * {@code int shutdown(int sockfd, int how)}.
     *
     * @param sockfd socket
     * @param how    {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
     * @return 0, or -1 with {@link #errno()}
     */
    public static int shutdown(final int sockfd, final int how)
    {
        return CALLS.shutdown(sockfd, how);
    }

    /**
     * {@code int epoll_create1(int flags)}.
     *
     * @param flags {@link #EPOLL_CLOEXEC} or 0
     * @return the epoll fd, or -1 with {@link #errno()}
     */
    public static int epoll_create1(final int flags)
    {
        return CALLS.epollCreate1(flags);
    }

    /**
     * {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}.
     *
     * @param epfd  epoll fd
     * @param op    {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param fd    the fd to change
     * @param event address of one {@code struct epoll_event} (see {@link EpollEventLayout}), or 0 for DEL
     * @return 0, or -1 with {@link #errno()}
     */
    public static int epoll_ctl(final int epfd, final int op, final int fd, final long event)
    {
        return CALLS.epollCtl(epfd, op, fd, event);
    }

    /**
     * {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)}.
     *
     * @param epfd      epoll fd
     * @param events    address of maxevents {@code struct epoll_event}s
     * @param maxevents capacity of the array, at least 1
     * @param timeout   milliseconds; -1 blocks, 0 polls
     * @return ready count, or -1 with {@link #errno()} (EINTR when a signal interrupted the wait)
     */
    public static int epoll_wait(final int epfd, final long events, final int maxevents, final int timeout)
    {
        return CALLS.epollWait(epfd, events, maxevents, timeout);
    }

    /**
     * {@code int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
     * const struct timespec *timeout, const sigset_t *sigmask)} (glibc 2.35, Linux 5.11); use it only
     * when {@link Pwait2#isAvailable()}.
     *
     * @param epfd      epoll fd
     * @param events    address of maxevents structs
     * @param maxevents capacity
     * @param timeout   address of {@code {long tv_sec; long tv_nsec;}}, or 0 to block
     * @param sigmask   0
     * @return ready count, or -1 with {@link #errno()}
     * @throws UnsatisfiedLinkError if the C library lacks the symbol
     */
    public static int epoll_pwait2(final int epfd, final long events, final int maxevents, final long timeout,
        final long sigmask)
    {
        return CALLS.epollPwait2(epfd, events, maxevents, timeout, sigmask);
    }

    /**
     * @return true if the C library has {@code epoll_pwait2} (the kernel may still refuse it: see
     *     {@link Pwait2#isAvailable()})
     */
    static boolean hasPwait2Symbol()
    {
        return CALLS.hasPwait2();
    }

    /**
     * {@code int eventfd(unsigned int initval, int flags)}.
     *
     * @param initval initial counter
     * @param flags   {@link #EFD_NONBLOCK} and/or {@link #EFD_CLOEXEC}
     * @return the fd, or -1 with {@link #errno()}
     */
    public static int eventfd(final int initval, final int flags)
    {
        return CALLS.eventfd(initval, flags);
    }

    /**
     * {@code int socket(int domain, int type, int protocol)}.
     *
     * @param domain   {@link #AF_INET}, {@link #AF_INET6} or {@link #AF_UNIX}
     * @param type     {@link #SOCK_STREAM} or {@link #SOCK_DGRAM}, or-ed with {@link #SOCK_NONBLOCK}
     *                 and/or {@link #SOCK_CLOEXEC}
     * @param protocol 0
     * @return the fd, or -1 with {@link #errno()}
     */
    public static int socket(final int domain, final int type, final int protocol)
    {
        return CALLS.socket(domain, type, protocol);
    }

    /**
     * {@code int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}.
     *
     * @param sockfd  socket
     * @param addr    address of a sockaddr (see {@link SockAddr})
     * @param addrlen its length
     * @return 0, or -1 with {@link #errno()}
     */
    public static int bind(final int sockfd, final long addr, final int addrlen)
    {
        return CALLS.bind(sockfd, addr, addrlen);
    }

    /**
     * {@code int listen(int sockfd, int backlog)}.
     *
     * @param sockfd  socket
     * @param backlog pending connection queue length
     * @return 0, or -1 with {@link #errno()}
     */
    public static int listen(final int sockfd, final int backlog)
    {
        return CALLS.listen(sockfd, backlog);
    }

    /**
     * {@code int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags)}.
     *
     * @param sockfd  listening socket
     * @param addr    address of room for the peer's sockaddr, or 0
     * @param addrlen address of a socklen_t holding the room, updated to the peer address length; or 0
     * @param flags   {@link #SOCK_NONBLOCK} and/or {@link #SOCK_CLOEXEC}
     * @return the new fd, or -1 with {@link #errno()} (EAGAIN when none is pending)
     */
    public static int accept4(final int sockfd, final long addr, final long addrlen, final int flags)
    {
        return CALLS.accept4(sockfd, addr, addrlen, flags);
    }

    /**
     * {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}.
     *
     * @param sockfd  socket
     * @param addr    address of a sockaddr
     * @param addrlen its length
     * @return 0, or -1 with {@link #errno()} (EINPROGRESS on a non-blocking socket)
     */
    public static int connect(final int sockfd, final long addr, final int addrlen)
    {
        return CALLS.connect(sockfd, addr, addrlen);
    }

    /**
     * {@code int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen)}.
     *
     * @param sockfd  socket
     * @param level   {@link #SOL_SOCKET} or {@link #IPPROTO_TCP}
     * @param optname option
     * @param optval  address of room for the value
     * @param optlen  address of a socklen_t holding the room, updated to the value's length
     * @return 0, or -1 with {@link #errno()}
     */
    public static int getsockopt(final int sockfd, final int level, final int optname, final long optval,
        final long optlen)
    {
        return CALLS.getsockopt(sockfd, level, optname, optval, optlen);
    }

    /**
     * {@code int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen)}.
     *
     * @param sockfd  socket
     * @param level   {@link #SOL_SOCKET} or {@link #IPPROTO_TCP}
     * @param optname option
     * @param optval  address of the value
     * @param optlen  its length
     * @return 0, or -1 with {@link #errno()}
     */
    public static int setsockopt(final int sockfd, final int level, final int optname, final long optval,
        final int optlen)
    {
        return CALLS.setsockopt(sockfd, level, optname, optval, optlen);
    }

    /**
     * {@code int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen)}.
     *
     * @param sockfd  socket
     * @param addr    address of room for the sockaddr
     * @param addrlen address of a socklen_t holding the room, updated
     * @return 0, or -1 with {@link #errno()}
     */
    public static int getsockname(final int sockfd, final long addr, final long addrlen)
    {
        return CALLS.getsockname(sockfd, addr, addrlen);
    }

    /**
     * {@code int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen)}.
     *
     * @param sockfd  socket
     * @param addr    address of room for the sockaddr
     * @param addrlen address of a socklen_t holding the room, updated
     * @return 0, or -1 with {@link #errno()}
     */
    public static int getpeername(final int sockfd, final long addr, final long addrlen)
    {
        return CALLS.getpeername(sockfd, addr, addrlen);
    }

    /**
     * {@code ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags)}.
     *
     * @param sockfd socket
     * @param msg    address of a struct msghdr (56 bytes on LP64: name, namelen, iov, iovlen, control,
     *               controllen, flags)
     * @param flags  e.g. {@link #MSG_NOSIGNAL}
     * @return bytes sent, or -1 with {@link #errno()}
     */
    public static long sendmsg(final int sockfd, final long msg, final int flags)
    {
        return CALLS.sendmsg(sockfd, msg, flags);
    }

    /**
     * {@code int prctl(int option, unsigned long arg2, ...)} with four further arguments.
     *
     * @param option e.g. {@link #PR_SET_TIMERSLACK}
     * @param arg2   first argument
     * @param arg3   second argument
     * @param arg4   third argument
     * @param arg5   fourth argument
     * @return the result, or -1 with {@link #errno()}
     */
    public static int prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        return CALLS.prctl(option, arg2, arg3, arg4, arg5);
    }


    // ------------------------------------------------------------------ setup helpers (cold path)

    /**
     * Opens a pipe. Allocates and frees an 8-byte native scratch; not for hot paths.
     *
     * @param flags {@link #O_NONBLOCK} and/or {@link #O_CLOEXEC}, or 0
     * @return both fds packed (see {@link #firstFd(long)}: the read end, {@link #secondFd(long)}: the
     *     write end), or -1 with {@link #errno()}
     */
    public static long pipe(final int flags)
    {
        final long fds = UnsafeApi.allocateMemory(8);
        try
        {
            return -1 == pipe2(fds, flags) ? -1 : pack(UnsafeApi.getInt(fds), UnsafeApi.getInt(fds + 4));
        }
        finally
        {
            UnsafeApi.freeMemory(fds);
        }
    }

    /**
     * Opens a connected socket pair. Allocates and frees an 8-byte native scratch; not for hot paths.
     *
     * @param domain {@link #AF_UNIX}
     * @param type   socket type, or-ed with {@link #SOCK_NONBLOCK} and/or {@link #SOCK_CLOEXEC}
     * @return both fds packed (see {@link #firstFd(long)} and {@link #secondFd(long)}), or -1 with
     *     {@link #errno()}
     */
    public static long socketPair(final int domain, final int type)
    {
        final long sv = UnsafeApi.allocateMemory(8);
        try
        {
            return -1 == socketpair(domain, type, 0, sv) ? -1 : pack(UnsafeApi.getInt(sv), UnsafeApi.getInt(sv + 4));
        }
        finally
        {
            UnsafeApi.freeMemory(sv);
        }
    }

    /**
     * @param pair a value from {@link #pipe(int)} or {@link #socketPair(int, int)}, not -1
     * @return the first fd of the pair (the read end of a pipe)
     */
    public static int firstFd(final long pair)
    {
        return (int)pair;
    }

    /**
     * @param pair a value from {@link #pipe(int)} or {@link #socketPair(int, int)}, not -1
     * @return the second fd of the pair (the write end of a pipe)
     */
    public static int secondFd(final long pair)
    {
        return (int)(pair >>> 32);
    }

    private static long pack(final int first, final int second)
    {
        return ((long)second << 32) | (first & 0xFFFF_FFFFL);
    }
}
