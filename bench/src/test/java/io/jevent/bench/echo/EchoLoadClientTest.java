package io.jevent.bench.echo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load client's measurement rules: time the client spends in the {@code measureStart} hook is in
 * no message's latency (the 30–60 ms tail of perf-reports/tail.md), and the warm-up ends when the
 * phases say so, within its bounds.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoLoadClientTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final NioBaselineEchoServer server = new NioBaselineEchoServer();

    @AfterEach
    void stop()
    {
        server.stop();
    }

    @Test
    void shouldKeepTheTimeSpentInMeasureStartOutOfEveryLatency() throws Exception
    {
        final long hookNanos = 300 * MS;
        final EchoLoadClient.Result r = new EchoLoadClient(EchoCase.parse("pingpong-1x64")).run(start(),
            new EchoLoadClient.Warmup(100 * MS, 100 * MS, 100 * MS), 300 * MS, new EchoLoadClient.Phases()
            {
                @Override
                public void measureStart()
                {
                    sleep(hookNanos);
                }

                @Override
                public void measureEnd()
                {
                }
            });
        assertTrue(r.messages() > 0 && r.latency().getTotalCount() > 0, "messages measured");
        assertTrue(r.latency().getMaxValue() < hookNanos, "the message in flight while the hook ran is left " +
            "out; slowest " + r.latency().getMaxValue() / 1e6 + " ms");
    }

    @Test
    void shouldWarmUpUntilThePhasesSayWarm() throws Exception
    {
        final AtomicInteger asked = new AtomicInteger();
        final EchoLoadClient.Result r = run(new EchoLoadClient.Warmup(100 * MS, 5000 * MS, 100 * MS),
            () -> asked.incrementAndGet() >= 4);
        assertTrue(r.warmupNanos() >= 400 * MS && r.warmupNanos() < 3000 * MS,
            "warm after the 4th check: " + r.warmupNanos() / 1e6 + " ms");
    }

    @Test
    void shouldStopWarmingUpAtTheLongestWarmUp() throws Exception
    {
        final EchoLoadClient.Result r = run(new EchoLoadClient.Warmup(100 * MS, 500 * MS, 100 * MS), () -> false);
        assertTrue(r.warmupNanos() >= 500 * MS && r.warmupNanos() < 3000 * MS,
            "never warm: measured after the longest warm-up, " + r.warmupNanos() / 1e6 + " ms");
    }

    private EchoLoadClient.Result run(final EchoLoadClient.Warmup warmup, final BooleanSupplier warm)
        throws Exception
    {
        return new EchoLoadClient(EchoCase.parse("pingpong-1x64")).run(start(), warmup, 100 * MS,
            new EchoLoadClient.Phases()
            {
                @Override
                public boolean warmedUp()
                {
                    return warm.getAsBoolean();
                }

                @Override
                public void measureStart()
                {
                }

                @Override
                public void measureEnd()
                {
                }
            });
    }

    private InetSocketAddress start() throws Exception
    {
        return server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static void sleep(final long nanos)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
