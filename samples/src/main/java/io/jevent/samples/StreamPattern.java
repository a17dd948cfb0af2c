package io.jevent.samples;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The deterministic byte stream a checking echo client sends (the sample's tests, bench's soak): byte
 * {@code k} of stream {@code id} is {@code PATTERN[(phase(id) + k) mod PERIOD]}, where PATTERN is a
 * fixed random block of a prime length, so a byte lost, doubled, reordered or taken from another
 * connection shows as a mismatch at its stream offset. Slices are read through a view (a
 * {@code duplicate()} of the pattern, one per thread), so sending and checking allocate nothing.
 */
public final class StreamPattern
{
    /** Period of the pattern, a prime. */
    public static final int PERIOD = 65_521;
    /** Longest slice one call may take. */
    public static final int MAX_SLICE = 64 * 1024;

    private static final ByteBuffer PATTERN = pattern();

    private StreamPattern()
    {
    }

    /**
     * @return a new view of the pattern, for one thread's {@link #slice} calls
     */
    public static ByteBuffer view()
    {
        return PATTERN.duplicate();
    }

    /**
     * @param streamId the connection's id
     * @return its phase in the pattern
     */
    public static int phase(final long streamId)
    {
        return (int)Math.floorMod(streamId * 7_919L + 13, (long)PERIOD);
    }

    /**
     * Positions {@code view} on the bytes at {@code [offset, offset + length)} of a stream.
     *
     * @param view   a view from {@link #view()}
     * @param phase  the stream's {@link #phase}
     * @param offset stream offset of the first byte
     * @param length bytes, at most {@link #MAX_SLICE}
     * @return view, with position and limit set
     */
    public static ByteBuffer slice(final ByteBuffer view, final int phase, final long offset, final int length)
    {
        if (length < 0 || length > MAX_SLICE)
        {
            throw new IllegalArgumentException("slice length " + length);
        }
        final int start = (int)((phase + offset) % PERIOD);
        view.limit(start + length).position(start);
        return view;
    }

    /**
     * @param phase  the stream's {@link #phase}
     * @param offset a stream offset
     * @return the byte the stream has there
     */
    public static byte expected(final int phase, final long offset)
    {
        return PATTERN.get((int)((phase + offset) % PERIOD));
    }

    /**
     * Compares received bytes with the stream.
     *
     * @param got    received bytes, from its position to its limit (at most {@link #MAX_SLICE}); not moved
     * @param view   a view from {@link #view()}
     * @param phase  the stream's {@link #phase}
     * @param offset stream offset of {@code got}'s first byte
     * @return index (relative to got's position) of the first byte that differs, or -1 if all match
     */
    public static int mismatch(final ByteBuffer got, final ByteBuffer view, final int phase, final long offset)
    {
        return got.mismatch(slice(view, phase, offset, got.remaining()));
    }

    private static ByteBuffer pattern()
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(PERIOD + MAX_SLICE);
        final SplittableRandom r = new SplittableRandom(0x736f616bL);
        for (int i = 0; i < PERIOD; i++)
        {
            b.put(i, (byte)r.nextInt());
        }
        for (int i = 0; i < MAX_SLICE; i++)
        {
            b.put(PERIOD + i, b.get(i));
        }
        return b;
    }
}
