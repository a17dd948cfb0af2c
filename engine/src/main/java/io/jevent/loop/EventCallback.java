package io.jevent.loop;

/**
 * What an {@link Event} runs (libevent's {@code event_callback_fn}).
 */
@FunctionalInterface
public interface EventCallback
{
    /**
     * @param event the event that fired
     * @param fd    its fd, or the signal number for a signal event, or -1
     * @param what  what happened: {@link EventFlags#READ}, {@link EventFlags#WRITE},
     *              {@link EventFlags#TIMEOUT}, {@link EventFlags#SIGNAL}, {@link EventFlags#CLOSED}, OR-ed
     */
    void onEvent(Event event, int fd, int what);
}
