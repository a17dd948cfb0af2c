package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;

import java.util.concurrent.TimeUnit;

/**
 * What the kinds that work over another bufferevent share (libevent's filtering bufferevents:
 * {@link FilterBufferEvent}, {@link TlsBufferEvent}): the underlying bufferevent, whose fd, socket error and
 * single-read and single-write sizes they report as their own; the underlying reads only while the layer wants
 * it to ({@link #readsUnder()}), held by its own suspension flag; timeouts set on the layer are the
 * underlying's; enabling a direction on the layer enables it on the underlying again (after a timeout turned
 * it off); input processing that user code resumes (enabling READ, draining below the read high watermark)
 * runs later in the loop pass, never inside that user call; and freeing the layer frees the underlying with
 * {@link BevOptions#CLOSE_ON_FREE}, or leaves it with no callbacks and its reading no longer held. Callbacks of
 * a layer are always deferred.
 */
public abstract class LayeredBufferEvent extends BufferEvent
{
    /** The underlying's reading is held because the layer above does not read. */
    static final int SUSPEND_LAYER = 0x04;

    final BufferEvent under;
    private final Runnable deferredInput = this::runDeferredInput;
    private boolean inputDeferred;

    LayeredBufferEvent(final BufferEvent under, final int options)
    {
        super(under.base, options | BevOptions.DEFER_CALLBACKS);
        this.under = under;
    }

    /**
     * The layer processes what input the underlying holds (now: from the loop, never inside a user call).
     */
    abstract void inputReady();

    /**
     * The layer processes its output (writing may go on).
     */
    abstract void outputReady();

    /**
     * Processes the input later in this loop pass: a resumption caused by user code (a drain, an enable)
     * never runs the layer and the read callback inside that user call.
     */
    final void processInputLater()
    {
        if (!inputDeferred && !freed && !base.isFreed())
        {
            inputDeferred = true;
            base.defer(deferredInput);
        }
    }

    private void runDeferredInput()
    {
        inputDeferred = false;
        if (!freed)
        {
            inputReady();
        }
    }

    @Override
    final int doEnable(final int what)
    {
        enableUnder(what);
        if (0 != (what & EventFlags.READ))
        {
            holdUnderReading();
            processInputLater();
        }
        if (0 != (what & EventFlags.WRITE))
        {
            outputReady();
        }
        return 0;
    }

    @Override
    final int doDisable(final int what)
    {
        holdUnderReading();
        return 0;
    }

    @Override
    final void readSuspendChanged(final boolean suspended)
    {
        if (freed)
        {
            return;
        }
        holdUnderReading();
        if (!suspended)
        {
            processInputLater();
        }
    }

    @Override
    final void writeSuspendChanged(final boolean suspended)
    {
        if (!suspended && !freed)
        {
            outputReady();
        }
    }

    /**
     * @return the bufferevent below (libevent {@code bufferevent_get_underlying})
     */
    public BufferEvent underlying()
    {
        return under;
    }

    /**
     * @return the underlying's fd
     */
    @Override
    public int fd()
    {
        return under.fd();
    }

    /**
     * @return the underlying's socket error
     */
    @Override
    public int socketError()
    {
        return under.socketError();
    }

    @Override
    int maxSingleReadBytes()
    {
        return under.maxSingleReadBytes();
    }

    @Override
    int maxSingleWriteBytes()
    {
        return under.maxSingleWriteBytes();
    }

    /**
     * @return true while the underlying should read for this layer
     */
    abstract boolean readsUnder();

    /**
     * Lets the underlying read, or holds it, as {@link #readsUnder()} says.
     */
    final void holdUnderReading()
    {
        if (under.freed)
        {
            return;
        }
        if (readsUnder())
        {
            under.unsuspendRead(SUSPEND_LAYER);
        }
        else
        {
            under.suspendRead(SUSPEND_LAYER);
        }
    }

    /**
     * Enables on the underlying the directions enabled here that it has off (a timeout turns its direction off).
     *
     * @param what READ and/or WRITE
     */
    final void enableUnder(final int what)
    {
        final int both = what & (EventFlags.READ | EventFlags.WRITE);
        if (!under.freed && both != (under.enabled & both))
        {
            under.enable(both);
        }
    }

    /**
     * The underlying's event turned a direction off (a timeout): the layer's direction goes off too.
     *
     * @param what the underlying's events flags
     */
    final void timedOut(final int what)
    {
        enabled &= ~((0 != (what & BevFlags.READING) ? EventFlags.READ : 0) |
            (0 != (what & BevFlags.WRITING) ? EventFlags.WRITE : 0));
        holdUnderReading();
    }

    @Override
    final void timeoutsChanged()
    {
        if (!under.freed)
        {
            under.setTimeouts(readTimeoutNanos, writeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * At the free: the underlying is freed (CLOSE_ON_FREE) or released.
     */
    @Override
    void removeIo()
    {
        if (under.freed)
        {
            return;
        }
        if (0 != (options & BevOptions.CLOSE_ON_FREE))
        {
            under.free();
        }
        else
        {
            under.setCallbacks(null, null, null);
            under.unsuspendRead(SUSPEND_LAYER);
        }
    }
}
