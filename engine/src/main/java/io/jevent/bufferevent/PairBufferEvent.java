package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.Errno;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One end of a bufferevent pair (libevent's bufferevent_pair.c): two bufferevents in one process whose
 * output is the other's input, with no socket and no copy. Made by {@link #create(EventBase, int)} (both
 * ends on one loop) or {@link #create(EventBase, EventBase, int)} (each end on its own loop, for two
 * components on two threads).
 *
 * <h2>Semantics</h2>
 * Those of libevent 2.1 (libevent-semantics.md §1.12): callbacks are always deferred
 * ({@link BevOptions#DEFER_CALLBACKS} is added); {@link #fd()} is -1; bytes written to A move into B's
 * input at once, inside the write call, while A has WRITE enabled and B has READ enabled and is not
 * suspended; B's read high watermark H limits the move to {@code H - B.input.length} and the rest waits in
 * A's output until B drains below H or enables READ; B's readcb runs when its input reaches the read low
 * watermark and A's writecb when its output falls to the write low watermark. Timeouts are timers: the read
 * timeout runs while READ is enabled and not suspended and restarts with every move into this end; the
 * write timeout runs while WRITE is enabled and the output holds bytes, and restarts with every move out of
 * it; either disables its direction and reports READING|TIMEOUT or WRITING|TIMEOUT. Rate limits do not
 * apply to pairs, as in libevent. {@link #flush} with {@link #FLUSH_FLUSH} or {@link #FLUSH_FINISHED} moves
 * everything regardless of watermarks and enable state (WRITE: this output to the partner; READ: the
 * partner's output to this end), and FINISHED then reports EOF to the partner, with READING if WRITE was
 * flushed and WRITING if READ was (libevent's flags); it returns 1 if bytes moved, 0 if none, -1 with no
 * partner.
 *
 * <h2>Differences from libevent, on purpose</h2>
 * <ul>
 *   <li><b>Closing one end is seen by the other</b> (libevent issue 93: its surviving end hears nothing).
 *       Freeing A delivers READING|EOF to B once B is reading and has everything A had moved, and reading is
 *       then disabled, as for a socket; after that, output on B with WRITE enabled fails with WRITING|ERROR
 *       and {@link #socketError()} EPIPE. {@link #partner()} is null on both ends from the free on. A's
 *       output that had not moved yet (held back by B's high watermark) is discarded with A, like a
 *       socket's unsent output: to close after everything has moved, free from the write callback once the
 *       output is empty, or {@link #flush} with FINISHED first.</li>
 *   <li><b>Two loops</b>: the ends may live on two bases run by two threads. Each end is then used on its
 *       own loop's thread only (as every bufferevent); between them, each direction has a {@code PairConduit}
 *       that the sending end's loop fills and the receiving end's loop empties, waking each other with
 *       {@link EventBase#activateFromAnyThread}. Bytes still move without a copy (whole segments; only the
 *       last, partial segment of a limited move is copied), but no longer inside the write call: they reach
 *       B's input in B's loop. With a read high watermark H on B at most 2 H are in flight (the conduit takes
 *       at most H). A FINISHED flush is reported to B when B has taken the bytes sent before it. If B's loop
 *       is freed before B, A's later output fails with EPIPE.</li>
 * </ul>
 * Loop thread only, as every bufferevent; {@link BevOptions#THREADSAFE} works as on sockets.
 */
public final class PairBufferEvent extends BufferEvent
{
    private static final int FLAGS_EOF = BevFlags.READING | BevFlags.EOF;
    private static final int FLAGS_EPIPE = BevFlags.WRITING | BevFlags.ERROR;

    private PairBufferEvent partner;
    /** Two loops: the partner's wake event, kept after {@link #partner} is cleared. */
    private Event partnerWake;
    /** Two loops: this end's output to the partner, and the partner's output to this end; null on one loop. */
    private final PairConduit outbound;
    private final PairConduit inbound;
    /** Two loops: segments between this end's buffers and a conduit, so no callback runs under its lock. */
    private final Evbuffer staging;
    private final Event readTimer;
    private final Event writeTimer;
    private final Event wake;
    /** One loop: the partner was freed (EOF once everything is read). */
    private boolean partnerClosed;
    private boolean eofReported;
    private boolean pipeReported;
    private int lastError;

    private PairBufferEvent(final EventBase base, final int options, final PairConduit outbound,
        final PairConduit inbound)
    {
        super(base, options | BevOptions.DEFER_CALLBACKS);
        this.outbound = outbound;
        this.inbound = inbound;
        this.readTimer = base.newTimer(false, (ev, fd, what) -> timedOut(EventFlags.READ));
        this.writeTimer = base.newTimer(false, (ev, fd, what) -> timedOut(EventFlags.WRITE));
        if (null != outbound)
        {
            staging = new Evbuffer(base.pool());
            staging.setMaxSpareSize(0);
            wake = base.newTimer(false, (ev, fd, what) -> woken());
        }
        else
        {
            staging = null;
            wake = null;
        }
        bindBuffers();
    }

    /**
     * Two bufferevents on one loop, each the other's partner (libevent {@code bufferevent_pair_new}).
     *
     * @param base    the loop of both
     * @param options {@link BevOptions}; DEFER_CALLBACKS is always added, CLOSE_ON_FREE and NAGLE mean nothing
     * @return the two ends, WRITE enabled, READ not (as every new bufferevent)
     */
    public static PairBufferEvent[] create(final EventBase base, final int options)
    {
        Objects.requireNonNull(base, "base");
        final PairBufferEvent a = new PairBufferEvent(base, options, null, null);
        final PairBufferEvent b = new PairBufferEvent(base, options, null, null);
        a.partner = b;
        b.partner = a;
        return new PairBufferEvent[] {a, b};
    }

    /**
     * Two bufferevents on two loops (one each), each the other's partner; see "Two loops" above. With the
     * same base twice this is {@link #create(EventBase, int)}.
     *
     * @param first   the loop of the first end
     * @param second  the loop of the second end
     * @param options {@link BevOptions} for both; DEFER_CALLBACKS is always added
     * @return the two ends, {@code [0]} on {@code first}, {@code [1]} on {@code second}
     */
    public static PairBufferEvent[] create(final EventBase first, final EventBase second, final int options)
    {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first == second)
        {
            return create(first, options);
        }
        final PairConduit toSecond = new PairConduit(first.pool());
        final PairConduit toFirst = new PairConduit(second.pool());
        final PairBufferEvent a = new PairBufferEvent(first, options, toSecond, toFirst);
        final PairBufferEvent b = new PairBufferEvent(second, options, toFirst, toSecond);
        a.partner = b;
        b.partner = a;
        a.partnerWake = b.wake;
        b.partnerWake = a.wake;
        return new PairBufferEvent[] {a, b};
    }

    /**
     * @return the other end (libevent {@code bufferevent_pair_get_partner}), or null once either end was
     *     freed; on two loops the partner belongs to the other loop's thread
     */
    public PairBufferEvent partner()
    {
        checkLive();
        return partner;
    }

    /**
     * @return -1: a pair has no fd
     */
    @Override
    public int fd()
    {
        return -1;
    }

    /**
     * @return EPIPE after output failed because the partner is gone, 0 otherwise
     */
    @Override
    public int socketError()
    {
        return lastError;
    }

    @Override
    int maxSingleReadBytes()
    {
        return Integer.MAX_VALUE;
    }

    @Override
    int maxSingleWriteBytes()
    {
        return Integer.MAX_VALUE;
    }

    // ------------------------------------------------------------------ enable, disable, suspend

    @Override
    int doEnable(final int what)
    {
        if (0 != (what & EventFlags.READ))
        {
            pull();
        }
        if (0 != (what & EventFlags.WRITE))
        {
            push();
        }
        adjustTimeouts();
        return 0;
    }

    @Override
    int doDisable(final int what)
    {
        adjustTimeouts();
        return 0;
    }

    @Override
    void readSuspendChanged(final boolean suspended)
    {
        if (freed)
        {
            return;
        }
        if (!suspended)
        {
            pull();
        }
        adjustTimeouts();
    }

    @Override
    void writeSuspendChanged(final boolean suspended)
    {
        if (freed)
        {
            return;
        }
        if (!suspended)
        {
            push();
        }
        adjustTimeouts();
    }

    @Override
    void watermarksChanged(final int what)
    {
        if (null != inbound && 0 != (what & EventFlags.READ))
        {
            synchronized (inbound)
            {
                inbound.capacity = watermarks.readHigh;
            }
            pull();
        }
    }

    @Override
    void outputChanged(final long added)
    {
        super.outputChanged(added);
        if (added > 0 && !freed)
        {
            push();
            startWriteTimeout();
        }
    }

    @Override
    void timeoutsChanged()
    {
        adjustTimeouts();
    }

    /**
     * libevent's {@code bufferevent_generic_adj_timeouts_}: (re)starts or stops the two timers.
     */
    private void adjustTimeouts()
    {
        if (freed || base.isFreed())
        {
            return;
        }
        if (readTimeoutNanos > 0 && 0 != (enabled & EventFlags.READ) && 0 == readSuspended)
        {
            readTimer.add(readTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        else if (readTimer.isPending())
        {
            readTimer.del();
        }
        if (writeTimeoutNanos > 0 && 0 != (enabled & EventFlags.WRITE) && 0 == writeSuspended && output.length() > 0)
        {
            writeTimer.add(writeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        else if (writeTimer.isPending())
        {
            writeTimer.del();
        }
    }

    /**
     * After output was added: starts the write timeout if output waits and it is not running, without
     * restarting it (appending is no progress; only a move out is).
     */
    private void startWriteTimeout()
    {
        if (writeTimeoutNanos > 0 && 0 != (enabled & EventFlags.WRITE) && 0 == writeSuspended &&
            output.length() > 0 && !writeTimer.isPending() && !base.isFreed())
        {
            writeTimer.add(writeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void timedOut(final int direction)
    {
        if (freed)
        {
            return;
        }
        enabled &= ~direction;
        adjustTimeouts();
        callbacks.runEvents(BevFlags.TIMEOUT | (EventFlags.READ == direction ? BevFlags.READING : BevFlags.WRITING),
            0);
    }

    // ------------------------------------------------------------------ moving bytes

    private boolean sending()
    {
        return !freed && 0 != (enabled & EventFlags.WRITE) && 0 == writeSuspended && output.length() > 0;
    }

    private boolean receiving()
    {
        return !freed && 0 != (enabled & EventFlags.READ) && 0 == readSuspended;
    }

    /**
     * @return how much this end's input may take now: up to the read high watermark, unbounded without one
     */
    private long room()
    {
        return 0 == watermarks.readHigh ? Long.MAX_VALUE : watermarks.readHigh - input.length();
    }

    /**
     * Moves what this end's output may give: on one loop into the partner's input, on two into the conduit.
     */
    private void push()
    {
        if (!sending())
        {
            return;
        }
        if (null != outbound)
        {
            pushToConduit(false);
        }
        else if (null == partner)
        {
            pipeBroken();
        }
        else if (partner.receiving())
        {
            move(this, partner, partner.room());
        }
    }

    /**
     * Takes what this end's input may take: on one loop from the partner's output, on two from the conduit;
     * then reports the end of the stream once everything has arrived.
     */
    private void pull()
    {
        if (!receiving())
        {
            return;
        }
        if (null != inbound)
        {
            pullFromConduit(false);
        }
        else
        {
            if (null != partner && partner.sending())
            {
                move(partner, this, room());
            }
            if (partnerClosed)
            {
                endOfStream();
            }
        }
    }

    /**
     * One loop: moves up to {@code limit} bytes from {@code src}'s output to {@code dst}'s input
     * (libevent's {@code be_pair_transfer}), then schedules their callbacks and restarts their timers.
     *
     * @return bytes moved
     */
    private static long move(final PairBufferEvent src, final PairBufferEvent dst, final long limit)
    {
        final long n = Math.min(src.output.length(), limit);
        if (n <= 0)
        {
            return 0;
        }
        src.output.unfreeze(true);
        dst.input.unfreeze(false);
        try
        {
            if (n == src.output.length())
            {
                dst.input.addBuffer(src.output);
            }
            else
            {
                src.output.removeBuffer(dst.input, n);
            }
        }
        finally
        {
            src.output.freeze(true);
            dst.input.freeze(false);
        }
        dst.received();
        src.sent();
        return n;
    }

    private void received()
    {
        if (input.length() >= watermarks.readLow)
        {
            callbacks.runRead(0);
        }
        adjustTimeouts();
    }

    private void sent()
    {
        if (output.length() <= watermarks.writeLow)
        {
            callbacks.runWrite(0);
        }
        adjustTimeouts();
    }

    /**
     * Two loops: gives the conduit what it has room for ({@code all}: everything), and wakes the receiver.
     */
    private long pushToConduit(final boolean all)
    {
        final PairConduit c = outbound;
        final long n;
        final boolean closed;
        synchronized (c)
        {
            if (!c.receiverClosed && gone(partnerWake))
            {
                c.receiverClosed = true;
            }
            closed = c.receiverClosed;
            n = closed ? 0 : all ? output.length() : Math.max(0, Math.min(output.length(), c.room()));
            if (!closed)
            {
                c.senderWaiting = n < output.length();
            }
        }
        if (closed)
        {
            partner = null;
            pipeBroken();
            return 0;
        }
        if (0 == n)
        {
            return 0;
        }
        output.unfreeze(true);
        try
        {
            output.removeBuffer(staging, n);
        }
        finally
        {
            output.freeze(true);
        }
        boolean broken = false;
        synchronized (c)
        {
            if (c.receiverClosed)
            {
                broken = true;
            }
            else
            {
                c.bytes.addBuffer(staging);
                c.given += n;
                broken = !wakeReceiver(c, partnerWake);
            }
        }
        staging.drain(staging.length());
        sent();
        if (broken)
        {
            partner = null;
            pipeBroken(true);
        }
        return n;
    }

    /**
     * Under the conduit's lock: activates the receiver's wake event unless it is already woken; if the
     * receiver's loop is gone the conduit is closed for it.
     *
     * @return false if the receiver's loop is gone
     */
    private static boolean wakeReceiver(final PairConduit c, final Event receiverWake)
    {
        if (c.receiverWoken)
        {
            return true;
        }
        c.receiverWoken = true;
        if (!activate(receiverWake))
        {
            c.receiverClosed = true;
            return false;
        }
        return true;
    }

    /**
     * @return true if the loop of the end whose event this is was freed (or is being freed)
     */
    private static boolean gone(final Event event)
    {
        return event.base().isFreeing() || event.base().isFreed();
    }

    /**
     * Wakes the end whose event this is, from any thread.
     *
     * @return false if its loop is gone
     */
    private static boolean activate(final Event event)
    {
        try
        {
            event.base().activateFromAnyThread(event, EventFlags.TIMEOUT);
            return true;
        }
        catch (final RejectedExecutionException | IllegalStateException e)
        {
            return false;
        }
    }

    /**
     * Two loops: takes what this end's input has room for ({@code all}: everything) from the conduit, wakes
     * a sender that waited for room, and reports a FINISHED flush or the sender's free once reached.
     *
     * @return bytes taken
     */
    private long pullFromConduit(final boolean all)
    {
        final PairConduit c = inbound;
        final long n;
        int finished = 0;
        boolean ended;
        synchronized (c)
        {
            c.receiverWoken = false;
            n = Math.min(c.bytes.length(), all ? Long.MAX_VALUE : room());
            if (n > 0)
            {
                c.bytes.removeBuffer(staging, n);
                c.taken += n;
            }
            if (c.senderWaiting && !c.senderClosed)
            {
                c.senderWaiting = false;
                if (!activate(partnerWake))
                {
                    c.senderClosed = true;
                }
            }
            if (c.finishedAt >= 0 && c.taken >= c.finishedAt)
            {
                finished = c.finishedWhat;
                c.finishedAt = -1;
            }
            ended = c.senderClosed && 0 == c.bytes.length();
        }
        if (n > 0)
        {
            input.unfreeze(false);
            try
            {
                input.addBuffer(staging);
            }
            finally
            {
                input.freeze(false);
            }
            received();
        }
        if (0 != finished)
        {
            callbacks.runEvents(finished, 0);
        }
        if (ended)
        {
            partner = null;
            endOfStream();
        }
        return n;
    }

    /**
     * Two loops: the partner gave bytes, made room, finished, or went away.
     */
    private void woken()
    {
        if (freed)
        {
            return;
        }
        pull();
        push();
    }

    /**
     * The partner is gone and everything it moved is in the input: READING|EOF once, and reading stops.
     */
    private void endOfStream()
    {
        if (eofReported || freed)
        {
            return;
        }
        eofReported = true;
        enabled &= ~EventFlags.READ;
        adjustTimeouts();
        callbacks.runEvents(FLAGS_EOF, 0);
    }

    /**
     * Output with nowhere to go: WRITING|ERROR with EPIPE once, and writing stops.
     */
    private void pipeBroken()
    {
        pipeBroken(false);
    }

    /**
     * @param lost true if bytes already left the output when the partner turned out to be gone
     */
    private void pipeBroken(final boolean lost)
    {
        if (pipeReported || freed || (!lost && 0 == output.length()))
        {
            return;
        }
        pipeReported = true;
        lastError = Errno.EPIPE;
        enabled &= ~EventFlags.WRITE;
        adjustTimeouts();
        callbacks.runEvents(FLAGS_EPIPE, 0);
    }

    // ------------------------------------------------------------------ flush

    /**
     * Moves everything regardless of watermarks and enable state (libevent {@code be_pair_flush}): WRITE moves
     * this end's output to the partner, READ the partner's output to this end; {@link #FLUSH_FINISHED} then
     * reports EOF to the partner (with READING if WRITE was flushed, WRITING if READ was). On two loops WRITE
     * moves the output into the conduit, READ takes what the conduit holds, and FINISHED reaches the partner
     * after the bytes sent before it. {@link #FLUSH_NORMAL} does nothing.
     *
     * @param what READ and/or WRITE
     * @param mode {@link #FLUSH_NORMAL}, {@link #FLUSH_FLUSH} or {@link #FLUSH_FINISHED}
     * @return 1 if bytes moved, 0 if none, -1 if the partner is gone
     */
    @Override
    public int flush(final int what, final int mode)
    {
        checkLive();
        if (FLUSH_NORMAL == mode)
        {
            return 0;
        }
        if (null == partner)
        {
            return -1;
        }
        long moved = 0;
        if (null == outbound)
        {
            if (0 != (what & EventFlags.READ))
            {
                moved += move(partner, this, Long.MAX_VALUE);
            }
            if (0 != (what & EventFlags.WRITE))
            {
                moved += move(this, partner, Long.MAX_VALUE);
            }
            if (FLUSH_FINISHED == mode)
            {
                partner.callbacks.runEvents(finishedFlags(what), 0);
            }
        }
        else
        {
            if (0 != (what & EventFlags.READ))
            {
                moved += pullFromConduit(true);
            }
            if (0 != (what & EventFlags.WRITE))
            {
                moved += pushToConduit(true);
            }
            if (FLUSH_FINISHED == mode)
            {
                synchronized (outbound)
                {
                    outbound.finishedAt = outbound.given;
                    outbound.finishedWhat = finishedFlags(what);
                    outbound.receiverWoken = false;
                    wakeReceiver(outbound, partnerWake);
                }
            }
        }
        return moved > 0 ? 1 : 0;
    }

    private static int finishedFlags(final int what)
    {
        return BevFlags.EOF | (0 != (what & EventFlags.WRITE) ? BevFlags.READING : 0) |
            (0 != (what & EventFlags.READ) ? BevFlags.WRITING : 0);
    }

    // ------------------------------------------------------------------ free

    @Override
    void removeIo()
    {
        readTimer.free();
        writeTimer.free();
        final PairBufferEvent other = partner;
        partner = null;
        if (null == outbound)
        {
            if (null != other)
            {
                other.partner = null;
                other.partnerClosed = true;
                if (!other.freed && !other.base.isFreed())
                {
                    other.pull();
                    other.push();
                }
            }
            return;
        }
        synchronized (outbound)
        {
            outbound.senderClosed = true;
            outbound.receiverWoken = false;
            if (!outbound.receiverClosed)
            {
                wakeReceiver(outbound, partnerWake);
            }
        }
        synchronized (inbound)
        {
            inbound.receiverClosed = true;
            inbound.bytes.free();
            if (!inbound.senderClosed)
            {
                activate(partnerWake);
            }
        }
    }

    @Override
    void closeTransport()
    {
        if (null != wake)
        {
            wake.free();
            staging.free();
        }
    }
}
