package io.jevent.loop;

/**
 * Receives readiness from an {@link IoBackend#poll}. Implemented by the loop; no allocation per call.
 */
public interface ReadySink
{
    /**
     * @param record the fd that is ready
     * @param what   READ, WRITE and/or CLOSED
     */
    void ready(FdRecord record, int what);

    /**
     * Readiness reported by fd number, as epoll does: ignored if the fd is no longer registered under
     * that generation (a callback closed it and the number was reused).
     *
     * @param fd         the fd number
     * @param generation the generation registered with the kernel
     * @param what       READ, WRITE and/or CLOSED
     */
    void readyFd(int fd, int generation, int what);
}
