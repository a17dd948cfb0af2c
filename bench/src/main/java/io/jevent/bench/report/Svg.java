package io.jevent.bench.report;

import java.util.Locale;

/**
 * A tiny SVG builder: elements appended as text, numbers formatted with a dot, text escaped.
 */
final class Svg
{
    /** Distinct colours for up to 16 series (every server of the comparison has its own), then again. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd"};

    private final StringBuilder sb = new StringBuilder();

    Svg(final int width, final int height)
    {
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
            .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
            .append("\" font-family=\"sans-serif\" font-size=\"12\">\n")
            .append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height)
            .append("\" fill=\"white\"/>\n");
    }

    Svg line(final double x1, final double y1, final double x2, final double y2, final String stroke,
        final double width)
    {
        sb.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>%n",
            x1, y1, x2, y2, stroke, width));
        return this;
    }

    Svg rect(final double x, final double y, final double w, final double h, final String fill, final String title)
    {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
            x, y, w, h, fill));
        if (null != title)
        {
            sb.append("<title>").append(escape(title)).append("</title>");
        }
        sb.append("</rect>\n");
        return this;
    }

    Svg polyline(final double[] xs, final double[] ys, final String stroke)
    {
        sb.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < xs.length; i++)
        {
            sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        }
        sb.append("\"/>\n");
        return this;
    }

    Svg circle(final double x, final double y, final String fill, final String title)
    {
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>", x, y, fill))
            .append(escape(title)).append("</title></circle>\n");
        return this;
    }

    Svg text(final double x, final double y, final String anchor, final String text)
    {
        return text(x, y, anchor, text, 0);
    }

    Svg text(final double x, final double y, final String anchor, final String text, final int rotate)
    {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor));
        if (0 != rotate)
        {
            sb.append(String.format(Locale.ROOT, " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y));
        }
        sb.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    String finish()
    {
        return sb.append("</svg>\n").toString();
    }

    static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String color(final int i)
    {
        return PALETTE[i % PALETTE.length];
    }

    static String format(final double v)
    {
        if (v >= 100)
        {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
