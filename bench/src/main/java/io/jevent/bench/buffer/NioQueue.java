package io.jevent.bench.buffer;

import java.nio.ByteBuffer;

/**
 * The baseline: a FIFO byte queue on one direct {@link ByteBuffer}, written the way a careful
 * java.nio programmer would. The bytes are {@code [position, limit)} (the buffer stays in "read
 * mode"); appends go after the limit with absolute bulk puts; reads advance the position. When
 * the queue runs empty it is reset to 0 for free. Only when an append does not fit behind the
 * limit is the buffer {@link ByteBuffer#compact() compacted} (and flipped back), and only when
 * that is not enough does it grow (doubling, a new direct buffer, one copy): in steady state a
 * benchmark neither grows nor allocates. Moving bytes to another queue is a copy: java.nio has no
 * zero-copy hand-over of memory.
 */
final class NioQueue
{
    private ByteBuffer buf;

    NioQueue(final int initialCapacity)
    {
        buf = ByteBuffer.allocateDirect(initialCapacity);
        buf.limit(0);
    }

    int length()
    {
        return buf.remaining();
    }

    /** The underlying buffer: bytes at [position, limit). */
    ByteBuffer buffer()
    {
        return buf;
    }

    void add(final byte[] src, final int off, final int len)
    {
        ensureWritable(len);
        final int end = buf.limit();
        buf.limit(end + len);
        buf.put(end, src, off, len);
    }

    /** Appends a copy of all of src and empties src (the nio version of add_buffer). */
    void addAll(final NioQueue src)
    {
        final int n = src.length();
        ensureWritable(n);
        final int end = buf.limit();
        buf.limit(end + n);
        buf.put(end, src.buf, src.buf.position(), n);
        src.reset();
    }

    /** Moves the first n bytes of this queue to the end of dst (a copy); the nio remove_buffer. */
    int removeTo(final NioQueue dst, final int n)
    {
        final int k = Math.min(n, length());
        dst.ensureWritable(k);
        final int end = dst.buf.limit();
        dst.buf.limit(end + k);
        dst.buf.put(end, buf, buf.position(), k);
        drain(k);
        return k;
    }

    int remove(final byte[] dst, final int off, final int len)
    {
        final int n = Math.min(len, length());
        buf.get(dst, off, n);
        if (!buf.hasRemaining())
        {
            reset();
        }
        return n;
    }

    void drain(final int n)
    {
        final int k = Math.min(n, length());
        buf.position(buf.position() + k);
        if (!buf.hasRemaining())
        {
            reset();
        }
    }

    /**
     * Reads one CRLF line (LF, optionally preceded by CR) into dst, scanning byte by byte.
     *
     * @return the line length without EOL, -1 if there is no complete line, -2 if it exceeds cap
     */
    int readLineCrlf(final byte[] dst, final int off, final int cap)
    {
        final int eol = indexOfLf();
        if (eol < 0)
        {
            return -1;
        }
        final int start = buf.position();
        final int n = lineEnd(start, eol) - start;
        if (n > cap)
        {
            return -2;
        }
        buf.get(start, dst, off, n);
        consumeLine(eol);
        return n;
    }

    /** As {@link #readLineCrlf(byte[], int, int)}, as an ISO-8859-1 String (null if no line). */
    String readLineCrlf()
    {
        final int eol = indexOfLf();
        if (eol < 0)
        {
            return null;
        }
        final int start = buf.position();
        final byte[] line = new byte[lineEnd(start, eol) - start];
        buf.get(start, line);
        consumeLine(eol);
        return new String(line, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** First occurrence of what, or -1: a byte loop on the first byte, then a compare. */
    int search(final byte[] what)
    {
        final ByteBuffer b = buf;
        final int start = b.position();
        final int last = b.limit() - what.length;
        final byte b0 = what[0];
        outer:
        for (int i = start; i <= last; i++)
        {
            if (b.get(i) != b0)
            {
                continue;
            }
            for (int k = 1; k < what.length; k++)
            {
                if (b.get(i + k) != what[k])
                {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    private int indexOfLf()
    {
        final ByteBuffer b = buf;
        for (int i = b.position(), end = b.limit(); i < end; i++)
        {
            if ('\n' == b.get(i))
            {
                return i;
            }
        }
        return -1;
    }

    private int lineEnd(final int start, final int eol)
    {
        return eol > start && '\r' == buf.get(eol - 1) ? eol - 1 : eol;
    }

    private void consumeLine(final int eol)
    {
        buf.position(eol + 1);
        if (!buf.hasRemaining())
        {
            reset();
        }
    }

    private void reset()
    {
        buf.position(0);
        buf.limit(0);
    }

    private void ensureWritable(final int n)
    {
        if (buf.capacity() - buf.limit() >= n)
        {
            return;
        }
        final int have = buf.remaining();
        if (buf.capacity() - have >= n)
        {
            buf.compact();
            buf.flip();
            return;
        }
        final ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(buf.capacity() * 2, have + n));
        bigger.put(buf);
        bigger.flip();
        buf = bigger;
    }
}
