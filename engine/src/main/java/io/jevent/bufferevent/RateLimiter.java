package io.jevent.bufferevent;

import io.jevent.loop.Event;

import java.util.concurrent.TimeUnit;

/**
 * The rate limit of one bufferevent (libevent's bufferevent_ratelim.c, per-bufferevent part), reached
 * through {@link BufferEvent#rateLimit()}. Unlimited until {@link #set} gives it a
 * {@link TokenBucketConfig}: then a read and a write bucket start at the rate, refill by the rate per
 * elapsed tick of the loop's cached wall clock up to the burst, are charged after each read or write
 * (and may go negative), and suspend their direction at 0 or below until a one-tick refill timer brings
 * them back above 0. Loop thread only, as the bufferevent.
 */
public final class RateLimiter
{
    private final BufferEvent bev;
    private TokenBucketConfig cfg;
    private Event refillTimer;
    private long readLimit = TokenBucketConfig.MAX_VALUE;
    private long writeLimit = TokenBucketConfig.MAX_VALUE;
    private long lastTick;
    /** The group this bufferevent draws from too, and its place in the group's member array. */
    RateLimitGroup group;
    int groupIndex = -1;

    RateLimiter(final BufferEvent bev)
    {
        this.bev = bev;
    }

    /**
     * Limits the bufferevent's reads and writes with token buckets (libevent
     * {@code bufferevent_set_rate_limit}); the buckets start at the rate. Null removes the limit and
     * resumes I/O.
     *
     * @param cfg rates and bursts, or null
     * @return 0
     * @throws IllegalStateException if the bufferevent or its base is freed
     */
    public int set(final TokenBucketConfig cfg)
    {
        bev.checkLive();
        stop();
        if (null != cfg)
        {
            refillTimer = bev.base.newTimer(false, this::refilled);
            this.cfg = cfg;
            readLimit = cfg.readRate;
            writeLimit = cfg.writeRate;
            lastTick = tick();
        }
        return 0;
    }

    /**
     * @return true while a configuration of its own or a {@link RateLimitGroup} limits the bufferevent
     */
    public boolean isLimited()
    {
        return null != cfg || null != group;
    }

    /**
     * @return the group the bufferevent belongs to, or null
     */
    public RateLimitGroup group()
    {
        return group;
    }

    /**
     * At the bufferevent's free: out of its group, if any.
     */
    void leaveGroup()
    {
        if (null != group)
        {
            group.remove(bev);
        }
    }

    /**
     * @return bytes the read bucket holds now, or {@link TokenBucketConfig#MAX_VALUE} without a limit
     *     (libevent {@code bufferevent_get_read_limit})
     */
    public long readLimit()
    {
        if (null == cfg)
        {
            return TokenBucketConfig.MAX_VALUE;
        }
        update();
        return readLimit;
    }

    /**
     * @return bytes the write bucket holds now, or {@link TokenBucketConfig#MAX_VALUE} without a limit
     *     (libevent {@code bufferevent_get_write_limit})
     */
    public long writeLimit()
    {
        if (null == cfg)
        {
            return TokenBucketConfig.MAX_VALUE;
        }
        update();
        return writeLimit;
    }

    /**
     * @return most bytes the next read may take: {@code max(0, min(read bucket, max single read))}
     *     (libevent {@code bufferevent_get_max_to_read})
     */
    public long maxToRead()
    {
        final long own = Math.min(readLimit(), bev.maxSingleReadBytes());
        return Math.max(0, null == group ? own : Math.min(own, group.readShare()));
    }

    /**
     * @return most bytes the next write may take: {@code max(0, min(write bucket, max single write))}
     *     (libevent {@code bufferevent_get_max_to_write})
     */
    public long maxToWrite()
    {
        final long own = Math.min(writeLimit(), bev.maxSingleWriteBytes());
        return Math.max(0, null == group ? own : Math.min(own, group.writeShare()));
    }

