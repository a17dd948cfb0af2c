package io.jevent.bench.loop;

import io.jevent.loop.Backends;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventCallback;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;

/**
 * jevent's port of libevent's classic {@code test/bench.c} (libevent-semantics.md §3).
 * <p>
 * N AF_UNIX stream socket pairs with one persistent READ event each (on raw fds for epoll, on
 * non-blocking {@code SocketChannel}s for nio). Each of the 25 runs (re)adds every event, flushes
 * with one {@code loop(ONCE|NONBLOCK)}, sends one byte into A pairs spread evenly (pair i·(N/A)),
 * then times only
 * <pre>
 *     do base.loop(ONCE | NONBLOCK); while (count != fired);
 * </pre>
 * The callback receives one byte ({@code count++}) and, while writes remain, sends one byte into the
 * next pair of the ring ({@code writes--, fired++}): A tokens circulate until W sends are used up,
 * A + W callbacks in all. Each run prints one line, the timed part in whole microseconds; if the
 * number of loop calls differs from the bytes received it prints {@code Xcount: X, Rcount: R} to
 * stderr, as bench.c does. The timed loop allocates nothing in this class (the engine's backends
 * answer for themselves).
 * <p>
 * Usage: {@code DispatchBench [-n pairs=100] [-a active=1] [-w writes=N] [-m method=epoll] [-W runs=0] [-l]},
 * methods {@code epoll}, {@code nio}, {@code epoll-busy-spin}, {@code nio-busy-spin}. {@code -W}
 * (not in bench.c) adds that many silent runs before the 25 printed ones, to show JIT-warm figures;
 * the default 0 keeps bench.c's output. Needs about 2N+50 fds; the JVM raises its soft limit to the
 * hard one by itself.
 */
public final class DispatchBench implements EventCallback
{
    static final int RUNS = 25;

    private final EventBase base;
    private final SocketPairs pairs;
    private final int numPairs;
    private final int numActive;
    private final int numWrites;
    private final Event[] events;
    private final Integer[] indexes;
    private long count;
    private long fired;
    private int writes;
    private int failures;
    boolean quiet;

    DispatchBench(final EventBase base, final SocketPairs pairs, final int numActive, final int numWrites)
    {
        this.base = base;
        this.pairs = pairs;
        this.numPairs = pairs.size();
        this.numActive = numActive;
        this.numWrites = numWrites;
        this.events = new Event[numPairs];
        this.indexes = new Integer[numPairs];
        for (int i = 0; i < numPairs; i++)
        {
            indexes[i] = i;
        }
    }

    /**
     * @param args {@code -n N -a A -w W -m METHOD}, or {@code -l} to list the methods
     * @throws Exception if the pairs cannot be opened or the backend is missing
     */
    public static void main(final String[] args) throws Exception
    {
        int n = 100;
        int a = 1;
        int w = -1;
        String method = "epoll";
        int warmup = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "-n" -> n = Integer.parseInt(args[++i]);
                case "-a" -> a = Integer.parseInt(args[++i]);
                case "-w" -> w = Integer.parseInt(args[++i]);
                case "-m" -> method = args[++i];
                case "-W" -> warmup = Integer.parseInt(args[++i]);
                case "-l" ->
                {
                    System.out.println("jevent backends available here: " + Backends.availableMethods() +
                        " (each also as METHOD-busy-spin)");
                    return;
                }
                default -> throw new IllegalArgumentException("Illegal argument \"" + args[i] +
                    "\"; usage: DispatchBench [-n pairs] [-a active] [-w writes] [-m method] [-W runs] [-l]");
            }
        }
        if (n < 1 || a < 1)
        {
            throw new IllegalArgumentException("need -n >= 1 and -a >= 1");
        }
        final LoopMethod m = LoopMethod.parse(method);
        try (SocketPairs pairs = SocketPairs.open(m.backend, n); EventBase base = m.newBase())
        {
            final DispatchBench bench = new DispatchBench(base, pairs, a, w < 0 ? n : w);
            bench.quiet = true;
            for (int r = 0; r < warmup; r++)
            {
                bench.runOnce();
            }
            bench.quiet = false;
            for (int r = 0; r < RUNS; r++)
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
     * One run of bench.c's {@code run_once}.
     *
     * @return the timed dispatch phase in microseconds
     */
    long runOnce()
    {
        for (int i = 0; i < numPairs; i++)
        {
            if (null == events[i])
            {
                events[i] = pairs.newReadEvent(base, i, EventFlags.READ | EventFlags.PERSIST, this);
                events[i].setAttachment(indexes[i]);
            }
            else
            {
                events[i].del();
            }
            if (0 != events[i].add())
            {
                throw new IllegalStateException("event_add failed for pair " + i);
            }
        }

        base.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);

        fired = 0;
        final int space = numPairs / numActive;
        for (int i = 0; i < numActive; i++, fired++)
        {
            pairs.sendOne(i * space);
        }

        count = 0;
        writes = numWrites;
        int xcount = 0;
        final long start = System.nanoTime();
        do
        {
            base.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK);
            xcount++;
        }
        while (count != fired);
        final long end = System.nanoTime();

        if (xcount != count && !quiet)
        {
            System.err.println("Xcount: " + xcount + ", Rcount: " + count);
        }
        return (end - start) / 1000;
    }

    int failures()
    {
        return failures;
    }

    /**
     * @return bytes received in the last run (each a token hop)
     */
    long received()
    {
        return count;
    }

    /**
     * @return bytes sent in the last run: the first tokens plus every forwarded hop
     */
    long sent()
    {
        return fired;
    }

    @Override
    public void onEvent(final Event event, final int fd, final int what)
    {
        final int idx = (Integer)event.attachment();
        final int n = pairs.recvOne(idx);
        if (n >= 0)
        {
            count += n;
        }
        else
        {
            failures++;
        }
        if (0 != writes)
        {
            int next = idx + 1;
            if (next >= numPairs)
            {
                next -= numPairs;
            }
            if (1 != pairs.sendOne(next))
            {
                failures++;
            }
            writes--;
            fired++;
        }
    }
}
