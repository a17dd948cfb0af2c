package io.jevent.bench.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The soak's options, each a named command-line option with its default here.
 * <ul>
 *   <li>{@code --backend B[,B...]} (default {@value #BACKEND_DEFAULT}): the server's backend, one run
 *       each: epoll, nio, busy-spin, epoll-busy-spin, nio-busy-spin</li>
 *   <li>{@code --connections N} (default {@value #CONNECTIONS_DEFAULT}), {@code --duration S} (default
 *       {@value #DURATION_DEFAULT})</li>
 *   <li>{@code --workers N} (default {@value #WORKERS_DEFAULT}): worker loops behind the server's acceptor</li>
 *   <li>{@code --high-watermark B} (default {@value #HIGH_WATERMARK_DEFAULT}): the server's</li>
 *   <li>{@code --client-threads N} (default {@value #CLIENT_THREADS_DEFAULT}): the client's selector threads</li>
 *   <li>{@code --mix ping-pong=40,streaming=25,half-close=20,rst=10,non-reading=5}: shares of new connections</li>
 *   <li>{@code --max-rss-mib M} (default: {@link #rssBoundMib()}): the server's peak RSS bound</li>
 *   <li>{@code --stall S} (default {@value #STALL_DEFAULT}): a connection with echo due and no progress
 *       this long has stalled; {@code --drain S} (default {@value #DRAIN_DEFAULT}): how long the open
 *       connections get to finish after the duration</li>
 *   <li>{@code --seed N}, {@code --message-max B} (16 KiB), {@code --half-close-max B} (4 MiB),
 *       {@code --rst-max B} (256 KiB), {@code --non-reader-bytes B} (1 MiB)</li>
 *   <li>{@code --idle N} (default: {@code --connections}; 0 for none): connections opened before the
 *       load that echo one message each and go idle, to measure what the server holds per idle
 *       connection ({@link SoakIdle})</li>
 *   <li>{@code --connect HOST:PORT}: soak a server that is already running instead of forking one
 *       (its fds, memory and pool are then not checked)</li>
 *   <li>{@code --server-jvm "ARGS"} (default {@value #SERVER_JVM_DEFAULT}): JVM options of the server</li>
 *   <li>{@code --out FILE} (default {@value #OUT_DEFAULT}; {@code -} for none): the report</li>
 *   <li>{@code --ci}: the short run of the tests, {@value #CI_CONNECTIONS} connections for
 *       {@value #CI_DURATION} s, no report unless {@code --out} says where</li>
 * </ul>
 *
 * @param backends       server backends, one run each
 * @param connections    connections kept open
 * @param durationSec    seconds of load
 * @param workers        server worker loops
 * @param highWatermark  server high watermark, bytes
 * @param clientThreads  client selector threads
 * @param weights        share of each {@link SoakRole}, by ordinal
 * @param maxRssMib      server peak RSS bound, MiB; 0 for {@link #rssBoundMib()}
 * @param stallSec       stall timeout, seconds
 * @param drainSec       time to finish after the duration, seconds
 * @param seed           seed of every random choice
 * @param messageMax     largest ping-pong or streaming message
 * @param halfCloseMax   largest half-close stream
 * @param resetMax       most bytes a resetting connection sends
 * @param nonReaderBytes bytes a non-reading connection tries to send
 * @param idleConnections connections of the idle point before the load, 0 for none
 * @param connect        {@code host:port} of a running server, or null to fork one
 * @param serverJvm      JVM options of the forked server
 * @param out            report file, or {@code -}
 * @param command        the command line, for the report
 */
public record SoakOptions(List<String> backends, int connections, int durationSec, int workers, long highWatermark,
    int clientThreads, int[] weights, long maxRssMib, int stallSec, int drainSec, long seed, int messageMax,
    long halfCloseMax, long resetMax, long nonReaderBytes, int idleConnections, String connect, String serverJvm,
    String out, String command)
{
    /** Default {@code --backend}. */
    public static final String BACKEND_DEFAULT = "epoll";
    /** Default {@code --connections}. */
    public static final int CONNECTIONS_DEFAULT = 10_000;
    /** Default {@code --duration}, seconds. */
    public static final int DURATION_DEFAULT = 60;
    /** Default {@code --workers}. */
    public static final int WORKERS_DEFAULT = 2;
    /** Default {@code --high-watermark}: 64 KiB, so that 10,000 connections at the mark hold 1.3 GB at most. */
    public static final long HIGH_WATERMARK_DEFAULT = 64 * 1024;
    /** Default {@code --client-threads}. */
    public static final int CLIENT_THREADS_DEFAULT = 2;
    /** Default {@code --stall}, seconds. */
    public static final int STALL_DEFAULT = 20;
    /** Default {@code --drain}, seconds. */
    public static final int DRAIN_DEFAULT = 30;
    /** Default {@code --server-jvm}. */
    public static final String SERVER_JVM_DEFAULT = "-Xms64m -Xmx256m";
    /** Default {@code --out}. */
    public static final String OUT_DEFAULT = "perf-reports/soak.md";
    /** Connections of {@code --ci}. */
    public static final int CI_CONNECTIONS = 400;
    /** Seconds of {@code --ci}. */
    public static final int CI_DURATION = 10;
    /**
     * Server RSS allowed whatever the load: its heap at most ({@code -Xmx256m} by default), plus 128 MiB
     * for the rest of the JVM (code, metaspace, thread stacks, GC structures) and the pool's free lists.
     * An idle server measures about 55 MiB.
     */
    public static final long RSS_BASE_MIB = 384;
    /**
     * Server RSS allowed per connection: each open connection keeps two 16 KiB segments (a spare in its
     * input and one in its output), and a few at a time hold up to the high watermark plus one read.
     * Measured with 10,000 connections: about 20,000 segments (320 MiB) in use; peak RSS 494 MiB on
     * epoll and 642 MiB on nio, whose heap grows to its 256 MiB cap; the bound is then 774 MiB.
     */
    public static final long RSS_PER_CONNECTION_KIB = 40;

    /**
     * @param args options as listed in the class comment
     * @return the options
     * @throws IllegalArgumentException on an unknown option or a bad value
     */
    public static SoakOptions parse(final String... args)
    {
        final List<String> a = new ArrayList<>(Arrays.asList(args));
        final boolean ci = a.remove("--ci");
        List<String> backends = List.of(BACKEND_DEFAULT);
        int connections = ci ? CI_CONNECTIONS : CONNECTIONS_DEFAULT;
        int duration = ci ? CI_DURATION : DURATION_DEFAULT;
        int workers = WORKERS_DEFAULT;
        long high = HIGH_WATERMARK_DEFAULT;
        int threads = CLIENT_THREADS_DEFAULT;
        int[] weights = defaultWeights();
        long maxRss = 0;
        int stall = STALL_DEFAULT;
        int drain = DRAIN_DEFAULT;
        long seed = 1;
        int messageMax = 16 * 1024;
        long halfCloseMax = 4L << 20;
        long resetMax = 256 * 1024;
        long nonReader = 1L << 20;
        int idle = -1;
        String connect = null;
        String serverJvm = SERVER_JVM_DEFAULT;
        String out = ci ? "-" : OUT_DEFAULT;
        for (int i = 0; i < a.size(); i += 2)
        {
            if (i + 1 >= a.size())
            {
                throw new IllegalArgumentException("option " + a.get(i) + " needs a value");
            }
            final String v = a.get(i + 1);
            switch (a.get(i))
            {
                case "--backend" -> backends = List.of(v.split(","));
                case "--connections" -> connections = Integer.parseInt(v);
                case "--duration" -> duration = Integer.parseInt(v);
                case "--workers" -> workers = Integer.parseInt(v);
                case "--high-watermark" -> high = Long.parseLong(v);
                case "--client-threads" -> threads = Integer.parseInt(v);
                case "--mix" -> weights = weights(v);
                case "--max-rss-mib" -> maxRss = Long.parseLong(v);
                case "--stall" -> stall = Integer.parseInt(v);
                case "--drain" -> drain = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--message-max" -> messageMax = Integer.parseInt(v);
                case "--half-close-max" -> halfCloseMax = Long.parseLong(v);
                case "--rst-max" -> resetMax = Long.parseLong(v);
                case "--non-reader-bytes" -> nonReader = Long.parseLong(v);
                case "--idle" -> idle = Integer.parseInt(v);
                case "--connect" -> connect = v;
                case "--server-jvm" -> serverJvm = v;
                case "--out" -> out = v;
                default -> throw new IllegalArgumentException("unknown option " + a.get(i));
            }
        }
        if (connections < 1 || duration < 1 || workers < 1 || threads < 1 || messageMax < 1 || halfCloseMax < 1 ||
            resetMax < 1 || nonReader < 1 || high < 1 || idle < -1)
        {
            throw new IllegalArgumentException("soak: counts, sizes and durations must be positive");
        }
        return new SoakOptions(backends, connections, duration, workers, high, threads, weights, maxRss, stall, drain,
            seed, messageMax, halfCloseMax, resetMax, nonReader, idle < 0 ? connections : idle, connect, serverJvm,
            out, ("java -jar bench/target/benchmarks.jar soak " + String.join(" ", args)).trim());
    }

    /**
     * @return the server's peak RSS bound in MiB: {@code --max-rss-mib}, or
     *     {@link #RSS_BASE_MIB} + connections × {@link #RSS_PER_CONNECTION_KIB}
     */
    public long rssBoundMib()
    {
        return maxRssMib > 0 ? maxRssMib : RSS_BASE_MIB + connections * RSS_PER_CONNECTION_KIB / 1024;
    }

    /**
     * @return the server's options (acceptor mode) as {@code EchoOptions} arguments, for one backend
     * @param backend the backend
     */
    public List<String> serverArgs(final String backend)
    {
        return List.of("--backend", backend, "--acceptor", "--loops", Integer.toString(workers),
            "--high-watermark", Long.toString(highWatermark), "--backlog", "4096");
    }

    private static int[] defaultWeights()
    {
        final int[] w = new int[SoakRole.values().length];
        for (final SoakRole r : SoakRole.values())
        {
            w[r.ordinal()] = r.defaultWeight();
        }
        return w;
    }

    private static int[] weights(final String mix)
    {
        final int[] w = new int[SoakRole.values().length];
        for (final String part : mix.split(","))
        {
            final String[] kv = part.split("=");
            if (2 != kv.length)
            {
                throw new IllegalArgumentException("--mix wants role=weight,...: " + mix);
            }
            w[SoakRole.of(kv[0].trim()).ordinal()] = Integer.parseInt(kv[1].trim());
        }
        if (0 == Arrays.stream(w).sum())
        {
            throw new IllegalArgumentException("--mix gives every role weight 0");
        }
        return w;
    }
}
