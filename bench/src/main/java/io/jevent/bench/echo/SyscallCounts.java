package io.jevent.bench.echo;

import io.jevent.loop.LoopCounters;

/**
 * Cumulative syscalls of a server's loop thread(s), counted from inside the server: jevent's from
 * {@link LoopCounters} (its transports' reads and writes, its backend's polls, interest changes and
 * wakeups), the nio baseline's from its own counters. Servers that cannot be counted from inside
 * (Netty, C libevent) report {@link #UNKNOWN}.
 *
 * @param reads      read calls, those that found nothing (EAGAIN, or 0 from a channel) included
 * @param emptyReads read calls that found nothing
 * @param writes     write calls (write, writev, sendmsg, channel writes)
 * @param polls      poll calls (epoll_wait, select, selectNow)
 * @param backend    the backend's syscalls: polls, interest changes (epoll_ctl, interestOps) and wakeups
 */
public record SyscallCounts(long reads, long emptyReads, long writes, long polls, long backend)
{
    /** Not counted: every field -1. */
    public static final SyscallCounts UNKNOWN = new SyscallCounts(-1, -1, -1, -1, -1);

    /**
     * @param c a loop's counters, as {@code EventBase.counters()} returned them on its loop thread
     * @return its counts
     */
    public static SyscallCounts of(final LoopCounters c)
    {
        return new SyscallCounts(c.reads(), c.emptyReads(), c.writes(), c.polls(), c.syscalls());
    }

    /**
     * @return true when the server counted its syscalls
     */
    public boolean known()
    {
        return reads >= 0;
    }

    /**
     * @return every syscall counted: reads, writes and the backend's, or -1 when unknown
     */
    public long total()
    {
        return known() ? reads + writes + backend : -1;
    }

    /**
     * @param other counts of another loop of the same server
     * @return the sum, unknown if either is
     */
    public SyscallCounts plus(final SyscallCounts other)
    {
        if (!known() || !other.known())
        {
            return UNKNOWN;
        }
        return new SyscallCounts(reads + other.reads, emptyReads + other.emptyReads, writes + other.writes,
            polls + other.polls, backend + other.backend);
    }

    /**
     * @param earlier an earlier snapshot
     * @return this minus earlier, unknown if either is
     */
    public SyscallCounts minus(final SyscallCounts earlier)
    {
        if (!known() || !earlier.known())
        {
            return UNKNOWN;
        }
        return new SyscallCounts(reads - earlier.reads, emptyReads - earlier.emptyReads, writes - earlier.writes,
            polls - earlier.polls, backend - earlier.backend);
    }

    /**
     * @return the five counts separated by spaces, for a line protocol
     */
    public String encode()
    {
        return reads + " " + emptyReads + " " + writes + " " + polls + " " + backend;
    }

    /**
     * @param words a reply split on whitespace
     * @param from  index of the first count
     * @return the counts, or {@link #UNKNOWN} when the reply has none (a server that does not count)
     */
    public static SyscallCounts parse(final String[] words, final int from)
    {
        if (words.length < from + 5)
        {
            return UNKNOWN;
        }
        return new SyscallCounts(Long.parseLong(words[from]), Long.parseLong(words[from + 1]),
            Long.parseLong(words[from + 2]), Long.parseLong(words[from + 3]), Long.parseLong(words[from + 4]));
    }
}
