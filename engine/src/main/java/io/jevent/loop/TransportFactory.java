package io.jevent.loop;

import java.nio.channels.SelectableChannel;

/**
 * Makes {@link Transport}s for a backend ({@link IoBackend#transports()}).
 */
public interface TransportFactory
{
    /**
     * @param channel a connected or connecting SocketChannel
     * @return a transport over it
     */
    Transport wrap(SelectableChannel channel);

    /**
     * @param fd a raw socket fd (backends with {@link IoBackend#FEATURE_RAW_FDS})
     * @return a transport over it
     * @throws UnsupportedOperationException if the backend has no raw fds
     */
    Transport wrap(int fd);

    /**
     * @return a transport with no socket yet, for {@link Transport#connect}
     */
    Transport unconnected();

    /** {@link #listen} flag: SO_REUSEADDR. */
    int LISTEN_REUSEADDR = 0x08;
    /** {@link #listen} flag: SO_REUSEPORT, so several loops can each own a listener on one port. */
    int LISTEN_REUSEPORT = 0x80;
    /** {@link #listen} flag: IPV6_V6ONLY. */
    int LISTEN_IPV6ONLY = 0x100;

    /**
     * Creates a non-blocking listening socket with SO_KEEPALIVE, binds and listens.
     *
     * @param address where to bind
     * @param flags   LISTEN_* flags
     * @param backlog listen backlog, at least 1
     * @return the socket
     * @throws java.io.UncheckedIOException if any step fails (the socket is closed)
     */
    ListenSocket listen(java.net.InetSocketAddress address, int flags, int backlog);

    /**
     * Wraps a bound, listening ServerSocketChannel.
     *
     * @param channel the channel
     * @return the socket
     */
    ListenSocket listener(SelectableChannel channel);

    /**
     * Wraps a raw listening fd (raw-fd backends).
     *
     * @param fd      the fd
     * @param backlog above 0: listen(backlog) first; below 0: listen(128); 0: already listening
     * @return the socket
     */
    ListenSocket listener(int fd, int backlog);
}
