package io.jevent.buffer;

/**
 * Something that runs a task later on its own thread, normally an event loop: the target of
 * {@link Evbuffer#deferCallbacks(CallbackDeferrer)}. The buffer hands over one pre-allocated task,
 * at most once until that task has run, so deferring allocates nothing.
 */
@FunctionalInterface
public interface CallbackDeferrer
{
    /**
     * @param task the task to run later, on the deferrer's thread
     */
    void defer(Runnable task);
}
