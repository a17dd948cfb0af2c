package io.jevent.bufferevent;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A bandwidth budget shared by many bufferevents of one loop (libevent's {@code bufferevent_rate_limit_group},
 * libevent-semantics.md §1.14 statements 100–101): one read and one write token bucket that every member's
 * reads and writes draw from, on top of each member's own limit ({@link BufferEvent#rateLimit()}), which still
 * applies.
 * <ul>
 *   <li>Each read or write of a member may take at most its <em>share</em>: the bucket as the last refill left
 *       it divided by the number of members, never below the minimum share ({@link #setMinShare}, 64 bytes by
 *       default, capped at the group's rate), never more than the bucket holds (beyond the minimum share), and
 *       never more than its own allowance or its largest single read or write. A member makes one read and one
 *       write per wakeup while it is in a group, so every ready member gets its share in turn (libevent cuts
 *       each share from what is left, so the first reader takes half, the next a quarter...).</li>
 *   <li>When a group bucket falls to 0 or below, that direction of every member is suspended; the refill
 *       (by the rate per elapsed tick of the loop's cached clock, up to the burst) resumes them once the bucket
 *       holds at least the minimum share. Members are resumed from a start that moves on by one each time
 *       (libevent picks it at random), so none is always first to the new tokens.</li>
 *   <li>{@link #totalRead()} and {@link #totalWritten()} count every member's bytes since the last
 *       {@link #resetTotals()}.</li>
 *   <li>A bufferevent is in at most one group: {@link #add} takes it out of its previous group; {@link #remove}
 *       and the member's free take it out and lift the group's suspension of it. Members may join and leave
 *       at any time on the loop thread, callbacks included.</li>
 *   <li>{@link #free()} removes the members that remain (resuming them) and stops the refill timer.</li>
 * </ul>
 * Only socket bufferevents (and filters over them, through their underlying) are limited, as in libevent;
 * pairs may join but move bytes without limit. The refill timer runs only while a bucket is below its burst,
 * so an idle group costs no wakeups. Loop thread only; nothing is allocated per read or write.
 */
public final class RateLimitGroup
{
    /** libevent's default minimum share per member and operation. */
    public static final long DEFAULT_MIN_SHARE = 64;

    private final EventBase base;
    private final Event refillTimer;
    private TokenBucketConfig cfg;
    private long readBucket;
    private long writeBucket;
    /** The buckets at the start of this round (the last refill): what the shares are cut from. */
    private long readRound;
    private long writeRound;
    private long lastTick;
    private long minShare = DEFAULT_MIN_SHARE;
    private long totalRead;
    private long totalWritten;
    private boolean readSuspended;
    private boolean writeSuspended;
    private BufferEvent[] members = new BufferEvent[8];
    private int count;
    private int rotation;
    private boolean freed;

    private RateLimitGroup(final EventBase base, final TokenBucketConfig cfg)
    {
        this.base = base;
        this.refillTimer = base.newTimer(false, (ev, fd, what) -> refilled());
        this.cfg = cfg;
        this.readBucket = cfg.readRate;
        this.writeBucket = cfg.writeRate;
        this.readRound = readBucket;
        this.writeRound = writeBucket;
        this.lastTick = tick();
    }

    /**
     * libevent {@code bufferevent_rate_limit_group_new}: the buckets start at the rate.
     *
     * @param base the loop of every member
     * @param cfg  rates, bursts and tick
     * @return the group, with no members
     */
    public static RateLimitGroup create(final EventBase base, final TokenBucketConfig cfg)
    {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cfg, "cfg");
        base.checkUsable();
        return new RateLimitGroup(base, cfg);
    }

    /**
     * Replaces the rates (libevent {@code bufferevent_rate_limit_group_set_cfg}); the buckets keep their tokens,
     * capped at the new bursts.
     *
     * @param next the new configuration
     */
    public void setConfig(final TokenBucketConfig next)
    {
        Objects.requireNonNull(next, "cfg");
        checkLive();
        update();
        cfg = next;
        readBucket = Math.min(readBucket, next.readBurst);
        writeBucket = Math.min(writeBucket, next.writeBurst);
        readRound = readBucket;
        writeRound = writeBucket;
        lastTick = tick();
        check();
    }

    /**
     * libevent {@code bufferevent_rate_limit_group_set_min_share}.
     *
     * @param share the least a member may take per operation while the bucket holds tokens; 0 for none
     */
    public void setMinShare(final long share)
    {
        checkLive();
        if (share < 0)
        {
            throw new IllegalArgumentException("negative share: " + share);
        }
        minShare = share;
    }

    /**
     * @return the minimum share in effect: as set, capped at the smaller of the two rates
     */
    public long minShare()
    {
        return Math.min(minShare, Math.min(cfg.readRate, cfg.writeRate));
    }

    /**
     * Adds a member (libevent {@code bufferevent_add_to_rate_limit_group}), taking it out of any other group.
     *
     * @param bev a bufferevent of this group's loop
     * @return 0
     * @throws IllegalArgumentException if it belongs to another loop
     */
    public int add(final BufferEvent bev)
    {
        checkLive();
        bev.checkLive();
        if (bev.base != base)
        {
            throw new IllegalArgumentException("a bufferevent of another loop");
        }
        final RateLimiter limiter = bev.rateLimiter;
        if (this == limiter.group)
        {
            return 0;
        }
        if (null != limiter.group)
        {
            limiter.group.remove(bev);
        }
        if (count == members.length)
        {
            members = Arrays.copyOf(members, count * 2);
        }
        limiter.group = this;
        limiter.groupIndex = count;
        members[count++] = bev;
        if (readSuspended)
        {
            bev.suspendRead(BufferEvent.SUSPEND_BW_GROUP);
        }
        if (writeSuspended)
        {
            bev.suspendWrite(BufferEvent.SUSPEND_BW_GROUP);
        }
        return 0;
    }

    /**
     * Removes a member and lifts the group's suspension of it (libevent
     * {@code bufferevent_remove_from_rate_limit_group}).
     *
     * @param bev a member
     * @return 0, or -1 if it is not a member
     */
    public int remove(final BufferEvent bev)
    {
        final RateLimiter limiter = bev.rateLimiter;
        if (this != limiter.group)
        {
            return -1;
        }
        final int at = limiter.groupIndex;
        final BufferEvent last = members[--count];
        members[at] = last;
        last.rateLimiter.groupIndex = at;
        members[count] = null;
        limiter.group = null;
        limiter.groupIndex = -1;
        if (!bev.freed)
        {
            bev.unsuspendRead(BufferEvent.SUSPEND_BW_GROUP);
            bev.unsuspendWrite(BufferEvent.SUSPEND_BW_GROUP);
        }
        return 0;
    }

    /**
     * @return the number of members
     */
    public int members()
    {
        return count;
    }

    /**
     * @return tokens in the read bucket now (may be negative)
     */
    public long readLimit()
    {
        checkLive();
        update();
        return readBucket;
    }

    /**
     * @return tokens in the write bucket now (may be negative)
     */
    public long writeLimit()
    {
        checkLive();
        update();
        return writeBucket;
    }

    /**
     * @return bytes read by all members since the last {@link #resetTotals()} (libevent
     *     {@code bufferevent_rate_limit_group_get_totals})
     */
    public long totalRead()
    {
        return totalRead;
    }

    /**
     * @return bytes written by all members since the last {@link #resetTotals()}
     */
    public long totalWritten()
    {
        return totalWritten;
    }

    /**
     * Zeroes the totals (libevent {@code bufferevent_rate_limit_group_reset_totals}).
     */
    public void resetTotals()
    {
        totalRead = 0;
        totalWritten = 0;
    }

    /**
     * Takes {@code delta} tokens from the read bucket (negative gives), suspending or resuming the members
     * (libevent {@code bufferevent_rate_limit_group_decrement_read}).
     *
     * @param delta tokens
     */
    public void decrementRead(final long delta)
    {
        checkLive();
        update();
        readBucket -= delta;
        check();
    }

    /**
     * As {@link #decrementRead} for the write bucket.
     *
     * @param delta tokens
     */
    public void decrementWrite(final long delta)
    {
        checkLive();
        update();
        writeBucket -= delta;
        check();
    }

    /**
     * @return a member's read share now: the bucket over the members, at least the minimum share, at least 0
     */
    long readShare()
    {
        update();
        return share(readBucket, readRound);
    }

    /**
     * @return a member's write share now
     */
    long writeShare()
    {
        update();
        return share(writeBucket, writeRound);
    }

    /**
     * A member's share of one operation: the round's tokens over the members (at least the minimum share), and
     * no more than the bucket holds (or the minimum share). Cut from the round, not from what is left, so the
     * first member to read does not take half and leave the rest a quarter, an eighth...
     */
    private long share(final long bucket, final long round)
    {
        if (bucket <= 0)
        {
            return 0;
        }
        final long min = minShare();
        return Math.min(Math.max(round / Math.max(1, count), min), Math.max(bucket, min));
    }

    void chargeRead(final long n)
    {
        totalRead += n;
        readBucket -= n;
        check();
    }

    void chargeWrite(final long n)
    {
        totalWritten += n;
        writeBucket -= n;
        check();
    }

    private long tick()
    {
        return cfg.tick(base);
    }

    private void update()
    {
        final long now = tick();
        final long elapsed = now - lastTick;
        if (elapsed > 0)
        {
            lastTick = now;
            readBucket = cfg.refillRead(readBucket, elapsed);
            writeBucket = cfg.refillWrite(writeBucket, elapsed);
            readRound = readBucket;
            writeRound = writeBucket;
        }
    }

    /**
     * Suspends a direction whose bucket is empty, resumes one that holds the minimum share again, and keeps
     * the refill timer running while a bucket is below its burst.
     */
    private void check()
    {
        if (!readSuspended && readBucket <= 0)
        {
            readSuspended = true;
            suspendAll(true);
        }
        else if (readSuspended && readBucket > 0 && readBucket >= minShare())
        {
            readSuspended = false;
            resumeAll(true);
        }
        if (!writeSuspended && writeBucket <= 0)
        {
            writeSuspended = true;
            suspendAll(false);
        }
        else if (writeSuspended && writeBucket > 0 && writeBucket >= minShare())
        {
            writeSuspended = false;
            resumeAll(false);
        }
        if ((readBucket < cfg.readBurst || writeBucket < cfg.writeBurst) && !refillTimer.isPending() &&
            !base.isFreed())
        {
            refillTimer.add(cfg.tickMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void suspendAll(final boolean read)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (i < count)
            {
                change(members[i], read, true);
            }
        }
    }

    /**
     * Resumes every member, from a start that moves on by one each time. Resuming a member may run code that
     * removes members (a filter's output filter runs when its writing resumes), so each slot is read afresh,
     * and a second pass resumes whoever a removal moved behind the first pass.
     */
    private void resumeAll(final boolean read)
    {
        final int n = count;
        if (0 == n)
        {
            return;
        }
        final int start = rotation++ % n;
        if (rotation < 0)
        {
            rotation = 0;
        }
        for (int k = 0; k < n && !(read ? readSuspended : writeSuspended); k++)
        {
            final int at = (start + k) % n;
            if (at < count)
            {
                change(members[at], read, false);
            }
        }
        for (int i = 0; i < count && !(read ? readSuspended : writeSuspended); i++)
        {
            change(members[i], read, false);
        }
    }

    private static void change(final BufferEvent bev, final boolean read, final boolean suspend)
    {
        if (null == bev || bev.freed)
        {
            return;
        }
        if (read)
        {
            if (suspend)
            {
                bev.suspendRead(BufferEvent.SUSPEND_BW_GROUP);
            }
            else
            {
                bev.unsuspendRead(BufferEvent.SUSPEND_BW_GROUP);
            }
        }
        else if (suspend)
        {
            bev.suspendWrite(BufferEvent.SUSPEND_BW_GROUP);
        }
        else
        {
            bev.unsuspendWrite(BufferEvent.SUSPEND_BW_GROUP);
        }
    }

    private void refilled()
    {
        if (freed)
        {
            return;
        }
        base.updateCacheTime();
        update();
        check();
    }

    /**
     * Frees the group (libevent {@code bufferevent_rate_limit_group_free}): the members that remain are removed
     * and resumed, the refill timer freed. Idempotent.
     */
    public void free()
    {
        if (freed)
        {
            return;
        }
        while (count > 0)
        {
            remove(members[count - 1]);
        }
        freed = true;
        refillTimer.free();
    }

    private void checkLive()
    {
        if (freed)
        {
            throw new IllegalStateException("rate-limit group used after free");
        }
        base.checkUsable();
    }
}
