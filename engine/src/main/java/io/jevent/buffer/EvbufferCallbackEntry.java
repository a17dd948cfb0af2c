package io.jevent.buffer;

/**
 * Handle of a callback registered with {@link Evbuffer#addCallback} (libevent's
 * {@code evbuffer_cb_entry}): its flags switch it on and off.
 */
public final class EvbufferCallbackEntry
{
    /** The callback runs (set when added). A disabled callback misses the changes made meanwhile. */
    public static final int ENABLED = 1;
    /** The callback always runs synchronously, even when the buffer defers callbacks. */
    public static final int NODEFER = 2;

    final EvbufferCallback callback;
    int flags = ENABLED;
    EvbufferCallbackEntry next;
    boolean removed;

    EvbufferCallbackEntry(final EvbufferCallback callback)
    {
        this.callback = callback;
    }

    /**
     * @return the registered callback
     */
    public EvbufferCallback callback()
    {
        return callback;
    }

    /**
     * @return the current flags
     */
    public int flags()
    {
        return flags;
    }

    /**
     * @param set flags to set ({@link #ENABLED}, {@link #NODEFER})
     * @return 0
     */
    public int setFlags(final int set)
    {
        flags |= set;
        return 0;
    }

    /**
     * @param clear flags to clear
     * @return 0
     */
    public int clearFlags(final int clear)
    {
        flags &= ~clear;
        return 0;
    }
}
