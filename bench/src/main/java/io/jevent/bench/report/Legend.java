package io.jevent.bench.report;

import java.util.List;

/**
 * The legend at the right of a chart: a coloured square and a name per series, one per line. The chart
 * widens its right margin to the longest name and grows taller when the names need more lines than its
 * plot is high, so long server names ({@code jevent-epoll-busy-spin-ffm:2+io65536}) and many servers fit.
 */
final class Legend
{
    /** Height of a legend line. */
    static final int LINE = 20;
    /** Where a name starts, from the margin's left edge. */
    private static final int TEXT_X = 33;
    /** Space kept after the longest name. */
    private static final int PAD = 12;
    /** A generous width of one character of the 12 px sans-serif text (digits and most letters are narrower). */
    private static final double CHAR_WIDTH = 7.2;

    private Legend()
    {
    }

    /**
     * @param series   the names
     * @param minRight the chart's usual right margin
     * @return the right margin that holds the longest name
     */
    static int right(final List<String> series, final int minRight)
    {
        int longest = 0;
        for (final String s : series)
        {
            longest = Math.max(longest, s.length());
        }
        return Math.max(minRight, TEXT_X + (int)Math.ceil(longest * CHAR_WIDTH) + PAD);
    }

    /**
     * @param series    the names
     * @param minHeight the chart's usual height
     * @param top       its top margin
     * @param bottom    its bottom margin
     * @return the height that holds every legend line beside the plot
     */
    static int height(final List<String> series, final int minHeight, final int top, final int bottom)
    {
        return Math.max(minHeight, top + LINE * series.size() + bottom);
    }

    /**
     * @param svg    the chart
     * @param series the names, coloured as {@link Svg#color(int)}
     * @param left   the right margin's left edge
     * @param top    the top of the plot
     */
    static void draw(final Svg svg, final List<String> series, final double left, final double top)
    {
        for (int s = 0; s < series.size(); s++)
        {
            final double y = top + 10 + s * LINE;
            svg.rect(left + 15, y - 10, 12, 12, Svg.color(s), null);
            svg.text(left + TEXT_X, y, "start", series.get(s));
        }
    }
}
