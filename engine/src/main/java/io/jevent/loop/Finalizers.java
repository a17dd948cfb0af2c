package io.jevent.loop;

import org.agrona.ErrorHandler;

import java.util.ArrayDeque;

/**
 * The finalizers of an {@link EventBase} (libevent's {@code event_finalize}): cleanups that run at the start
 * of the next loop pass, or when the base is freed if no pass comes first, after the callbacks that may still
 * reference what they release have finished. And the guard every callback, task and finalizer runs under: its
 * exception is counted and handed to the base's error handler, which may rethrow to stop the loop.
 * Loop thread only.
 */
final class Finalizers
{
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final ErrorHandler errorHandler;
    private final LoopCounters counters;

    Finalizers(final ErrorHandler errorHandler, final LoopCounters counters)
    {
        this.errorHandler = errorHandler;
        this.counters = counters;
    }

    void add(final Runnable task)
    {
        queue.add(task);
    }

    boolean isEmpty()
    {
        return queue.isEmpty();
    }

    /**
     * Runs every finalizer queued, those they queue included, each under the guard.
     */
    void runAll()
    {
        Runnable r;
        while (null != (r = queue.poll()))
        {
            runGuarded(r);
        }
    }

    /**
     * Runs every finalizer queued during teardown, which must go on whatever the error handler does.
     *
     * @param first the first exception the handler threw so far, or null
     * @return {@code first}, or the first exception the handler threw now
     */
    Throwable runAll(final Throwable first)
    {
        Throwable f = first;
        Runnable r;
        while (null != (r = queue.poll()))
        {
            f = runCollecting(r, f);
        }
        return f;
    }

    /**
     * Runs {@code r} during teardown, which must go on whatever the error handler does.
     *
     * @return {@code first}, or what the handler threw if it is the first such
     */
    Throwable runCollecting(final Runnable r, final Throwable first)
    {
        try
        {
            runGuarded(r);
            return first;
        }
        catch (final Throwable t)
        {
            return null == first ? t : first;
        }
    }

    /**
     * Runs a finalizer or a task outside the active queues, its exception going to the error handler.
     */
    void runGuarded(final Runnable r)
    {
        try
        {
            r.run();
        }
        catch (final Throwable t)
        {
            failed(t);
        }
    }

    /**
     * A callback threw: count it and hand it to the error handler, which may rethrow to stop the loop.
     */
    void failed(final Throwable t)
    {
        counters.callbackErrors++;
        errorHandler.onError(t);
    }
}
