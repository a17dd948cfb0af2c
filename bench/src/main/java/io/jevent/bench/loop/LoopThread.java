package io.jevent.bench.loop;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopFlags;

/**
 * An EventBase running {@code loop(NO_EXIT_ON_EMPTY)} on a thread of its own, for benchmarks whose
 * measuring thread talks to a loop elsewhere.
 */
final class LoopThread
{
    private LoopThread()
    {
    }

    /**
     * @param method a backend name, optionally with {@code -busy-spin}
     * @return a base for that method, not yet running
     */
    static EventBase base(final String method)
    {
        final boolean spin = method.endsWith("-busy-spin");
        return new EventBase(new EventBaseConfig().backend(method.replace("-busy-spin", "")).busySpin(spin));
    }

    /**
     * Starts the loop and waits until it runs.
     *
     * @param base the base
     * @return its thread
     * @throws InterruptedException if interrupted while waiting
     */
    static Thread start(final EventBase base) throws InterruptedException
    {
        final Thread t = new Thread(() -> base.loop(LoopFlags.NO_EXIT_ON_EMPTY), "jevent-loop");
        t.setDaemon(true);
        t.start();
        while (!base.isRunning())
        {
            Thread.sleep(1);
        }
        return t;
    }

    /**
     * Breaks the loop from outside, waits for its thread and frees the base.
     *
     * @param base   the base
     * @param thread its thread
     * @throws InterruptedException if interrupted while waiting
     */
    static void stop(final EventBase base, final Thread thread) throws InterruptedException
    {
        base.execute(base::loopBreak);
        thread.join(5000);
        base.free();
    }
}
