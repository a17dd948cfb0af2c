package io.jevent.loop;

import org.agrona.ErrorHandler;

/**
 * Ready error handlers for {@link EventBaseConfig#errorHandler}: what an {@link EventBase} does when a
 * callback, task or finalizer throws. The callback that threw has been removed from its queue and
 * the loop's state is consistent either way.
 */
public final class LoopErrorHandlers
{
    private static final System.Logger LOGGER = System.getLogger("io.jevent.loop");

    /** Reports the exception through {@link System.Logger} (logger "io.jevent.loop", WARNING) and goes on. */
    public static final ErrorHandler LOG = t -> LOGGER.log(System.Logger.Level.WARNING,
        "event loop callback threw; the loop goes on", t);

    /**
     * Stops the loop: the exception propagates out of {@link EventBase#loop} (or {@link EventBase#doWork},
     * where an agent host sees it) as it was thrown. The base stays usable and may loop again.
     */
    public static final ErrorHandler RETHROW = LoopErrorHandlers::rethrow;

    private LoopErrorHandlers()
    {
    }

    private static void rethrow(final Throwable t)
    {
        LoopErrorHandlers.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(final Throwable t) throws T
    {
        throw (T)t;
    }
}
