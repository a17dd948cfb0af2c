package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;

/**
 * The watermarks of one bufferevent (libevent's {@code bufferevent_setwatermark}): the read low mark the
 * input must reach before readcb runs, the read high mark at which reading is suspended (and which no
 * single read may exceed), the write low mark the output must fall to before writecb runs, and the write
 * high mark that {@link BevOptions#BOUNDED_OUTPUT} enforces on the output. 0 for a high mark means none.
 * Plain fields, loop thread only (the bound is also read by {@link RemoteCalls}).
 */
final class Watermarks
{
    private final BufferEvent bev;
    long readLow;
    long readHigh;
    long writeLow;
    long writeHigh;

    Watermarks(final BufferEvent bev)
    {
        this.bev = bev;
    }

    /**
     * Sets the marks of one or both directions; a new read high mark suspends or resumes reading at once.
     *
     * @param what READ and/or WRITE
     * @param low  low watermark
     * @param high high watermark, 0 for none
     */
    void set(final int what, final long low, final long high)
    {
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
                inputChanged();
            }
            else
            {
                bev.unsuspendRead(BufferEvent.SUSPEND_WM);
            }
        }
    }

    /**
     * @param what exactly READ or exactly WRITE
     * @param high true for the high watermark
     * @return the watermark, or -1 if {@code what} is not exactly one direction
     */
    long get(final int what, final boolean high)
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

    /**
     * After a change of the input: reading is suspended while the input is at or above the read high
     * mark, and resumed below it.
     */
    void inputChanged()
    {
        if (0 != readHigh && bev.input.length() >= readHigh)
        {
            bev.suspendRead(BufferEvent.SUSPEND_WM);
        }
        else
        {
            bev.unsuspendRead(BufferEvent.SUSPEND_WM);
        }
    }

    /**
     * @return true if {@link BevOptions#BOUNDED_OUTPUT} holds the output to the write high mark
     */
    boolean boundedOutput()
    {
        return 0 != (bev.options & BevOptions.BOUNDED_OUTPUT) && writeHigh > 0;
    }

    /**
     * @param adding bytes a write would add
     * @return true if the bound refuses them
     */
    boolean full(final long adding)
    {
        return boundedOutput() && bev.output.length() + adding > writeHigh;
    }
}
