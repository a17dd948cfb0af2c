package io.jevent.bench.soak;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's load: {@code --client-threads} {@link SoakClientThread}s sharing {@code --connections}
 * connections to one echo server: they open them all (the ramp), keep them busy for {@code --duration}
 * seconds, then let the open ones finish.
 */
public final class SoakClient
{
    private final List<SoakClientThread> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final SoakFailures failures = new SoakFailures();
    private final AtomicReference<Throwable> crash = new AtomicReference<>();
    private final SoakSchedule schedule;

    /**
     * @param options the soak's options
     * @param address the echo server
     */
    public SoakClient(final SoakOptions options, final InetSocketAddress address)
    {
        final int n = options.clientThreads();
        schedule = new SoakSchedule(n, options.durationSec());
        for (int i = 0; i < n; i++)
        {
            final int share = options.connections() / n + (i < options.connections() % n ? 1 : 0);
            final SoakClientThread w = new SoakClientThread(options, i, n, share, address, failures, schedule);
            workers.add(w);
            final Thread t = new Thread(w, "soak-client-" + i);
            t.setUncaughtExceptionHandler((th, ex) -> crash.compareAndSet(null, ex));
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /**
     * Starts the client threads: they open their connections (the ramp), then the duration runs.
     */
    public void start()
    {
        threads.forEach(Thread::start);
    }

    /**
     * @param millis most time to wait
     * @return true once every client thread has ended
     * @throws InterruptedException if interrupted
     */
    public boolean awaitEnd(final long millis) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (final Thread t : threads)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0)
            {
                return !t.isAlive() && threads.stream().noneMatch(Thread::isAlive);
            }
            t.join(left);
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /**
     * @return connections open now
     */
    public int live()
    {
        int n = 0;
        for (final SoakClientThread w : workers)
        {
            n += w.live();
        }
        return n;
    }

    /**
     * @return the counters of every thread added up (stale while they run)
     */
    public SoakTally tally()
    {
        final SoakTally t = new SoakTally();
        for (final SoakClientThread w : workers)
        {
            t.add(w.tally);
        }
        return t;
    }

    /**
     * @return the first failures, described
     */
    public List<String> failures()
    {
        return failures.kept();
    }

    /**
     * @return seconds until every connection was open, or -1 if they never all were
     */
    public double rampSeconds()
    {
        return schedule.rampSeconds();
    }

    /**
     * @return what crashed a client thread, or null
     */
    public Throwable crash()
    {
        return crash.get();
    }
}
