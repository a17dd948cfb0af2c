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
}
