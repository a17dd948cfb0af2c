package io.jevent.bench.loop;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;

/**
 * The {@code -m} of the dispatch benchmarks: a backend ({@code epoll} or {@code nio}), optionally
 * busy-spinning ({@code epoll-busy-spin}, {@code nio-busy-spin}). Busy-spin only changes blocking
 * polls, so it matters for {@link CascadeBench} ({@code dispatch()}), hardly for
 * {@link DispatchBench} (ONCE|NONBLOCK already polls with a zero timeout).
 */
final class LoopMethod
{
    static final String BUSY_SPIN_SUFFIX = "-busy-spin";

    final String name;
    final String backend;
    final boolean busySpin;

    private LoopMethod(final String name, final String backend, final boolean busySpin)
    {
        this.name = name;
        this.backend = backend;
        this.busySpin = busySpin;
    }

    static LoopMethod parse(final String name)
    {
        final boolean spin = name.endsWith(BUSY_SPIN_SUFFIX);
        final String backend = spin ? name.substring(0, name.length() - BUSY_SPIN_SUFFIX.length()) : name;
        if (!"epoll".equals(backend) && !"nio".equals(backend))
        {
            throw new IllegalArgumentException("unknown method " + name +
                " (nio, epoll, nio-busy-spin, epoll-busy-spin)");
        }
        return new LoopMethod(name, backend, spin);
    }

    EventBase newBase()
    {
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend).busySpin(busySpin));
        if (!name.equals(base.method()))
        {
            base.free();
            throw new IllegalStateException("asked for " + name + ", got " + base.method());
        }
        return base;
    }
}
