package io.jevent.bench.soak;

import io.jevent.bench.samples.EchoHandler;
import io.jevent.bench.samples.EchoOptions;
import io.jevent.bench.samples.EchoServer;
import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The soak's server process: the echo sample ({@link EchoServer}, options as its command line) in a
 * JVM of its own, answering a line protocol on stdin/stdout. It prints {@code READY host port method};
 * then {@code probe} answers {@code PROBE key=value ...} (see {@link SoakProbe}), {@code fds} answers
 * {@code FDS target ...} (what each open fd points at, {@code (deleted)} joined to its path), and
 * {@code stop} (or the end of stdin) stops the server, frees its loops, answers one last
 * {@code STOPPED key=value ...} and exits. Buffers come from the shared segment pool, as in the
 * sample, so its accounting covers everything the server holds.
 */
public final class SoakServerMain
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SoakServerMain()
    {
    }

    /**
     * @param args {@link EchoOptions}
     * @throws IOException if stdin fails
     */
    public static void main(final String[] args) throws IOException
    {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        final EchoServer server = new EchoServer(EchoOptions.parse(args));
        final InetSocketAddress address = server.start();
        out.println("READY " + address.getAddress().getHostAddress() + " " + address.getPort() + " " +
            server.method());
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while (null != (line = in.readLine()))
        {
            final String command = line.trim();
            if ("probe".equals(command))
            {
                out.println("PROBE " + probe(server).encode());
            }
            else if ("fds".equals(command))
            {
                out.println("FDS " + String.join(" ", ProcessProbe.fdTargets()).replace(" (deleted)", "(deleted)"));
            }
            else if ("stop".equals(command))
            {
                break;
            }
        }
        final long loopCpu = loopCpuNanos(server);
        server.stop();
        out.println("STOPPED " + probe(server).withLoopCpu(loopCpu).encode());
        System.exit(0);
    }

    private static SoakProbe probe(final EchoServer server)
    {
        long accepted = 0;
        long drained = 0;
        long errors = 0;
        long timeouts = 0;
        long pauses = 0;
        for (final EchoHandler h : server.handlers())
        {
            accepted += h.accepted();
            drained += h.closedDrained();
            errors += h.closedOnError();
            timeouts += h.closedOnTimeout();
            pauses += h.pauses();
        }
        long maxPass = 0;
        for (final EventBase b : server.bases())
        {
            maxPass = Math.max(maxPass, b.counters().maxCycleNanos());
        }
        final SegmentPool pool = SegmentPool.shared();
        return new SoakProbe(ProcessProbe.openFds(), ProcessProbe.rssKib(), ProcessProbe.peakRssKib(),
            ProcessProbe.cpuNanos(), loopCpuNanos(server), pool.outstandingSegments(), pool.outstandingBytes(),
            accepted, accepted - drained - errors - timeouts, drained, errors, timeouts, pauses, maxPass);
    }

    private static long loopCpuNanos(final EchoServer server)
    {
        long cpu = 0;
        for (final Thread t : server.threads())
        {
            cpu += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
        }
        return cpu;
    }
}