    /**
     * Changes the read bucket by {@code -delta} (libevent {@code bufferevent_decrement_read_limit}),
     * suspending or resuming reading when it crosses 0.
     *
     * @param delta bytes to take (negative gives)
     * @return 0, or -1 without a limit
     * @throws IllegalStateException if the bufferevent or its base is freed
     */
    public int decrementRead(final long delta)
    {
        bev.checkLive();
        if (null == cfg)
        {
            return -1;
        }
        update();
        readLimit -= delta;
        check();
        return 0;
    }

    /**
     * Changes the write bucket by {@code -delta} (libevent {@code bufferevent_decrement_write_limit}),
     * suspending or resuming writing when it crosses 0.
     *
     * @param delta bytes to take (negative gives)
     * @return 0, or -1 without a limit
     * @throws IllegalStateException if the bufferevent or its base is freed
     */
    public int decrementWrite(final long delta)
    {
        bev.checkLive();
        if (null == cfg)
        {
            return -1;
        }
        update();
        writeLimit -= delta;
        check();
        return 0;
    }

    /**
     * @param wanted what a read would ask for without a limit
     * @return what it may ask for under the limit: {@code wanted} within the read bucket and the group's
     *     share, at least 0
     */
    int readAllowance(final int wanted)
    {
        final long own = Math.min(readLimit(), wanted);
        return (int)Math.max(0, null == group ? own : Math.min(own, group.readShare()));
    }

    /**
     * @param wanted what a write would offer without a limit (the write quantum)
     * @return what it may offer under the limit: {@code wanted} within the write bucket and the group's
     *     share, at least 0
     */
    int writeAllowance(final int wanted)
    {
        final long own = Math.min(writeLimit(), wanted);
        return (int)Math.max(0, null == group ? own : Math.min(own, group.writeShare()));
    }

    /**
     * Charges a read to the read bucket (nothing without a limit).
     *
     * @param n bytes read
     */
    void chargeRead(final long n)
    {
        if (null != cfg)
        {
            readLimit -= n;
            check();
        }
        if (null != group)
        {
            group.chargeRead(n);
        }
    }

    /**
     * Charges a write to the write bucket (nothing without a limit).
     *
     * @param n bytes written
     */
    void chargeWrite(final long n)
    {
        if (null != cfg)
        {
            writeLimit -= n;
            check();
        }
        if (null != group)
        {
            group.chargeWrite(n);
        }
    }

    /**
     * Removes the limit: the refill timer is freed and a suspension by the limit lifted.
     */
    void stop()
    {
        if (null == cfg)
        {
            return;
        }
        cfg = null;
        readLimit = TokenBucketConfig.MAX_VALUE;
        writeLimit = TokenBucketConfig.MAX_VALUE;
        refillTimer.free();
        refillTimer = null;
        bev.unsuspendRead(BufferEvent.SUSPEND_BW);
        bev.unsuspendWrite(BufferEvent.SUSPEND_BW);
    }

    private long tick()
    {
        return cfg.tick(bev.base);
    }

    private void update()
    {
        final long now = tick();
        final long elapsed = now - lastTick;
        if (elapsed > 0)
        {
            lastTick = now;
            readLimit = cfg.refillRead(readLimit, elapsed);
            writeLimit = cfg.refillWrite(writeLimit, elapsed);
        }
    }

    private void check()
    {
        boolean arm = false;
        if (readLimit <= 0)
        {
            bev.suspendRead(BufferEvent.SUSPEND_BW);
            arm = true;
        }
        else
        {
            bev.unsuspendRead(BufferEvent.SUSPEND_BW);
        }
        if (writeLimit <= 0)
        {
            bev.suspendWrite(BufferEvent.SUSPEND_BW);
            arm = true;
        }
        else
        {
            bev.unsuspendWrite(BufferEvent.SUSPEND_BW);
        }
        if (arm && !refillTimer.isPending())
        {
            refillTimer.add(cfg.tickMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void refilled(final Event timer, final int fd, final int what)
    {
        if (bev.freed || null == cfg)
        {
            return;
        }
        bev.base.updateCacheTime();
        update();
        check();
    }
}
