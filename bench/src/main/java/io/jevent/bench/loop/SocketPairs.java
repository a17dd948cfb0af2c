package io.jevent.bench.loop;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventCallback;

/**
 * N connected AF_UNIX stream socket pairs, as bench.c and bench_cascade.c use them: pair i's read
 * end carries the event, its write end receives the 1-byte tokens. Two implementations, one per kind
 * of fd a backend takes: raw fds through libc ({@link FdSocketPairs}, for epoll) and JDK
 * {@code SocketChannel}s ({@link ChannelSocketPairs}, for nio). Their 1-byte send and receive
 * allocate nothing.
 */
public abstract class SocketPairs implements AutoCloseable
{
    protected final int n;

    /**
     * @param n number of pairs
     */
    protected SocketPairs(final int n)
    {
        this.n = n;
    }

    /**
     * Opens the pairs a backend can watch.
     *
     * @param backend "epoll" (raw fds) or "nio" (channels)
     * @param n       number of pairs
     * @return the pairs, all open
     * @throws Exception if the pairs cannot be opened (fd limit, ...)
     */
    public static SocketPairs open(final String backend, final int n) throws Exception
    {
        return "epoll".equals(backend) ? new FdSocketPairs(n) : new ChannelSocketPairs(n);
    }

    /**
     * @return number of pairs
     */
    public final int size()
    {
        return n;
    }

    /**
     * A new event on pair i's read end.
     *
     * @param base     the loop
     * @param i        the pair
     * @param events   event flags
     * @param callback what to run
     * @return the event, not yet added
     */
    public abstract Event newReadEvent(EventBase base, int i, int events, EventCallback callback);

    /**
     * Receives one byte from pair i's read end (one recv/read call).
     *
     * @param i the pair
     * @return bytes received (1), 0 at end of stream, or -1 on error
     */
    public abstract int recvOne(int i);

    /**
     * Sends the byte 'e' into pair i's write end (one send/write call).
     *
     * @param i the pair
     * @return bytes sent (1), or -1 / 0 on error
     */
    public abstract int sendOne(int i);

    /**
     * Closes every fd.
     */
    @Override
    public abstract void close();
}
