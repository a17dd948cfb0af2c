package io.jevent.bench.report;

import java.util.List;

/**
 * Grouped bar chart as SVG: one group per case, one bar per server, values on a linear axis from 0.
 * Missing values (NaN) leave a gap.
 */
public final class BarChart
{
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int RIGHT = 180;
    private static final int TOP = 40;
    private static final int BOTTOM = 70;

    private BarChart()
    {
    }

    /**
     * @param title  chart title
     * @param unit   axis label, e.g. "msgs/s"
     * @param cases  group labels
     * @param series server names
     * @param values values[series][case], NaN where absent
     * @return the SVG document
     */
    public static String render(final String title, final String unit, final List<String> cases,
        final List<String> series, final double[][] values)
    {
        double max = 0;
        for (final double[] row : values)
        {
            for (final double v : row)
            {
                if (!Double.isNaN(v))
                {
                    max = Math.max(max, v);
                }
            }
        }
        max = max <= 0 ? 1 : niceCeiling(max);
        final int right = Legend.right(series, RIGHT);
        final int width = WIDTH - RIGHT + right;
        final int height = Legend.height(series, HEIGHT, TOP, BOTTOM);
        final Svg svg = new Svg(width, height);
        final double plotW = WIDTH - LEFT - RIGHT;
        final double plotH = height - TOP - BOTTOM;
        svg.text(width / 2.0, 22, "middle", title);
        svg.text(18, TOP + plotH / 2, "middle", unit, -90);
        for (int i = 0; i <= 5; i++)
        {
            final double v = max * i / 5;
            final double y = TOP + plotH - plotH * i / 5;
            svg.line(LEFT, y, LEFT + plotW, y, "#dddddd", 1);
            svg.text(LEFT - 6, y + 4, "end", Svg.format(v));
        }
        svg.line(LEFT, TOP, LEFT, TOP + plotH, "black", 1);
        svg.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "black", 1);
        final double groupW = plotW / Math.max(1, cases.size());
        final double barW = groupW * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < cases.size(); c++)
        {
            final double gx = LEFT + c * groupW + groupW * 0.1;
            for (int s = 0; s < series.size(); s++)
            {
                final double v = values[s][c];
                if (Double.isNaN(v))
                {
                    continue;
                }
                final double h = plotH * v / max;
                svg.rect(gx + s * barW, TOP + plotH - h, barW * 0.9, h, Svg.color(s),
                    series.get(s) + " " + cases.get(c) + ": " + Svg.format(v) + " " + unit);
            }
            svg.text(LEFT + c * groupW + groupW / 2, TOP + plotH + 18, "middle", cases.get(c));
        }
        Legend.draw(svg, series, width - right, TOP);
        return svg.finish();
    }

    private static double niceCeiling(final double v)
    {
        final double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (final double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10})
        {
            if (m * p >= v)
            {
                return m * p;
            }
        }
        return 10 * p;
    }
}
