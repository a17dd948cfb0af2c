package io.jevent.bufferevent;

/**
 * Options of a {@link BufferEvent} ({@code BEV_OPT_*} with libevent's values, plus jevent's own) and
 * of {@link BufferEvent#trigger} ({@code BEV_TRIG_*}).
 */
public final class BevOptions
{
    /** Close the socket when the bufferevent is freed. */
    public static final int CLOSE_ON_FREE = 0x01;
    /**
     * Writes ({@code write*}, {@code writeBuffer}), {@code enable}, {@code disable} and {@code free}
     * may be called from any thread: off the loop thread they are handed to the loop through its
     * cross-thread inbox (libevent's {@code BEV_OPT_THREADSAFE}, without its lock on the loop's own
     * path). Every other call still belongs to the loop thread.
     */
    public static final int THREADSAFE = 0x02;
    /** Run user callbacks later from the loop, not inside the I/O handling. */
    public static final int DEFER_CALLBACKS = 0x04;
    /**
     * jevent: the write high watermark bounds the output. {@code write*} calls that would take the
     * output past it refuse everything and return {@link BufferEvent#OUTPUT_FULL}; the write
     * callback (output at or below the write low watermark) says when to try again. libevent never
     * enforces the write high watermark on sockets (its issues 1211, 1466).
     */
    public static final int BOUNDED_OUTPUT = 0x100;
    /** jevent: keep Nagle's algorithm (TCP_NODELAY is set by default). */
    public static final int NAGLE = 0x200;

    /** {@link BufferEvent#trigger}: run the callbacks regardless of watermarks. */
    public static final int TRIG_IGNORE_WATERMARKS = 0x10000;
    /** {@link BufferEvent#trigger}: defer the callbacks even on a non-deferred bufferevent. */
    public static final int TRIG_DEFER_CALLBACKS = DEFER_CALLBACKS;

    private BevOptions()
    {
    }
}
