package io.jevent.bufferevent;

/**
 * What an event callback of a {@link BufferEvent} reports, with libevent's values
 * ({@code BEV_EVENT_*}). EOF, ERROR and TIMEOUT caused by I/O come with exactly one of READING or
 * WRITING; connect results (CONNECTED, or ERROR for a failed connect) come with neither.
 */
public final class BevFlags
{
    /** The event happened while reading. */
    public static final int READING = 0x01;
    /** The event happened while writing. */
    public static final int WRITING = 0x02;
    /** End of stream. */
    public static final int EOF = 0x10;
    /** An error; see {@link BufferEvent#socketError()}. */
    public static final int ERROR = 0x20;
    /** A read or write timeout expired. */
    public static final int TIMEOUT = 0x40;
    /** A connect completed. */
    public static final int CONNECTED = 0x80;

    private BevFlags()
    {
    }

    /**
     * @param what flags
     * @return a readable form such as {@code READING|EOF}
     */
    public static String toString(final int what)
    {
        final StringBuilder sb = new StringBuilder();
        final String[] names = {"READING", "WRITING", "EOF", "ERROR", "TIMEOUT", "CONNECTED"};
        final int[] bits = {READING, WRITING, EOF, ERROR, TIMEOUT, CONNECTED};
        for (int i = 0; i < bits.length; i++)
        {
            if (0 != (what & bits[i]))
            {
                sb.append(sb.length() > 0 ? "|" : "").append(names[i]);
            }
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
