package io.jevent.bench.soak;

import io.jevent.bench.ChildJvm;
import io.jevent.samples.StreamPattern;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code jevent soak}: the echo sample's server ({@link SoakServerMain}: one acceptor loop and worker
 * loops) in a child JVM, under {@code --connections} connections from a java.nio client in this JVM
 * ({@link SoakClient}) for {@code --duration} seconds, with a mix of {@link SoakRole}s. Before the load,
 * {@code --idle} connections echo one message each and go idle, and the server's pool and RSS are read
 * at that point ({@link SoakIdle}). Every byte echoed is checked. Then the server must be back where it
 * started: no connection open, no fd more than before the load, no segment outstanding in its pool, and
 * its peak RSS within the bound ({@link SoakOptions#rssBoundMib()}). Progress goes to stderr, the summary
 * to stdout and to the report ({@code --out}). Exit status 0 if every backend passed, 1 if not.
 */
public final class Soak
{
    private static final long PROBE_MS = 1000;
    private static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final int WARM_UP_BYTES = 1000;

    private Soak()
    {
    }

    /**
     * @param args see {@link SoakOptions}
     * @throws Exception if the run cannot be set up
     */
    public static void main(final String[] args) throws Exception
    {
        System.exit(run(args));
    }

    /**
     * @param args see {@link SoakOptions}
     * @return 0 if every backend passed, 1 if not
     * @throws IOException if the server cannot be started or the report written
     * @throws InterruptedException if interrupted
     */
    public static int run(final String[] args) throws IOException, InterruptedException
    {
        final SoakOptions options = SoakOptions.parse(args);
        final List<SoakResult> results = new ArrayList<>();
        for (final String backend : options.backends())
        {
            final SoakResult result = runOne(options, backend);
            System.out.println(SoakReport.section(result));
            System.out.flush();
            results.add(result);
        }
        if (!"-".equals(options.out()))
        {
            final Path out = Path.of(options.out());
            if (null != out.toAbsolutePath().getParent())
            {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, SoakReport.document(options, results));
            System.err.println("soak: report written to " + out);
        }
        return results.stream().allMatch(SoakResult::passed) ? 0 : 1;
    }

    static SoakResult runOne(final SoakOptions o, final String backend) throws IOException, InterruptedException
    {
        final ChildJvm server = null == o.connect() ? ChildJvm.start("soak-server", null,
            Arrays.asList(o.serverJvm().trim().split("\\s+")), SoakServerMain.class, o.serverArgs(backend)) : null;
        try
        {
            final InetSocketAddress address;
            String method = backend + " (not forked)";
            SoakProbe before = null;
            SoakIdle idle = null;
            List<String> fdsBefore = List.of();
            if (null != server)
            {
                final String[] ready = server.expect("READY");
                address = new InetSocketAddress(ready[1], Integer.parseInt(ready[2]));
                method = ready[3];
                warmUp(address);
                if (o.idleConnections() > 0)
                {
                    idle = SoakIdle.measure(server, address, o.idleConnections(), awaitIdle(server));
                    System.err.printf("soak: %s server with %d idle connections: %s%n", backend, idle.connections(),
                        SoakReport.idleSummary(idle));
                }
                before = awaitIdle(server);
                fdsBefore = fdList(server);
            }
            else
            {
                final int colon = o.connect().lastIndexOf(':');
                address = new InetSocketAddress(o.connect().substring(0, colon),
                    Integer.parseInt(o.connect().substring(colon + 1)));
            }
            System.err.printf("soak: %s server (%s) at %s, %d connections for %d s%n", backend, method, address,
                o.connections(), o.durationSec());
            return load(o, backend, method, address, server, before, fdsBefore, idle);
        }
        finally
        {
            if (null != server)
            {
                server.destroy();
            }
        }
    }

    private static SoakResult load(final SoakOptions o, final String backend, final String method,
        final InetSocketAddress address, final ChildJvm server, final SoakProbe before, final List<String> fdsBefore,
        final SoakIdle idle) throws IOException, InterruptedException
    {
        final long t0 = System.nanoTime();
        final SoakClient client = new SoakClient(o, address);
        client.start();
        final Peaks peaks = new Peaks();
        final List<SoakSample> timeline = new ArrayList<>();
        long nextSample = t0 + SAMPLE_NANOS;
        while (!client.awaitEnd(PROBE_MS))
        {
            final SoakProbe p = null == server ? null : peaks.see(SoakProbe.parse(server.request("probe", "PROBE")));
            if (System.nanoTime() - nextSample >= 0)
            {
                nextSample += SAMPLE_NANOS;
                final SoakTally t = client.tally();
                final SoakSample sample = new SoakSample((System.nanoTime() - t0) / 1e9, client.live(),
                    t.totalStarted(), t.totalBytesVerified(), t.totalErrors(), p);
                timeline.add(sample);
                System.err.println("soak " + backend + " " + SoakReport.progress(sample));
            }
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        SoakProbe quiet = null;
        SoakProbe stopped = null;
        List<String> leaked = List.of();
        if (null != server)
        {
            quiet = awaitQuiet(server, before, peaks);
            if (quiet.fds() != before.fds())
            {
                leaked = new ArrayList<>(fdList(server));
                for (final String f : fdsBefore)
                {
                    leaked.remove(f);
                }
            }
            final String[] s = server.stop("stop", "STOPPED", 20);
            stopped = null == s ? null : peaks.see(SoakProbe.parse(s));
        }
        final SoakTally tally = client.tally();
        final List<String> problems = judge(o, client, tally, before, quiet, stopped, peaks);
        if (null != idle && idle.idle().open() != idle.connections())
        {
            problems.add("idle point: " + idle.idle().open() + " of " + idle.connections() + " idle connections " +
                "open on the server");
        }
        return new SoakResult(backend, method, o, tally, client.failures(), seconds, client.rampSeconds(), before,
            quiet, stopped, peaks.peakRssKib, peaks.segments, peaks.segmentBytes, peaks.open, leaked, timeline,
            problems, idle);
    }

    /** Probes until the server has no connection open and no segment out (or the time is up). */
    private static SoakProbe awaitQuiet(final ChildJvm server, final SoakProbe before, final Peaks peaks)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + QUIET_NANOS;
        while (true)
        {
            final SoakProbe p = peaks.see(SoakProbe.parse(server.request("probe", "PROBE")));
            if ((0 == p.open() && 0 == p.segments() && p.fds() <= before.fds()) || System.nanoTime() > deadline)
            {
                return p;
            }
            Thread.sleep(100);
        }
    }

    /**
     * A few connections before the baseline, closed each way (EOF, half-close, reset), so that what a
     * JVM opens once and keeps (nio's pre-close socket) is open before the fds are counted.
     */
    private static void warmUp(final InetSocketAddress address) throws IOException
    {
        final ByteBuffer view = StreamPattern.view();
        final ByteBuffer in = ByteBuffer.allocate(WARM_UP_BYTES);
        for (int i = 0; i < 3; i++)
        {
            try (SocketChannel c = SocketChannel.open(address))
            {
                final int phase = StreamPattern.phase(-1 - i);
                c.write(StreamPattern.slice(view, phase, 0, WARM_UP_BYTES));
                in.clear();
                while (in.hasRemaining() && c.read(in) >= 0)
                {
                    Thread.onSpinWait();
                }
                in.flip();
                if (StreamPattern.mismatch(in, view, phase, 0) >= 0 || in.remaining() != WARM_UP_BYTES)
                {
                    throw new IOException("warm-up connection " + i + " was not echoed");
                }
                if (1 == i)
                {
                    c.shutdownOutput();
                    c.read(in.clear());
                }
                else if (2 == i)
                {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            }
        }
    }

    /**
     * Probes until the server has no connection open and two probes 100 ms apart see the same fds, for
     * the baseline (a closed connection's fd goes in the loop's next pass, and a first close may make
     * JNA register a native method, which opens libffi's closure file once).
     */
    private static SoakProbe awaitIdle(final ChildJvm server) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + QUIET_NANOS;
        SoakProbe last = null;
        while (true)
        {
            final SoakProbe p = SoakProbe.parse(server.request("probe", "PROBE"));
            if ((0 == p.open() && 0 == p.segments() && null != last && last.fds() == p.fds()) ||
                System.nanoTime() > deadline)
            {
                return p;
            }
            last = p;
            Thread.sleep(100);
        }
    }

    private static List<String> judge(final SoakOptions o, final SoakClient client, final SoakTally tally,
        final SoakProbe before, final SoakProbe quiet, final SoakProbe stopped, final Peaks peaks)
    {
        final List<String> problems = new ArrayList<>();
        if (null != client.crash())
        {
            problems.add("the client crashed: " + client.crash());
        }
        if (tally.totalErrors() > 0)
        {
            final StringBuilder sb = new StringBuilder(tally.totalErrors() + " connections failed:");
            for (final SoakErrorKind k : SoakErrorKind.values())
            {
                if (tally.errors(k) > 0)
                {
                    sb.append(' ').append(k.label()).append(' ').append(tally.errors(k));
                }
            }
            problems.add(sb.toString());
        }
        if (client.rampSeconds() < 0)
        {
            problems.add("the client never had all " + o.connections() + " connections open at once");
        }
        for (final SoakRole r : SoakRole.values())
        {
            if (o.weights()[r.ordinal()] > 0 && 0 == tally.completed(r))
            {
                problems.add("no " + r.label() + " connection completed");
            }
        }
        if (null == before)
        {
            return problems;
        }
        if (null == stopped)
        {
            problems.add("the server did not stop cleanly");
        }
        else if (0 != stopped.segments())
        {
            problems.add(stopped.segments() + " segments still outstanding after the server freed its loops");
        }
        if (0 != quiet.open())
        {
            problems.add(quiet.open() + " connections still open on the server after every client closed");
        }
        if (quiet.fds() != before.fds())
        {
            problems.add("server fds: " + before.fds() + " before the load, " + quiet.fds() + " after");
        }
        if (0 != quiet.segments())
        {
            problems.add(quiet.segments() + " segments (" + quiet.get(SoakProbe.SEGMENT_BYTES) +
                " B) outstanding after the load");
        }
        final long peakMib = peaks.peakRssKib / 1024;
        if (peakMib > o.rssBoundMib())
        {
            problems.add("server peak RSS " + peakMib + " MiB above the bound of " + o.rssBoundMib() + " MiB");
        }
        return problems;
    }

    private static List<String> fdList(final ChildJvm server) throws IOException
    {
        final String[] words = server.request("fds", "FDS");
        return new ArrayList<>(Arrays.asList(words).subList(1, words.length));
    }

    /** The highest values the probes saw. */
    private static final class Peaks
    {
        private long peakRssKib = -1;
        private long segments;
        private long segmentBytes;
        private long open;

        SoakProbe see(final SoakProbe p)
        {
            peakRssKib = Math.max(peakRssKib, p.get(SoakProbe.PEAK_RSS_KIB));
            segments = Math.max(segments, p.segments());
            segmentBytes = Math.max(segmentBytes, p.get(SoakProbe.SEGMENT_BYTES));
            open = Math.max(open, p.open());
            return p;
        }
    }
}
