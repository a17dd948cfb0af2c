package io.jevent.bench.soak;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One look at the soak's server process, as {@link SoakServerMain} reports it: {@code key=value} words
 * on one line. The keys are the constants below; every value is a long.
 */
public final class SoakProbe
{
    /** Open fds. */
    public static final String FDS = "fds";
    /** Resident memory now, KiB. */
    public static final String RSS_KIB = "rssKib";
    /** Peak resident memory so far (VmHWM), KiB. */
    public static final String PEAK_RSS_KIB = "peakRssKib";
    /** Java heap in use, KiB. */
    public static final String HEAP_USED_KIB = "heapUsedKib";
    /** Java heap committed, KiB. */
    public static final String HEAP_COMMITTED_KIB = "heapCommittedKib";
    /** Garbage collections so far. */
    public static final String GC_COUNT = "gcCount";
    /** Time spent in garbage collection so far, ms. */
    public static final String GC_MILLIS = "gcMillis";
    /** CPU time of the process, ns. */
    public static final String CPU_NANOS = "cpuNanos";
    /** CPU time of its loop threads, ns. */
    public static final String LOOP_CPU_NANOS = "loopCpuNanos";
    /** Segments the pool has handed out and not got back. */
    public static final String SEGMENTS = "segments";
    /** Bytes of those segments. */
    public static final String SEGMENT_BYTES = "segmentBytes";
    /** Connections served. */
    public static final String ACCEPTED = "accepted";
    /** Connections open. */
    public static final String OPEN = "open";
    /** Connections freed after EOF with all their echo sent. */
    public static final String DRAINED = "drained";
    /** Connections freed on an error. */
    public static final String ERRORS = "errors";
    /** Connections freed by the idle timeout. */
    public static final String TIMEOUTS = "timeouts";
    /** Times a connection stopped reading at the high watermark. */
    public static final String PAUSES = "pauses";
    /** Longest pass of a worker loop, ns. */
    public static final String WORKER_MAX_PASS_NANOS = "workerMaxPassNanos";
    /** Longest pass of the acceptor loop, ns (0 without one). */
    public static final String ACCEPTOR_MAX_PASS_NANOS = "acceptorMaxPassNanos";

    private final Map<String, Long> values;

    /**
     * @param values key to value, in the order to encode them
     */
    public SoakProbe(final Map<String, Long> values)
    {
        this.values = new LinkedHashMap<>(values);
    }

    /**
     * @return the line form, {@code key=value ...}
     */
    public String encode()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, Long> e : values.entrySet())
        {
            sb.append(sb.length() > 0 ? " " : "").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * @param words a reply split on whitespace, its first word the reply's name
     * @return the probe
     */
    public static SoakProbe parse(final String[] words)
    {
        final Map<String, Long> v = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++)
        {
            final int eq = words[i].indexOf('=');
            if (eq > 0)
            {
                v.put(words[i].substring(0, eq), Long.parseLong(words[i].substring(eq + 1)));
            }
        }
        return new SoakProbe(v);
    }

    /**
     * @param key one of the constants
     * @return its value
     * @throws IllegalArgumentException if the probe has no such key
     */
    public long get(final String key)
    {
        final Long value = values.get(key);
        if (null == value)
        {
            throw new IllegalArgumentException("probe without " + key + ": " + encode());
        }
        return value;
    }

    /**
     * @param key   one of the constants
     * @param value its new value
     * @return a copy of this probe with that value
     */
    public SoakProbe with(final String key, final long value)
    {
        final Map<String, Long> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new SoakProbe(v);
    }

    /**
     * @return open fds
     */
    public long fds()
    {
        return get(FDS);
    }

    /**
     * @return connections open
     */
    public long open()
    {
        return get(OPEN);
    }

    /**
     * @return segments outstanding
     */
    public long segments()
    {
        return get(SEGMENTS);
    }
}
