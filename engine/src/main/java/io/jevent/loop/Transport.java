package io.jevent.loop;

import io.jevent.buffer.Evbuffer;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * Stream-socket I/O for buffered sockets, done the way the backend does it best: read/readv and
 * send/sendmsg on raw fds for epoll, SocketChannel calls for nio; one extent is a plain read or write,
 * several a scattering or gathering call. Each call is counted in the loop's {@link IoCounters}.
 * Returns are primitives; errors keep their errno-like code in {@link #lastError()} so EAGAIN costs
 * no exception. Loop thread only.
 */
public interface Transport extends AutoCloseable
{
    /** Result: nothing could be transferred now (EAGAIN); wait for readiness. */
    long AGAIN = -1;
    /** Result: a hard error; see {@link #lastError()} and {@link #lastErrorMessage()}. */
    long ERROR = -2;

    /** {@link #connect} result: connected at once. */
    int CONNECTED = 0;
    /** {@link #connect} result: in progress; writability reports the outcome. */
    int IN_PROGRESS = 1;

    /**
     * @return the fd, or -1 if there is no socket yet
     */
    int fd();

    /**
     * @return the channel, for backends that register channels (nio), else null
     */
    SelectableChannel channel();

    /**
     * One read of at most {@code max} bytes into the tail of {@code in} (scattering only across several
     * extents).
     *
     * @param in  destination
     * @param max most bytes
     * @return bytes read (&gt; 0), 0 at end of stream, {@link #AGAIN} or {@link #ERROR}
     */
    long read(Evbuffer in, int max);

    /**
     * One write of at most {@code max} bytes from the front of {@code out} (gathering only across several
     * extents), drained after.
     * Never raises SIGPIPE: a closed peer gives {@link #ERROR} (EPIPE or ECONNRESET).
     *
     * @param out source
     * @param max most bytes
     * @return bytes written (&gt;= 0), {@link #AGAIN} or {@link #ERROR}
     */
    long write(Evbuffer out, long max);

    /**
     * Starts a non-blocking connect, opening a socket first if there is none.
     *
     * @param address where to connect
     * @return {@link #CONNECTED}, {@link #IN_PROGRESS}, or -1 (see {@link #lastError()})
     */
    int connect(InetSocketAddress address);

    /**
     * Checks a connect in progress (on writability).
     *
     * @return 1 connected, 0 still in progress, -1 failed (see {@link #lastError()})
     */
    int finishConnect();

    /**
     * Sets TCP_NODELAY (ignored for non-TCP sockets).
     *
     * @param on whether to disable Nagle's algorithm
     * @return 0 or -1
     */
    int setTcpNoDelay(boolean on);

    /**
     * Sets SO_SNDBUF or SO_RCVBUF.
     *
     * @param send   true for SO_SNDBUF
     * @param bytes  size
     * @return 0 or -1
     */
    int setBufferSize(boolean send, int bytes);

    /**
     * @return the peer's address, or null if unknown; allocates
     */
    InetSocketAddress remoteAddress();

    /**
     * @return the last error's errno (0 if none)
     */
    int lastError();

    /**
     * @return the last error as text; allocates
     */
    String lastErrorMessage();

    /**
     * Half-closes the sending side (shutdown SHUT_WR).
     */
    void shutdownOutput();

    /**
     * Closes the socket. Idempotent.
     */
    @Override
    void close();
}
