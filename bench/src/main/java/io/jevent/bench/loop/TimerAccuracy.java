package io.jevent.bench.loop;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Timer accuracy per backend: {@code -n} one-shot timers (default 2000), 16 at a time, each with a
 * random delay of 1–20 ms; records how late each callback starts after its deadline (scheduled
 * versus fired) and prints p50/p90/p99/max in microseconds, one line per method. A command, not JMH:
 * the quantity is lateness, not throughput.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.jevent.bench.loop.TimerAccuracy [-n N] [-m epoll,nio,...]}
 */
public final class TimerAccuracy
{
    private TimerAccuracy()
    {
    }

    /**
     * @param args {@code -n N}, {@code -m methods}
     */
    public static void main(final String[] args)
    {
        int n = 2000;
        String methods = "epoll,nio,epoll-busy-spin,nio-busy-spin";
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            if ("-n".equals(args[i]))
            {
                n = Integer.parseInt(args[i + 1]);
            }
            else if ("-m".equals(args[i]))
            {
                methods = args[i + 1];
            }
        }
        System.out.println("method            timers   p50_us   p90_us   p99_us   max_us");
        for (final String m : methods.split(","))
        {
            final Histogram h = measure(m.trim(), n);
            System.out.printf(Locale.ROOT, "%-16s %7d %8.1f %8.1f %8.1f %8.1f%n", m.trim(), h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        }
    }

    static Histogram measure(final String method, final int n)
    {
        final boolean spin = method.endsWith("-busy-spin");
        final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final SplittableRandom random = new SplittableRandom(42);
        try (EventBase base = new EventBase(new EventBaseConfig().backend(method.replace("-busy-spin", ""))
            .busySpin(spin)))
        {
            final int[] remaining = {n};
            final Event[] timers = new Event[16];
            for (int i = 0; i < timers.length; i++)
            {
                timers[i] = base.newTimer(false, (e, fd, what) ->
                {
                    final long late = System.nanoTime() - (long)e.attachment();
                    if (remaining[0]-- > 0)
                    {
                        h.recordValue(Math.max(0, late));
                        schedule(e, random);
                    }
                });
                schedule(timers[i], random);
            }
            base.dispatch();
        }
        return h;
    }

    private static void schedule(final Event e, final SplittableRandom random)
    {
        final long delay = TimeUnit.MICROSECONDS.toNanos(random.nextInt(1000, 20_000));
        e.setAttachment(System.nanoTime() + delay);
        e.add(delay, TimeUnit.NANOSECONDS);
    }
}
