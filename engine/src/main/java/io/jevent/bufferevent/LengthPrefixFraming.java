package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;

/**
 * Length-prefixed framing, as a trading gateway puts on a TCP stream: every frame is a 4-byte big-endian
 * payload length followed by the payload. Two {@link BufferFilter}s for a {@link FilterBufferEvent}:
 * <ul>
 *   <li>{@link #decoder()} (input side) moves only whole frames, header included, into the filter's input, so
 *       the read callback never sees half a frame; a frame longer than the maximum, or a stream that ends
 *       inside a frame, is an error (READING|ERROR), so a peer cannot make the connection buffer without
 *       bound. It moves at least one whole frame even past the read high watermark, which otherwise a frame
 *       larger than the mark would never cross.</li>
 *   <li>{@link #encoder()} (output side) frames what the filter's output holds when it is flushed: write a
 *       message's payload, then {@code flush(EventFlags.WRITE, BufferEvent.FLUSH_FLUSH)}; the payload moves
 *       to the underlying output behind its header, without copying. Until the flush the bytes wait, so one
 *       frame is exactly what was written between two flushes.</li>
 * </ul>
 * {@link #readFrame} takes one frame's payload out of a decoded input. Each filter made here has its own
 * scratch; the instance's own methods share one, so use an instance from one thread (a loop's). Nothing
 * allocates per frame.
 */
public final class LengthPrefixFraming
{
    /** Bytes of the length header. */
    public static final int HEADER = 4;

    private final int maxPayload;
    private final byte[] header = new byte[HEADER];

    /**
     * @param maxPayload the longest payload accepted or sent, at least 1
     */
    public LengthPrefixFraming(final int maxPayload)
    {
        if (maxPayload < 1)
        {
            throw new IllegalArgumentException("maxPayload must be at least 1: " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    /**
     * @return the longest payload accepted or sent
     */
    public int maxPayload()
    {
        return maxPayload;
    }

    /**
     * @return the input-side filter (one per connection)
     */
    public BufferFilter decoder()
    {
        final byte[] scratch = new byte[HEADER];
        return (src, dst, limit, mode) -> decode(scratch, src, dst, limit, mode);
    }

    /**
     * @return the output-side filter (one per connection)
     */
    public BufferFilter encoder()
    {
        final byte[] scratch = new byte[HEADER];
        return (src, dst, limit, mode) -> encode(scratch, src, dst, mode);
    }

    /**
     * @param buffer a decoded input (whole frames, headers included)
     * @return the payload length of the first frame (0 to 2^32 - 1), or -1 if the buffer holds no whole header
     */
    public long nextPayloadLength(final Evbuffer buffer)
    {
        return payloadLength(header, buffer);
    }

    private static long payloadLength(final byte[] scratch, final Evbuffer buffer)
    {
        if (buffer.length() < HEADER)
        {
            return -1;
        }
        buffer.copyout(scratch, 0, HEADER);
        return (((scratch[0] & 0xffL) << 24) | ((scratch[1] & 0xff) << 16) | ((scratch[2] & 0xff) << 8) |
            (scratch[3] & 0xff));
    }

    /**
     * Takes the first frame out of a decoded input: its payload into {@code dst}, its header dropped.
     *
     * @param buffer a decoded input
     * @param dst    where the payload goes (at least as long as it)
     * @return the payload length, or -1 if no whole frame is there
     * @throws IllegalArgumentException if {@code dst} is too small (nothing is taken)
     */
    public int readFrame(final Evbuffer buffer, final byte[] dst)
    {
        final long n = nextPayloadLength(buffer);
        if (n < 0 || buffer.length() < HEADER + n)
        {
            return -1;
        }
        if (n > dst.length)
        {
            throw new IllegalArgumentException("payload of " + n + " bytes, buffer of " + dst.length);
        }
        buffer.drain(HEADER);
        buffer.remove(dst, 0, (int)n);
        return (int)n;
    }

    private int decode(final byte[] scratch, final Evbuffer src, final Evbuffer dst, final long limit,
        final int mode)
    {
        long room = limit < 0 ? Long.MAX_VALUE : limit;
        boolean moved = false;
        while (true)
        {
            final long n = payloadLength(scratch, src);
            if (n < 0)
            {
                break;
            }
            if (n > maxPayload)
            {
                return BufferFilter.ERROR;
            }
            final long frame = HEADER + n;
            if (src.length() < frame || (frame > room && (moved || dst.length() > 0)))
            {
                break;
            }
            src.removeBuffer(dst, frame);
            room -= Math.min(room, frame);
            moved = true;
        }
        if (BufferEvent.FLUSH_FINISHED == mode && src.length() > 0)
        {
            return BufferFilter.ERROR;
        }
        return moved ? BufferFilter.OK : BufferFilter.NEED_MORE;
    }

    private int encode(final byte[] scratch, final Evbuffer src, final Evbuffer dst, final int mode)
    {
        if (BufferEvent.FLUSH_NORMAL == mode || 0 == src.length())
        {
            return BufferFilter.NEED_MORE;
        }
        final long n = src.length();
        if (n > maxPayload)
        {
            return BufferFilter.ERROR;
        }
        scratch[0] = (byte)(n >>> 24);
        scratch[1] = (byte)(n >>> 16);
        scratch[2] = (byte)(n >>> 8);
        scratch[3] = (byte)n;
        dst.add(scratch, 0, HEADER);
        dst.addBuffer(src);
        return BufferFilter.OK;
    }
}
