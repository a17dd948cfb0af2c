package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;

/**
 * One direction of a {@link FilterBufferEvent}'s transformation (libevent's {@code bufferevent_filter_cb}):
 * takes bytes from {@code src} and puts what they become into {@code dst}. On the input side {@code src} is the
 * underlying bufferevent's input and {@code dst} the filter's input; on the output side {@code src} is the
 * filter's output and {@code dst} the underlying's output. Runs on the loop thread; must not keep the buffers.
 */
@FunctionalInterface
public interface BufferFilter
{
    /** Result: the filter made progress; it is called again while there is input and room. */
    int OK = 0;
    /** Result: the filter needs more input before it can produce anything. */
    int NEED_MORE = 1;
    /** Result: the data are invalid; the direction stops and the filter bufferevent reports ERROR. */
    int ERROR = 2;

    /**
     * @param src   where the bytes come from (drain what you consume)
     * @param dst   where the result goes
     * @param limit most bytes to add to {@code dst} (the room under its high watermark), or -1 for no limit
     * @param mode  {@link BufferEvent#FLUSH_NORMAL}; {@link BufferEvent#FLUSH_FLUSH} to push out everything
     *              buffered; {@link BufferEvent#FLUSH_FINISHED} when no more input will come (EOF, or a flush
     *              with that mode)
     * @return {@link #OK}, {@link #NEED_MORE} or {@link #ERROR}
     */
    int filter(Evbuffer src, Evbuffer dst, long limit, int mode);

    /**
     * Releases what the filter holds (native zlib state...); called once when its filter bufferevent is freed.
     */
    default void free()
    {
    }

    /**
     * The pass-through filter (a null filter in libevent): moves up to {@code limit} bytes without copying.
     */
    BufferFilter PASS = (src, dst, limit, mode) ->
    {
        final long n = limit < 0 ? src.length() : Math.min(limit, src.length());
        if (n > 0)
        {
            src.removeBuffer(dst, n);
        }
        return OK;
    };
}
