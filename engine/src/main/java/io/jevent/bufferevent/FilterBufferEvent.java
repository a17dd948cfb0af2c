package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;

import java.util.Objects;

/**
 * A bufferevent that transforms the bytes of another (libevent's bufferevent_filter.c): an input
 * {@link BufferFilter} from the underlying bufferevent's input to this one's input, and an output filter from
 * this one's output to the underlying's output. Made by {@link BufferEvent#filter}; lives on the underlying's
 * loop and is used on its thread.
 *
 * <h2>Semantics</h2>
 * Those of libevent 2.1 (libevent-semantics.md §1.13), with callbacks always deferred (as pairs; see below):
 * the filter takes over the underlying's callbacks,
 * enables it for READ and WRITE, and keeps its reading suspended while this filter's READ is not enabled.
 * Whenever the underlying's input reaches its read low watermark the input filter runs, with the room under
 * this filter's read high watermark as its limit, again while it returns {@link BufferFilter#OK}, READ is
 * enabled, input remains and there is room; then this filter's readcb runs if its input reached the read low
 * watermark. Draining this filter's input below its high watermark resumes the processing (libevent issue
 * 362). Adding to this filter's output runs the output filter at once, with the room under the underlying's
 * write high watermark as its limit, not re-entered from inside itself; it resumes when the underlying's
 * output drains (its writecb); this filter's writecb runs when its output falls to the write low watermark.
 * Every event of the underlying (EOF, ERROR, TIMEOUT, CONNECTED) reaches this filter's event callback
 * unchanged. {@link #flush} runs the filters in the given mode without the watermark limits, then flushes the
 * underlying, and returns 1 if anything was processed. Freeing the filter with {@link BevOptions#CLOSE_ON_FREE}
 * frees the underlying; without it the underlying survives, with no callbacks and reading no longer held by
 * the filter. Bytes still in this filter's output are not pushed down (as libevent, issue 616). {@link #fd()}
 * and {@link #socketError()} are the underlying's; timeouts set here are set on the underlying.
 *
 * <h2>Differences from libevent, on purpose</h2>
 * <ul>
 *   <li><b>No re-entrant callbacks</b>: {@link BevOptions#DEFER_CALLBACKS} is always added, and input processing
 *       resumed by user code (draining the input below its high watermark, enabling READ) runs later in the
 *       loop pass, so a read callback never runs inside the user's own read, nor a write callback inside a
 *       write (libevent runs them at once unless deferred, which lets a writer recurse).</li>
 *   <li><b>End of stream reaches the filter</b>: at the underlying's EOF the input filter runs once more with
 *       {@link #FLUSH_FINISHED} before EOF is reported (libevent 2.1.12 never sets its {@code got_eof}, so a
 *       decompressor never learns that its stream ended).</li>
 *   <li><b>Filter errors are reported</b>: a filter that returns {@link BufferFilter#ERROR} stops its direction
 *       and the event callback gets READING|ERROR or WRITING|ERROR (libevent stops silently).</li>
 *   <li><b>Memory stays bounded</b>: while this filter's input is at its read high watermark the underlying
 *       stops reading too, so its input does not grow meanwhile.</li>
 * </ul>
 */
public final class FilterBufferEvent extends LayeredBufferEvent
{
    /** Most filter runs per direction per trigger: a filter that keeps returning OK cannot hold the loop. */
    private static final int MAX_RUNS = 64;

    private final BufferFilter inputFilter;
    private final BufferFilter outputFilter;
    private final Lower lower = new Lower();
    private boolean inOutputFilter;
    private boolean inputFailed;
    private boolean outputFailed;
    private boolean finishedInput;
    private boolean eofReported;
    private int eofEvents;

    private FilterBufferEvent(final BufferEvent under, final BufferFilter inputFilter,
        final BufferFilter outputFilter, final int options)
    {
        super(under, options);
        this.inputFilter = null == inputFilter ? BufferFilter.PASS : inputFilter;
        this.outputFilter = null == outputFilter ? BufferFilter.PASS : outputFilter;
        bindBuffers();
    }

