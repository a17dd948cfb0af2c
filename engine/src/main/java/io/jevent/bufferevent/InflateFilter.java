package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zlib decompressor as a {@link BufferFilter}, for the input side of a {@link FilterBufferEvent}: reads the
 * compressed bytes straight from the source segments and inflates straight into the destination's free tail
 * (direct views, nothing allocated per call), never more than the limit (the room under the filter's read
 * high watermark), so a small compressed input cannot blow up the buffer. Corrupt data, a preset dictionary,
 * bytes after the end of the stream, or an end of input (EOF) that leaves unconsumed bytes are errors
 * (READING|ERROR). One per connection; {@link #free()} releases zlib's native memory.
 */
public final class InflateFilter implements BufferFilter
{
    private static final int CHUNK = 64 * 1024;
    private static final int MAX_STEPS = 4096;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final Inflater inflater;
    private final ByteBuffer[] in = new ByteBuffer[1];
    private final ByteBuffer[] out = new ByteBuffer[1];

    /**
     * @param raw true for a raw deflate stream, false for zlib's header and checksum
     */
    public InflateFilter(final boolean raw)
    {
        inflater = new Inflater(raw);
    }

    @Override
    public int filter(final Evbuffer src, final Evbuffer dst, final long limit, final int mode)
    {
        long produced = 0;
        long consumed = 0;
        try
        {
            for (int step = 0; step < MAX_STEPS; step++)
            {
                if (inflater.finished())
                {
                    return src.length() > 0 ? ERROR : produced > 0 || consumed > 0 ? OK : NEED_MORE;
                }
                final long room = limit < 0 ? CHUNK : Math.min(CHUNK, limit - produced);
                if (room <= 0)
                {
                    break;
                }
                final boolean hasInput = src.length() > 0 && src.prepareWrite(CHUNK, in) > 0;
                inflater.setInput(hasInput ? in[0] : EMPTY);
                final int start = hasInput ? in[0].position() : 0;
                if (dst.prepareRead((int)room, out) <= 0)
                {
                    return ERROR;
                }
                final int n = inflater.inflate(out[0]);
                final int taken = hasInput ? in[0].position() - start : 0;
                if (0 != dst.commitRead(n) || (hasInput && 0 != src.commitWrite(taken)))
                {
                    throw new IllegalStateException("a buffer changed under the filter");
                }
                produced += n;
                consumed += taken;
                if (inflater.needsDictionary())
                {
                    return ERROR;
                }
                if (0 == n && 0 == taken)
                {
                    break;
                }
            }
        }
        catch (final DataFormatException e)
        {
            return ERROR;
        }
        if (BufferEvent.FLUSH_FINISHED == mode && src.length() > 0 && 0 == produced)
        {
            return ERROR;
        }
        return produced > 0 || consumed > 0 ? OK : NEED_MORE;
    }

    /**
     * @return compressed bytes consumed so far
     */
    public long bytesIn()
    {
        return inflater.getBytesRead();
    }

    /**
     * @return decompressed bytes produced so far
     */
    public long bytesOut()
    {
        return inflater.getBytesWritten();
    }

    @Override
    public void free()
    {
        inflater.end();
    }
}
