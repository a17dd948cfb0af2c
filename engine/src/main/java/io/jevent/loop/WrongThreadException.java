package io.jevent.loop;

/**
 * Thrown when an object that belongs to an {@link EventBase} (the base itself, its events, the
 * bufferevents and buffers made for it) is used from a thread other than the one running that
 * base's loop. Nothing has been changed when it is thrown. Use {@link EventBase#execute(Runnable)}
 * to run the call on the loop thread, or {@code BevOptions.THREADSAFE} for bufferevents.
 */
public final class WrongThreadException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param owner  the thread running the loop
     * @param caller the thread that made the call
     */
    public WrongThreadException(final Thread owner, final Thread caller)
    {
        super("used from thread '" + caller.getName() + "' while its event loop runs on thread '" +
            owner.getName() + "'");
    }
}
