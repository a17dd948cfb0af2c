package io.jevent.bench.soak;

/**
 * Counters of the soak client, per {@link SoakRole} and per {@link SoakErrorKind}. Each client thread
 * has its own and adds it into a total at the end; another thread may read them meanwhile for
 * progress, slightly stale.
 */
public final class SoakTally
{
    private static final int ROLES = SoakRole.values().length;

    final long[] started = new long[ROLES];
    final long[] completed = new long[ROLES];
    final long[] failed = new long[ROLES];
    final long[] messages = new long[ROLES];
    final long[] bytesSent = new long[ROLES];
    final long[] bytesVerified = new long[ROLES];
    final long[] errors = new long[SoakErrorKind.values().length];
    long nonReadersBlocked;
    long nonReaderMaxSent;
    long nonReaderMinBlockedAt = Long.MAX_VALUE;

    /**
     * Adds another tally into this one.
     *
     * @param other a tally
     */
    public void add(final SoakTally other)
    {
        for (int r = 0; r < ROLES; r++)
        {
            started[r] += other.started[r];
            completed[r] += other.completed[r];
            failed[r] += other.failed[r];
            messages[r] += other.messages[r];
            bytesSent[r] += other.bytesSent[r];
            bytesVerified[r] += other.bytesVerified[r];
        }
        for (int k = 0; k < errors.length; k++)
        {
            errors[k] += other.errors[k];
        }
        nonReadersBlocked += other.nonReadersBlocked;
        nonReaderMaxSent = Math.max(nonReaderMaxSent, other.nonReaderMaxSent);
        nonReaderMinBlockedAt = Math.min(nonReaderMinBlockedAt, other.nonReaderMinBlockedAt);
    }

    /**
     * @param role a role
     * @return connections of that role that started (connected)
     */
    public long started(final SoakRole role)
    {
        return started[role.ordinal()];
    }

    /**
     * @param role a role
     * @return connections of that role that ended as they should
     */
    public long completed(final SoakRole role)
    {
        return completed[role.ordinal()];
    }

    /**
     * @param role a role
     * @return connections of that role that failed
     */
    public long failed(final SoakRole role)
    {
        return failed[role.ordinal()];
    }

    /**
     * @param role a role
     * @return messages whose whole echo was verified (a half-close stream counts as one)
     */
    public long messages(final SoakRole role)
    {
        return messages[role.ordinal()];
    }

    /**
     * @param role a role
     * @return bytes sent
     */
    public long bytesSent(final SoakRole role)
    {
        return bytesSent[role.ordinal()];
    }

    /**
     * @param role a role
     * @return bytes echoed back and checked
     */
    public long bytesVerified(final SoakRole role)
    {
        return bytesVerified[role.ordinal()];
    }

    /**
     * @param kind an error kind
     * @return errors of that kind
     */
    public long errors(final SoakErrorKind kind)
    {
        return errors[kind.ordinal()];
    }

    /**
     * @return errors of every kind
     */
    public long totalErrors()
    {
        long n = 0;
        for (final long e : errors)
        {
            n += e;
        }
        return n;
    }

    /**
     * @return bytes verified over every role
     */
    public long totalBytesVerified()
    {
        long n = 0;
        for (final long b : bytesVerified)
        {
            n += b;
        }
        return n;
    }

    /**
     * @return connections started over every role
     */
    public long totalStarted()
    {
        long n = 0;
        for (final long s : started)
        {
            n += s;
        }
        return n;
    }

    /**
     * @return non-reading connections whose sends blocked before they sent everything (back-pressure
     *     reached the client)
     */
    public long nonReadersBlocked()
    {
        return nonReadersBlocked;
    }

    /**
     * @return most bytes one non-reading connection got into the kernel
     */
    public long nonReaderMaxSent()
    {
        return nonReaderMaxSent;
    }

    /**
     * @return fewest bytes a non-reading connection had sent when its sends blocked, or -1 if none blocked
     */
    public long nonReaderMinBlockedAt()
    {
        return Long.MAX_VALUE == nonReaderMinBlockedAt ? -1 : nonReaderMinBlockedAt;
    }
}
