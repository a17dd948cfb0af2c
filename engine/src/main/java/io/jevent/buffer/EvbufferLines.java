package io.jevent.buffer;

import java.nio.charset.Charset;

/**
 * End-of-line search and line reading over an {@link Evbuffer}'s chain (libevent's
 * {@code evbuffer_search_eol} and {@code evbuffer_readln}) for every {@link EolStyle}. Stateless:
 * static methods; the EOL position found is handed back in a position the caller gives, and the
 * public methods of {@link Evbuffer} checked arguments and state before calling.
 */
final class EvbufferLines
{
    private EvbufferLines()
    {
    }

    /**
     * The body of {@link Evbuffer#searchEol}.
     *
     * @return the EOL length, or 0 if there is none (result then -1)
     */
    static int searchEol(final Evbuffer b, final EvbufferPtr start, final EolStyle style, final EvbufferPtr result)
    {
        long from = 0;
        if (null != start)
        {
            if (!EvbufferSearch.resolve(b, start))
            {
                EvbufferSearch.fail(result);
                return 0;
            }
            from = start.pos;
        }
        final EvbufferPtr at = b.tmpPtr;
        final long eolLen = findEol(b, from, style, at);
        if (eolLen <= 0)
        {
            EvbufferSearch.fail(result);
            return 0;
        }
        EvbufferSearch.found(b, result, at.pos);
        return (int)eolLen;
    }

    /**
     * The body of {@link Evbuffer#readLine(EolStyle, Charset)} once the start is known not frozen.
     *
     * @return the line, or null if there is no complete line
     */
    static String readLine(final Evbuffer b, final EolStyle style, final Charset charset)
    {
        final EvbufferPtr at = b.tmpPtr;
        final long eolLen = findEol(b, 0, style, at);
        if (eolLen <= 0)
        {
            return null;
        }
        final long eolPos = at.pos;
        final int n = (int)Math.min(eolPos, Integer.MAX_VALUE - 8);
        final byte[] line = new byte[n];
        EvbufferChain.copyFrom(b.dataHead(), 0, line, Memory.BYTE_ARRAY_BASE, n);
        final long k = eolPos + eolLen;
        EvbufferChain.drain(b, k);
        EvbufferCallbacks.deleted(b, k);
        return new String(line, charset);
    }

    /**
     * The body of the readLine methods that copy into caller memory, once the start is known not frozen.
     *
     * @return the line length; -1 if there is no complete line; {@link Evbuffer#LINE_TOO_LONG} if the
     *     line exceeds cap (the buffer is then unchanged)
     */
    static int readLineInto(final Evbuffer b, final EolStyle style, final Object dstBase, final long dstOffset,
        final int cap)
    {
        final EvbufferPtr at = b.tmpPtr;
        final long eolLen = findEol(b, 0, style, at);
        if (eolLen <= 0)
        {
            return -1;
        }
        final long eolPos = at.pos;
        if (eolPos > cap)
        {
            return Evbuffer.LINE_TOO_LONG;
        }
        final int n = (int)eolPos;
        EvbufferChain.copyFrom(b.dataHead(), 0, dstBase, dstOffset, n);
        final long k = eolPos + eolLen;
        EvbufferChain.drain(b, k);
        EvbufferCallbacks.deleted(b, k);
        return n;
    }

    /**
     * Finds an EOL at or after {@code from}.
     *
     * @param eol scratch position of b: on return with an EOL, its {@code pos} is the EOL's offset
     *     (its segment cache is then stale, so it re-resolves if used as a position)
     * @return the EOL length, or 0 if none
     */
    static long findEol(final Evbuffer b, final long from, final EolStyle style, final EvbufferPtr eol)
    {
        EvbufferSearch.locate(b, eol, from);
        eol.version = -1;
        Segment s = eol.seg;
        int so = eol.segOff;
        long pos = from;
        while (null != s)
        {
            final int avail = s.length - so;
            final long addr = s.dataAddress() + so;
            final int i;
            switch (style)
            {
                case LF:
                case CRLF:
                    i = Memory.indexOf(addr, avail, (byte)'\n');
                    break;
                case NUL:
                    i = Memory.indexOf(addr, avail, (byte)0);
                    break;
                case CRLF_STRICT:
                    i = Memory.indexOf(addr, avail, (byte)'\r');
                    break;
                default:
                    i = Memory.indexOfCrOrLf(addr, avail);
                    break;
            }
            if (i < 0)
            {
                pos += avail;
                s = b.next(s);
                so = 0;
                continue;
            }
            final long at = pos + i;
            final int atOff = so + i;
            switch (style)
            {
                case LF:
                case NUL:
                    eol.pos = at;
                    return 1;
                case CRLF:
                    if (at > from && '\r' == byteBefore(b, s, atOff))
                    {
                        eol.pos = at - 1;
                        return 2;
                    }
                    eol.pos = at;
                    return 1;
                case CRLF_STRICT:
                {
                    final int nextByte = byteAfter(b, s, atOff);
                    if ('\n' == nextByte)
                    {
                        eol.pos = at;
                        return 2;
                    }
                    break;
                }
                default:
                {
                    eol.pos = at;
                    return runLength(b, s, atOff);
                }
            }
            pos = at + 1;
            so = atOff + 1;
            if (so == s.length)
            {
                s = b.next(s);
                so = 0;
            }
        }
        return 0;
    }

    private static int byteBefore(final Evbuffer b, final Segment s, final int off)
    {
        if (off > 0)
        {
            return byteAt(s, off - 1);
        }
        Segment prev = b.first;
        while (prev.next != s)
        {
            prev = prev.next;
        }
        return byteAt(prev, prev.length - 1);
    }

    private static int byteAfter(final Evbuffer b, final Segment s, final int off)
    {
        if (off + 1 < s.length)
        {
            return byteAt(s, off + 1);
        }
        final Segment n = b.next(s);
        return null == n ? -1 : byteAt(n, 0);
    }

    private static int runLength(final Evbuffer b, final Segment seg, final int off)
    {
        int n = 0;
        Segment s = seg;
        int so = off;
        while (null != s)
        {
            final byte c = byteAt(s, so);
            if ('\r' != c && '\n' != c)
            {
                break;
            }
            n++;
            so++;
            if (so == s.length)
            {
                s = b.next(s);
                so = 0;
            }
        }
        return n;
    }

    private static byte byteAt(final Segment s, final int off)
    {
        return Memory.get(s.dataAddress() + off);
    }
}
