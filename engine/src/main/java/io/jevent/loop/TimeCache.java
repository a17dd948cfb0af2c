package io.jevent.loop;

import org.agrona.concurrent.NanoClock;

/**
 * The time cache of an {@link EventBase} (libevent's {@code tv_cache}): the monotonic clock read once right
 * after each poll, so that every callback of a pass sees the same {@link EventBase#now()}; the wall clock
 * read at most once per pass; and when the pass began, for the longest-pass counter. Cleared before each
 * poll and when the loop leaves. Loop thread only.
 */
final class TimeCache
{
    private final NanoClock clock;
    /** The cached monotonic time, 0 when nothing is cached. */
    private long nanos;
    private long wallMicros;
    private long passStart;

    TimeCache(final NanoClock clock)
    {
        this.clock = clock;
    }

    /**
     * @return the cached monotonic time, or the clock's when nothing is cached
     */
    long now()
    {
        return 0 != nanos ? nanos : clock.nanoTime();
    }

    /**
     * @return wall-clock microseconds, read once per cached pass
     */
    long wallMicros()
    {
        if (0 != nanos)
        {
            if (0 == wallMicros)
            {
                wallMicros = System.currentTimeMillis() * 1000;
            }
            return wallMicros;
        }
        return System.currentTimeMillis() * 1000;
    }

    /**
     * libevent's {@code event_base_update_cache_time}: re-reads the clock if a time is cached (which restarts
     * the pass).
     */
    void refresh()
    {
        if (0 != nanos)
        {
            update();
        }
    }

    /**
     * Reads the clock into the cache and starts the pass there (a reading of 0 is taken as 1, since 0 means
     * nothing is cached).
     *
     * @return the time cached
     */
    long update()
    {
        long now = clock.nanoTime();
        if (0 == now)
        {
            now = 1;
        }
        nanos = now;
        passStart = now;
        wallMicros = 0;
        return now;
    }

    void clear()
    {
        nanos = 0;
    }

    /**
     * Ends a pass that ran callbacks: records its length if it is the longest yet.
     */
    void endPass(final LoopCounters counters)
    {
        final long took = clock.nanoTime() - passStart;
        if (took > counters.maxCycleNanos)
        {
            counters.maxCycleNanos = took;
        }
    }
}
