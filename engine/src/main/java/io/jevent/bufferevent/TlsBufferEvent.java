package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.loop.Event;
import io.jevent.loop.EventFlags;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * TLS over another bufferevent with the JDK's {@link SSLEngine} (libevent's bufferevent_openssl.c in its
 * filtering mode): ciphertext comes and goes through the underlying bufferevent (a socket, or anything else),
 * plaintext is this bufferevent's input and output. Made by {@link BufferEvent#tls}; lives on the underlying's
 * loop and is used on its thread.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>The engine's mode decides the role ({@code setUseClientMode}); SNI, ALPN, protocols and cipher suites
 *       are the engine's parameters, set by the caller ({@link SSLEngine#setSSLParameters}).</li>
 *   <li>The handshake starts at once (a client sends its ClientHello; after the underlying's own CONNECTED if
 *       it is still connecting). CONNECTED reaches the event callback only when the handshake has finished;
 *       the underlying's TCP CONNECTED is not passed on. Output written before that waits.</li>
 *   <li>Each record is copied out of the underlying's input into a segment of this bufferevent from the loop's
 *       pool (the engine decrypts in place) and unwrapped straight into free segments of a plaintext buffer that moves
 *       into this input as far as the read high watermark allows (at most about one record is unwrapped ahead);
 *       plaintext is wrapped straight from this output's segments into the underlying's output (direct views).
 *       The engine's delegated tasks run on the loop thread.</li>
 *   <li>Errors: an {@link SSLException} (bad certificate, wrong SNI, garbage instead of TLS, a protocol
 *       violation) gives ERROR with READING or WRITING, and {@link #sslError()} its message; the bufferevent is
 *       then disabled. A handshake not finished within the handshake timeout
 *       ({@link #setHandshakeTimeout}, 10 s by default) gives READING|ERROR|TIMEOUT.</li>
 *   <li>The write callback runs when this output has fallen to the write low watermark and the underlying's
 *       output to its own (the ciphertext has reached the kernel), so freeing from it loses nothing.</li>
 *   <li>Shutdown: {@code flush(WRITE, FLUSH_FINISHED)} sends close_notify after the output; free the
 *       bufferevent once the write callback reports the output drained. A peer's close_notify is EOF
 *       (READING|EOF). The underlying's EOF without close_notify is a possible truncation: READING|ERROR, unless
 *       {@link #setAllowDirtyShutdown allowed} (libevent's {@code bufferevent_openssl_set_allow_dirty_shutdown}),
 *       when it is READING|EOF.</li>
 *   <li>Renegotiation is refused: a TLS 1.2 peer that starts a new handshake after the first gets an error
 *       (TLS 1.3 has none; its post-handshake messages, session tickets and key updates, are handled).</li>
 * </ul>
 * Callbacks are always deferred, as for filters. The JDK's engine allocates on every record (about 1.6 KB per
 * record on JDK 25: its result object, record buffers, cipher state); the rest of the path allocates nothing.
 */
public final class TlsBufferEvent extends LayeredBufferEvent
{
    private static final int HEADER = 5;
    /** Largest TLS record: 2^14 plaintext plus 2048 of expansion, plus the header. */
    private static final int MAX_RECORD = (1 << 14) + 2048 + HEADER;
    private static final long DEFAULT_HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_STEPS = 64;

    private final SSLEngine engine;
    private final Lower lower = new Lower();
    /** The engine's input when it has no plaintext to wrap. */
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    /**
     * Room for one record, from the loop's segment pool (accounted, returned at the free): the ciphertext of a
     * record to unwrap, copied out of the underlying's input, since the JDK's engine decrypts in place in the
     * buffer it is given (JDK 17 refuses a read-only one) and a record may span segments; and, should the
     * underlying's output offer no contiguous room, a record being wrapped.
     */
    private final Evbuffer stage;
    private final ByteBuffer[] room = new ByteBuffer[1];
    private final ByteBuffer[] out = new ByteBuffer[4];
    private final ByteBuffer[] src = new ByteBuffer[8];
    private final ByteBuffer[] dst = new ByteBuffer[1];
    private final byte[] header = new byte[HEADER];
    private final Event handshakeTimer;
    /** Plaintext unwrapped but not yet in the input: what the read high watermark holds back. */
    private final Evbuffer clear;
    private boolean handshaken;
    private boolean finishPending;
    private boolean forceWrite;
    private boolean eofPending;
    private int eofWhat;
    private boolean failed;
    private boolean closeNotifySent;
    private boolean closeNotifyReceived;
    private boolean allowDirtyShutdown;
    private boolean inWrap;
    private String sslError;

    private TlsBufferEvent(final BufferEvent under, final SSLEngine engine, final int options)
    {
        super(under, options);
        this.engine = engine;
        this.handshakeTimer = base.newTimer(false, (ev, fd, what) -> handshakeTimedOut());
        this.clear = new Evbuffer(base.pool());
        clear.setMaxSpareSize(0);
        this.stage = new Evbuffer(base.pool());
        stage.setMaxSpareSize(MAX_RECORD);
        stage.setMaxRead(MAX_RECORD);
        clear.setMaxRead(1 << 16);
        bindBuffers();
    }

    /**
     * TLS over {@code under} (libevent {@code bufferevent_openssl_filter_new}); see the class comment.
     *
     * @param under   the bufferevent that carries the ciphertext; from now on its callbacks are this one's
     * @param engine  a fresh engine, in client or server mode, with its parameters set
     * @param options {@link BevOptions}: CLOSE_ON_FREE frees {@code under} with this one
     * @return the TLS bufferevent, WRITE enabled, READ not; the handshake under way
     * @throws SSLException if the engine refuses to begin
     */
    static TlsBufferEvent create(final BufferEvent under, final SSLEngine engine, final int options)
        throws SSLException
    {
        Objects.requireNonNull(under, "under");
        Objects.requireNonNull(engine, "engine");
        under.checkLive();
        final TlsBufferEvent t = new TlsBufferEvent(under, engine, options);
        under.setCallbacks(t.lower, t.lower, t.lower);
        under.enable(EventFlags.READ | EventFlags.WRITE);
        engine.beginHandshake();
        t.handshakeTimer.add(DEFAULT_HANDSHAKE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        t.wrap();
        return t;
    }

    /**
     * @return the engine (its session, the negotiated protocol, ALPN, peer certificates)
     */
    public SSLEngine engine()
    {
        return engine;
    }

    /**
     * @return true once the handshake has finished
     */
    public boolean isHandshaken()
    {
        return handshaken;
    }

    /**
     * @return the message of the TLS error that stopped this bufferevent (libevent
     *     {@code bufferevent_get_openssl_error}), or null
     */
    public String sslError()
    {
        return sslError;
    }

    /**
     * @param allow true to take the underlying's EOF without close_notify as a plain EOF
     */
    public void setAllowDirtyShutdown(final boolean allow)
    {
        checkLive();
        allowDirtyShutdown = allow;
    }

    /**
     * Restarts the handshake timer with a new length, unless the handshake has finished.
     *
     * @param timeout how long the handshake may take; 0 or less for no limit
     * @param unit    its unit
     */
    public void setHandshakeTimeout(final long timeout, final TimeUnit unit)
    {
        checkLive();
        if (handshaken)
        {
            return;
        }
        if (timeout > 0)
        {
            handshakeTimer.add(timeout, unit);
        }
        else
        {
            handshakeTimer.del();
        }
    }

    // ------------------------------------------------------------------ enable and suspension

    @Override
    void inputReady()
    {
        unwrap();
    }

    @Override
    void outputReady()
    {
        wrap();
    }

    /**
     * @return true while the handshake runs, and afterwards while this one reads and has room
     */
    @Override
    boolean readsUnder()
    {
        return !failed && (!handshaken || (0 != (enabled & EventFlags.READ) && 0 == readSuspended));
    }

    @Override
    void outputChanged(final long added)
    {
        super.outputChanged(added);
        if (added > 0)
        {
            wrap();
        }
    }

    // ------------------------------------------------------------------ unwrap

    /**
     * Unwraps the whole records the underlying's input holds into {@link #clear} (at most a record's worth
     * ahead of the input), running the handshake along, then moves what the read high watermark allows into
     * the input. Bounded per call; a call that stops with records left continues later in the loop pass.
     */
    private void unwrap()
    {
        if (under.freed)
        {
            return;
        }
        final Evbuffer cipher = under.input;
        boolean more = false;
        for (int step = 0; !failed && !freed && !closeNotifyReceived; step++)
        {
            if (handshaken && (0 == (enabled & EventFlags.READ) ||
                clear.length() >= engine.getSession().getApplicationBufferSize()))
            {
                break;
            }
            final int length = nextRecordLength(cipher);
            if (length <= 0 || cipher.length() < length)
            {
                break;
            }
            if (step >= MAX_STEPS)
            {
                more = true;
                break;
            }
            final ByteBuffer record = room(length);
            if (null == record)
            {
                fail(BevFlags.READING, "no contiguous room for a TLS record");
                return;
            }
            record.limit(length);
            cipher.copyout(record);
            record.flip();
            final SSLEngineResult r;
            try
            {
                final int k = clear.prepareRead(engine.getSession().getApplicationBufferSize(), out);
                r = engine.unwrap(record, out, 0, Math.max(0, k));
                clear.commitRead(r.bytesProduced());
            }
            catch (final SSLException e)
            {
                fail(BevFlags.READING, e);
                return;
            }
            finally
            {
                stage.commitRead(0);
            }
            cipher.drain(r.bytesConsumed());
            if (SSLEngineResult.Status.CLOSED == r.getStatus())
            {
                closeNotifyReceived = true;
                if (!closeNotifySent)
                {
                    wrap();
                }
                endOfStream(BevFlags.READING | BevFlags.EOF);
                break;
            }
            if (!handshakeProgress(r.getHandshakeStatus()) || 0 == r.bytesConsumed())
            {
                break;
            }
        }
        deliver();
        if (more || (wholeRecordWaits(cipher) && !failed && !closeNotifyReceived && !freed && (!handshaken ||
            (0 != (enabled & EventFlags.READ) && clear.length() < engine.getSession().getApplicationBufferSize()))))
        {
            processInputLater();
        }
    }

    private boolean wholeRecordWaits(final Evbuffer cipher)
    {
        final int record = nextRecordLength(cipher);
        return record > 0 && cipher.length() >= record;
    }

    /**
     * Moves unwrapped plaintext into the input as far as the read high watermark allows (READ enabled), runs
     * the read callback, and reports a pending end of stream once everything unwrapped has been delivered.
     */
    private void deliver()
    {
        if (freed || !handshaken)
        {
            return;
        }
        if (clear.length() > 0 && 0 != (enabled & EventFlags.READ))
        {
            final long high = watermarks.readHigh;
            final long n = 0 == high ? clear.length() : Math.min(clear.length(), high - input.length());
            if (n > 0)
            {
                input.unfreeze(false);
                try
                {
                    if (n == clear.length())
                    {
                        input.addBuffer(clear);
                    }
                    else
                    {
                        clear.removeBuffer(input, n);
                    }
                }
                finally
                {
                    input.freeze(false);
                }
                if (input.length() >= watermarks.readLow)
                {
                    callbacks.runRead(0);
                }
            }
        }
        if (eofPending && 0 == clear.length())
        {
            eofPending = false;
            disableRead();
            callbacks.runEvents(eofWhat, 0);
        }
    }

    /**
     * The stream ended (close_notify, or the underlying's EOF): reported once everything unwrapped is in.
     */
    private void endOfStream(final int what)
    {
        eofPending = true;
        eofWhat = what;
    }

    /**
     * @return the length of the first record (header included): what its header says, or, for bytes that are
     *     not a TLS record, all there is up to a record's maximum (so the engine refuses them); 0 if the header
     *     is incomplete
     */
    private int nextRecordLength(final Evbuffer cipher)
    {
        if (cipher.length() < HEADER)
        {
            return 0;
        }
        cipher.copyout(header, 0, HEADER);
        final int type = header[0] & 0xff;
        final int length = HEADER + (((header[3] & 0xff) << 8) | (header[4] & 0xff));
        if (type < 20 || type > 24 || 3 != header[1] || length > MAX_RECORD)
        {
            return (int)Math.min(cipher.length(), MAX_RECORD);
        }
        return length;
    }

    // ------------------------------------------------------------------ wrap

    /**
     * Wraps what must go out: handshake messages while handshaking, then this output (when WRITE is enabled),
     * then close_notify once asked for; into the underlying's output.
     */
    private void wrap()
    {
        if (inWrap || failed || freed || under.freed)
        {
            return;
        }
        inWrap = true;
        try
        {
            for (int step = 0; step < MAX_STEPS; step++)
            {
                final boolean handshaking = !handshaken &&
                    SSLEngineResult.HandshakeStatus.NEED_WRAP == engine.getHandshakeStatus();
                final boolean data = handshaken && output.length() > 0 && !engine.isOutboundDone() &&
                    (forceWrite || (0 != (enabled & EventFlags.WRITE) && 0 == writeSuspended));
                final boolean closing = engine.isOutboundDone() ? false :
                    SSLEngineResult.HandshakeStatus.NEED_WRAP == engine.getHandshakeStatus();
                if (!handshaking && !data && !closing)
                {
                    break;
                }
                if (!wrapOnce(data))
                {
                    break;
                }
            }
        }
        finally
        {
            inWrap = false;
        }
        if (finishPending && handshaken && !failed)
        {
            finishPending = false;
            finish();
            return;
        }
        if (handshaken && output.length() <= watermarks.writeLow && under.output.length() <= under.watermarks.writeLow)
        {
            callbacks.runWrite(0);
        }
    }

    /**
     * One wrap call: up to a record of plaintext (or none) into the underlying's output.
     *
     * @return true if it made progress
     */
    private boolean wrapOnce(final boolean data)
    {
        final Evbuffer cipher = under.output;
        final int packet = engine.getSession().getPacketBufferSize();
        int k = 0;
        if (data)
        {
            output.unfreeze(true);
            k = Math.max(0, output.prepareWrite(1 << 14, src));
        }
        try
        {
            cipher.expand(packet);
            final boolean direct = cipher.prepareRead(packet, dst) > 0 && dst[0].remaining() >= packet;
            final ByteBuffer target = direct ? dst[0] : room(packet);
            if (null == target)
            {
                cipher.commitRead(0);
                fail(BevFlags.WRITING, "no contiguous room for a TLS record");
                return false;
            }
            final SSLEngineResult r = 0 == k ? engine.wrap(EMPTY, target) : engine.wrap(src, 0, k, target);
            if (direct)
            {
                cipher.commitRead(r.bytesProduced());
            }
            else
            {
                cipher.commitRead(0);
                stage.commitRead(r.bytesProduced());
                cipher.addBuffer(stage);
            }
            if (data)
            {
                output.commitWrite(r.bytesConsumed());
            }
            if (SSLEngineResult.Status.CLOSED == r.getStatus())
            {
                closeNotifySent = true;
            }
            return handshakeProgress(r.getHandshakeStatus()) && (r.bytesProduced() > 0 || r.bytesConsumed() > 0);
        }
        catch (final SSLException e)
        {
            fail(BevFlags.WRITING, e);
            return false;
        }
        finally
        {
            if (data)
            {
                output.freeze(true);
            }
        }
    }

    /**
     * @param bytes room wanted, at most a record's
     * @return a writable direct view of that much contiguous free room in {@link #stage} (prepared: end it with
     *     {@code stage.commitRead}), or null if the pool gave none
     */
    private ByteBuffer room(final int bytes)
    {
        stage.expand(bytes);
        if (stage.prepareRead(bytes, room) < 1 || room[0].remaining() < bytes)
        {
            stage.commitRead(0);
            return null;
        }
        return room[0];
    }

    // ------------------------------------------------------------------ the handshake

    /**
     * Runs what the handshake asks for after a wrap or unwrap.
     *
     * @return false if this bufferevent failed meanwhile
     */
    private boolean handshakeProgress(final SSLEngineResult.HandshakeStatus status)
    {
        SSLEngineResult.HandshakeStatus s = status;
        for (int step = 0; step < MAX_STEPS && !failed; step++)
        {
            switch (s)
            {
                case NEED_TASK ->
                {
                    Runnable task;
                    while (null != (task = engine.getDelegatedTask()))
                    {
                        task.run();
                    }
                    s = engine.getHandshakeStatus();
                }
                case FINISHED ->
                {
                    handshakeFinished();
                    return !failed;
                }
                case NEED_WRAP ->
                {
                    if (handshaken && refuseRenegotiation())
                    {
                        return false;
                    }
                    wrap();
                    return !failed;
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN ->
                {
                    if (handshaken && refuseRenegotiation())
                    {
                        return false;
                    }
                    return true;
                }
                default ->
                {
                    return true;
                }
            }
        }
        return !failed;
    }

    private void handshakeFinished()
    {
        if (handshaken)
        {
            return;
        }
        handshaken = true;
        handshakeTimer.del();
        holdUnderReading();
        callbacks.runEvents(BevFlags.CONNECTED, 0);
        wrap();
        deliver();
        if (finishPending && !inWrap)
        {
            finishPending = false;
            finish();
        }
    }

    /**
     * A new handshake after the first on TLS 1.2 (1.3 has none): refused.
     *
     * @return true if it was one (and this bufferevent has failed)
     */
    private boolean refuseRenegotiation()
    {
        if (closeNotifySent || closeNotifyReceived || engine.isOutboundDone() || engine.isInboundDone() ||
            "TLSv1.3".equals(engine.getSession().getProtocol()))
        {
            return false;
        }
        fail(BevFlags.READING, "renegotiation refused");
        return true;
    }

    private void handshakeTimedOut()
    {
        if (!handshaken && !failed && !freed)
        {
            failed = true;
            sslError = "handshake timed out";
            disableRead();
            callbacks.runEvents(BevFlags.READING | BevFlags.ERROR | BevFlags.TIMEOUT, 0);
        }
    }

    // ------------------------------------------------------------------ errors, EOF

    private void fail(final int direction, final SSLException e)
    {
        fail(direction, null == e.getMessage() ? e.toString() : e.getMessage());
    }

    private void fail(final int direction, final String reason)
    {
        if (failed)
        {
            return;
        }
        failed = true;
        sslError = reason;
        handshakeTimer.del();
        disableRead();
        enabled &= ~EventFlags.WRITE;
        callbacks.runEvents(direction | BevFlags.ERROR, 0);
    }

    private void disableRead()
    {
        enabled &= ~EventFlags.READ;
        holdUnderReading();
    }

    private void underlyingEnded(final int what)
    {
        if (failed || closeNotifyReceived)
        {
            return;
        }
        if (0 != (what & BevFlags.EOF))
        {
            try
            {
                engine.closeInbound();
            }
            catch (final SSLException e)
            {
                if (!allowDirtyShutdown || !handshaken)
                {
                    fail(BevFlags.READING, e);
                    return;
                }
            }
            endOfStream(BevFlags.READING | BevFlags.EOF);
            deliver();
            return;
        }
        if (0 != (what & BevFlags.TIMEOUT) && 0 == (what & BevFlags.ERROR))
        {
            timedOut(what);
            callbacks.runEvents(what, 0);
            return;
        }
        failed = true;
        sslError = null;
        callbacks.runEvents(what, 0);
    }

    // ------------------------------------------------------------------ flush

    /**
     * {@code flush(WRITE, FLUSH_FINISHED)} wraps the output that waits and then close_notify; other modes wrap
     * what waits.
     *
     * @param what READ and/or WRITE
     * @param mode a FLUSH_* mode
     * @return 1 if anything was wrapped, 0 otherwise
     */
    @Override
    public int flush(final int what, final int mode)
    {
        checkLive();
        if (0 == (what & EventFlags.WRITE) || FLUSH_NORMAL == mode || under.freed)
        {
            return 0;
        }
        if (!handshaken)
        {
            finishPending |= FLUSH_FINISHED == mode;
            return 0;
        }
        final long before = under.output.length();
        if (FLUSH_FINISHED == mode)
        {
            finish();
        }
        else
        {
            wrapAll();
        }
        return under.output.length() > before ? 1 : 0;
    }

    /**
     * Wraps the whole output, whatever WRITE's state, in as many calls as it takes.
     */
    private void wrapAll()
    {
        forceWrite = true;
        try
        {
            long left = output.length();
            while (left > 0 && !failed)
            {
                wrap();
                if (output.length() >= left)
                {
                    break;
                }
                left = output.length();
            }
        }
        finally
        {
            forceWrite = false;
        }
    }

    /**
     * Everything written so far, then close_notify.
     */
    private void finish()
    {
        wrapAll();
        if (!failed && !engine.isOutboundDone())
        {
            engine.closeOutbound();
            wrap();
        }
    }

    // ------------------------------------------------------------------ the underlying's callbacks

    /**
     * The callbacks installed on the underlying: one object.
     */
    private final class Lower implements DataCallback, EventsCallback
    {
        @Override
        public void onData(final BufferEvent bev)
        {
            if (bev.input.length() > 0)
            {
                unwrap();
            }
            if (bev.output.length() <= bev.watermarks.writeLow)
            {
                wrap();
            }
        }

        @Override
        public void onEvents(final BufferEvent bev, final int what)
        {
            if (freed)
            {
                return;
            }
            if (0 != (what & BevFlags.CONNECTED))
            {
                wrap();
                return;
            }
            if (bev.input.length() > 0)
            {
                unwrap();
            }
            underlyingEnded(what);
        }
    }

    // ------------------------------------------------------------------ free

    @Override
    void removeIo()
    {
        handshakeTimer.free();
        super.removeIo();
    }

    @Override
    void closeTransport()
    {
        engine.closeOutbound();
        clear.free();
        stage.free();
    }
}
