package io.jevent.bench.loop;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventCallback;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;

import java.util.concurrent.TimeUnit;

/**
 * jevent's port of libevent's {@code test/bench_cascade.c} (libevent-semantics.md §3).
 * <p>
 * Each of the 25 runs opens N fresh AF_UNIX socket pairs (untimed), then times: adding one
 * non-persistent READ event with a 60 s timeout per pair, sending one byte into pair 0 and
 * {@code dispatch()} until no event is left. Each callback receives its byte and sends one into the
 * next pair (the last forwards nothing), so a run is N sequential hops, each needing its own poll,
 * plus N timer-heap inserts and removals. Events are deleted and the pairs closed after the timer
 * stops; one extra non-blocking poll then lets the nio Selector release the closed channels, so that
 * work does not land in the next run's timed part. Prints one line per run in whole microseconds.
 * <p>
 * Unlike C's {@code event_set} on calloc'ed memory, the Java {@link Event} objects are constructed
 * (allocated) before the timer starts, like the socket pairs: construction binds the new fd.
 * <p>
 * Usage: {@code CascadeBench [-n pairs=100] [-m method=epoll] [-W runs=0]}; {@code -W} (not in
 * bench_cascade.c) adds that many silent runs before the 25 printed ones.
 */
public final class CascadeBench implements EventCallback
{
    private static final long TIMEOUT_SECONDS = 60;

    private final EventBase base;
    private final String backend;
    private final int numPairs;
    private final Integer[] indexes;
    private SocketPairs pairs;
    private int fired;
    private int failures;

    CascadeBench(final EventBase base, final String backend, final int numPairs)
    {
        this.base = base;
        this.backend = backend;
        this.numPairs = numPairs;
        this.indexes = new Integer[numPairs];
        for (int i = 0; i < numPairs; i++)
        {
            indexes[i] = i;
        }
    }

    /**
     * @param args {@code -n N -m METHOD}
     * @throws Exception if the pairs cannot be opened or the backend is missing
     */
    public static void main(final String[] args) throws Exception
    {
        int n = 100;
        String method = "epoll";
        int warmup = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "-n" -> n = Integer.parseInt(args[++i]);
                case "-m" -> method = args[++i];
                case "-W" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("Illegal argument \"" + args[i] +
                    "\"; usage: CascadeBench [-n pairs] [-m method] [-W runs]");
            }
        }
        if (n < 1)
        {
            throw new IllegalArgumentException("need -n >= 1");
        }
        final LoopMethod m = LoopMethod.parse(method);
        try (EventBase base = m.newBase())
        {
            final CascadeBench bench = new CascadeBench(base, m.backend, n);
            for (int r = 0; r < warmup; r++)
            {
                bench.runOnce();
            }
            for (int r = 0; r < DispatchBench.RUNS; r++)
            {
                System.out.println(bench.runOnce());
            }
            System.out.flush();
            if (0 != bench.failures)
            {
                System.err.println("failures: " + bench.failures);
            }
        }
    }

    /**
     * One run of bench_cascade.c's {@code run_once}.
     *
     * @return the timed part in microseconds
     * @throws Exception if the pairs cannot be opened
     */
    long runOnce() throws Exception
    {
        pairs = SocketPairs.open(backend, numPairs);
        final Event[] events = new Event[numPairs];
        for (int i = 0; i < numPairs; i++)
        {
            events[i] = pairs.newReadEvent(base, i, EventFlags.READ, this);
            events[i].setAttachment(indexes[i]);
        }

        final long start = System.nanoTime();
        for (int i = 0; i < numPairs; i++)
        {
            events[i].add(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        fired = 0;
        if (1 != pairs.sendOne(0))
        {
            failures++;
        }
        base.dispatch();
        final long end = System.nanoTime();

        if (fired != numPairs)
        {
            System.err.println("fired " + fired + " of " + numPairs);
        }
        for (int i = 0; i < numPairs; i++)
        {
            events[i].del();
        }
        pairs.close();
        pairs = null;
        base.loop(LoopFlags.NONBLOCK | LoopFlags.NO_EXIT_ON_EMPTY);
        return (end - start) / 1000;
    }

    int fired()
    {
        return fired;
    }

    int failures()
    {
        return failures;
    }

    @Override
    public void onEvent(final Event event, final int fd, final int what)
    {
        final int idx = (Integer)event.attachment();
        if (1 != pairs.recvOne(idx))
        {
            failures++;
        }
        if (idx + 1 < numPairs && 1 != pairs.sendOne(idx + 1))
        {
            failures++;
        }
        fired++;
    }
}
