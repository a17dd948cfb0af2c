package io.jevent.loop;

/**
 * The I/O multiplexer under an {@link EventBase} (libevent's {@code eventop}): epoll through JNA in
 * module native-epoll, or a java.nio Selector. Only the loop thread calls it, except
 * {@link #wakeup()}. Interest changes arrive already de-duplicated: the loop asks for a change that
 * would leave the registered interest as it is only when another event joins an fd already registered
 * for the same kinds, to re-verify the registration (the fd may have been closed without its events
 * being deleted and its number reused, libevent's and Netty's stale-fd case); a backend recovers from
 * ENOENT/EEXIST there as on any change.
 */
public interface IoBackend extends AutoCloseable
{
    /** Feature: reports {@link EventFlags#CLOSED} (peer half-close). */
    int FEATURE_CLOSED = 0x01;
    /** Feature: supports {@link EventFlags#ET}. */
    int FEATURE_ET = 0x02;
    /** Feature: accepts raw fds, not only SelectableChannels. */
    int FEATURE_RAW_FDS = 0x04;

    /**
     * @return the method name, e.g. {@code "epoll"} or {@code "nio"}
     */
    String method();

    /**
     * @return how the backend reaches the kernel: {@code "ffm"} or {@code "jna"} for epoll's libc
     *     binding, {@code "jdk"} for a backend built on the JDK's own classes (nio)
     */
    default String binding()
    {
        return "jdk";
    }

    /**
     * @return OR of the FEATURE_ constants
     */
    int features();

    /**
     * Changes the registered interest of one fd.
     *
     * @param record      the fd; its {@link FdRecord#interest()} still holds what is registered now
     *                    (0 if nothing)
     * @param newInterest what to register (0 to remove), READ/WRITE/CLOSED/ET
     * @return 0, or -1 if the backend refused (the reason is in {@link #lastError()})
     */
    int update(FdRecord record, int newInterest);

    /**
     * Waits for readiness and reports it to {@code sink}.
     *
     * @param timeoutNanos -1 to block until something happens, 0 to poll, otherwise the longest wait
     * @param sink         receives each ready fd
     * @return number of ready fds reported, or -1 on a backend failure (see {@link #lastError()})
     */
    int poll(long timeoutNanos, ReadySink sink);

    /**
     * @return how buffered sockets do I/O on this backend
     */
    TransportFactory transports();

    /**
     * Tells the backend whose thread may run I/O through its transports: their reads and writes ask
     * {@code owner} first, so a transport used from a foreign thread throws instead of sharing the
     * loop's native scratch. Called once by the loop that created the backend.
     *
     * @param owner the loop
     */
    default void owner(final io.jevent.buffer.BufferOwner owner)
    {
    }

    /**
     * Makes a blocked {@link #poll} return; callable from any thread.
     */
    void wakeup();

    /**
     * @return a description of the last failure, or null
     */
    String lastError();

    /**
     * @return syscalls made by this backend so far (poll, interest changes, wakeups)
     */
    long syscalls();

    /**
     * @return the data-path counters this backend's poll and its transports write (loop thread only)
     */
    IoCounters ioCounters();

    /**
     * Releases the backend's resources.
     */
    @Override
    void close();
}
