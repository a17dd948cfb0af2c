package io.jevent.loop;

/**
 * Flags of {@link EventBase#loop(int)}, with libevent's values.
 */
public final class LoopFlags
{
    /** Block until something is active, run it, and return once nothing is active. */
    public static final int ONCE = 0x01;
    /** Poll without blocking; return at the first pass in which nothing is active. */
    public static final int NONBLOCK = 0x02;
    /** Keep looping even when no event is pending, until loopExit or loopBreak. */
    public static final int NO_EXIT_ON_EMPTY = 0x04;

    private LoopFlags()
    {
    }
}
