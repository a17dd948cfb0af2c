package io.jevent.bench.echo;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loopback echo benchmark: every selected case against every selected server, each server started
 * fresh in a child JVM ({@link ForkedEchoServer}) and driven by one {@link EchoLoadClient}. With
 * taskset available and 2+ CPUs, the server runs under {@code taskset -c 1} and this JVM (the client)
 * is pinned to CPU 0. Prints a table per case with ratios to {@code nio-baseline} and writes
 * {@code echo.md} and {@code echo.csv} to {@code --out}. Exits 1 if any echoed byte was wrong.
 * <p>
 * Each case runs {@code --rounds} times over all servers, the server order rotated each round; the
 * tables keep each server's best round (see {@link EchoReport}), the CSV every round.
 * <p>
 * Options: {@code --duration S} (measured seconds per run, default 2.5), {@code --warmup S} (1),
 * {@code --rounds N} (2),
 * {@code --cases a,b} (default {@link EchoCase#DEFAULTS}), {@code --servers a,b} (default
 * {@link EchoServers#ALL}), {@code --client-spin} (every case with a busy-polling client),
 * {@code --out DIR} (target/echo-bench), {@code --pin auto|on|off}, {@code --in-process} (servers in
 * this JVM, no pinning), {@code --server-jvm-args "..."} (extra flags for the server JVMs).
 */
public final class EchoBench
{
    private double duration = 2.5;
    private double warmup = 1;
    private int rounds = 2;
    private List<EchoCase> cases = new ArrayList<>();
    private List<String> servers = EchoServers.ALL;
    private boolean clientSpin;
    private Path out = Path.of("target", "echo-bench");
    private String pin = "auto";
    private boolean inProcess;
    private String reportName = "echo";
    private boolean charts;
    private String command;
    private List<String> serverJvmArgs = List.of("-Xms256m", "-Xmx256m");
    private final int cpusAtStart = Runtime.getRuntime().availableProcessors();

    private EchoBench()
    {
    }

    /**
     * @param args see the class comment
     * @throws Exception on a setup failure
     */
    public static void main(final String[] args) throws Exception
    {
        System.exit(run(args));
    }

    /**
     * Runs the benchmark without exiting the JVM.
     *
     * @param args options, as {@link #main}
     * @return 0 when every run completed with every byte verified, 1 when a server corrupted the echo
     * @throws Exception if a server cannot start or the client fails
     */
    public static int run(final String[] args) throws Exception
    {
        final EchoBench b = new EchoBench();
        b.parse(args);
        return b.run(String.join(" ", args));
    }

    private void parse(final String[] args)
    {
        String caseNames = String.join(",", EchoCase.DEFAULTS);
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--cases" -> caseNames = args[++i];
                case "--servers" -> servers = Arrays.asList(args[++i].split(","));
                case "--client-spin" -> clientSpin = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--pin" -> pin = args[++i];
                case "--in-process" -> inProcess = true;
                case "--server-jvm-args" -> serverJvmArgs = Arrays.asList(args[++i].trim().split("\\s+"));
                case "--report" -> reportName = args[++i];
                case "--charts" -> charts = true;
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + a + " (see EchoBench's javadoc)");
            }
        }
        for (final EchoCase c : EchoCase.parseList(caseNames))
        {
            final EchoCase x = clientSpin ? c.withClientSpin(true) : c;
            if (!cases.contains(x))
            {
                cases.add(x);
            }
        }
        for (final String s : servers)
        {
            EchoServers.create(s);
        }
    }

    private int run(final String argLine) throws IOException, InterruptedException
    {
        final boolean pinned = pinIfWanted();
        final int runs = cases.size() * servers.size() * rounds;
        final long started = System.nanoTime();
        System.err.printf(Locale.ROOT, "echo bench: %d case(s) x %d server(s) x %d round(s), %.1f s warm-up + " +
            "%.1f s each, pinned: %s%n", cases.size(), servers.size(), rounds, warmup, duration,
            pinned ? "server CPU 1, client CPU 0" : "no");
        final List<EchoRow> rows = new ArrayList<>();
        int done = 0;
        for (final EchoCase c : cases)
        {
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < servers.size(); k++)
                {
                    final String s = servers.get((k + round) % servers.size());
                    final double elapsed = (System.nanoTime() - started) / 1e9;
                    final double left = done == 0 ? Double.NaN : elapsed / done * (runs - done);
                    System.err.printf(Locale.ROOT, "[%d/%d, %.0f s elapsed, ~%.0f s left] %s round %d on %s ...%n",
                        ++done, runs, elapsed, left, c.name(), round + 1, s);
                    try
                    {
                        rows.add(runOne(c, s, round, pinned));
                    }
                    catch (final EchoLoadClient.EchoMismatchException ex)
                    {
                        System.err.println("FAILED: " + s + " corrupted the echo: " + ex.getMessage());
                        return 1;
                    }
                    final EchoRow r = rows.get(rows.size() - 1);
                    System.err.printf(Locale.ROOT, "    %.0f msgs/s, %.1f MB/s, p50 %.1f us, p99.9 %.1f us%n",
                        r.result().msgsPerSec(), r.result().mbPerSec(), r.result().latencyMicros(50),
                        r.result().latencyMicros(99.9));
                }
            }
        }
        final EchoReport report = new EchoReport(rows, servers);
        System.out.print(report.text());
        report.write(out, reportName, header(argLine, pinned) + SyscallColumns.headerNote());
        System.err.println("wrote " + out.resolve(reportName + ".md") + " and " + out.resolve(reportName + ".csv"));
        if (charts)
        {
            for (final Path svg : EchoCharts.write(report, out))
            {
                System.err.println("wrote " + svg);
            }
        }
        return 0;
    }

    private EchoRow runOne(final EchoCase c, final String server, final int round, final boolean pinned)
        throws IOException, InterruptedException
    {
        final String cpus = pinned ? "1" : null;
        final EchoBenchServer s = EchoServers.LIBEVENT.equals(server) ? new LibeventEchoBenchServer(cpus) :
            inProcess ? EchoServers.create(server) : new ForkedEchoServer(server, cpus, serverJvmArgs);
        try
        {
            final InetSocketAddress address = s.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final EchoBenchServer.Stats[] snap = new EchoBenchServer.Stats[2];
            final EchoLoadClient.Result r = new EchoLoadClient(c).run(address, (long)(warmup * 1e9),
                (long)(duration * 1e9), new EchoLoadClient.Phases()
                {
                    @Override
                    public void measureStart()
                    {
                        snap[0] = s.stats();
                    }

                    @Override
                    public void measureEnd()
                    {
                        snap[1] = s.stats();
                    }
                });
            return new EchoRow(server, round, r, snap[1].minus(snap[0]));
        }
        finally
        {
            s.stop();
        }
    }

    /** Pins this JVM (all threads) to CPU 0 when taskset exists, 2+ CPUs are online and pinning is wanted. */
    private boolean pinIfWanted() throws IOException, InterruptedException
    {
        if ("off".equals(pin) || inProcess)
        {
            return false;
        }
        final boolean can = Runtime.getRuntime().availableProcessors() >= 2 && onPath("taskset");
        if (!can)
        {
            if ("on".equals(pin))
            {
                throw new IllegalStateException("--pin on needs taskset and 2 CPUs");
            }
            return false;
        }
        final Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", "0",
            Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
        final String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (0 != p.waitFor())
        {
            System.err.println("taskset failed, not pinning: " + msg);
            return false;
        }
        return true;
    }

    private static boolean onPath(final String program)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (Files.isExecutable(Path.of(dir, program)))
            {
                return true;
            }
        }
        return false;
    }

    private String header(final String argLine, final boolean pinned)
    {
        return "# Echo benchmark run\n\n" +
            "- date: " + ZonedDateTime.now() + "\n" +
            "- command: `" + (null != command ? command : "java $(java -cp bench/target/benchmarks.jar " +
            "io.jevent.bench.PrintFlags) -cp bench/target/benchmarks.jar " + EchoBench.class.getName() +
            (argLine.isEmpty() ? "" : " " + argLine)) + "`\n" +
            "- JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version() + "\n" +
            "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch") + ", " + cpusAtStart + " CPU(s), " +
            cpuModel() + "\n" +
            "- pinning: " + (pinned ? "server JVM `taskset -c 1`, client JVM CPU 0" : "none") + "\n" +
            "- per run: " + warmup + " s warm-up, " + duration + " s measured, " + rounds + " round(s) per case " +
            "(server order rotated each round; tables show each server's best round by msgs/s, echo.csv has " +
            "all); servers: " + servers + "\n" +
            "- latency: per message, first byte written to last byte read (us); ratios are to nio-baseline " +
            "in this run (x base: msgs/s; p50 x, p99.9 x: latency, lower is better); srv = the server's loop " +
            "thread(s), cli = the client thread; load = share of one CPU\n";
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            return "unknown CPU";
        }
        return "unknown CPU";
    }
}
