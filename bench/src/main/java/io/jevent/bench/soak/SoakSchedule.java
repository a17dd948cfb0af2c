package io.jevent.bench.soak;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the soak's load ends: {@code --duration} seconds after every client thread first had all its
 * connections open (the ramp), or after at most {@value #RAMP_LIMIT_SECONDS} s of ramp if that never
 * happens. Shared by the client threads.
 */
final class SoakSchedule
{
    static final long RAMP_LIMIT_SECONDS = 60;

    private final long startedAt = System.nanoTime();
    private final long durationNanos;
    private final AtomicInteger rampsLeft;
    private volatile long endAt = Long.MAX_VALUE;
    private volatile long rampNanos = -1;

    SoakSchedule(final int threads, final int durationSeconds)
    {
        this.rampsLeft = new AtomicInteger(threads);
        this.durationNanos = TimeUnit.SECONDS.toNanos(durationSeconds);
    }

    /** A client thread has all its connections open for the first time. */
    void rampDone(final long now)
    {
        if (0 == rampsLeft.decrementAndGet())
        {
            rampNanos = now - startedAt;
            endAt = now + durationNanos;
        }
    }

    /**
     * @param now the time
     * @return true once the load should end
     */
    boolean over(final long now)
    {
        if (Long.MAX_VALUE == endAt && now - startedAt > TimeUnit.SECONDS.toNanos(RAMP_LIMIT_SECONDS))
        {
            synchronized (this)
            {
                if (Long.MAX_VALUE == endAt)
                {
                    endAt = now + durationNanos;
                }
            }
        }
        return now - endAt >= 0;
    }

    /**
     * @return seconds from the start until every connection was open, or -1 if that never happened
     */
    double rampSeconds()
    {
        return rampNanos < 0 ? -1 : rampNanos / 1e9;
    }
}
