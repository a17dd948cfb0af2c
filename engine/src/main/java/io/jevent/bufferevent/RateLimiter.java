package io.jevent.bufferevent;

import io.jevent.loop.Event;
import io.jevent.loop.EventFlags;

import java.util.concurrent.TimeUnit;

/**
 * The token buckets of one bufferevent (libevent's bufferevent_ratelim.c, per-bufferevent part):
 * buckets start at the rate, refill by the rate per elapsed tick of the loop's cached wall clock up
 * to the burst, are charged after each read or write (and may go negative), and suspend their
 * direction at 0 or below until a one-tick refill timer brings them back above 0.
 */
final class RateLimiter
{
    private final BufferEvent bev;
    private final TokenBucketConfig cfg;
    private final Event refillTimer;
    long readLimit;
    long writeLimit;
    private long lastTick;

    RateLimiter(final BufferEvent bev, final TokenBucketConfig cfg)
    {
        this.bev = bev;
        this.cfg = cfg;
        this.readLimit = cfg.readRate;
        this.writeLimit = cfg.writeRate;
        this.lastTick = tick();
        this.refillTimer = bev.base.newTimer(false, (e, fd, what) -> refilled());
    }

    private long tick()
    {
        return bev.base.gettimeofdayCached() / 1000 / cfg.tickMillis;
    }

    void update()
    {
        final long now = tick();
        final long elapsed = now - lastTick;
        if (elapsed > 0)
        {
            lastTick = now;
            readLimit = Math.min(cfg.readBurst, readLimit + Math.min(elapsed, Long.MAX_VALUE / cfg.readRate) *
                cfg.readRate);
            writeLimit = Math.min(cfg.writeBurst, writeLimit + Math.min(elapsed, Long.MAX_VALUE / cfg.writeRate) *
                cfg.writeRate);
        }
    }

    void chargeRead(final long n)
    {
        readLimit -= n;
        check();
    }

    void chargeWrite(final long n)
    {
        writeLimit -= n;
        check();
    }

    void check()
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

    private void refilled()
    {
        if (bev.freed)
        {
            return;
        }
        bev.base.updateCacheTime();
        update();
        check();
    }

    void close()
    {
        refillTimer.free();
        bev.unsuspendRead(BufferEvent.SUSPEND_BW);
        bev.unsuspendWrite(BufferEvent.SUSPEND_BW);
    }

    boolean pendingRefill()
    {
        return 0 != refillTimer.pending(EventFlags.TIMEOUT);
    }
}
