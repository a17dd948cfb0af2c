package io.jevent.bench.soak;

import java.util.List;

/**
 * What one soak run (one backend) found.
 *
 * @param backend       the server's backend as asked
 * @param method        the server's I/O method as it reported it
 * @param options       the soak's options
 * @param tally         the client's counters
 * @param failures      the first failed connections, described
 * @param seconds       wall time from the first connect to the last close
 * @param rampSeconds   time until every connection was open, or -1
 * @param before        the server before the load, or null when not forked
 * @param quiet         the server after the load, once every connection closed, or null
 * @param stopped       the server after it freed its loops, or null
 * @param peakRssKib    the server's peak RSS (VmHWM), KiB, or -1
 * @param peakSegments  most segments the server's pool had handed out at one probe
 * @param peakSegmentBytes most segment bytes at one probe
 * @param peakOpen      most connections the server had open at one probe
 * @param leakedFds     what the fds open after but not before the load point at
 * @param timeline      samples every few seconds of the load
 * @param problems      why the run failed; empty if it passed
 * @param idle          the server with idle connections before the load, or null when not measured
 */
public record SoakResult(String backend, String method, SoakOptions options, SoakTally tally, List<String> failures,
    double seconds, double rampSeconds, SoakProbe before, SoakProbe quiet, SoakProbe stopped, long peakRssKib,
    long peakSegments, long peakSegmentBytes, long peakOpen, List<String> leakedFds, List<SoakSample> timeline,
    List<String> problems, SoakIdle idle)
{
    /**
     * @return true if nothing was wrong
     */
    public boolean passed()
    {
        return problems.isEmpty();
    }
}
