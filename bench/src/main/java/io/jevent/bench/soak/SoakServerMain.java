package io.jevent.bench.soak;

import io.jevent.samples.EchoHandler;
import io.jevent.samples.EchoOptions;
import io.jevent.samples.EchoServer;
import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        out.println("STOPPED " + probe(server).with(SoakProbe.LOOP_CPU_NANOS, loopCpu).encode());
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
        final List<EventBase> bases = server.bases();
        final int workers = server.handlers().size();
        long workerMaxPass = 0;
        for (int i = 0; i < workers; i++)
        {
            workerMaxPass = Math.max(workerMaxPass, bases.get(i).counters().maxCycleNanos());
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final SegmentPool pool = SegmentPool.shared();
        final Map<String, Long> v = new LinkedHashMap<>();
        v.put(SoakProbe.FDS, (long)ProcessProbe.openFds());
        v.put(SoakProbe.RSS_KIB, ProcessProbe.rssKib());
        v.put(SoakProbe.PEAK_RSS_KIB, ProcessProbe.peakRssKib());
        v.put(SoakProbe.HEAP_USED_KIB, heap.getUsed() / 1024);
        v.put(SoakProbe.HEAP_COMMITTED_KIB, heap.getCommitted() / 1024);
        v.put(SoakProbe.GC_COUNT, gcCount);
        v.put(SoakProbe.GC_MILLIS, gcMillis);
        v.put(SoakProbe.CPU_NANOS, ProcessProbe.cpuNanos());
        v.put(SoakProbe.LOOP_CPU_NANOS, loopCpuNanos(server));
        v.put(SoakProbe.SEGMENTS, pool.outstandingSegments());
        v.put(SoakProbe.SEGMENT_BYTES, pool.outstandingBytes());
        v.put(SoakProbe.ACCEPTED, accepted);
        v.put(SoakProbe.OPEN, accepted - drained - errors - timeouts);
        v.put(SoakProbe.DRAINED, drained);
        v.put(SoakProbe.ERRORS, errors);
        v.put(SoakProbe.TIMEOUTS, timeouts);
        v.put(SoakProbe.PAUSES, pauses);
        v.put(SoakProbe.WORKER_MAX_PASS_NANOS, workerMaxPass);
        v.put(SoakProbe.ACCEPTOR_MAX_PASS_NANOS, bases.size() > workers ?
            bases.get(workers).counters().maxCycleNanos() : 0);
        return new SoakProbe(v);
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
