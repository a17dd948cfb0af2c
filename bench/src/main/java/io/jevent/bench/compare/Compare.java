package io.jevent.bench.compare;

import io.jevent.bench.Jdk;
import io.jevent.bench.echo.EchoBench;
import io.jevent.bench.echo.LibeventEchoBenchServer;
import io.jevent.bench.echo.NettyEchoBenchServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code jevent compare}: the loopback echo comparison of jevent against java.nio, Netty and libevent,
 * with progress on stderr, the table on stdout (ratios to nio-baseline) and {@code latest.md},
 * {@code latest.csv} and SVG plots in {@code perf-reports/} (or {@code --out DIR}).
 * <p>
 * Servers, each started fresh in its own process: jevent-epoll, jevent-nio, jevent-epoll-busy-spin (epoll
 * busy-spinning), nio-baseline, netty-epoll (when Netty's native epoll loads) and libevent (the C
 * server, when gcc and libevent-dev are present; {@code bench/c/build-peers.sh --install} installs
 * them); on request also jevent-nio-busy-spin, and jevent-epoll-jna, jevent-epoll-ffm,
 * jevent-epoll-busy-spin-jna, jevent-epoll-busy-spin-ffm, whose JVM is started with
 * {@code -Djevent.native=jna|ffm} (plain jevent-epoll takes the JDK's choice, ffm on 22+), so that on
 * JDK 22+ both bindings run side by side; jevent-epoll-jna is a default server when the server JVMs get
 * ffm (JDK 22+ and a jar built on 22+), except with {@code --quick}. Every row names the binding its
 * server reported (ffm, jna, jdk, jni, c). Cases: ping-pong 1 and 50 connections × 64 B, streaming
 * 50 connections × 4 KiB with 8 in flight, 1 connection × 64 KiB. Three to four minutes by default.
 * <p>
 * Options: {@code --quick} (CI-sized), {@code --duration S}, {@code --cases a,b}, {@code --servers a,b},
 * {@code --client-spin} (busy-polling client), {@code --pin on|off|auto}, {@code --out DIR},
 * {@code --rounds N}, {@code --jdk PATH} (the server JVMs run on {@code PATH/bin/java}, with jevent's flags
 * for that JDK's version; the client stays in compare's JVM), {@code --help}, and every other option of
 * {@link EchoBench}. Bad options are refused with one line on stderr and exit code 2.
 */
public final class Compare
{
    /** Default cases. */
    public static final String CASES = "pingpong-1x64,pingpong-50x64,stream-50x4k-w8,stream-1x64k-w4";
    /** Quick cases. */
    public static final String QUICK_CASES = "pingpong-1x64,stream-50x4k-w8";
    /** What {@code --help} prints. */
    public static final String USAGE = String.join("\n",
        "usage: java -jar bench/target/benchmarks.jar compare [options]",
        "  loopback echo: every case against every server, each server in its own process",
        "  --quick               CI-sized (2 cases, short runs, jevent and nio-baseline only)",
        "  --cases a,b           default " + CASES,
        "                        (pingpong-CxS[-spin], stream-CxS-wN[-spin]; S in bytes or with k)",
        "  --servers a,b         nio-baseline, jevent-epoll, jevent-nio, jevent-epoll-busy-spin,",
        "                        jevent-nio-busy-spin, netty-epoll, libevent (default: those that run here,",
        "                        jevent-nio-busy-spin aside; jevent-epoll-jna too on ffm), and",
        "                        jevent-epoll-jna, jevent-epoll-ffm, jevent-epoll-busy-spin-jna,",
        "                        jevent-epoll-busy-spin-ffm, which force epoll's",
        "                        libc binding (-Djevent.native=jna|ffm; ffm needs a server JDK 22+);",
        "                        jevent-* also take :N (loops) and +ioBYTES (max single read/write) after that",
        "  --duration S          measured seconds per run (2.5)",
        "  --warmup S            shortest warm-up (1); then until the JITs are quiet for --jit-quiet S (0.5),",
        "  --warmup-max S        at most this long (6)",
        "  --rounds N            runs per case and server, the best by msgs/s in the tables (1)",
        "  --client-spin         busy-polling client",
        "  --pin on|off|auto     server on CPU 1, client on CPU 0 (auto)",
        "  --server-jvm-args \"..\" appended to the server JVMs' flags",
        "  --jdk PATH            run the server JVMs on PATH/bin/java (the client stays on this JVM)",
        "  --out DIR             where latest.md, latest.csv and the plots go (perf-reports)",
        "");

    private Compare()
    {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception as the benchmark throws it
     */
    public static void main(final String[] args) throws Exception
    {
        System.exit(run(args));
    }

    /**
     * @param args options, see the class comment
     * @return 0 on success (and for {@code --help}), 1 if a server corrupted an echoed byte, 2 for bad options
     * @throws Exception as the benchmark throws it
     */
    public static int run(final String[] args) throws Exception
    {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            System.out.print(USAGE);
            return 0;
        }
        return EchoBench.run("compare", arguments(args));
    }

    static String[] arguments(final String[] args)
    {
        final List<String> given = new ArrayList<>(Arrays.asList(args));
        final boolean quick = given.remove("--quick");
        final List<String> a = new ArrayList<>();
        a.addAll(List.of("--report", "latest", "--charts", "--out", "perf-reports", "--rounds", "1",
            "--command", ("java -jar bench/target/benchmarks.jar compare " + String.join(" ", args)).trim()));
        if (quick)
        {
            a.addAll(List.of("--cases", QUICK_CASES, "--warmup", "0.3", "--warmup-max", "0.6", "--jit-quiet", "0.25",
                "--duration", "0.7"));
        }
        else
        {
            a.addAll(List.of("--cases", CASES, "--warmup", "1", "--duration", "2.5"));
        }
        if (!given.contains("--servers"))
        {
            a.addAll(List.of("--servers", String.join(",", defaultServers(quick, bothBindings(given)))));
        }
        a.addAll(given);
        return a.toArray(new String[0]);
    }

    /**
     * @param given the user's options
     * @return true if the server JVMs get the ffm binding by default (a JDK 22+ and the ffm classes on the
     *     class path), so that a JNA row beside it shows what the binding changes
     */
    static boolean bothBindings(final List<String> given)
    {
        final int i = given.indexOf("--jdk");
        final Jdk jdk;
        try
        {
            jdk = i >= 0 && i + 1 < given.size() ? Jdk.at(Path.of(given.get(i + 1))) : Jdk.current();
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
        return jdk.feature() >= Jdk.FFM_FEATURE && Jdk.ffmOnClassPath(System.getProperty("java.class.path"));
    }

    static List<String> defaultServers(final boolean quick, final boolean bothBindings)
    {
        final List<String> s = new ArrayList<>(List.of("nio-baseline", "jevent-epoll", "jevent-nio",
            "jevent-epoll-busy-spin"));
        if (quick)
        {
            return s;
        }
        if (bothBindings)
        {
            s.add(2, "jevent-epoll-jna");
        }
        if (NettyEchoBenchServer.isAvailable())
        {
            s.add("netty-epoll");
        }
        else
        {
            System.err.println("compare: netty-epoll left out: Netty native epoll does not load here");
        }
        if (null != LibeventEchoBenchServer.binary())
        {
            s.add("libevent");
        }
        else
        {
            System.err.println("compare: libevent left out: needs gcc and libevent-dev " +
                "(bench/c/build-peers.sh --install)");
        }
        return s;
    }
}
