package io.jevent.bench.soak;

import java.util.HashMap;
import java.util.Map;

/**
 * One look at the soak's server process, as {@link SoakServerMain} reports it: {@code key=value} words
 * on one line.
 *
 * @param fds          open fds
 * @param rssKib       resident memory now, KiB
 * @param peakRssKib   peak resident memory so far, KiB
 * @param cpuNanos     CPU time of the process
 * @param loopCpuNanos CPU time of its loop threads
 * @param segments     segments handed out by the pool and not returned
 * @param segmentBytes bytes of those segments
 * @param accepted     connections served
 * @param open         connections open
 * @param drained      connections freed after EOF with all their echo sent
 * @param errors       connections freed on an error
 * @param timeouts     connections freed by the idle timeout
 * @param pauses       times a connection stopped reading at the high watermark
 * @param maxPassNanos longest loop pass of any loop
 */
public record SoakProbe(long fds, long rssKib, long peakRssKib, long cpuNanos, long loopCpuNanos, long segments,
    long segmentBytes, long accepted, long open, long drained, long errors, long timeouts, long pauses,
    long maxPassNanos)
{
    /**
     * @return the line form, {@code fds=.. rssKib=.. ...}
     */
    public String encode()
    {
        return "fds=" + fds + " rssKib=" + rssKib + " peakRssKib=" + peakRssKib + " cpuNanos=" + cpuNanos +
            " loopCpuNanos=" + loopCpuNanos + " segments=" + segments + " segmentBytes=" + segmentBytes +
            " accepted=" + accepted + " open=" + open + " drained=" + drained + " errors=" + errors +
            " timeouts=" + timeouts + " pauses=" + pauses + " maxPassNanos=" + maxPassNanos;
    }

    /**
     * @param words a reply split on whitespace, its first word the reply's name
     * @return the probe
     * @throws IllegalArgumentException if a key is missing
     */
    public static SoakProbe parse(final String[] words)
    {
        final Map<String, Long> v = new HashMap<>();
        for (int i = 1; i < words.length; i++)
        {
            final int eq = words[i].indexOf('=');
            if (eq > 0)
            {
                v.put(words[i].substring(0, eq), Long.parseLong(words[i].substring(eq + 1)));
            }
        }
        return new SoakProbe(get(v, "fds"), get(v, "rssKib"), get(v, "peakRssKib"), get(v, "cpuNanos"),
            get(v, "loopCpuNanos"), get(v, "segments"), get(v, "segmentBytes"), get(v, "accepted"), get(v, "open"),
            get(v, "drained"), get(v, "errors"), get(v, "timeouts"), get(v, "pauses"), get(v, "maxPassNanos"));
    }

    /**
     * @param nanos loop CPU time measured while the loop threads still ran
     * @return this probe with that loop CPU time
     */
    public SoakProbe withLoopCpu(final long nanos)
    {
        return new SoakProbe(fds, rssKib, peakRssKib, cpuNanos, nanos, segments, segmentBytes, accepted, open,
            drained, errors, timeouts, pauses, maxPassNanos);
    }

    private static long get(final Map<String, Long> v, final String key)
    {
        final Long value = v.get(key);
        if (null == value)
        {
            throw new IllegalArgumentException("probe without " + key);
        }
        return value;
    }
}
