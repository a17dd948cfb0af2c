package io.jevent.bench.echo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats {@link EchoRow}s: a text table per case with ratios to {@code nio-baseline} of the same run,
 * and the same as markdown and CSV. Each row names the binding the server reported (ffm, jna, jdk, jni,
 * c); the CSV ends with it and the server JVM's version, after the columns older CSVs had. With several
 * rounds, the tables show for each (case, server) the round with the highest msgs/s (the least disturbed
 * on a shared machine, chosen alike for every server); the CSV has every round and marks the chosen one.
 */
public final class EchoReport
{
    private static final String[] HEAD = {"server", "binding", "msgs/s", "MB/s", "x base", "p50 us", "p90 us",
        "p99 us", "p99.9 us", "p99.99 us", "max us", "p50 x", "p99.9 x", "srv cpu us/msg", "srv load", "srv B/msg",
        "cli cpu us/msg", "cli load"};
    /** The table's columns: {@link #HEAD} with the server's syscalls per message after its CPU. */
    private static final String[] COLUMNS = SyscallColumns.insert(HEAD, HEAD, SyscallColumns.HEAD);

    /**
     * The CSV's last columns, after every column of older CSVs (so their positions stay): the binding the
     * server reported and its JVM's version (empty for a native server).
     */
    static final String CSV_TAIL = ",binding,server_jdk";

    private final List<EchoRow> rows;
    private final List<String> serverOrder;

    /**
     * @param rows        the measured rows, every round
     * @param serverOrder the order of servers in the tables
     */
    public EchoReport(final List<EchoRow> rows, final List<String> serverOrder)
    {
        this.rows = List.copyOf(rows);
        this.serverOrder = List.copyOf(serverOrder);
    }

    /**
     * @return per case (in run order), the chosen row of each server (in server order)
     */
    public Map<String, List<EchoRow>> byCase()
    {
        final Map<String, Map<String, EchoRow>> best = new LinkedHashMap<>();
        for (final EchoRow r : rows)
        {
            best.computeIfAbsent(r.result().spec().name(), k -> new LinkedHashMap<>())
                .merge(r.server(), r, (a, b) -> b.result().msgsPerSec() > a.result().msgsPerSec() ? b : a);
        }
        final Map<String, List<EchoRow>> m = new LinkedHashMap<>();
        for (final Map.Entry<String, Map<String, EchoRow>> e : best.entrySet())
        {
            final List<EchoRow> list = new ArrayList<>();
            for (final String s : serverOrder)
            {
                if (e.getValue().containsKey(s))
                {
                    list.add(e.getValue().get(s));
                }
            }
            m.put(e.getKey(), list);
        }
        return m;
    }

