package io.jevent.bufferevent;

import io.jevent.loop.Errno;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.Transport;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The socket kind of {@link BufferEvent} (libevent's bufferevent_sock.c), on any backend's
 * {@link Transport}.
 * <ul>
 *   <li><b>Read</b>: on each readable wakeup, reads straight into the input's segments, each asking
 *       for the bufferevent's adaptive guess ({@link ReadSizer}, at most {@code maxSingleRead}) within
 *       the room below the read high watermark and the rate limit: one {@code read} when one segment
 *       holds the request, a scattering read across several otherwise. A read that fills its request
 *       is followed by another, up to {@code readsPerWakeup}; a short read means the socket is drained
 *       and ends the wakeup (level-triggered readiness brings it back), so no read only returns
 *       EAGAIN. 0 bytes is EOF: READ is disabled and eventcb(READING|EOF) runs, writing goes on
 *       (half-close). An input left empty gives its spare room back to the pool.</li>
 *   <li><b>Write</b>: {@link #write} never writes synchronously (libevent statement 60), but the loop
 *       tries the write <i>before</i> arming writability: appending to the output schedules one write
 *       later in the same loop pass, offering everything queued up to {@code maxSingleWrite} (one
 *       {@code send} for one extent, one gathering {@code sendmsg}/channel write for several), and
 *       only if the socket takes less than everything is the write event armed (with the write
 *       timeout). A message that fits the socket buffer thus costs one write call and no epoll_ctl or
 *       extra wakeup.</li>
 *   <li><b>Connect</b>: non-blocking; completion is seen through writability and reported as
 *       CONNECTED before any write; refusal as ERROR once, with both I/O events removed.</li>
 *   <li><b>No socket yet</b> (fd -1): the read and write events sit on fd -1, never ready, but their
 *       timeouts run (libevent statement 120); output waits for {@link #connect}.</li>
 * </ul>
 */
public final class SocketBufferEvent extends BufferEvent
{
    private final Transport transport;
    private Event readEvent;
    private Event writeEvent;
    private boolean connecting;
    private boolean connectionRefused;
    private boolean eventsWithoutSocket;
    private boolean flushScheduled;
    private int lastError;
    private final Runnable flushTask = this::flushFromLoop;

    SocketBufferEvent(final EventBase base, final Transport transport, final int options)
    {
        super(base, options);
        this.transport = transport;
        createEvents();
        if (transport.fd() >= 0 && 0 == (options & BevOptions.NAGLE))
        {
            transport.setTcpNoDelay(true);
        }
        bindBuffers();
    }

    @Override
    public int getFd()
    {
        return transport.fd();
    }

    @Override
    public int socketError()
    {
        return 0 != lastError ? lastError : transport.lastError();
    }

    /**
     * @return the transport (for socket options)
     */
    public Transport transport()
    {
        return transport;
    }

    /**
     * Starts a non-blocking connect (libevent {@code bufferevent_socket_connect}), opening a socket
     * first if there is none. No callback runs inside this call: CONNECTED or ERROR comes from the loop.
     *
     * @param address where to connect
     * @return 0 while connecting (also when refused at once: the ERROR is deferred), -1 on an
     *     immediate hard failure
     */
    public int connect(final InetSocketAddress address)
    {
        checkLive();
        final boolean hadSocket = transport.fd() >= 0;
        final int r = transport.connect(address);
        if (r < 0)
        {
            if (Errno.ECONNREFUSED == transport.lastError())
            {
                lastError = Errno.ECONNREFUSED;
                runEventsCallback(BevFlags.ERROR, BevOptions.DEFER_CALLBACKS);
                disable(EventFlags.READ | EventFlags.WRITE);
                return 0;
            }
            if (!hadSocket)
            {
                transport.close();
            }
            return -1;
        }
        if (eventsWithoutSocket)
        {
            readEvent.free();
            writeEvent.free();
            createEvents();
            if (0 == (options & BevOptions.NAGLE))
            {
                transport.setTcpNoDelay(true);
            }
        }
        connecting = true;
        addWrite();
        if (0 != (enabled & EventFlags.READ) && 0 == readSuspended)
        {
            addRead();
        }
        return 0;
    }

    private void createEvents()
    {
        eventsWithoutSocket = null == transport.channel() && transport.fd() < 0;
        if (null != transport.channel())
        {
            readEvent = base.newEvent(transport.channel(), EventFlags.READ | EventFlags.PERSIST, this::onReadable);
            writeEvent = base.newEvent(transport.channel(), EventFlags.WRITE | EventFlags.PERSIST, this::onWritable);
        }
        else
        {
            readEvent = base.newEvent(transport.fd(), EventFlags.READ | EventFlags.PERSIST, this::onReadable);
            writeEvent = base.newEvent(transport.fd(), EventFlags.WRITE | EventFlags.PERSIST, this::onWritable);
        }
    }

    // ------------------------------------------------------------------ enable / disable

    @Override
    int doEnable(final int what)
    {
        int rc = 0;
        if (0 != (what & EventFlags.READ) && 0 == readSuspended)
        {
            rc |= addRead();
        }
        if (0 != (what & EventFlags.WRITE) && 0 == writeSuspended)
        {
            rc |= addWrite();
        }
        return rc;
    }

    @Override
    int doDisable(final int what)
    {
        if (0 != (what & EventFlags.READ))
        {
            readEvent.del();
        }
        if (0 != (what & EventFlags.WRITE) && !connecting)
        {
            writeEvent.del();
        }
        return 0;
    }

    private int addRead()
    {
        return readTimeoutNanos > 0 ? readEvent.add(readTimeoutNanos, TimeUnit.NANOSECONDS) : readEvent.add();
    }

    private int addWrite()
    {
        return writeTimeoutNanos > 0 ? writeEvent.add(writeTimeoutNanos, TimeUnit.NANOSECONDS) : writeEvent.add();
    }

    @Override
    void timeoutsChanged()
    {
        if (0 != (readEvent.pending(EventFlags.READ)))
        {
            if (readTimeoutNanos > 0)
            {
                readEvent.add(readTimeoutNanos, TimeUnit.NANOSECONDS);
            }
            else
            {
                readEvent.removeTimer();
            }
        }
        if (0 != (writeEvent.pending(EventFlags.WRITE)))
        {
            if (writeTimeoutNanos > 0)
            {
                writeEvent.add(writeTimeoutNanos, TimeUnit.NANOSECONDS);
            }
            else
            {
                writeEvent.removeTimer();
            }
        }
    }

    @Override
    void readSuspendChanged(final boolean suspended)
    {
        if (freed)
        {
            return;
        }
        if (suspended)
        {
            readEvent.del();
        }
        else if (0 != (enabled & EventFlags.READ))
        {
            addRead();
        }
    }

    @Override
    void writeSuspendChanged(final boolean suspended)
    {
        if (freed)
        {
            return;
        }
        if (suspended)
        {
            if (!connecting)
            {
                writeEvent.del();
            }
        }
        else if (0 != (enabled & EventFlags.WRITE) && output.length() > 0)
        {
            addWrite();
        }
    }

    // ------------------------------------------------------------------ read path

    private void onReadable(final Event ev, final int fd, final int what)
    {
        if (freed)
        {
            return;
        }
        if (0 != (what & EventFlags.TIMEOUT) && 0 == (what & EventFlags.READ))
        {
            readFailed(BevFlags.READING | BevFlags.TIMEOUT);
            return;
        }
        if (connecting)
        {
            return;
        }
        long total = 0;
        for (int reads = 0; reads < readsPerWakeup && 0 == readSuspended && !freed; reads++)
        {
            int howmuch = null == rateLimiter ? readSizer.guess() : readAllowance();
            if (0 != readHigh)
            {
                final long room = readHigh - input.length();
                if (room <= 0)
                {
                    suspendRead(SUSPEND_WM);
                    break;
                }
                howmuch = (int)Math.min(howmuch, room);
            }
            if (howmuch <= 0)
            {
                break;
            }
            final long n = readOnce(howmuch);
            if (n > 0)
            {
                total += n;
                chargeRead(n);
                readSizer.record(howmuch, n);
                if (n < howmuch)
                {
                    break;
                }
                continue;
            }
            if (total > 0)
            {
                triggerInternal(EventFlags.READ, 0);
            }
            if (Transport.AGAIN != n && !freed)
            {
                readEnded(n);
            }
            else
            {
                trimInput();
            }
            return;
        }
        if (total > 0)
        {
            triggerInternal(EventFlags.READ, 0);
        }
        trimInput();
    }

    /**
     * After a read pass: an input left empty (the read callback took everything) gives back the spare
     * room the reads did not fill, so a connection going idle holds no segment.
     */
    private void trimInput()
    {
        if (!freed && 0 == input.length())
        {
            input.releaseSpares();
        }
    }

    private long readOnce(final int howmuch)
    {
        input.unfreeze(false);
        try
        {
            return transport.read(input, howmuch);
        }
        finally
        {
            input.freeze(false);
        }
    }

    /**
     * A read returned 0 (EOF) or an error: READ is disabled and the event callback told, except a
     * refused connect seen first by a read, which the connect completion reports.
     */
    private void readEnded(final long n)
    {
        if (Transport.ERROR == n)
        {
            if (Errno.ECONNREFUSED == transport.lastError() && connecting)
            {
                connectionRefused = true;
                return;
            }
            lastError = transport.lastError();
            readFailed(BevFlags.READING | BevFlags.ERROR);
            return;
        }
        readFailed(BevFlags.READING | BevFlags.EOF);
    }

    private void readFailed(final int what)
    {
        disable(EventFlags.READ);
        runEventsCallback(what, 0);
    }

    // ------------------------------------------------------------------ write path

    @Override
    void outputChanged(final long added)
    {
        if (added > 0)
        {
            outputGrew();
        }
        outputChanged();
    }

    private void outputGrew()
    {
        if (freed || connecting || flushScheduled || 0 == (enabled & EventFlags.WRITE) ||
            0 != writeSuspended || 0 != writeEvent.pending(EventFlags.WRITE))
        {
            return;
        }
        if (eventsWithoutSocket)
        {
            addWrite();
            return;
        }
        flushScheduled = true;
        base.defer(flushTask);
    }

    /**
     * The write attempted before arming writability: one gathering write; armed only if data remains.
     */
    private void flushFromLoop()
    {
        flushScheduled = false;
        if (freed || connecting || 0 == (enabled & EventFlags.WRITE) || 0 != writeSuspended ||
            0 != writeEvent.pending(EventFlags.WRITE) || 0 == output.length())
        {
            return;
        }
        final long n = writeSome();
        if (Transport.ERROR == n || freed)
        {
            return;
        }
        if (output.length() > 0)
        {
            addWrite();
        }
        else
        {
            output.releaseSpares();
        }
        if (n > 0)
        {
            triggerInternal(EventFlags.WRITE, 0);
        }
    }

    /**
     * Up to {@code writesPerWakeup} gathering writes while each is taken whole and output remains: each
     * offers everything queued up to the write quantum ({@code maxSingleWrite}, IOV_MAX extents).
     *
     * @return bytes written in all (0 if the socket took nothing), or {@link Transport#ERROR}
     */
    private long writeSome()
    {
        long total = 0;
        for (int i = 0; i < writesPerWakeup && output.length() > 0 && 0 == writeSuspended; i++)
        {
            final long n = writeOnce();
            if (Transport.ERROR == n)
            {
                return n;
            }
            if (n <= 0)
            {
                break;
            }
            total += n;
            if (freed || n < output.preparedBytes())
            {
                break;
            }
        }
        return total;
    }

    /**
     * @return bytes written, {@link Transport#AGAIN}, or {@link Transport#ERROR} after reporting it
     */
    private long writeOnce()
    {
        final int atMost = null == rateLimiter ? maxSingleWrite : writeAllowance();
        if (0 == atMost)
        {
            return Transport.AGAIN;
        }
        output.unfreeze(true);
        final long n;
        try
        {
            n = transport.write(output, atMost);
        }
        finally
        {
            output.freeze(true);
        }
        if (Transport.ERROR == n)
        {
            lastError = transport.lastError();
            writeFailed(BevFlags.WRITING | BevFlags.ERROR);
        }
        else if (n > 0)
        {
            chargeWrite(n);
        }
        return n;
    }

    private void writeFailed(final int what)
    {
        disable(EventFlags.WRITE);
        runEventsCallback(what, 0);
    }

    private void onWritable(final Event ev, final int fd, final int what)
    {
        if (freed)
        {
            return;
        }
        if (0 != (what & EventFlags.TIMEOUT) && 0 == (what & EventFlags.WRITE))
        {
            writeFailed(BevFlags.WRITING | BevFlags.TIMEOUT);
            return;
        }
        boolean connected = false;
        if (connecting)
        {
            int c = transport.finishConnect();
            if (connectionRefused)
            {
                connectionRefused = false;
                c = -1;
            }
            if (0 == c)
            {
                return;
            }
            connecting = false;
            if (c < 0)
            {
                lastError = 0 != transport.lastError() ? transport.lastError() : Errno.ECONNREFUSED;
                writeEvent.del();
                readEvent.del();
                runEventsCallback(BevFlags.ERROR, 0);
                return;
            }
            connected = true;
            runEventsCallback(BevFlags.CONNECTED, 0);
            if (freed || 0 == (enabled & EventFlags.WRITE) || 0 != writeSuspended)
            {
                if (!freed)
                {
                    writeEvent.del();
                }
                return;
            }
        }
        long n = 0;
        if (output.length() > 0)
        {
            n = writeSome();
            if (Transport.ERROR == n || 0 == n || freed)
            {
                return;
            }
        }
        if (0 == output.length())
        {
            writeEvent.del();
            output.releaseSpares();
        }
        if (n > 0 || !connected)
        {
            triggerInternal(EventFlags.WRITE, 0);
        }
    }

    // ------------------------------------------------------------------ free

    @Override
    void removeIo()
    {
        readEvent.free();
        writeEvent.free();
    }

    @Override
    void closeTransport()
    {
        if (0 != (options & BevOptions.CLOSE_ON_FREE))
        {
            transport.close();
        }
    }
}
