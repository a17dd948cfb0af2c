package io.jevent.buffer;

import java.nio.charset.StandardCharsets;

/**
 * Text appended to an {@link Evbuffer} without allocating: characters encoded as ASCII or UTF-8 in
 * the buffer's scratch array and appended a chunk at a time. Stateless: static methods, called by the
 * public methods of {@link Evbuffer} once the end is known not frozen; also the buffer's text for
 * debugging ({@link #describe}).
 */
final class EvbufferText
{
    private EvbufferText()
    {
    }

    /**
     * The body of {@link Evbuffer#addAscii}.
     *
     * @return bytes appended
     */
    static int appendAscii(final Evbuffer b, final CharSequence s)
    {
        final int n = s.length();
        final byte[] buf = b.scratch();
        int i = 0;
        while (i < n)
        {
            final int chunk = Math.min(Evbuffer.SCRATCH_SIZE, n - i);
            for (int k = 0; k < chunk; k++)
            {
                final char c = s.charAt(i + k);
                buf[k] = c < 128 ? (byte)c : (byte)'?';
            }
            EvbufferChain.appendCopy(b, buf, Memory.BYTE_ARRAY_BASE, chunk);
            i += chunk;
        }
        if (n > 0)
        {
            EvbufferCallbacks.added(b, n);
        }
        return n;
    }

    /**
     * The body of {@link Evbuffer#addUtf8}.
     *
     * @return bytes appended
     */
    static int appendUtf8(final Evbuffer b, final CharSequence s)
    {
        final int n = s.length();
        final byte[] buf = b.scratch();
        int k = 0;
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            if (k > Evbuffer.SCRATCH_SIZE - 4)
            {
                EvbufferChain.appendCopy(b, buf, Memory.BYTE_ARRAY_BASE, k);
                total += k;
                k = 0;
            }
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                buf[k++] = (byte)c;
            }
            else if (c < 0x800)
            {
                buf[k++] = (byte)(0xC0 | (c >> 6));
                buf[k++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[k++] = (byte)(0xF0 | (cp >> 18));
                buf[k++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                buf[k++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                buf[k++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                buf[k++] = (byte)'?';
            }
            else
            {
                buf[k++] = (byte)(0xE0 | (c >> 12));
                buf[k++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                buf[k++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        if (k > 0)
        {
            EvbufferChain.appendCopy(b, buf, Memory.BYTE_ARRAY_BASE, k);
            total += k;
        }
        if (total > 0)
        {
            EvbufferCallbacks.added(b, total);
        }
        return total;
    }

    /**
     * The body of {@link Evbuffer#utf8Length}.
     *
     * @return bytes
     */
    static long utf8Length(final CharSequence text)
    {
        final int n = text.length();
        long bytes = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return bytes;
    }

    /**
     * The body of {@link Evbuffer#toString()} once the owner allowed the calling thread.
     *
     * @return the first 256 bytes as ISO-8859-1 text, for debugging; allocates
     */
    static String describe(final Evbuffer b)
    {
        if (b.freed)
        {
            return "Evbuffer(freed)";
        }
        final int n = (int)Math.min(b.length, 256);
        final byte[] bytes = new byte[n];
        EvbufferChain.copyFrom(b.dataHead(), 0, bytes, Memory.BYTE_ARRAY_BASE, n);
        return "Evbuffer(length=" + b.length + ", \"" + new String(bytes, StandardCharsets.ISO_8859_1) +
            (b.length > n ? "…" : "") + "\")";
    }
}
