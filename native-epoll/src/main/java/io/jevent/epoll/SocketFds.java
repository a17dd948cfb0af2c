package io.jevent.epoll;

import io.jevent.loop.Errno;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * Closing a socket that may belong to a JDK channel: the channel closes it (so the JDK's own state
 * stays right), a bare fd is closed with close(2).
 */
final class SocketFds
{
    private SocketFds()
    {
    }

    /**
     * @param fd      the fd, at least 0
     * @param channel the channel owning it, or null
     * @return 0, or EIO if the channel failed to close
     */
    static int close(final int fd, final SelectableChannel channel)
    {
        if (null == channel)
        {
            LibC.close(fd);
            return 0;
        }
        try
        {
            channel.close();
            return 0;
        }
        catch (final IOException ex)
        {
            return Errno.EIO;
        }
    }
}
