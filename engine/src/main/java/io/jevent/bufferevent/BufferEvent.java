package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.EvbufferOwnerHook;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * libevent's {@code bufferevent}: an input and an output {@link Evbuffer} over a transport, with
 * read, write and event callbacks, watermarks, timeouts and deferred callbacks. This class holds
 * what every kind shares (libevent's bufferevent.c); {@link #socket} makes the socket kind.
 *
 * <h2>Semantics</h2>
 * Those of libevent 2.1 (libevent-semantics.md §1.6–1.11): a new bufferevent has WRITE enabled and
 * nothing registered; user code cannot append to the input nor drain the output (their ends are
 * frozen, as in libevent); readcb runs when the input reaches the read low watermark; writecb when
 * the output falls to the write low watermark; EOF, errors and timeouts disable their direction and
 * reach the event callback; {@link #free()} clears the callbacks at once and closes later.
 *
 * <h2>Differences from libevent, on purpose</h2>
 * <ul>
 *   <li><b>High watermark without a busy loop</b> (libevent issue 891): at the read high watermark
 *       reading is suspended and resumes as soon as the input drops below it, as in libevent; but a
 *       read callback that leaves the input at or above the mark is <i>not</i> re-invoked over and
 *       over as in 2.1.11+. The data waits until the application drains it, or calls
 *       {@link #trigger(int, int)} to be called again.</li>
 *   <li><b>Bounded output</b> with {@link BevOptions#BOUNDED_OUTPUT}: the write high watermark caps
 *       the output (issues 1211, 1466).</li>
 *   <li><b>Adaptive reads, whole-queue writes</b>: each read asks for an adaptive guess (4x larger
 *       after a read that filled it, halved after two that filled less than half) below the maximum
 *       single read, 256 KiB by default (libevent 2.1: 4096 per evbuffer_read, 2.2: 16 KiB); it is one
 *       {@code read} into one segment when one is enough. A readable wakeup may read again while each
 *       read fills its whole request, up to {@link #READS_PER_WAKEUP_DEFAULT} reads, before one readcb
 *       (libevent: one read per wakeup, its issue 798); a short read means the socket is drained and
 *       ends the run without a read that would only return EAGAIN. {@code setReadsPerWakeup(1)}
 *       restores libevent's behaviour. A write offers everything queued, up to the maximum single
 *       write (1 MiB by default) and IOV_MAX extents, in one {@code send}/{@code sendmsg}, and may
 *       repeat up to {@link #WRITES_PER_WAKEUP_DEFAULT} times while each is taken whole. Defaults are
 *       properties of {@link BufferEventConfiguration}.</li>
 *   <li><b>Idle connections hold no memory</b>: by default the input and output keep no drained
 *       segment as a spare, and spare room is returned to the pool when a buffer empties, so an idle
 *       connection with empty buffers holds no segment.</li>
 *   <li><b>Deferred events</b> (libevent 2.1.12): the events flags pending for a deferred run are one
 *       mask; a CONNECTED pending when the run starts is delivered first, on its own, and anything
 *       triggered during the run, CONNECTED included, arrives in one callback with exactly its bits.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * A bufferevent belongs to its base (see {@link EventBase}, "Threads"): it may be created on any thread
 * (an acceptor thread building it for a worker loop, then handing it over with {@link EventBase#execute})
 * and is used on the loop thread; its input and output buffers likewise. While the loop runs, a call
 * from another thread throws {@link io.jevent.loop.WrongThreadException} and changes nothing. With
 * {@link BevOptions#THREADSAFE}, writes, enable, disable and free are accepted from any thread and,
 * unless the caller is the loop thread itself, handed to the loop (writes are copied into a staging
 * buffer first; see {@code RemoteWrites}): while no loop runs they wait for the next loop run or for
 * the base's free, so that a loop starting meanwhile never races them, and the loop thread's own writes
 * let staged bytes go first, so one thread's writes keep their order. Off the loop thread these calls
 * throw {@link java.util.concurrent.RejectedExecutionException} when the loop's inbox is full (nothing
 * was done). After the base is freed every call but {@link #free()} throws {@link IllegalStateException}.
 * After its base is freed, {@link #free()} still closes the socket (CLOSE_ON_FREE) and returns the
 * buffers' memory at once.
 */
public abstract class BufferEvent
{
    /** {@code write*} result under {@link BevOptions#BOUNDED_OUTPUT} when the output is full. */
    public static final int OUTPUT_FULL = -2;
    /** Default most bytes per read (libevent's max_single_read); see {@link BufferEventConfiguration}. */
    public static final int MAX_SINGLE_READ_DEFAULT = BufferEventConfiguration.MAX_SINGLE_READ_DEFAULT;
    /** Default most bytes per gathering write (the write quantum); see {@link BufferEventConfiguration}. */
    public static final int MAX_SINGLE_WRITE_DEFAULT = BufferEventConfiguration.MAX_SINGLE_WRITE_DEFAULT;
    /**
     * Default most reads per readable wakeup. A read that fills its whole request is followed by another,
     * up to this many, so a stream is not throttled to one read per wakeup (libevent issue 798); a short
     * read ends the run without a wasted EAGAIN read, and readcb runs once after it.
     */
    public static final int READS_PER_WAKEUP_DEFAULT = BufferEventConfiguration.READS_PER_WAKEUP_DEFAULT;
    /** Default most writes per flush or writable wakeup (a write quantum, as Netty's writeSpinCount). */
    public static final int WRITES_PER_WAKEUP_DEFAULT = BufferEventConfiguration.WRITES_PER_WAKEUP_DEFAULT;

    static final int SUSPEND_WM = 0x01;
    static final int SUSPEND_BW = 0x02;

    final EventBase base;
    final Evbuffer input;
    final Evbuffer output;
    final int options;
    DataCallback readCallback;
    DataCallback writeCallback;
    EventsCallback eventsCallback;
    /** Free for the user: whatever the callbacks need, so they need not capture. */
    public Object attachment;

    int enabled = EventFlags.WRITE;
    long readLow;
    long readHigh;
    long writeLow;
    long writeHigh;
    long readTimeoutNanos = -1;
    long writeTimeoutNanos = -1;
    int readSuspended;
    int writeSuspended;
    private final int configuredMaxSingleRead = BufferEventConfiguration.maxSingleRead();
    private final int configuredMaxSingleWrite = BufferEventConfiguration.maxSingleWrite();
    int maxSingleWrite = configuredMaxSingleWrite;
    int readsPerWakeup = BufferEventConfiguration.readsPerWakeup();
    int writesPerWakeup = BufferEventConfiguration.writesPerWakeup();
    final ReadSizer readSizer = new ReadSizer(BufferEventConfiguration.minRead(),
        BufferEventConfiguration.initialRead(), configuredMaxSingleRead);
    boolean freed;
    RateLimiter rateLimiter;

    private final OwnerHook ownerHook = new OwnerHook();
    private boolean deferredScheduled;
    private boolean readPending;
    private boolean writePending;
    private int eventsPending;
    private final Runnable deferredTask = this::runDeferred;
    private final RemoteWrites remoteWrites;
    private volatile boolean freeQueued;

    BufferEvent(final EventBase base, final int options)
    {
        this.base = Objects.requireNonNull(base, "base");
        this.options = options;
        this.input = new Evbuffer(base.pool());
        this.output = new Evbuffer(base.pool());
        input.freeze(false);
        output.freeze(true);
        final int spare = BufferEventConfiguration.maxSpareSize();
        input.maxSpareSize(spare);
        output.maxSpareSize(spare);
        input.ownerHook(ownerHook);
        output.ownerHook(ownerHook);
        this.remoteWrites = 0 != (options & BevOptions.THREADSAFE) ? new RemoteWrites(this) : null;
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
    public static BufferEvent socket(final EventBase base, final SocketChannel channel, final int options)
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
    public static BufferEvent socket(final EventBase base, final int fd, final int options)
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
    public static BufferEvent socket(final EventBase base, final io.jevent.loop.AcceptedSocket accepted,
        final int options)
    {
        return null != accepted.channel() ? socket(base, (SocketChannel)accepted.channel(), options) :
            socket(base, accepted.fd(), options);
    }

    // ------------------------------------------------------------------ accessors

    /**
     * @return the loop
     */
    public EventBase base()
    {
        return base;
    }

    /**
     * @return the input buffer; its end is frozen for user code (no add)
     */
    public Evbuffer input()
    {
        return input;
    }

    /**
     * @return the output buffer; its start is frozen for user code (no drain, no prepend)
     */
    public Evbuffer output()
    {
        return output;
    }

    /**
     * @return the options given at creation
     */
    public int options()
    {
        return options;
    }

    /**
     * @return READ and/or WRITE as enabled (libevent {@code bufferevent_get_enabled})
     */
    public int getEnabled()
    {
        return enabled;
    }

    /**
     * @return the fd, or -1 (libevent {@code bufferevent_getfd})
     */
    public abstract int getFd();

    /**
     * @return the errno of the last socket error, 0 if none
     */
    public abstract int socketError();

    // ------------------------------------------------------------------ callbacks

    /**
     * Replaces the three callbacks (libevent {@code bufferevent_setcb}); null switches one off.
     *
     * @param read   runs when the input reaches the read low watermark
     * @param write  runs when the output falls to the write low watermark
     * @param events runs on CONNECTED, EOF, ERROR, TIMEOUT
     */
    public void setCallbacks(final DataCallback read, final DataCallback write, final EventsCallback events)
    {
        checkLive();
        readCallback = read;
        writeCallback = write;
        eventsCallback = events;
    }

    /**
     * @return the read callback, or null (libevent {@code bufferevent_getcb})
     */
    public DataCallback getReadCallback()
    {
        return readCallback;
    }

    /**
     * @return the write callback, or null
     */
    public DataCallback getWriteCallback()
    {
        return writeCallback;
    }

    /**
     * @return the event callback, or null
     */
    public EventsCallback getEventsCallback()
    {
        return eventsCallback;
    }

    // ------------------------------------------------------------------ enable / disable

    /**
     * Sets enabled bits (libevent {@code bufferevent_enable}); I/O is re-armed only when no
     * suspension (watermark, rate limit) holds it.
     *
     * @param what READ and/or WRITE
     * @return 0, or -1 if the backend refused the socket (0 when handed to the loop from another thread
     *     under {@link BevOptions#THREADSAFE})
     */
    public int enable(final int what)
    {
        if (handOff())
        {
            base.execute(() -> enableOnLoop(what));
            return 0;
        }
        checkLive();
        enabled |= what & (EventFlags.READ | EventFlags.WRITE);
        return doEnable(what & (EventFlags.READ | EventFlags.WRITE));
    }

    private void enableOnLoop(final int what)
    {
        if (!freed)
        {
            enable(what);
        }
    }

    /**
     * Clears enabled bits and removes the I/O event at once (libevent {@code bufferevent_disable}).
     *
     * @param what READ and/or WRITE
     * @return 0
     */
    public int disable(final int what)
    {
        if (handOff())
        {
            base.execute(() -> disableOnLoop(what));
            return 0;
        }
        checkLive();
        enabled &= ~what;
        return doDisable(what & (EventFlags.READ | EventFlags.WRITE));
    }

    private void disableOnLoop(final int what)
    {
        if (!freed)
        {
            disable(what);
        }
    }

    abstract int doEnable(int what);

    abstract int doDisable(int what);

    // ------------------------------------------------------------------ write / read

    /**
     * Appends to the output (libevent {@code bufferevent_write}); the bytes go out from the loop.
     *
     * @param data bytes
     * @param off  first
     * @param len  count
     * @return 0; -1 if the output end is frozen; {@link #OUTPUT_FULL} under BOUNDED_OUTPUT
     */
    public int write(final byte[] data, final int off, final int len)
    {
        Objects.checkFromIndexSize(off, len, data.length);
        if (handOff())
        {
            return remoteWrites.add(data, off, len);
        }
        checkLive();
        flushStaged();
        return full(len) ? OUTPUT_FULL : output.add(data, off, len);
    }

    /**
     * @param data bytes
     * @return as {@link #write(byte[], int, int)}
     */
    public int write(final byte[] data)
    {
        return write(data, 0, data.length);
    }

    /**
     * Appends the remaining bytes of a ByteBuffer (advancing it).
     *
     * @param data bytes
     * @return as {@link #write(byte[], int, int)}
     */
    public int write(final ByteBuffer data)
    {
        if (handOff())
        {
            return remoteWrites.add(data);
        }
        checkLive();
        flushStaged();
        return full(data.remaining()) ? OUTPUT_FULL : output.add(data);
    }

    /**
     * Appends {@code data[index, index + len)} of an Agrona buffer.
     *
     * @param data  bytes
     * @param index first
     * @param len   count
     * @return as {@link #write(byte[], int, int)}
     */
    public int write(final DirectBuffer data, final int index, final int len)
    {
        if (handOff())
        {
            return remoteWrites.add(data, index, len);
        }
        checkLive();
        flushStaged();
        return full(len) ? OUTPUT_FULL : output.add(data, index, len);
    }

    /**
     * Appends text as UTF-8; under BOUNDED_OUTPUT the bound counts the encoded bytes.
     *
     * @param text characters
     * @return bytes appended, -1, or {@link #OUTPUT_FULL}
     */
    public int writeUtf8(final CharSequence text)
    {
        if (handOff())
        {
            return remoteWrites.addUtf8(text);
        }
        checkLive();
        flushStaged();
        return full(Evbuffer.utf8Length(text)) ? OUTPUT_FULL : output.addUtf8(text);
    }

    /**
     * Moves all of {@code data} into the output without copying (libevent {@code bufferevent_write_buffer}):
     * echo is {@code bev.writeBuffer(bev.input())}.
     *
     * @param data the buffer to empty
     * @return 0; -1 if an end is frozen; {@link #OUTPUT_FULL} under BOUNDED_OUTPUT
     */
    public int writeBuffer(final Evbuffer data)
    {
        if (handOff())
        {
            return remoteWrites.addBuffer(data);
        }
        checkLive();
        flushStaged();
        if (full(data.length()))
        {
            return OUTPUT_FULL;
        }
        return output.addBuffer(data);
    }

    /**
     * Binds the input and output to the base's thread, last thing in a constructor: until then the
     * buffers are set up from whatever thread builds the bufferevent.
     */
    final void bindBuffers()
    {
        input.setOwner(base);
        output.setOwner(base);
    }

    /**
     * The loop's side of a THREADSAFE hand-over: staged bytes join the output as if written here.
     */
    void appendOutput(final Evbuffer staged)
    {
        output.addBuffer(staged);
    }

    /**
     * @return true if this call comes from another thread while the loop runs and this bufferevent is
     *     THREADSAFE, so it must be handed to the loop
     */
    private boolean handOff()
    {
        if (null == remoteWrites || base.inLoopThread())
        {
            return false;
        }
        if (freed || freeQueued)
        {
            throw new IllegalStateException("bufferevent used after free");
        }
        if (base.isFreeing())
        {
            throw new IllegalStateException("bufferevent's event base is freed");
        }
        return true;
    }

    /**
     * Removes up to {@code len} bytes from the input (libevent {@code bufferevent_read}).
     *
     * @param dst destination
     * @param off first index
     * @param len most bytes
     * @return bytes read (0 if none or if the input start is frozen, as libevent 2.2)
     */
    public int read(final byte[] dst, final int off, final int len)
    {
        checkLive();
        return Math.max(0, input.remove(dst, off, len));
    }

    /**
     * Removes up to {@code dst.remaining()} bytes from the input into a ByteBuffer, advancing it.
     *
     * @param dst destination
     * @return bytes read
     */
    public int read(final ByteBuffer dst)
    {
        checkLive();
        return Math.max(0, input.remove(dst));
    }

    /**
     * Removes up to {@code len} bytes from the input into an Agrona buffer.
     *
     * @param dst   destination
     * @param index first index
     * @param len   most bytes
     * @return bytes read
     */
    public int read(final MutableDirectBuffer dst, final int index, final int len)
    {
        checkLive();
        return Math.max(0, input.remove(dst, index, len));
    }

    /**
     * Moves the whole input into {@code dst} without copying (libevent {@code bufferevent_read_buffer}).
     *
     * @param dst destination
     * @return 0, or -1 if an end is frozen
     */
    public int readBuffer(final Evbuffer dst)
    {
        checkLive();
        return dst.addBuffer(input);
    }

    boolean full(final long adding)
    {
        return boundedOutput() && output.length() + adding > writeHigh;
    }

    boolean boundedOutput()
    {
        return 0 != (options & BevOptions.BOUNDED_OUTPUT) && writeHigh > 0;
    }

    /**
     * The bufferevent's own view of its buffers' changes ({@link EvbufferOwnerHook}): one class, so the
     * call from the buffer is monomorphic, and nothing in the user's callback list.
     */
    private final class OwnerHook implements EvbufferOwnerHook
    {
        @Override
        public void bufferChanged(final Evbuffer buffer, final long added, final long deleted)
        {
            if (buffer == output)
            {
                outputChanged(added);
            }
            else if (0 != readHigh)
            {
                inputWatermarkChanged();
            }
        }
    }

    /**
     * After any change of the output: the kind's write path learns of added bytes (a socket schedules
     * its write), and the off-loop BOUNDED_OUTPUT view is kept current.
     *
     * @param added bytes the change added (0 for a drain)
     */
    void outputChanged(final long added)
    {
        outputChanged();
    }

    /**
     * After any change of the output on the loop thread: keeps the off-loop BOUNDED_OUTPUT view current.
     */
    final void outputChanged()
    {
        if (null != remoteWrites)
        {
            remoteWrites.outputIs(output.length());
        }
    }

    /**
     * Before a write of the loop thread's own (THREADSAFE): what other threads staged goes first.
     */
    private void flushStaged()
    {
        if (null != remoteWrites)
        {
            remoteWrites.flushStaged();
        }
    }

    /** {@link #flush} mode: normal. */
    public static final int FLUSH_NORMAL = 0;
    /** {@link #flush} mode: flush everything possible. */
    public static final int FLUSH_FLUSH = 1;
    /** {@link #flush} mode: no more data will be written. */
    public static final int FLUSH_FINISHED = 2;

    /**
     * Pushes buffered data through (libevent {@code bufferevent_flush}). A socket bufferevent already
     * writes everything it can from the loop, so this is a no-op returning 0, as in libevent; kinds that
     * hold data back (filters) override it.
     *
     * @param what READ and/or WRITE
     * @param mode {@link #FLUSH_NORMAL}, {@link #FLUSH_FLUSH} or {@link #FLUSH_FINISHED}
     * @return 0 if nothing was flushed, 1 if something was, -1 on failure
     */
    public int flush(final int what, final int mode)
    {
        checkLive();
        return 0;
    }

    // ------------------------------------------------------------------ watermarks and timeouts

    /**
     * Sets watermarks (libevent {@code bufferevent_setwatermark}). A read high watermark H suspends
     * reading while the input holds H bytes or more and lets no single read exceed it; 0 means none.
     *
     * @param what READ and/or WRITE
     * @param low  low watermark
     * @param high high watermark, 0 for none
     */
    public void setWatermark(final int what, final long low, final long high)
    {
        checkLive();
        if (low < 0 || high < 0)
        {
            throw new IllegalArgumentException("negative watermark");
        }
        if (0 != (what & EventFlags.WRITE))
        {
            writeLow = low;
            writeHigh = high;
        }
        if (0 != (what & EventFlags.READ))
        {
            readLow = low;
            readHigh = high;
            if (0 != high)
            {
                inputWatermarkChanged();
            }
            else
            {
                unsuspendRead(SUSPEND_WM);
            }
        }
    }

    /**
     * @param what exactly READ or exactly WRITE
     * @param high true for the high watermark
     * @return the watermark, or -1 if {@code what} is not exactly one direction
     */
    public long getWatermark(final int what, final boolean high)
    {
        if (EventFlags.READ == what)
        {
            return high ? readHigh : readLow;
        }
        if (EventFlags.WRITE == what)
        {
            return high ? writeHigh : writeLow;
        }
        return -1;
    }

    private void inputWatermarkChanged()
    {
        if (0 != readHigh && input.length() >= readHigh)
        {
            suspendRead(SUSPEND_WM);
        }
        else
        {
            unsuspendRead(SUSPEND_WM);
        }
    }

    /**
     * Sets the read and write timeouts (libevent {@code bufferevent_set_timeouts}).
     * <p>
     * The write timeout runs while output waits for writability and restarts with every writable
     * wakeup, as libevent's persistent write event does: it fires only when a whole {@code write}
     * period passes without one. TCP itself can go that long without writability while the peer
     * reads. When the peer's window is smaller than one segment, the kernel sends only on its
     * zero-window probe timer: at least 200 ms on Linux (the minimum RTO), doubling per unanswered
     * probe. Meanwhile the unsent segment keeps the socket unwritable. This happens over loopback when
     * a peer lowers SO_RCVBUF after the handshake: segments are sized to half the largest window it
     * ever offered (32 KiB), and every write of 32 KiB or more queues one. Every writer and backend
     * sees it, so keep write timeouts well above a few hundred milliseconds.
     *
     * @param read  read timeout, 0 or negative for none
     * @param write write timeout, 0 or negative for none
     * @param unit  their unit
     */
    public void setTimeouts(final long read, final long write, final TimeUnit unit)
    {
        checkLive();
        readTimeoutNanos = read > 0 ? unit.toNanos(read) : -1;
        writeTimeoutNanos = write > 0 ? unit.toNanos(write) : -1;
        timeoutsChanged();
    }

    abstract void timeoutsChanged();

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
     *     the adaptive guess, at most {@link #getMaxSingleRead()}
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
    public int getMaxSingleRead()
    {
        return readSizer.max();
    }

    /**
     * @return most bytes per write
     */
    public int getMaxSingleWrite()
    {
        return maxSingleWrite;
    }

    void suspendRead(final int why)
    {
        final int before = readSuspended;
        readSuspended |= why;
        if (0 == before)
        {
            readSuspendChanged(true);
        }
    }

    void unsuspendRead(final int why)
    {
        final int before = readSuspended;
        readSuspended &= ~why;
        if (0 != before && 0 == readSuspended)
        {
            readSuspendChanged(false);
        }
    }

    abstract void readSuspendChanged(boolean suspended);

    void suspendWrite(final int why)
    {
        final int before = writeSuspended;
        writeSuspended |= why;
        if (0 == before)
        {
            writeSuspendChanged(true);
        }
    }

    void unsuspendWrite(final int why)
    {
        final int before = writeSuspended;
        writeSuspended &= ~why;
        if (0 != before && 0 == writeSuspended)
        {
            writeSuspendChanged(false);
        }
    }

    abstract void writeSuspendChanged(boolean suspended);

    // ------------------------------------------------------------------ rate limits

    /**
     * Limits this bufferevent's reads and writes with token buckets (libevent
     * {@code bufferevent_set_rate_limit}); the buckets start at the rate. Null removes the limit and
     * resumes I/O.
     *
     * @param cfg rates and bursts, or null
     * @return 0
     */
    public int setRateLimit(final TokenBucketConfig cfg)
    {
        checkLive();
        if (null != rateLimiter)
        {
            rateLimiter.close();
            rateLimiter = null;
        }
        if (null != cfg)
        {
            rateLimiter = new RateLimiter(this, cfg);
        }
        return 0;
    }

    /**
     * @return bytes the read bucket holds now, or {@link TokenBucketConfig#MAX_VALUE} without a limit
     */
    public long getReadLimit()
    {
        if (null == rateLimiter)
        {
            return TokenBucketConfig.MAX_VALUE;
        }
        rateLimiter.update();
        return rateLimiter.readLimit;
    }

    /**
     * @return bytes the write bucket holds now, or {@link TokenBucketConfig#MAX_VALUE} without a limit
     */
    public long getWriteLimit()
    {
        if (null == rateLimiter)
        {
            return TokenBucketConfig.MAX_VALUE;
        }
        rateLimiter.update();
        return rateLimiter.writeLimit;
    }

    /**
     * @return most bytes the next read may take: {@code max(0, min(read bucket, maxSingleRead))}
     */
    public long getMaxToRead()
    {
        return Math.max(0, Math.min(getReadLimit(), readSizer.max()));
    }

    /**
     * @return most bytes the next write may take: {@code max(0, min(write bucket, maxSingleWrite))}
     */
    public long getMaxToWrite()
    {
        return Math.max(0, Math.min(getWriteLimit(), maxSingleWrite));
    }

    /**
     * Changes the read bucket by {@code -delta} (libevent {@code bufferevent_decrement_read_limit}),
     * suspending or resuming reading when it crosses 0.
     *
     * @param delta bytes to take (negative gives)
     * @return 0, or -1 without a rate limit
     */
    public int decrementReadLimit(final long delta)
    {
        checkLive();
        if (null == rateLimiter)
        {
            return -1;
        }
        rateLimiter.update();
        rateLimiter.chargeRead(delta);
        return 0;
    }

    /**
     * Changes the write bucket by {@code -delta}, suspending or resuming writing when it crosses 0.
     *
     * @param delta bytes to take (negative gives)
     * @return 0, or -1 without a rate limit
     */
    public int decrementWriteLimit(final long delta)
    {
        checkLive();
        if (null == rateLimiter)
        {
            return -1;
        }
        rateLimiter.update();
        rateLimiter.chargeWrite(delta);
        return 0;
    }

    /**
     * @return what the next read may ask for under a rate limit: the adaptive guess within the bucket
     */
    int readAllowance()
    {
        return (int)Math.max(0, Math.min(getReadLimit(), readSizer.guess()));
    }

    int writeAllowance()
    {
        return (int)getMaxToWrite();
    }

    void chargeRead(final long n)
    {
        if (null != rateLimiter)
        {
            rateLimiter.chargeRead(n);
        }
    }

    void chargeWrite(final long n)
    {
        if (null != rateLimiter)
        {
            rateLimiter.chargeWrite(n);
        }
    }

    // ------------------------------------------------------------------ triggers and callback runs

    /**
     * Runs the read and/or write callback as if data had arrived or been written
     * (libevent {@code bufferevent_trigger}): readcb if the input is at least the read low watermark,
     * writecb if the output is at most the write low watermark, or regardless with
     * {@link BevOptions#TRIG_IGNORE_WATERMARKS}; deferred with {@link BevOptions#TRIG_DEFER_CALLBACKS}.
     *
     * @param what    READ and/or WRITE
     * @param options trigger options
     */
    public void trigger(final int what, final int options)
    {
        checkLive();
        triggerInternal(what, options);
    }

    /**
     * Runs the event callback with any flags (libevent {@code bufferevent_trigger_event}).
     *
     * @param what    flags to report
     * @param options {@link BevOptions#TRIG_DEFER_CALLBACKS} or 0
     */
    public void triggerEvent(final int what, final int options)
    {
        checkLive();
        runEventsCallback(what, options);
    }

    void triggerInternal(final int what, final int opts)
    {
        final boolean ignore = 0 != (opts & BevOptions.TRIG_IGNORE_WATERMARKS);
        if (0 != (what & EventFlags.READ) && (ignore || input.length() >= readLow))
        {
            runReadCallback(opts);
        }
        if (0 != (what & EventFlags.WRITE) && (ignore || output.length() <= writeLow))
        {
            runWriteCallback(opts);
        }
    }

    void runReadCallback(final int opts)
    {
        if (null == readCallback)
        {
            return;
        }
        if (deferring(opts))
        {
            readPending = true;
            scheduleDeferred();
        }
        else
        {
            readCallback.onData(this);
        }
    }

    void runWriteCallback(final int opts)
    {
        if (null == writeCallback)
        {
            return;
        }
        if (deferring(opts))
        {
            writePending = true;
            scheduleDeferred();
        }
        else
        {
            writeCallback.onData(this);
        }
    }

    void runEventsCallback(final int what, final int opts)
    {
        if (null == eventsCallback)
        {
            return;
        }
        if (deferring(opts))
        {
            eventsPending |= what;
            scheduleDeferred();
        }
        else
        {
            eventsCallback.onEvents(this, what);
        }
    }

    private boolean deferring(final int opts)
    {
        return 0 != ((options | opts) & BevOptions.DEFER_CALLBACKS);
    }

    private void scheduleDeferred()
    {
        if (!deferredScheduled)
        {
            deferredScheduled = true;
            base.defer(deferredTask);
        }
    }

    /**
     * libevent's {@code bufferevent_run_deferred_callbacks_locked}: a CONNECTED pending at the start
     * first and alone, then readcb, writecb, then every events flag pending by then (those triggered
     * during this run included, CONNECTED too) in one call; callbacks set to null meanwhile are skipped.
     */
    private void runDeferred()
    {
        deferredScheduled = false;
        if (freed)
        {
            return;
        }
        if (0 != (eventsPending & BevFlags.CONNECTED))
        {
            eventsPending &= ~BevFlags.CONNECTED;
            if (null != eventsCallback)
            {
                eventsCallback.onEvents(this, BevFlags.CONNECTED);
            }
        }
        if (readPending && !freed)
        {
            readPending = false;
            if (null != readCallback)
            {
                readCallback.onData(this);
            }
        }
        if (writePending && !freed)
        {
            writePending = false;
            if (null != writeCallback)
            {
                writeCallback.onData(this);
            }
        }
        if (0 != eventsPending && !freed)
        {
            final int what = eventsPending;
            eventsPending = 0;
            if (null != eventsCallback)
            {
                eventsCallback.onEvents(this, what);
            }
        }
    }

    // ------------------------------------------------------------------ free

    /**
     * Frees the bufferevent (libevent {@code bufferevent_free}): callbacks are cleared and I/O
     * removed at once, so no user callback runs after this returns; the socket is closed (with
     * {@link BevOptions#CLOSE_ON_FREE}) and the buffers freed from the loop a moment later. Unsent
     * output is discarded, never flushed. Idempotent.
     * <p>
     * After the base was freed there is no loop to wait for: the socket is closed and the buffers
     * freed at once, from any thread. Under {@link BevOptions#THREADSAFE}, from any thread but the
     * loop's, the free is handed to the loop (or to the base's own free, if no loop runs before it):
     * callbacks already started may finish, none starts once the loop has taken it, and later off-loop
     * calls throw.
     *
     * @throws io.jevent.loop.WrongThreadException from another thread while the loop runs (not THREADSAFE)
     * @throws java.util.concurrent.RejectedExecutionException under THREADSAFE, if the loop's inbox is
     *     full: nothing was done, call again
     */
    public void free()
    {
        if (freed)
        {
            return;
        }
        if (null != remoteWrites && !base.inLoopThread())
        {
            if (freeQueued)
            {
                return;
            }
            freeQueued = true;
            try
            {
                base.execute(this::freeNow);
                return;
            }
            catch (final java.util.concurrent.RejectedExecutionException ex)
            {
                if (!base.isFreeing())
                {
                    freeQueued = false;
                    throw ex;
                }
                awaitBaseFreed();
            }
        }
        freeNow();
    }

    private void freeNow()
    {
        if (freed)
        {
            return;
        }
        final boolean baseFreed = base.isFreed();
        if (!baseFreed)
        {
            base.checkThread();
        }
        readCallback = null;
        writeCallback = null;
        eventsCallback = null;
        freed = true;
        if (null != rateLimiter)
        {
            rateLimiter.close();
        }
        removeIo();
        if (baseFreed)
        {
            finalizeFree();
        }
        else
        {
            base.finalizeLater(this::finalizeFree);
        }
    }

    /**
     * The loop refused the hand-over because the base is being freed: wait until it is, then free here.
     */
    private void awaitBaseFreed()
    {
        while (!base.isFreed())
        {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    /**
     * @return true once {@link #free()} ran
     */
    public boolean isFreed()
    {
        return freed;
    }

    abstract void removeIo();

    void finalizeFree()
    {
        closeTransport();
        input.free();
        output.free();
        if (null != remoteWrites)
        {
            remoteWrites.free();
        }
    }

    abstract void closeTransport();

    void checkLive()
    {
        if (freed)
        {
            throw new IllegalStateException("bufferevent used after free");
        }
        base.checkUsable();
    }
}
