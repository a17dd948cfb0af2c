package io.jevent.bench.loop;

import io.jevent.loop.Backends;
import io.jevent.loop.EventBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Smoke test of the bench.c / bench_cascade.c ports: every token and every hop arrives, on each
 * backend present, with no failed send or receive.
 */
class DispatchPortsTest
{
    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "nio-busy-spin", "epoll-busy-spin"})
    void dispatchShouldRunTheRing(final String method) throws Exception
    {
        final LoopMethod m = LoopMethod.parse(method);
        assumeTrue(Backends.availableMethods().contains(m.backend), m.backend + " not available");
        try (SocketPairs pairs = SocketPairs.open(m.backend, 20); EventBase base = m.newBase())
        {
            final DispatchBench bench = new DispatchBench(base, pairs, 3, 200);
            bench.quiet = true;
            for (int r = 0; r < 3; r++)
            {
                assertTrue(bench.runOnce() >= 0);
            }
            assertEquals(0, bench.failures());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "epoll-busy-spin"})
    void cascadeShouldHopThroughEveryPair(final String method) throws Exception
    {
        final LoopMethod m = LoopMethod.parse(method);
        assumeTrue(Backends.availableMethods().contains(m.backend), m.backend + " not available");
        try (EventBase base = m.newBase())
        {
            final CascadeBench bench = new CascadeBench(base, m.backend, 50);
            for (int r = 0; r < 3; r++)
            {
                assertTrue(bench.runOnce() >= 0);
                assertEquals(50, bench.fired());
            }
            assertEquals(0, bench.failures());
        }
    }
}
