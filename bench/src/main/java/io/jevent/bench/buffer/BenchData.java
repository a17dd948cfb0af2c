package io.jevent.bench.buffer;

import java.nio.charset.StandardCharsets;

/**
 * Inputs of the evbuffer_bench cases (benchmark-cases.md §1), byte for byte the same as the C
 * program's, and the checks that make a broken implementation fail instead of looking fast.
 */
final class BenchData
{
    /** {@code data[i] = (i*31+7) & 0xff}, 8192 bytes; every add copies from it. */
    static final byte[] DATA = new byte[8192];

    /** One CRLF line of the readln case: 24 bytes of text and CR LF. */
    static final String LINE = "GET /index.html HTTP/1.1\r\n";
    /** Lines per refill of the readln case. */
    static final int LINES = 1000;
    /** Length of a line without its EOL. */
    static final int LINE_LEN = 24;
    /** 1000 × {@link #LINE}, 26000 bytes. */
    static final byte[] TEXT;

    /** search_16k: {@code 'a' + j % 26}, the last 6 bytes "needle". */
    static final byte[] HAYSTACK = new byte[16384];
    static final byte[] NEEDLE = "needle".getBytes(StandardCharsets.ISO_8859_1);
    static final int NEEDLE_POS = 16378;

    /** Sum over k < 64 of {@code DATA[k] + DATA[k + 63]} (unsigned): the bytes add64x64_remove checks. */
    static final long REMOVE64_BYTES;

    static
    {
        for (int i = 0; i < DATA.length; i++)
        {
            DATA[i] = (byte)((i * 31 + 7) & 0xff);
        }
        TEXT = LINE.repeat(LINES).getBytes(StandardCharsets.ISO_8859_1);
        for (int j = 0; j < HAYSTACK.length; j++)
        {
            HAYSTACK[j] = (byte)('a' + j % 26);
        }
        System.arraycopy(NEEDLE, 0, HAYSTACK, NEEDLE_POS, NEEDLE.length);
        long s = 0;
        for (int k = 0; k < 64; k++)
        {
            s += (DATA[k] & 0xff) + (DATA[k + 63] & 0xff);
        }
        REMOVE64_BYTES = s;
        check(TEXT.length == 26000, "text length");
    }

    private BenchData()
    {
    }

    static void check(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new IllegalStateException("benchmark check failed: " + what);
        }
    }

    /**
     * Running checksum of one benchmark: every invocation adds a value computed from what the
     * operations returned (lengths, positions, bytes) and the value it must have. At the end of
     * each iteration {@link #verify} compares the two, so a wrong result fails the run.
     */
    abstract static class Tally
    {
        private long sum;
        private long expected;
        private long calls;

        final void tally(final long value, final long expectedValue)
        {
            sum += value;
            expected += expectedValue;
            calls++;
        }

        final void verify(final String what)
        {
            check(calls > 0, what + ": no call recorded");
            if (sum != expected)
            {
                throw new IllegalStateException("benchmark check failed: " + what + " checksum " + sum +
                    " != expected " + expected + " after " + calls + " calls");
            }
            sum = 0;
            expected = 0;
            calls = 0;
        }
    }
}
