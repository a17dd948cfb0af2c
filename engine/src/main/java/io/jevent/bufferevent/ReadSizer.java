package io.jevent.bufferevent;

/**
 * How much the next read of one bufferevent asks for, adapted to what the socket delivers (as Netty's
 * {@code AdaptiveRecvByteBufAllocator}): a read that fills its whole request makes the next request
 * four times larger, up to the maximum; two reads in a row that fill less than half of the request
 * halve it, down to the minimum. Less than half, not at most half (Netty's rule): a stream whose
 * wakeups bring exactly half the guess would otherwise shrink it to exactly its burst, fill it, grow
 * it and pay for a read that only returns EAGAIN, over and over. A read that was capped below the
 * guess (watermark, rate limit) and filled the cap says nothing about the socket and changes nothing.
 * Plain ints, loop thread only.
 */
final class ReadSizer
{
    private int min;
    private int max;
    private int guess;
    private boolean shortBefore;

    /**
     * @param min     smallest request, at least 1
     * @param initial first request
     * @param max     largest request
     */
    ReadSizer(final int min, final int initial, final int max)
    {
        this.max = Math.max(1, max);
        this.min = Math.max(1, Math.min(min, this.max));
        this.guess = Math.max(this.min, Math.min(initial, this.max));
    }

    /**
     * @return bytes the next read asks for, before watermarks and rate limits
     */
    int guess()
    {
        return guess;
    }

    /**
     * @return the largest request
     */
    int max()
    {
        return max;
    }

    /**
     * Sets the largest request (the bufferevent's max single read); the guess is clamped to it.
     *
     * @param max at least 1
     */
    void max(final int max)
    {
        this.max = Math.max(1, max);
        min = Math.min(min, this.max);
        guess = Math.max(min, Math.min(guess, this.max));
    }

    /**
     * Learns from one read.
     *
     * @param asked what the read asked for
     * @param got   what it returned (&gt; 0)
     */
    void record(final long asked, final long got)
    {
        if (got >= guess)
        {
            guess = (int)Math.min(max, (long)guess << 2);
            shortBefore = false;
        }
        else if (got == asked)
        {
            shortBefore = false;
        }
        else if (got < guess >>> 1)
        {
            if (shortBefore)
            {
                guess = Math.max(min, guess >>> 1);
                shortBefore = false;
            }
            else
            {
                shortBefore = true;
            }
        }
        else
        {
            shortBefore = false;
        }
    }
}
