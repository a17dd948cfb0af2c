package io.jevent.epoll;

/**
 * The libc calls of {@link LibC}, as one small interface with two bindings: JNA direct mapping
 * ({@link JnaCalls}, JDK 17+) and java.lang.foreign ({@code FfmCalls}, JDK 22+, in the jar's
 * {@code META-INF/versions/22}). {@link LibC} holds exactly one instance in a static final field, so
 * the JIT inlines through it to the bound call. Every argument and result is a primitive; pointers are
 * raw {@code long} addresses.
 * <p>
 * This base class is the <em>unbound</em> binding: every call throws {@link UnsatisfiedLinkError}
 * naming why nothing could be bound. The two bindings override every method.
 */
class NativeCalls
{
    /** The name of the unbound binding. */
    static final String NONE = "none";

    private final String cause;

    /**
     * @param cause why nothing is bound, shown by every call
     */
    NativeCalls(final String cause)
    {
        this.cause = cause;
    }

    /**
     * @return {@code "jna"}, {@code "ffm"} or {@link #NONE}
     */
    String name()
    {
        return NONE;
    }

    /**
     * @return true if {@code epoll_pwait2} is bound (the symbol exists; the kernel may still refuse it)
     */
    boolean hasPwait2()
    {
        return false;
    }

    private UnsatisfiedLinkError unbound()
    {
        return new UnsatisfiedLinkError("libc is not bound: " + cause);
    }

    int errno()
    {
        throw unbound();
    }

    long read(final int fd, final long buf, final long count)
    {
        throw unbound();
    }

    long write(final int fd, final long buf, final long count)
    {
        throw unbound();
    }

    long readv(final int fd, final long iov, final int iovcnt)
    {
        throw unbound();
    }

    long writev(final int fd, final long iov, final int iovcnt)
    {
        throw unbound();
    }

    int close(final int fd)
    {
        throw unbound();
    }

    int pipe2(final long pipefd, final int flags)
    {
        throw unbound();
    }

    int socketpair(final int domain, final int type, final int protocol, final long sv)
    {
        throw unbound();
    }

    long send(final int sockfd, final long buf, final long len, final int flags)
    {
        throw unbound();
    }

    long recv(final int sockfd, final long buf, final long len, final int flags)
    {
        throw unbound();
    }

    int shutdown(final int sockfd, final int how)
    {
        throw unbound();
    }

    int epollCreate1(final int flags)
    {
        throw unbound();
    }

    int epollCtl(final int epfd, final int op, final int fd, final long event)
    {
        throw unbound();
    }

    int epollWait(final int epfd, final long events, final int maxevents, final int timeout)
    {
        throw unbound();
    }

    int epollPwait2(final int epfd, final long events, final int maxevents, final long timeout, final long sigmask)
    {
        throw unbound();
    }

    int eventfd(final int initval, final int flags)
    {
        throw unbound();
    }

    int socket(final int domain, final int type, final int protocol)
    {
        throw unbound();
    }

    int bind(final int sockfd, final long addr, final int addrlen)
    {
        throw unbound();
    }

    int listen(final int sockfd, final int backlog)
    {
        throw unbound();
    }

    int accept4(final int sockfd, final long addr, final long addrlen, final int flags)
    {
        throw unbound();
    }

    int connect(final int sockfd, final long addr, final int addrlen)
    {
        throw unbound();
    }

    int getsockopt(final int sockfd, final int level, final int optname, final long optval, final long optlen)
    {
        throw unbound();
    }

    int setsockopt(final int sockfd, final int level, final int optname, final long optval, final int optlen)
    {
        throw unbound();
    }

    int getsockname(final int sockfd, final long addr, final long addrlen)
    {
        throw unbound();
    }

    int getpeername(final int sockfd, final long addr, final long addrlen)
    {
        throw unbound();
    }

    long sendmsg(final int sockfd, final long msg, final int flags)
    {
        throw unbound();
    }

    int prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        throw unbound();
    }
}
