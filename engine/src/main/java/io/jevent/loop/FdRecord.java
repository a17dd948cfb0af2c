package io.jevent.loop;

import java.nio.channels.SelectableChannel;

/**
 * Everything an {@link EventBase} knows about one fd (libevent's {@code evmap_io} entry): the events
 * registered on it, the interest currently registered with the backend, and the backend's own
 * attachment. Backends read it; only the loop changes it.
 */
public final class FdRecord
{
    final int fd;
    SelectableChannel channel;
    int interest;
    int generation;
    int nRead;
    int nWrite;
    int nClosed;
    int nEdge;
    /** The events added on the fd, most recent first (libevent's {@code evmap_io.events}). */
    final IntrusiveList events = new IntrusiveList();
    Object attachment;

    FdRecord(final int fd)
    {
        this.fd = fd;
    }

    /**
     * @return the fd number
     */
    public int fd()
    {
        return fd;
    }

    /**
     * @return the channel events were registered with, or null for raw fds
     */
    public SelectableChannel channel()
    {
        return channel;
    }

    /**
     * @return the interest (READ, WRITE, CLOSED, ET) registered with the backend
     */
    public int interest()
    {
        return interest;
    }

    /**
     * @return a number that changes each time the fd is registered anew, to recognise stale readiness
     */
    public int generation()
    {
        return generation;
    }

    /**
     * @return the backend's attachment (for java.nio, the SelectionKey)
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * @param attachment the backend's attachment
     */
    public void setAttachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    int wanted()
    {
        int w = 0;
        if (nRead > 0)
        {
            w |= EventFlags.READ;
        }
        if (nWrite > 0)
        {
            w |= EventFlags.WRITE;
        }
        if (nClosed > 0)
        {
            w |= EventFlags.CLOSED;
        }
        if (0 != w && nEdge > 0)
        {
            w |= EventFlags.ET;
        }
        return w;
    }
}
