package io.jevent.bench.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the soak client's threads report failed connections: each is counted in the thread's
 * {@link SoakTally}, the first {@value #PRINTED} are printed to stderr at once (loudly: connection,
 * role, what and where), and the first {@value #KEPT} are kept for the report.
 */
final class SoakFailures
{
    static final int PRINTED = 20;
    static final int KEPT = 50;

    private final List<String> kept = new ArrayList<>();
    private long count;

    synchronized void record(final SoakTally tally, final SoakRole role, final long id, final SoakErrorKind kind,
        final String message, final long ageNanos)
    {
        tally.failed[role.ordinal()]++;
        tally.errors[kind.ordinal()]++;
        final String line = String.format("[%s] connection %d (%s, %.1f s old): %s", kind.label(), id, role.label(),
            ageNanos / 1e9, message);
        if (count < PRINTED)
        {
            System.err.println("soak: FAILURE " + line);
        }
        if (count < KEPT)
        {
            kept.add(line);
        }
        count++;
    }

    synchronized List<String> kept()
    {
        return new ArrayList<>(kept);
    }
}
