package io.jevent.bufferevent;

import io.jevent.loop.EventBase;

/**
 * Rates and bursts of a rate limit (libevent's {@code ev_token_bucket_cfg}): each tick a bucket gains
 * its rate, up to its burst.
 */
public final class TokenBucketConfig
{
    /** Largest rate or burst (libevent's EV_SSIZE_MAX). */
    public static final long MAX_VALUE = Long.MAX_VALUE;

    final long readRate;
    final long readBurst;
    final long writeRate;
    final long writeBurst;
    final long tickMillis;

    private TokenBucketConfig(final long readRate, final long readBurst, final long writeRate, final long writeBurst,
        final long tickMillis)
    {
        this.readRate = readRate;
        this.readBurst = readBurst;
        this.writeRate = writeRate;
        this.writeBurst = writeBurst;
        this.tickMillis = tickMillis;
    }

    /**
     * libevent {@code ev_token_bucket_cfg_new}.
     *
     * @param readRate   bytes added to the read bucket per tick, at least 1
     * @param readBurst  read bucket capacity, at least readRate
     * @param writeRate  bytes added to the write bucket per tick, at least 1
     * @param writeBurst write bucket capacity, at least writeRate
     * @param tickMillis tick length in milliseconds; 0 or less means one second
     * @return the config, or null if a rate exceeds its burst or is below 1
     */
    public static TokenBucketConfig create(final long readRate, final long readBurst, final long writeRate,
        final long writeBurst, final long tickMillis)
    {
        if (readRate > readBurst || writeRate > writeBurst || readRate < 1 || writeRate < 1)
        {
            return null;
        }
        return new TokenBucketConfig(readRate, readBurst, writeRate, writeBurst, tickMillis > 0 ? tickMillis : 1000);
    }

    /**
     * @param base the loop whose cached wall clock counts
     * @return the current tick (libevent's {@code ev_token_bucket_get_tick_}): cached wall-clock ms over the tick
     */
    long tick(final EventBase base)
    {
        return base.gettimeofdayCached() / 1000 / tickMillis;
    }

    /**
     * @param bucket  tokens now (may be negative)
     * @param elapsed ticks since the last refill, at least 1
     * @return the read bucket after gaining the rate per tick, capped at the burst
     */
    long refillRead(final long bucket, final long elapsed)
    {
        return Math.min(readBurst, bucket + Math.min(elapsed, Long.MAX_VALUE / readRate) * readRate);
    }

    /**
     * @param bucket  tokens now (may be negative)
     * @param elapsed ticks since the last refill, at least 1
     * @return the write bucket after gaining the rate per tick, capped at the burst
     */
    long refillWrite(final long bucket, final long elapsed)
    {
        return Math.min(writeBurst, bucket + Math.min(elapsed, Long.MAX_VALUE / writeRate) * writeRate);
    }

    /**
     * @return the tick length in milliseconds
     */
    public long tickMillis()
    {
        return tickMillis;
    }
}
