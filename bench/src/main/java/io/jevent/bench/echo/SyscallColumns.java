package io.jevent.bench.echo;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The syscall columns of {@link EchoReport}: the server's reads, writes, polls and syscalls per echoed
 * message ({@link SyscallCounts} over the measured interval), put in the tables right after the
 * server's CPU per message and appended to the CSV rows. Servers that do not count get {@code -}.
 */
final class SyscallColumns
{
    /** The table column they follow. */
    static final String AFTER = "srv cpu us/msg";
    /** Their table headers. */
    static final String[] HEAD = {"srv reads/msg", "srv writes/msg", "srv polls/msg", "srv syscalls/msg"};
    /** Their CSV headers, each with a leading comma, for the end of the CSV header line. */
    static final String CSV_HEAD = ",server_reads_per_msg,server_empty_reads_per_msg,server_writes_per_msg," +
        "server_polls_per_msg,server_backend_syscalls_per_msg,server_syscalls_per_msg";

    private SyscallColumns()
    {
    }

    /**
     * @param head  the table's other headers
     * @param row   a row of the table, with head's columns
     * @param extra cells to put after the column {@link #AFTER} (at the end if head has none)
     * @return a new row
     */
    static String[] insert(final String[] head, final String[] row, final String[] extra)
    {
        int at = row.length;
        for (int i = 0; i < head.length; i++)
        {
            if (AFTER.equals(head[i]))
            {
                at = i + 1;
            }
        }
        final String[] r = new String[row.length + extra.length];
        System.arraycopy(row, 0, r, 0, at);
        System.arraycopy(extra, 0, r, at, extra.length);
        System.arraycopy(row, at, r, at + extra.length, row.length - at);
        return r;
    }

    /**
     * @param r a row
     * @return its table cells, as {@link #HEAD}
     */
    static String[] cells(final EchoRow r)
    {
        final SyscallCounts s = r.cost().syscalls();
        final long m = r.result().messages();
        if (!s.known())
        {
            return new String[] {"-", "-", "-", "-"};
        }
        return new String[] {f(s.reads(), m, 2), f(s.writes(), m, 2), f(s.polls(), m, 2), f(s.total(), m, 2)};
    }

    /**
     * @param r a row
     * @return its CSV values, as {@link #CSV_HEAD}, 4 decimals (empty when not counted)
     */
    static String csv(final EchoRow r)
    {
        final SyscallCounts s = r.cost().syscalls();
        final long m = r.result().messages();
        if (!s.known())
        {
            return ",,,,,,";
        }
        return "," + f(s.reads(), m, 4) + "," + f(s.emptyReads(), m, 4) + "," + f(s.writes(), m, 4) + "," +
            f(s.polls(), m, 4) + "," + f(s.backend(), m, 4) + "," + f(s.total(), m, 4);
    }

    /**
     * @return the report header's lines on these columns
     */
    static String headerNote()
    {
        return "- syscalls per message, counted inside the server over the measured interval (jevent servers " +
            "and nio-baseline): srv reads/msg and srv writes/msg = read and write calls of the loop thread(s), " +
            "reads that found nothing included; srv polls/msg = epoll_wait/select calls (a busy-spin loop polls " +
            "without blocking, so it makes many); srv syscalls/msg = reads + writes + the backend's syscalls " +
            "(polls, interest changes, wakeups). netty-epoll and libevent cannot be counted from inside: `-`. " +
            (perfCountsSyscalls() ? "`perf stat -e 'syscalls:sys_enter_*' -p PID` works on this machine and " +
            "counts them from outside (every thread of the process)." : "perf cannot count syscalls here.") + "\n";
    }

    private static boolean perfCountsSyscalls()
    {
        try
        {
            final Process p = new ProcessBuilder("perf", "stat", "-e", "syscalls:sys_enter_read", "true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return false;
            }
            return 0 == p.exitValue();
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String f(final long count, final long messages, final int decimals)
    {
        return String.format(Locale.ROOT, "%." + decimals + "f", (double)count / messages);
    }
}
