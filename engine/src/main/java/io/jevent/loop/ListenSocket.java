package io.jevent.loop;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * A listening stream socket as a backend does it (accept4 on epoll, ServerSocketChannel on nio).
 * Loop thread only.
 */
public interface ListenSocket extends AutoCloseable
{
    /**
     * @return the fd
     */
    int fd();

    /**
     * @return the channel on channel backends (nio), else null
     */
    SelectableChannel channel();

    /**
     * Accepts one pending connection, non-blocking and close-on-exec unless asked otherwise.
     *
     * @param into        filled with the new socket
     * @param nonBlocking false to leave the accepted socket blocking
     * @return 1 accepted, 0 none pending, -1 error (see {@link #lastError()})
     */
    int accept(AcceptedSocket into, boolean nonBlocking);

    /**
     * Closes a socket this listener accepted but nobody took.
     *
     * @param socket the accepted socket
     */
    void reject(AcceptedSocket socket);

    /**
     * @return the bound address
     */
    InetSocketAddress localAddress();

    /**
     * @return errno of the last failure
     */
    int lastError();

    /**
     * Closes the listening socket. Idempotent.
     */
    @Override
    void close();

    /**
     * Lets go of the socket without closing it (its owner closes it): releases what this wrapper
     * holds besides the fd. Afterwards every call fails as after {@link #close()}. Idempotent.
     */
    default void release()
    {
    }
}
