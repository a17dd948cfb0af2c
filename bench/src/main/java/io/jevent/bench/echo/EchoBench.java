package io.jevent.bench.echo;

import io.jevent.bench.Jdk;
import io.jevent.epoll.LibC;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
 * Warm-up: every run loads its server for at least {@code --warmup} seconds, then until, for
 * {@code --jit-quiet} seconds, neither the server's JVM nor the client's JVM has finished a compilation
 * and the server's threads other than its loop have used at most 2 % of a CPU (asked of the server
 * through its stats; a native server has no JIT), and at most {@code --warmup-max} seconds.
 * Before the load starts the server is asked for its stats once, so that its first answer (tens of ms
 * of class loading in a fresh JVM, on the loop's CPU) falls outside the measurement. Only messages sent
 * after the warm-up are in the histogram.
 * <p>
 * Options: {@code --duration S} (measured seconds per run, default 2.5), {@code --warmup S} (1),
 * {@code --warmup-max S} (6), {@code --jit-quiet S} (0.5), {@code --rounds N} (2),
 * {@code --cases a,b} (default {@link EchoCase#DEFAULTS}), {@code --servers a,b} (default
 * {@link EchoServers#DEFAULTS}; any of {@link EchoServers#ALL}), {@code --client-spin} (every case with a
 * busy-polling client), {@code --out DIR} (target/echo-bench), {@code --pin auto|on|off}, {@code --in-process}
 * (servers in this JVM, no pinning), {@code --server-jvm-args "..."} (flags for the server JVMs, after
 * {@link #SERVER_JVM_ARGS}; a later flag overrides an earlier one), {@code --jdk PATH} (the server JVMs run
 * on {@code PATH/bin/java}, with jevent's flags for that JDK's version; the client stays in this JVM).
 * <p>
 * Each row names the binding its server reported (jevent: {@code EventBase.binding()}, ffm, jna or jdk;
 * nio-baseline jdk, netty-epoll jni, libevent c), and the report's header the server JVMs' Java version.
 * A server named {@code jevent-epoll-jna}, {@code jevent-epoll-ffm} (also {@code -busy-spin-jna|ffm}, before
 * any {@code :N} or {@code +ioBYTES}) runs in a JVM started with {@code -Djevent.native=jna|ffm}; ffm needs a
 * server JDK 22+ and the ffm classes on the class path (a jar built on JDK 22+).
 */
public final class EchoBench
{
    /**
     * The server JVMs' flags besides jevent's own, the ones a latency-sensitive deployment sets anyway,
     * alike for every Java server: a fixed, pre-touched heap (no resizing, no page faults on first use
     * of a heap page while measuring) and no memory-mapped hsperfdata file (its page writeback can
     * stall a JVM at a safepoint when the disk is busy, as on a shared build machine).
     */
    public static final List<String> SERVER_JVM_ARGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
        "-XX:+PerfDisableSharedMem");

    private double duration = 2.5;
    private double warmup = 1;
    private double warmupMax = 6;
    private double jitQuiet = 0.5;
    private int rounds = 2;
    private List<EchoCase> cases = new ArrayList<>();
    private List<String> servers = EchoServers.DEFAULTS;
    private Jdk jdk = Jdk.current();
    private boolean clientSpin;
    private Path out = Path.of("target", "echo-bench");
    private String pin = "auto";
    private boolean inProcess;
    private String reportName = "echo";
    private boolean charts;
    private String command;
    private List<String> serverJvmArgs = SERVER_JVM_ARGS;
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
     * @return 0 when every run completed with every byte verified, 1 when a server corrupted the echo, 2 for
     *     bad options (said on one line on stderr)
     * @throws Exception if a server cannot start or the client fails
     */
    public static int run(final String[] args) throws Exception
    {
        return run("echo bench", args);
    }

    /**
     * Runs the benchmark without exiting the JVM.
     *
     * @param program the name bad options are reported under, e.g. {@code compare}
     * @param args    options, as {@link #main}
     * @return 0 when every run completed with every byte verified, 1 when a server corrupted the echo, 2 for
     *     bad options (said on one line on stderr, after {@code program: })
     * @throws Exception if a server cannot start or the client fails
     */
    public static int run(final String program, final String[] args) throws Exception
    {
        final EchoBench b;
        try
        {
            b = parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(program + ": " + ex.getMessage());
            return 2;
        }
        return b.run(String.join(" ", args));
    }

    /**
     * Reads and checks the options, running nothing.
     *
     * @param args options, as {@link #main}
     * @return the benchmark they describe
     * @throws IllegalArgumentException with a one-line reason for a bad option, server name or {@code --jdk}
     */
    static EchoBench parse(final String[] args)
    {
        final EchoBench b = new EchoBench();
        b.parseOptions(args);
        return b;
    }

    /**
     * @return the JDK the server JVMs run on
     */
    Jdk serverJdk()
    {
        return jdk;
    }

    /**
     * @return the servers to run, in order
     */
    List<String> servers()
    {
        return servers;
    }

    private void parseOptions(final String[] args)
    {
        String caseNames = String.join(",", EchoCase.DEFAULTS);
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--duration" -> duration = Double.parseDouble(value(args, ++i));
                case "--warmup" -> warmup = Double.parseDouble(value(args, ++i));
                case "--warmup-max" -> warmupMax = Double.parseDouble(value(args, ++i));
                case "--jit-quiet" -> jitQuiet = Double.parseDouble(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--cases" -> caseNames = value(args, ++i);
                case "--servers" -> servers = Arrays.asList(value(args, ++i).split(","));
                case "--client-spin" -> clientSpin = true;
                case "--out" -> out = Path.of(value(args, ++i));
                case "--pin" -> pin = value(args, ++i);
                case "--in-process" -> inProcess = true;
                case "--server-jvm-args" -> serverJvmArgs = serverJvmArgs(value(args, ++i));
                case "--report" -> reportName = value(args, ++i);
                case "--charts" -> charts = true;
                case "--command" -> command = value(args, ++i);
                case "--jdk" -> jdk = jdk(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + a + " (compare --help lists them)");
            }
        }
        warmupMax = Math.max(warmup, warmupMax);
        for (final EchoCase c : EchoCase.parseList(caseNames))
        {
            final EchoCase x = clientSpin ? c.withClientSpin(true) : c;
            if (!cases.contains(x))
            {
                cases.add(x);
            }
        }
        if (inProcess && jdk.given())
        {
            throw new IllegalArgumentException("--jdk runs the server JVMs on another JDK: it needs forked servers, " +
                "not --in-process");
        }
        for (final String s : servers)
        {
            EchoServers.create(s);
            if (EchoServers.forcedBinding(s) != null)
            {
                checkForcedBinding(s, EchoServers.forcedBinding(s));
            }
        }
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static Jdk jdk(final String path)
    {
        try
        {
            return Jdk.at(Path.of(path));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--jdk " + path + ": " + ex.getMessage());
        }
    }

    /**
     * Refuses, before anything runs, a forced binding the server cannot get: in this JVM (in-process) the
     * binding is the one libc was bound with; a forked ffm server needs a JDK 22+ and the ffm classes.
     */
    private void checkForcedBinding(final String server, final String binding)
    {
        if (inProcess)
        {
            if (!binding.equals(LibC.binding()))
            {
                throw new IllegalArgumentException(server + " in-process needs this JVM on the " + binding +
                    " binding, and it binds libc through " + LibC.binding() + " (run it forked, without --in-process)");
            }
            return;
        }
        if ("ffm".equals(binding) && jdk.feature() < Jdk.FFM_FEATURE)
        {
            throw new IllegalArgumentException(server + " needs a server JDK " + Jdk.FFM_FEATURE + "+ (java.lang." +
                "foreign), and the server JDK is " + jdk.version() + " at " + jdk.home() + " (give --jdk PATH)");
        }
        if ("ffm".equals(binding) && !Jdk.ffmOnClassPath(System.getProperty("java.class.path")))
        {
            throw new IllegalArgumentException(server + " needs the ffm binding's classes, which the class path " +
                "lacks: build the jars on JDK 22+ (JAVA_HOME=/path/to/jdk25 mvn package; README, Native bindings)");
        }
    }

    private int run(final String argLine) throws IOException, InterruptedException
    {
        final boolean pinned = pinIfWanted();
        final int runs = cases.size() * servers.size() * rounds;
        final long started = System.nanoTime();
        System.err.printf(Locale.ROOT, "echo bench: %d case(s) x %d server(s) x %d round(s), %.1f-%.1f s warm-up " +
            "+ %.1f s each, pinned: %s, server JVMs: %s%n", cases.size(), servers.size(), rounds, warmup, warmupMax,
            duration, pinned ? "server CPU 1, client CPU 0" : "no", inProcess ? "this one (in-process)" :
            "JDK " + jdk.version() + " (" + jdk.java() + (jdk.given() ? ", --jdk)" : ")"));
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
                    System.err.printf(Locale.ROOT, "    %s: %.0f msgs/s, %.1f MB/s, p50 %.1f us, p99.9 %.1f us, " +
                        "p99.99 %.1f us, max %.1f us at +%.3f s; warm-up %.1f s, server JIT %d ms while measuring " +
                        "(measured from %d ms epoch)%n", r.binding(), r.result().msgsPerSec(), r.result().mbPerSec(),
                        r.result().latencyMicros(50), r.result().latencyMicros(99.9), r.result().latencyMicros(99.99),
                        r.result().latency().getMaxValue() / 1e3, r.result().maxAtNanos() / 1e9,
                        r.result().warmupNanos() / 1e9, r.cost().jitMillis(), r.result().startEpochMillis());
                }
            }
        }
        final EchoReport report = new EchoReport(rows, servers);
        System.out.print("\nserver JDK: " + serverJdk(rows) + "\n" + report.text());
        report.write(out, reportName, header(argLine, pinned, rows) + SyscallColumns.headerNote());
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
            inProcess ? EchoServers.create(server) : new ForkedEchoServer(server, cpus, jdk, serverJvmArgs);
        try
        {
            final InetSocketAddress address = s.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final String binding = s.binding();
            final String javaVersion = s.javaVersion();
            final JitWatch quiet = new JitWatch(s, !inProcess, (long)(jitQuiet * 1e9));
            final EchoBenchServer.Stats[] snap = new EchoBenchServer.Stats[2];
            final EchoLoadClient.Warmup w = new EchoLoadClient.Warmup((long)(warmup * 1e9), (long)(warmupMax * 1e9),
                (long)(jitQuiet * 1e9));
            final EchoLoadClient.Result r = new EchoLoadClient(c).run(address, w, (long)(duration * 1e9),
                new EchoLoadClient.Phases()
                {
                    @Override
                    public boolean warmedUp()
                    {
                        return quiet.quiet();
                    }

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
            return new EchoRow(server, round, r, snap[1].minus(snap[0]), binding, javaVersion);
        }
        finally
        {
            s.stop();
        }
    }

    private static List<String> serverJvmArgs(final String extra)
    {
        final List<String> all = new ArrayList<>(SERVER_JVM_ARGS);
        if (!extra.isBlank())
        {
            all.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        return all;
    }

    /**
     * Tells when the JITs have quiesced: neither the server's JVM nor this (the client's) has finished a
     * compilation since the last call, and the server process's threads other than its loop(s) (JIT
     * compiler threads in the middle of a compilation, GC) have used at most {@link #BACKGROUND_SHARE}
     * of a CPU. Made right after the server started, so its first stats request (a fresh JVM loads its
     * management classes, tens of ms on the loop's CPU) happens before the load.
     */
    private static final class JitWatch
    {
        /** Most CPU the server's non-loop threads may use in a quiet interval (answering stats costs a little). */
        static final double BACKGROUND_SHARE = 0.02;

        private final EchoBenchServer server;
        private final boolean ownProcess;
        private final long budgetNanos;
        private long jitMillis;
        private long backgroundNanos;

        JitWatch(final EchoBenchServer server, final boolean ownProcess, final long intervalNanos)
        {
            this.server = server;
            this.ownProcess = ownProcess;
            this.budgetNanos = (long)(BACKGROUND_SHARE * intervalNanos);
            quiet();
        }

        boolean quiet()
        {
            final EchoBenchServer.Stats now = server.stats();
            final long jit = Math.max(0, now.jitMillis()) + Math.max(0, ThreadStats.jitMillis());
            final long background = ownProcess && now.processCpuNanos() >= 0 ?
                now.processCpuNanos() - now.loopCpuNanos() : 0;
            final boolean quiet = jit == jitMillis && background - backgroundNanos <= budgetNanos;
            jitMillis = jit;
            backgroundNanos = background;
            return quiet;
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

    /**
     * @param rows the measured rows
     * @return the Java version(s) the server JVMs reported, with the JDK's feature version and where it is, e.g.
     *     {@code 25.0.1+8-LTS (JDK 25, /usr/lib/jvm/temurin-25/bin/java, --jdk)}
     */
    private String serverJdk(final List<EchoRow> rows)
    {
        final Set<String> versions = new LinkedHashSet<>();
        for (final EchoRow r : rows)
        {
            if (!r.javaVersion().isEmpty())
            {
                versions.add(r.javaVersion());
            }
        }
        if (versions.isEmpty())
        {
            return "none (no Java server)";
        }
        return String.join(", ", versions) + " (JDK " + jdk.feature() + ", " + (inProcess ? "in-process: the " +
            "client's JVM" : jdk.java() + (jdk.given() ? ", --jdk" : ", the client's JDK")) + ")";
    }

    private String header(final String argLine, final boolean pinned, final List<EchoRow> rows)
    {
        return "# Echo benchmark run\n\n" +
            "- date: " + ZonedDateTime.now() + "\n" +
            "- command: `" + (null != command ? command : "java $(java -cp bench/target/benchmarks.jar " +
            "io.jevent.samples.PrintFlags) -cp bench/target/benchmarks.jar " + EchoBench.class.getName() +
            (argLine.isEmpty() ? "" : " " + argLine)) + "`\n" +
            "- JDK: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " (the client's)\n" +
            "- server JDK: " + serverJdk(rows) + "; binding column: how each server reached the kernel, as it " +
            "reported it (jevent: `EventBase.binding()`, ffm = java.lang.foreign, jna = JNA, jdk = java.nio; " +
            "netty-epoll: jni; libevent: c)\n" +
            "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch") + ", " + cpusAtStart + " CPU(s), " +
            cpuModel() + "\n" +
            "- pinning: " + (pinned ? "server process `taskset -c 1` (all its threads: loop, JIT, GC), " +
            "client JVM CPU 0" : "none") + "\n" +
            "- warm-up: each run loads its server for at least " + warmup + " s, then until, for " + jitQuiet +
            " s, neither the server's nor the client's JVM has finished a compilation and the server's " +
            "non-loop threads (JIT, GC) used at most 2 % of a CPU, at most " + warmupMax + " s (the " +
            "warmup_s column of the CSV; a native server has no JIT); the histograms hold only messages sent " +
            "after it, and the server's first stats request (class loading in a fresh JVM) is made before the " +
            "load starts\n" +
            (inProcess ? "" : "- server JVM flags: `" + String.join(" ", serverJvmArgs) + "` besides jevent's own " +
            "(latency settings a deployment would use; see perf-reports/tail.md)\n") +
            "- per run: " + duration + " s measured, " + rounds + " round(s) per case " +
            "(server order rotated each round; tables show each server's best round by msgs/s, echo.csv has " +
            "all); servers: " + servers + "\n" +
            "- latency: per message, first byte written to last byte read (us); ratios are to nio-baseline " +
            "in this run (x base: msgs/s; p50 x, p99.9 x: latency, lower is better); max: the single slowest " +
            "message; srv = the server's loop " +
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
