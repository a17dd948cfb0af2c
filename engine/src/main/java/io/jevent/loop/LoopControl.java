package io.jevent.loop;

import java.util.concurrent.TimeUnit;

/**
 * How a loop of an {@link EventBase} is told to stop (libevent's {@code event_base_loopexit},
 * {@code event_base_loopbreak}, {@code event_gotterm} and {@code event_break}): an exit is a once-event on a
 * timer whose callback marks the loop terminated, so the pass it fires in finishes first; a break is a flag
 * the loop reads after each callback and before it sleeps. A loop starting on an idle base clears both. The
 * re-poll of {@code event_base_loopcontinue} is the active queues' ({@link ActiveQueues#continueLoop()}).
 * <p>
 * {@link #loopExit} and {@link #loopBreak()} may come from any thread; the rest is the loop thread's.
 */
final class LoopControl
{
    private final EventBase base;
    private boolean gotTerm;
    private volatile boolean gotBreak;
    private final EventCallback exitCallback = (e, fd, what) -> gotTerm = true;

    LoopControl(final EventBase base)
    {
        this.base = base;
    }

    /**
     * @see EventBase#loopExit(long, TimeUnit)
     */
    int loopExit(final long timeout, final TimeUnit unit)
    {
        if (base.isFreed())
        {
            return -1;
        }
        if (!base.inLoopThread())
        {
            return base.inbox.offer(() -> loopExitOnLoop(timeout, unit), true) ? 0 : -1;
        }
        return base.once(-1, EventFlags.TIMEOUT, timeout, unit, exitCallback);
    }

    private void loopExitOnLoop(final long timeout, final TimeUnit unit)
    {
        if (!base.isFreed())
        {
            base.once(-1, EventFlags.TIMEOUT, timeout, unit, exitCallback);
        }
    }

    /**
     * @see EventBase#loopBreak()
     */
    int loopBreak()
    {
        gotBreak = true;
        if (!base.inLoopThread())
        {
            base.inbox.wakeup();
        }
        return 0;
    }

    /**
     * {@link EventBase#free()} of a running base: the loop stops after the callback now running.
     */
    void breakLoop()
    {
        gotBreak = true;
    }

    /**
     * A loop starts on an idle base: the last loop's exit and break no longer count.
     */
    void clear()
    {
        gotTerm = false;
        gotBreak = false;
    }

    boolean gotTerm()
    {
        return gotTerm;
    }

    boolean gotBreak()
    {
        return gotBreak;
    }
}