    /**
     * @return one plain-text table per case
     */
    public String text()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, List<EchoRow>> e : byCase().entrySet())
        {
            sb.append("\n== ").append(describe(e.getValue().get(0).result().spec())).append('\n');
            final List<String[]> cells = new ArrayList<>();
            cells.add(COLUMNS);
            for (final EchoRow r : e.getValue())
            {
                cells.add(row(r, baseline(e.getValue())));
            }
            final int[] w = new int[COLUMNS.length];
            for (final String[] row : cells)
            {
                for (int i = 0; i < row.length; i++)
                {
                    w[i] = Math.max(w[i], row[i].length());
                }
            }
            for (final String[] row : cells)
            {
                for (int i = 0; i < row.length; i++)
                {
                    sb.append(i == 0 ? String.format("%-" + w[i] + "s", row[i]) :
                        String.format(i == 1 ? "  %-" + w[i] + "s" : "  %" + w[i] + "s", row[i]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * @return one markdown table per case
     */
    public String markdown()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, List<EchoRow>> e : byCase().entrySet())
        {
            sb.append("\n### ").append(describe(e.getValue().get(0).result().spec())).append("\n\n|");
            for (final String h : COLUMNS)
            {
                sb.append(' ').append(h).append(" |");
            }
            sb.append("\n|").append("---|".repeat(COLUMNS.length)).append('\n');
            for (final EchoRow r : e.getValue())
            {
                sb.append('|');
                for (final String c : row(r, baseline(e.getValue())))
                {
                    sb.append(' ').append(c).append(" |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * @return CSV with a header line, one line per row, raw numbers
     */
    public String csv()
    {
        final StringBuilder sb = new StringBuilder("case,server,round,chosen,connections,message_bytes,in_flight," +
            "client_spin,messages,bytes,seconds,msgs_per_s,mb_per_s,ratio_msgs_to_baseline,p50_us,p90_us,p99_us," +
            "p999_us,p9999_us,max_us,max_at_s,warmup_s,server_jit_ms,server_cpu_us_per_msg,server_cpu_load," +
            "server_alloc_bytes_per_msg,server_process_cpu_us_per_msg,client_cpu_us_per_msg,client_cpu_load," +
            "client_alloc_bytes_per_msg" + SyscallColumns.CSV_HEAD + CSV_TAIL + "\n");
        final Map<String, List<EchoRow>> chosen = byCase();
        for (final EchoRow r : rows)
        {
            final EchoLoadClient.Result x = r.result();
            final EchoCase c = x.spec();
            final List<EchoRow> group = chosen.get(c.name());
            final EchoRow base = baseline(group);
            sb.append(String.join(",", c.name(), r.server(), i(r.round()),
                Boolean.toString(group.contains(r)), i(c.connections()), i(c.messageSize()),
                i(c.inFlight()), Boolean.toString(c.clientSpin()), Long.toString(x.messages()),
                Long.toString(x.bytes()), f(x.nanos() / 1e9, 3), f(x.msgsPerSec(), 0), f(x.mbPerSec(), 1),
                null == base ? "" : f(x.msgsPerSec() / base.result().msgsPerSec(), 3),
                f(x.latencyMicros(50), 1), f(x.latencyMicros(90), 1), f(x.latencyMicros(99), 1),
                f(x.latencyMicros(99.9), 1), f(x.latencyMicros(99.99), 1), f(x.latency().getMaxValue() / 1e3, 1),
                f(x.maxAtNanos() / 1e9, 3), f(x.warmupNanos() / 1e9, 3),
                r.cost().jitMillis() < 0 ? "" : Long.toString(r.cost().jitMillis()), f(r.serverCpuMicrosPerMsg(), 3),
                f(r.serverCpuLoad(), 3), f(r.serverBytesPerMsg(), 2),
                r.cost().processCpuNanos() < 0 ? "" : f(r.cost().processCpuNanos() / 1e3 / x.messages(), 3),
                f(r.clientCpuMicrosPerMsg(), 3), f(r.clientCpuLoad(), 3),
                f((double)x.clientAllocBytes() / x.messages(), 2))).append(SyscallColumns.csv(r))
                .append(',').append(r.binding()).append(',').append(r.javaVersion()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes {@code echo.md} (with a header) and {@code echo.csv} into a directory.
     *
     * @param dir    the directory, created if needed
     * @param header markdown put before the tables
     * @throws IOException if writing fails
     */
    public void write(final Path dir, final String header) throws IOException
    {
        write(dir, "echo", header);
    }

    /**
     * Writes {@code NAME.md} (header plus tables) and {@code NAME.csv} into {@code dir}.
     *
     * @param dir    output directory, created if missing
     * @param name   file name stem, e.g. "echo" or "latest"
     * @param header markdown put before the tables
     * @throws IOException if writing fails
     */
    public void write(final Path dir, final String name, final String header) throws IOException
    {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".md"), header + markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".csv"), csv(), StandardCharsets.UTF_8);
    }

    /**
     * @param c a case
     * @return a one-line description
     */
    public static String describe(final EchoCase c)
    {
        return c.name() + ": " + (c.pingPong() ? "ping-pong" : "streaming") + ", " + c.connections() +
            " conn x " + c.messageSize() + " B" + (c.pingPong() ? "" : ", " + c.inFlight() + " in flight") +
            (c.clientSpin() ? ", busy-polling client" : ", blocking client");
    }

    private static EchoRow baseline(final List<EchoRow> group)
    {
        for (final EchoRow r : group)
        {
            if (EchoServers.BASELINE.equals(r.server()))
            {
                return r;
            }
        }
        return null;
    }

    private static String[] row(final EchoRow r, final EchoRow base)
    {
        return SyscallColumns.insert(HEAD, cells(r, base), SyscallColumns.cells(r));
    }

    private static String[] cells(final EchoRow r, final EchoRow base)
    {
        final EchoLoadClient.Result x = r.result();
        final boolean hasBase = null != base;
        return new String[] {r.server(), r.binding(), f(x.msgsPerSec(), 0), f(x.mbPerSec(), 1),
            hasBase ? f(x.msgsPerSec() / base.result().msgsPerSec(), 2) : "-",
            f(x.latencyMicros(50), 1), f(x.latencyMicros(90), 1), f(x.latencyMicros(99), 1),
            f(x.latencyMicros(99.9), 1), f(x.latencyMicros(99.99), 1), f(x.latency().getMaxValue() / 1e3, 0),
            hasBase ? f(x.latencyMicros(50) / base.result().latencyMicros(50), 2) : "-",
            hasBase ? f(x.latencyMicros(99.9) / base.result().latencyMicros(99.9), 2) : "-",
            f(r.serverCpuMicrosPerMsg(), 2), f(r.serverCpuLoad(), 2), f(r.serverBytesPerMsg(), 2),
            f(r.clientCpuMicrosPerMsg(), 2), f(r.clientCpuLoad(), 2)};
    }

    private static String f(final double v, final int decimals)
    {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String i(final int v)
    {
        return Integer.toString(v);
    }
}
