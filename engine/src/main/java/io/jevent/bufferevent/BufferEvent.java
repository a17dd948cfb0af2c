package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.EvbufferOwnerHook;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * libevent's {@code bufferevent}: an input and an output {@link Evbuffer} over a transport, with
 * read, write and event callbacks, watermarks, timeouts and deferred callbacks. This class holds
 * what every kind shares (libevent's bufferevent.c), with its parts in classes of their own: the
 * callbacks and their deferred runs ({@code BufferEventCallbacks}), the watermarks ({@code Watermarks}),
 * the rate limit ({@link RateLimiter}, bufferevent_ratelim.c) and the calls of other threads
 * ({@code RemoteCalls}). Each kind is a final subclass that moves the bytes and answers the
 * package-private hooks (enable, disable, timeouts, suspension, free): {@link SocketBufferEvent}
 * (bufferevent_sock.c) is the socket kind, made by {@link SocketBufferEvent#create};
 * {@link PairBufferEvent} (bufferevent_pair.c) the in-process pair, made by {@link #pair}; and the kinds
 * over another bufferevent ({@link LayeredBufferEvent}): {@link FilterBufferEvent} (bufferevent_filter.c,
 * made by {@link #filter}) and {@link TlsBufferEvent} (bufferevent_openssl.c's filtering mode on the JDK's
 * SSLEngine, made by {@link #tls}). Groups of bufferevents share a bandwidth budget through
 * {@link RateLimitGroup}.
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
 * buffer first; see {@code RemoteCalls}): while no loop runs they wait for the next loop run or for
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
    static final int SUSPEND_WM = 0x01;
    static final int SUSPEND_BW = 0x02;
    static final int SUSPEND_BW_GROUP = 0x08;

    final EventBase base;
    final Evbuffer input;
    final Evbuffer output;
    final int options;
    private Object attachment;

    int enabled = EventFlags.WRITE;
    long readTimeoutNanos = -1;
    long writeTimeoutNanos = -1;
    int readSuspended;
    int writeSuspended;
    boolean freed;
    final BufferEventCallbacks callbacks = new BufferEventCallbacks(this);
    final Watermarks watermarks = new Watermarks(this);
    final RateLimiter rateLimiter = new RateLimiter(this);

    private final OwnerHook ownerHook = new OwnerHook();
    private final RemoteCalls remote;

    BufferEvent(final EventBase base, final int options)
    {
        this.base = Objects.requireNonNull(base, "base");
        this.options = options;
        this.input = new Evbuffer(base.pool());
        this.output = new Evbuffer(base.pool());
        input.freeze(false);
        output.freeze(true);
        final int spare = BufferEventConfiguration.maxSpareSize();
        input.setMaxSpareSize(spare);
        output.setMaxSpareSize(spare);
        input.setOwnerHook(ownerHook);
        output.setOwnerHook(ownerHook);
        this.remote = 0 != (options & BevOptions.THREADSAFE) ? new RemoteCalls(this) : null;
    }

    // ------------------------------------------------------------------ pairs

    /**
     * Two bufferevents on one loop whose outputs are each other's inputs (libevent
     * {@code bufferevent_pair_new}); see {@link PairBufferEvent}.
     *
     * @param base    the loop of both ends
     * @param options {@link BevOptions}; DEFER_CALLBACKS is always added
     * @return the two ends
     */
    public static PairBufferEvent[] pair(final EventBase base, final int options)
    {
        return PairBufferEvent.create(base, options);
    }

    /**
     * A pair whose ends live on two loops, one each; see {@link PairBufferEvent}, "Two loops".
     *
     * @param first   the loop of {@code [0]}
     * @param second  the loop of {@code [1]}
     * @param options {@link BevOptions}; DEFER_CALLBACKS is always added
     * @return the two ends
     */
    public static PairBufferEvent[] pair(final EventBase first, final EventBase second, final int options)
    {
        return PairBufferEvent.create(first, second, options);
    }

    /**
     * A bufferevent that transforms the bytes of {@code under} (libevent {@code bufferevent_filter_new}); see
     * {@link FilterBufferEvent}. Ready-made filters: {@link LengthPrefixFraming}, {@link DeflateFilter},
     * {@link InflateFilter}.
     *
     * @param under        the bufferevent to filter; from now on its callbacks are the filter's
     * @param inputFilter  from under's input to the filter's input, or null to pass bytes through
     * @param outputFilter from the filter's output to under's output, or null to pass bytes through
     * @param options      {@link BevOptions}: CLOSE_ON_FREE frees {@code under} with the filter
     * @return the filter, on under's loop
     */
    public static FilterBufferEvent filter(final BufferEvent under, final BufferFilter inputFilter,
        final BufferFilter outputFilter, final int options)
    {
        return FilterBufferEvent.create(under, inputFilter, outputFilter, options);
    }

    /**
     * TLS over {@code under} with the JDK's SSLEngine (libevent {@code bufferevent_openssl_filter_new}); see
     * {@link TlsBufferEvent}.
     *
     * @param under   the bufferevent carrying the ciphertext (a socket bufferevent, usually)
     * @param engine  a fresh engine in client or server mode, its SSL parameters (SNI, ALPN...) set
     * @param options {@link BevOptions}: CLOSE_ON_FREE frees {@code under} with the TLS bufferevent
     * @return the TLS bufferevent, its handshake started
     * @throws javax.net.ssl.SSLException if the engine refuses to begin the handshake
     */
    public static TlsBufferEvent tls(final BufferEvent under, final javax.net.ssl.SSLEngine engine,
        final int options) throws javax.net.ssl.SSLException
    {
        return TlsBufferEvent.create(under, engine, options);
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
    public int enabled()
    {
        return enabled;
    }

    /**
     * @return what {@link #setAttachment(Object)} set, or null
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * Keeps whatever the callbacks need with the bufferevent, so they need not capture it.
     *
     * @param attachment anything, or null
     */
    public void setAttachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * @return the token-bucket rate limit of this bufferevent (libevent's bufferevent_ratelim.c),
     *     unlimited until {@link RateLimiter#set} gives it a configuration
     */
    public RateLimiter rateLimit()
    {
        return rateLimiter;
    }

    /**
     * @return the fd, or -1 if this kind or this bufferevent has none (libevent {@code bufferevent_getfd})
     */
    public abstract int fd();

    /**
     * @return the errno of the last socket error, 0 if none (or no socket)
     */
    public abstract int socketError();

    /**
     * @return most bytes one read may take (libevent's {@code max_single_read}): what
     *     {@link RateLimiter#maxToRead()} caps the read bucket at
     */
    abstract int maxSingleReadBytes();

    /**
     * @return most bytes one write may take (libevent's {@code max_single_write})
     */
    abstract int maxSingleWriteBytes();

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
        callbacks.set(read, write, events);
    }

    /**
     * @return the read callback, or null (libevent {@code bufferevent_getcb})
     */
    public DataCallback readCallback()
    {
        return callbacks.read;
    }

    /**
     * @return the write callback, or null
     */
    public DataCallback writeCallback()
    {
        return callbacks.write;
    }

    /**
     * @return the event callback, or null
     */
    public EventsCallback eventsCallback()
    {
        return callbacks.events;
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
            remote.enable(what);
            return 0;
        }
        checkLive();
        enabled |= what & (EventFlags.READ | EventFlags.WRITE);
        return doEnable(what & (EventFlags.READ | EventFlags.WRITE));
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
            remote.disable(what);
            return 0;
        }
        checkLive();
        enabled &= ~what;
        return doDisable(what & (EventFlags.READ | EventFlags.WRITE));
    }

    /**
     * The kind arms the I/O of newly enabled directions that no suspension holds.
     *
     * @return 0, or -1 if the backend refused
     */
    abstract int doEnable(int what);

    /**
     * The kind removes the I/O of disabled directions at once.
     *
     * @return 0
     */
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
            return remote.add(data, off, len);
        }
        checkLive();
        flushStaged();
        return watermarks.full(len) ? OUTPUT_FULL : output.add(data, off, len);
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
            return remote.add(data);
        }
        checkLive();
        flushStaged();
        return watermarks.full(data.remaining()) ? OUTPUT_FULL : output.add(data);
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
            return remote.add(data, index, len);
        }
        checkLive();
        flushStaged();
        return watermarks.full(len) ? OUTPUT_FULL : output.add(data, index, len);
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
            return remote.addUtf8(text);
        }
        checkLive();
        flushStaged();
        return watermarks.full(Evbuffer.utf8Length(text)) ? OUTPUT_FULL : output.addUtf8(text);
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
            return remote.addBuffer(data);
        }
        checkLive();
        flushStaged();
        if (watermarks.full(data.length()))
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
     * @return true if this call comes from another thread while the loop runs and this bufferevent is
     *     THREADSAFE, so it must be handed to the loop
     */
    private boolean handOff()
    {
        return null != remote && remote.offLoop();
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
            else if (0 != watermarks.readHigh)
            {
                watermarks.inputChanged();
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
        if (null != remote)
        {
            remote.outputIs(output.length());
        }
    }

    /**
     * Before a write of the loop thread's own (THREADSAFE): what other threads staged goes first.
     */
    private void flushStaged()
    {
        if (null != remote)
        {
            remote.flushStaged();
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
        watermarks.set(what, low, high);
        watermarksChanged(what);
    }

    /**
     * After {@link #setWatermark}: a kind that must know (a pair across loops) learns of it.
     *
     * @param what READ and/or WRITE
     */
    void watermarksChanged(final int what)
    {
    }

    /**
     * @param what exactly READ or exactly WRITE
     * @param high true for the high watermark
     * @return the watermark, or -1 if {@code what} is not exactly one direction
     */
    public long watermark(final int what, final boolean high)
    {
        return watermarks.get(what, high);
    }

    /**
     * Sets the read and write timeouts (libevent {@code bufferevent_set_timeouts}): a direction that waits
     * that long for its I/O is disabled and reported to the event callback as READING or WRITING with
     * TIMEOUT. For what a socket's write timeout measures see {@link SocketBufferEvent}, "Write timeouts".
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

    /**
     * The kind applies new {@link #readTimeoutNanos}/{@link #writeTimeoutNanos} to I/O that is pending.
     */
    abstract void timeoutsChanged();

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

    /**
     * The first suspension of reading began (true) or the last one ended (false): the kind stops or,
     * if READ is enabled, resumes reading.
     */
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

    /**
     * As {@link #readSuspendChanged} for writing.
     */
    abstract void writeSuspendChanged(boolean suspended);

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
        callbacks.runEvents(what, options);
    }

    void triggerInternal(final int what, final int opts)
    {
        final boolean ignore = 0 != (opts & BevOptions.TRIG_IGNORE_WATERMARKS);
        if (0 != (what & EventFlags.READ) && (ignore || input.length() >= watermarks.readLow))
        {
            callbacks.runRead(opts);
        }
        if (0 != (what & EventFlags.WRITE) && (ignore || output.length() <= watermarks.writeLow))
        {
            callbacks.runWrite(opts);
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
        if (null != remote && !base.inLoopThread() && remote.handOffFree())
        {
            return;
        }
        freeNow();
    }

    void freeNow()
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
        callbacks.set(null, null, null);
        freed = true;
        rateLimiter.stop();
        rateLimiter.leaveGroup();
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
     * @return true once {@link #free()} ran
     */
    public boolean isFreed()
    {
        return freed;
    }

    /**
     * At free, on the caller's thread: the kind removes its I/O so no callback of it runs again.
     */
    abstract void removeIo();

    void finalizeFree()
    {
        closeTransport();
        input.free();
        output.free();
        if (null != remote)
        {
            remote.free();
        }
    }

    /**
     * At the end of the free (from the loop, or at once after the base's free): the kind closes what it
     * owns ({@link BevOptions#CLOSE_ON_FREE}).
     */
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