    /**
     * A filter over {@code under} (libevent {@code bufferevent_filter_new}); see the class comment.
     *
     * @param under        the bufferevent to filter; from now on its callbacks are the filter's
     * @param inputFilter  from under's input to this input, or null to pass bytes through
     * @param outputFilter from this output to under's output, or null to pass bytes through
     * @param options      {@link BevOptions}: CLOSE_ON_FREE frees {@code under} with the filter
     * @return the filter, WRITE enabled, READ not (as every new bufferevent)
     * @throws IllegalStateException if {@code under} was freed
     */
    static FilterBufferEvent create(final BufferEvent under, final BufferFilter inputFilter,
        final BufferFilter outputFilter, final int options)
    {
        Objects.requireNonNull(under, "under");
        under.checkLive();
        final FilterBufferEvent f = new FilterBufferEvent(under, inputFilter, outputFilter, options);
        under.setCallbacks(f.lower, f.lower, f.lower);
        under.suspendRead(SUSPEND_LAYER);
        under.enable(EventFlags.READ | EventFlags.WRITE);
        return f;
    }

    // ------------------------------------------------------------------ enable, suspend

    @Override
    void inputReady()
    {
        if (finishedInput)
        {
            finishInput();
        }
        else
        {
            processInput(FLUSH_NORMAL, false);
        }
    }

    @Override
    void outputReady()
    {
        processOutput(FLUSH_NORMAL, false);
    }

    /**
     * After the underlying's EOF: runs the input filter with FINISHED, within the read high watermark, and
     * reports the EOF once the underlying's input is used up (or the filter can take no more); draining this
     * input below the mark continues it.
     */
    private void finishInput()
    {
        if (eofReported || freed)
        {
            return;
        }
        final boolean progress = processInput(FLUSH_FINISHED, false, true);
        if (under.freed || 0 == under.input.length() || inputFailed || (!progress && 0 == readSuspended))
        {
            eofReported = true;
            callbacks.runEvents(eofEvents, 0);
        }
    }

    /**
     * @return true while this filter reads: READ enabled, not suspended (input below the high watermark), no
     *     input error
     */
    @Override
    boolean readsUnder()
    {
        return 0 != (enabled & EventFlags.READ) && 0 == readSuspended && !inputFailed;
    }

    // ------------------------------------------------------------------ input side

    /**
     * Runs the input filter (libevent's {@code be_filter_process_input}).
     *
     * @param mode  a FLUSH_* mode
     * @param force true for {@link #flush}: no watermark limit, READ need not be enabled
     * @return true if the filter produced or consumed anything
     */
    private boolean processInput(final int mode, final boolean force)
    {
        return processInput(mode, force, force);
    }

    /**
     * @param noLimit     true for no watermark limit
     * @param evenIfOff   true to run even with READ disabled
     */
    private boolean processInput(final int mode, final boolean noLimit, final boolean evenIfOff)
    {
        if (freed || inputFailed || under.freed || (!evenIfOff && 0 == (enabled & EventFlags.READ)))
        {
            return false;
        }
        final long before = input.length();
        boolean progress = false;
        for (int run = 0; run < MAX_RUNS; run++)
        {
            final long high = watermarks.readHigh;
            final long limit = noLimit || 0 == high ? -1 : high - input.length();
            if (0 == limit || (FLUSH_NORMAL == mode && 0 == under.input.length()))
            {
                break;
            }
            final long in = under.input.length();
            final long out = input.length();
            final int r;
            input.unfreeze(false);
            try
            {
                r = inputFilter.filter(under.input, input, limit, mode);
            }
            finally
            {
                input.freeze(false);
            }
            final boolean moved = in != under.input.length() || out != input.length();
            progress |= moved;
            if (BufferFilter.ERROR == r)
            {
                inputFailed = true;
                holdUnderReading();
                callbacks.runEvents(BevFlags.READING | BevFlags.ERROR, 0);
                break;
            }
            if (BufferFilter.OK != r || !moved || FLUSH_NORMAL != mode)
            {
                break;
            }
        }
        if (input.length() > before && input.length() >= watermarks.readLow)
        {
            callbacks.runRead(0);
        }
        return progress;
    }

