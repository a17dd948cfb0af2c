package io.jevent.bench.loop;

import io.jevent.loop.Backends;
import io.jevent.loop.EventBase;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
/**
 * Smoke test of the bench.c / bench_cascade.c ports: every token and every hop arrives, on every
 * backend (the bench module has both on its class path, so a missing one is a failure, not a skip),
 * with no failed send or receive. A lost token would make a run wait for ever: the timeout stops it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DispatchPortsTest
{
    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "nio-busy-spin", "epoll-busy-spin"})
    void dispatchShouldRunTheRing(final String method) throws Exception
    {
        final LoopMethod m = LoopMethod.parse(method);
        assertTrue(Backends.availableMethods().contains(m.backend), m.backend + " not available: " +
            Backends.availableMethods());
        try (SocketPairs pairs = SocketPairs.open(m.backend, 20); EventBase base = m.newBase())
        {
            final DispatchBench bench = new DispatchBench(base, pairs, 3, 200);
            bench.quiet = true;
            for (int r = 0; r < 3; r++)
            {
                bench.runOnce();
                assertEquals(3 + 200, bench.sent(), "3 tokens plus 200 forwarded hops sent in run " + r);
                assertEquals(bench.sent(), bench.received(), "every byte sent was received in run " + r);
            }
            assertEquals(0, bench.failures());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll", "epoll-busy-spin"})
    void cascadeShouldHopThroughEveryPair(final String method) throws Exception
    {
        final LoopMethod m = LoopMethod.parse(method);
        assertTrue(Backends.availableMethods().contains(m.backend), m.backend + " not available: " +
            Backends.availableMethods());
        try (EventBase base = m.newBase())
        {
            final CascadeBench bench = new CascadeBench(base, m.backend, 50);
            for (int r = 0; r < 3; r++)
            {
                bench.runOnce();
                assertEquals(50, bench.fired(), "every hop of run " + r);
            }
            assertEquals(0, bench.failures());
        }
    }
}
