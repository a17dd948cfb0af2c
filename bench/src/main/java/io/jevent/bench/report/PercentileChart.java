package io.jevent.bench.report;

import java.util.List;

/**
 * Latency percentile curves as SVG: x is the percentile on a "number of nines" axis (p50, p90, p99,
 * p99.9, p99.99 equally spaced), y the latency in microseconds on a log axis; one line per server.
 */
public final class PercentileChart
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private PercentileChart()
    {
    }

    /**
     * @param p a percentile such as 99.9
     * @return its label, e.g. "p99.9"
     */
    public static String label(final double p)
    {
        return "p" + java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }

    /**
     * @param title       chart title
     * @param percentiles e.g. {50, 90, 99, 99.9, 99.99}
     * @param series      server names
     * @param micros      micros[series][percentile], NaN where absent
     * @return the SVG document
     */
    public static String render(final String title, final double[] percentiles, final List<String> series,
        final double[][] micros)
    {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (final double[] row : micros)
        {
            for (final double v : row)
            {
                if (!Double.isNaN(v) && v > 0)
                {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi <= 0)
        {
            lo = 1;
            hi = 10;
        }
        final double logLo = Math.floor(Math.log10(lo));
        final double logHi = Math.max(logLo + 1, Math.ceil(Math.log10(hi)));
        final int right = Legend.right(series, RIGHT);
        final int width = WIDTH - RIGHT + right;
        final int height = Legend.height(series, HEIGHT, TOP, BOTTOM);
        final Svg svg = new Svg(width, height);
        final double plotW = WIDTH - LEFT - RIGHT;
        final double plotH = height - TOP - BOTTOM;
        svg.text(width / 2.0, 22, "middle", title);
        svg.text(18, TOP + plotH / 2, "middle", "latency (µs, log)", -90);
        for (double d = logLo; d <= logHi; d++)
        {
            final double y = TOP + plotH - plotH * (d - logLo) / (logHi - logLo);
            svg.line(LEFT, y, LEFT + plotW, y, "#dddddd", 1);
            svg.text(LEFT - 6, y + 4, "end", java.math.BigDecimal.valueOf(Math.pow(10, d)).stripTrailingZeros()
                .toPlainString());
        }
        final double[] xs = new double[percentiles.length];
        for (int i = 0; i < percentiles.length; i++)
        {
            xs[i] = LEFT + (percentiles.length == 1 ? plotW / 2 : plotW * i / (percentiles.length - 1));
            svg.line(xs[i], TOP, xs[i], TOP + plotH, "#eeeeee", 1);
            svg.text(xs[i], TOP + plotH + 18, "middle", label(percentiles[i]));
        }
        svg.line(LEFT, TOP, LEFT, TOP + plotH, "black", 1);
        svg.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "black", 1);
        for (int s = 0; s < series.size(); s++)
        {
            final double[] ys = new double[percentiles.length];
            int n = 0;
            final double[] px = new double[percentiles.length];
            for (int i = 0; i < percentiles.length; i++)
            {
                final double v = micros[s][i];
                if (Double.isNaN(v) || v <= 0)
                {
                    continue;
                }
                px[n] = xs[i];
                ys[n] = TOP + plotH - plotH * (Math.log10(v) - logLo) / (logHi - logLo);
                svg.circle(px[n], ys[n], Svg.color(s), series.get(s) + " " + label(percentiles[i]) + ": " +
                    Svg.format(v) + " µs");
                n++;
            }
            svg.polyline(java.util.Arrays.copyOf(px, n), java.util.Arrays.copyOf(ys, n), Svg.color(s));
        }
        Legend.draw(svg, series, width - right, TOP);
        return svg.finish();
    }
}
