package io.jevent.bench.echo;

import io.jevent.bench.report.BarChart;
import io.jevent.bench.report.PercentileChart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plots of an echo report: one throughput chart (msgs/s, or MB/s for streaming cases) and one
 * latency percentile chart (p50 to p99.99) per case, one bar or curve per server, named in the legend by
 * {@link EchoRow#label()} (the server's name, with its binding when the name does not say it).
 */
public final class EchoCharts
{
    /** Percentiles of the latency curves. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private EchoCharts()
    {
    }

    /**
     * @param report the measured rows
     * @param dir    where the SVG files go
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(final EchoReport report, final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        Files.createDirectories(dir);
        for (final Map.Entry<String, List<EchoRow>> e : report.byCase().entrySet())
        {
            final List<EchoRow> rows = e.getValue();
            final List<String> servers = new ArrayList<>();
            final boolean streaming = !rows.isEmpty() && !rows.get(0).result().spec().pingPong();
            final double[][] throughput = new double[rows.size()][1];
            final double[][] latency = new double[rows.size()][PERCENTILES.length];
            for (int i = 0; i < rows.size(); i++)
            {
                final EchoRow r = rows.get(i);
                servers.add(r.label());
                throughput[i][0] = streaming ? r.result().mbPerSec() : r.result().msgsPerSec();
                for (int p = 0; p < PERCENTILES.length; p++)
                {
                    latency[i][p] = r.result().latencyMicros(PERCENTILES[p]);
                }
            }
            final String title = EchoReport.describe(rows.get(0).result().spec());
            final Path bars = dir.resolve("throughput-" + e.getKey() + ".svg");
            Files.writeString(bars, BarChart.render(title, streaming ? "MB/s" : "msgs/s", List.of(e.getKey()),
                servers, throughput), StandardCharsets.UTF_8);
            final Path curves = dir.resolve("latency-" + e.getKey() + ".svg");
            Files.writeString(curves, PercentileChart.render(title + " — latency", PERCENTILES, servers, latency),
                StandardCharsets.UTF_8);
            files.add(bars);
            files.add(curves);
        }
        return files;
    }
}