    // ------------------------------------------------------------------ output side

    @Override
    void outputChanged(final long added)
    {
        super.outputChanged(added);
        if (added > 0)
        {
            processOutput(FLUSH_NORMAL, false);
        }
    }

    /**
     * Runs the output filter (libevent's {@code be_filter_process_output}); never re-entered.
     *
     * @param mode  a FLUSH_* mode
     * @param force true for {@link #flush}: no watermark limit, WRITE need not be enabled
     * @return true if the filter produced or consumed anything
     */
    private boolean processOutput(final int mode, final boolean force)
    {
        if (freed || outputFailed || inOutputFilter || under.freed ||
            (!force && (0 == (enabled & EventFlags.WRITE) || 0 != writeSuspended)))
        {
            return false;
        }
        inOutputFilter = true;
        boolean progress = false;
        try
        {
            for (int run = 0; run < MAX_RUNS; run++)
            {
                final long high = under.watermarks.writeHigh;
                final long limit = force || 0 == high ? -1 : Math.max(0, high - under.output.length());
                if (0 == limit || (FLUSH_NORMAL == mode && 0 == output.length()))
                {
                    break;
                }
                final long in = output.length();
                final long out = under.output.length();
                final int r;
                output.unfreeze(true);
                try
                {
                    r = outputFilter.filter(output, under.output, limit, mode);
                }
                finally
                {
                    output.freeze(true);
                }
                final boolean moved = in != output.length() || out != under.output.length();
                progress |= moved;
                if (BufferFilter.ERROR == r)
                {
                    outputFailed = true;
                    callbacks.runEvents(BevFlags.WRITING | BevFlags.ERROR, 0);
                    break;
                }
                if (BufferFilter.OK != r || !moved || FLUSH_NORMAL != mode)
                {
                    break;
                }
            }
        }
        finally
        {
            inOutputFilter = false;
        }
        if (progress && output.length() <= watermarks.writeLow)
        {
            callbacks.runWrite(0);
        }
        return progress;
    }

    // ------------------------------------------------------------------ flush

    /**
     * Runs the filters in {@code mode} without the watermark limits (libevent {@code be_filter_flush}), then
     * flushes the underlying.
     *
     * @param what READ and/or WRITE
     * @param mode {@link #FLUSH_NORMAL}, {@link #FLUSH_FLUSH} or {@link #FLUSH_FINISHED}
     * @return 1 if either filter processed anything, else what the underlying's flush returned
     */
    @Override
    public int flush(final int what, final int mode)
    {
        checkLive();
        boolean progress = false;
        if (0 != (what & EventFlags.READ))
        {
            progress = processInput(mode, true);
        }
        if (0 != (what & EventFlags.WRITE))
        {
            progress |= processOutput(mode, true);
        }
        final int u = under.freed ? 0 : under.flush(what, mode);
        return progress ? 1 : u;
    }

    // ------------------------------------------------------------------ the underlying's callbacks

    /**
     * The callbacks this filter installs on the underlying: one object, made once.
     */
    private final class Lower implements DataCallback, EventsCallback
    {
        @Override
        public void onData(final BufferEvent bev)
        {
            if (bev.input.length() >= bev.watermarks.readLow && bev.input.length() > 0)
            {
                processInput(FLUSH_NORMAL, false);
            }
            if (bev.output.length() <= bev.watermarks.writeLow)
            {
                processOutput(FLUSH_NORMAL, false);
            }
        }

        @Override
        public void onEvents(final BufferEvent bev, final int what)
        {
            if (freed)
            {
                return;
            }
            if (0 != (what & BevFlags.EOF) && 0 != (what & BevFlags.READING))
            {
                if (!finishedInput)
                {
                    finishedInput = true;
                    eofEvents = what;
                    finishInput();
                }
                return;
            }
            if (0 != (what & BevFlags.TIMEOUT))
            {
                timedOut(what);
            }
            callbacks.runEvents(what, 0);
        }
    }

    // ------------------------------------------------------------------ free

    @Override
    void closeTransport()
    {
        inputFilter.free();
        if (outputFilter != inputFilter)
        {
            outputFilter.free();
        }
    }
}
