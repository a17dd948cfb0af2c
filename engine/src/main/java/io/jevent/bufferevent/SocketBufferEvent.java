package io.jevent.bufferevent;

import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.Errno;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.Transport;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
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
 * <h2>Write timeouts</h2>
 * The write timeout runs while output waits for writability and restarts with every writable
 * wakeup, as libevent's persistent write event does: it fires only when a whole {@code write}
 * period passes without one. TCP itself can go that long without writability while the peer
 * reads. When the peer's window is smaller than one segment, the kernel sends only on its
 * zero-window probe timer: at least 200 ms on Linux (the minimum RTO), doubling per unanswered
 * probe. Meanwhile the unsent segment keeps the socket unwritable. This happens over loopback when
 * a peer lowers SO_RCVBUF after the handshake: segments are sized to half the largest window it
 * ever offered (32 KiB), and every write of 32 KiB or more queues one. Every writer and backend
 * sees it, so keep write timeouts well above a few hundred milliseconds.
 * <h2>Differences from libevent's socket bufferevent, on purpose</h2>
 * Besides those of {@link BufferEvent}:
 * <ul>
 *   <li><b>Adaptive reads, whole-queue writes</b>: each read asks for an adaptive guess (4x larger
 *       after a read that filled it, halved after two that filled less than half) below the maximum
 *       single read, 256 KiB by default (libevent 2.1: 4096 per evbuffer_read, 2.2: 16 KiB); it is one
 *       {@code read} into one segment when one is enough. A readable wakeup may read again while each
 *       read fills its whole request, up to {@link BufferEventConfiguration#READS_PER_WAKEUP_DEFAULT}
 *       reads, before one readcb (libevent: one read per wakeup, its issue 798); a short read means the
 *       socket is drained and ends the run without a read that would only return EAGAIN.
 *       {@code setReadsPerWakeup(1)} restores libevent's behaviour. A write offers everything queued, up
 *       to the maximum single write (1 MiB by default) and IOV_MAX extents, in one
 *       {@code send}/{@code sendmsg}, and may repeat up to
 *       {@link BufferEventConfiguration#WRITES_PER_WAKEUP_DEFAULT} times while each is taken whole.
 *       Defaults are properties of {@link BufferEventConfiguration}.</li>
 * </ul>
 */
public final class SocketBufferEvent extends BufferEvent
{
    private final Transport transport;
    private final int configuredMaxSingleRead = BufferEventConfiguration.maxSingleRead();
    private final int configuredMaxSingleWrite = BufferEventConfiguration.maxSingleWrite();
    private final ReadSizer readSizer = new ReadSizer(BufferEventConfiguration.minRead(),
        BufferEventConfiguration.initialRead(), configuredMaxSingleRead);
    private int maxSingleWrite = configuredMaxSingleWrite;
    private int readsPerWakeup = BufferEventConfiguration.readsPerWakeup();
    private int writesPerWakeup = BufferEventConfiguration.writesPerWakeup();
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

    /**
     * A socket bufferevent on a channel (libevent {@code bufferevent_socket_new}). Works on every
     * backend; on epoll the channel's fd is used directly.
     *
     * @param base    the loop
     * @param channel a socket channel (connected or connecting), or null to {@link #connect} later
     * @param options {@link BevOptions}
     * @return the bufferevent, with WRITE enabled and nothing registered yet
     */
    public static SocketBufferEvent create(final EventBase base, final SocketChannel channel, final int options)
    {
        return new SocketBufferEvent(base, null == channel ? base.transports().unconnected() :
            base.transports().wrap(channel), options);
    }

    /**
     * A socket bufferevent on a raw fd (epoll backend), or with no socket when fd is -1.
     *
     * @param base    the loop
     * @param fd      a non-blocking socket fd, or -1
     * @param options {@link BevOptions}
     * @return the bufferevent
     */
    public static SocketBufferEvent create(final EventBase base, final int fd, final int options)
    {
        return new SocketBufferEvent(base, fd < 0 ? base.transports().unconnected() :
            base.transports().wrap(fd), options);
    }

    /**
     * A socket bufferevent on a connection a listener just accepted, whichever backend accepted it.
     *
     * @param base     the loop
     * @param accepted from the accept callback
     * @param options  {@link BevOptions}
     * @return the bufferevent
     */
    public static SocketBufferEvent create(final EventBase base, final AcceptedSocket accepted,
        final int options)
    {
        return null != accepted.channel() ? create(base, (SocketChannel)accepted.channel(), options) :
            create(base, accepted.fd(), options);
    }

    @Override
    public int fd()
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
                callbacks.runEvents(BevFlags.ERROR, BevOptions.DEFER_CALLBACKS);
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

    // ------------------------------------------------------------------ read sizing and write quantum

    /**
     * Caps every read (libevent {@code bufferevent_set_max_single_read}). Reads are sized adaptively
     * below the cap (see {@link BufferEventConfiguration}); {@link #nextReadSize()} tells the next one.
     *
     * @param bytes most bytes per read, 1 or more (0 restores the configured default)
     */
    public void setMaxSingleRead(final int bytes)
    {
        checkLive();
        readSizer.max(0 == bytes ? configuredMaxSingleRead : Math.max(1, bytes));
    }

    /**
     * @return what the next read will ask for before the read high watermark and rate limits cap it:
     *     the adaptive guess, at most {@link #maxSingleRead()}
     */
    public int nextReadSize()
    {
        return readSizer.guess();
    }

    /**
     * @param reads most reads per readable wakeup, at least 1 (1 is libevent's behaviour)
     */
    public void setReadsPerWakeup(final int reads)
    {
        if (reads < 1)
        {
            throw new IllegalArgumentException("reads must be >= 1: " + reads);
        }
        checkLive();
        readsPerWakeup = reads;
    }

    /**
     * @param writes most writes per flush or writable wakeup, at least 1 (1 is libevent's behaviour)
     */
    public void setWritesPerWakeup(final int writes)
    {
        if (writes < 1)
        {
            throw new IllegalArgumentException("writes must be >= 1: " + writes);
        }
        checkLive();
        writesPerWakeup = writes;
    }

    /**
     * Caps every gathering write (libevent {@code bufferevent_set_max_single_write}): one write call
     * offers the kernel everything queued up to this many bytes (and IOV_MAX extents), with no copy on
     * either backend. The kernel takes what its send buffer allows, and the rest waits for
     * writability. A large quantum does not make a socket stall by itself, but see
     * {@link #setTimeouts} for a peer whose window has shrunk below one segment.
     *
     * @param bytes most bytes per write, 1 or more (0 restores the configured default)
     */
    public void setMaxSingleWrite(final int bytes)
    {
        checkLive();
        maxSingleWrite = 0 == bytes ? configuredMaxSingleWrite : Math.max(1, bytes);
    }

    /**
     * @return most bytes per read
     */
    public int maxSingleRead()
    {
        return readSizer.max();
    }

    /**
     * @return most bytes per write
     */
    public int maxSingleWrite()
    {
        return maxSingleWrite;
    }

    @Override
    int maxSingleReadBytes()
    {
        return readSizer.max();
    }

    @Override
    int maxSingleWriteBytes()
    {
        return maxSingleWrite;
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
            int howmuch = rateLimiter.isLimited() ? rateLimiter.readAllowance(readSizer.guess()) : readSizer.guess();
            if (0 != watermarks.readHigh)
            {
                final long room = watermarks.readHigh - input.length();
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
                rateLimiter.chargeRead(n);
                readSizer.record(howmuch, n);
                if (n < howmuch || null != rateLimiter.group)
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
        callbacks.runEvents(what, 0);
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
     * The write attempted before arming writability: one gathering write; armed only if data remains and
     * the write did not suspend writing (an emptied rate-limit bucket re-arms it when it refills).
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
            if (0 == writeSuspended)
            {
                addWrite();
            }
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
            if (freed || n < output.preparedBytes() || null != rateLimiter.group)
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
        final int atMost = rateLimiter.isLimited() ? rateLimiter.writeAllowance(maxSingleWrite) : maxSingleWrite;
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
            rateLimiter.chargeWrite(n);
        }
        return n;
    }

    private void writeFailed(final int what)
    {
        disable(EventFlags.WRITE);
        callbacks.runEvents(what, 0);
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
                callbacks.runEvents(BevFlags.ERROR, 0);
                return;
            }
            connected = true;
            callbacks.runEvents(BevFlags.CONNECTED, 0);
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
