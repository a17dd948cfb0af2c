package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * A zlib compressor as a {@link BufferFilter}, for the output side of a {@link FilterBufferEvent}:
 * {@link java.util.zip.Deflater} reads straight from the source segments and writes straight into the
 * destination's free tail, through the buffers' own direct views (no heap array, nothing allocated per call).
 * {@link BufferEvent#FLUSH_NORMAL} compresses as zlib likes (output may lag); {@link BufferEvent#FLUSH_FLUSH}
 * is a sync flush, so the peer can decompress everything written so far; {@link BufferEvent#FLUSH_FINISHED}
 * ends the stream (after which more input is an error). Pair it with {@link InflateFilter} on the peer, or any
 * zlib reader. One per connection; {@link #free()} releases zlib's native memory (the filter bufferevent's free
 * calls it).
 */
public final class DeflateFilter implements BufferFilter
{
    private static final int CHUNK = 64 * 1024;
    /** Most deflate calls per filter run: bounded even if zlib made no progress report. */
    private static final int MAX_STEPS = 4096;
    /** Deflater's input when the source is empty (it keeps the last buffer it was given otherwise). */
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final Deflater deflater;
    private final ByteBuffer[] in = new ByteBuffer[1];
    private final ByteBuffer[] out = new ByteBuffer[1];
    private boolean finishing;

    /**
     * @param level 0-9 ({@link Deflater#BEST_SPEED} ... {@link Deflater#BEST_COMPRESSION}) or
     *              {@link Deflater#DEFAULT_COMPRESSION}
     * @param raw   true for a raw deflate stream, false for zlib's header and checksum
     */
    public DeflateFilter(final int level, final boolean raw)
    {
        deflater = new Deflater(level, raw);
    }

    @Override
    public int filter(final Evbuffer src, final Evbuffer dst, final long limit, final int mode)
    {
        if (finishing && src.length() > 0)
        {
            return ERROR;
        }
        if (BufferEvent.FLUSH_FINISHED == mode)
        {
            finishing = true;
        }
        final int flushAtEnd = BufferEvent.FLUSH_NORMAL == mode ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        long produced = 0;
        long consumed = 0;
        for (int step = 0; step < MAX_STEPS; step++)
        {
            final long room = limit < 0 ? CHUNK : Math.min(CHUNK, limit - produced);
            if (room <= 0)
            {
                break;
            }
            final boolean hasInput = src.length() > 0 && src.prepareWrite(CHUNK, in) > 0;
            if (hasInput)
            {
                deflater.setInput(in[0]);
            }
            else
            {
                deflater.setInput(EMPTY);
                if (BufferEvent.FLUSH_NORMAL == mode)
                {
                    break;
                }
                if (finishing)
                {
                    deflater.finish();
                }
            }
            final int start = hasInput ? in[0].position() : 0;
            if (dst.prepareRead((int)room, out) <= 0)
            {
                return ERROR;
            }
            final int space = out[0].remaining();
            final int n = deflater.deflate(out[0], hasInput ? Deflater.NO_FLUSH : flushAtEnd);
            final int taken = hasInput ? in[0].position() - start : 0;
            if (0 != dst.commitRead(n) || (hasInput && 0 != src.commitWrite(taken)))
            {
                throw new IllegalStateException("a buffer changed under the " + (n > 0 ? "filter" : "filter's view"));
            }
            produced += n;
            consumed += taken;
            if (finishing && deflater.finished())
            {
                break;
            }
            if (0 == n && 0 == taken)
            {
                break;
            }
            if (!hasInput && n < space && !finishing)
            {
                break;
            }
        }
        return produced > 0 || consumed > 0 ? OK : NEED_MORE;
    }

    /**
     * @return bytes read and written so far (for tests and statistics)
     */
    public long bytesIn()
    {
        return deflater.getBytesRead();
    }

    /**
     * @return compressed bytes produced so far
     */
    public long bytesOut()
    {
        return deflater.getBytesWritten();
    }

    @Override
    public void free()
    {
        deflater.end();
    }
}
