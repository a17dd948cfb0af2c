package io.jevent.bench.echo;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The syscall columns of the echo report: per message, after the server's CPU, {@code -} for a server
 * that does not count, the CSV keeping every row the same width; and the counts survive the child
 * process's {@code STATS} line.
 */
class SyscallColumnsTest
{
    private static final EchoCase CASE = EchoCase.parse("pingpong-1x64");

    @Test
    void shouldPutSyscallsPerMessageAfterTheServerCpuAndDashesForServersThatDoNotCount()
    {
        final EchoReport report = new EchoReport(List.of(row("nio-baseline", new SyscallCounts(1000, 10, 1000,
            1000, 1020)), row("netty-epoll", SyscallCounts.UNKNOWN)), List.of("nio-baseline", "netty-epoll"));
        final String md = report.markdown();
        assertTrue(md.contains("| srv cpu us/msg | srv reads/msg | srv writes/msg | srv polls/msg | " +
            "srv syscalls/msg |"), md);
        assertTrue(md.contains("| 1.00 | 1.00 | 1.00 | 3.02 |"), "reads + writes + backend per message: " + md);
        assertTrue(md.contains("| - | - | - | - |"), md);
        final String[] csv = report.csv().split("\n");
        final List<String> head = List.of(csv[0].split(","));
        assertEquals("server_syscalls_per_msg", head.get(head.size() - 3), "then binding, server_jdk: " + csv[0]);
        final String[] counted = csv[1].split(",", -1);
        assertEquals(head.size(), counted.length, csv[1]);
        assertEquals("0.0100", counted[head.indexOf("server_empty_reads_per_msg")]);
        assertEquals("3.0200", counted[head.indexOf("server_syscalls_per_msg")]);
        final String[] blank = csv[2].split(",", -1);
        assertEquals(head.size(), blank.length, csv[2]);
        assertEquals("", blank[head.indexOf("server_reads_per_msg")]);
    }

    @Test
    void shouldCarrySyscallsThroughTheChildsStatsLine()
    {
        final SyscallCounts c = new SyscallCounts(7, 1, 5, 3, 4);
        assertEquals(c, SyscallCounts.parse(("STATS 10 20 30 " + c.encode()).split(" "), 4));
        assertEquals(SyscallCounts.UNKNOWN, SyscallCounts.parse("STATS 10 20 30".split(" "), 4));
        final EchoBenchServer.Stats later = new EchoBenchServer.Stats(50, 60, 70, c);
        final EchoBenchServer.Stats earlier = new EchoBenchServer.Stats(10, 20, 30, new SyscallCounts(2, 0, 1, 1, 1));
        assertEquals(new SyscallCounts(5, 1, 4, 2, 3), later.minus(earlier).syscalls());
        assertEquals(SyscallCounts.UNKNOWN, later.minus(new EchoBenchServer.Stats(10, 20, 30)).syscalls());
    }

    private static EchoRow row(final String server, final SyscallCounts syscalls)
    {
        final Histogram latency = new Histogram(3);
        latency.recordValue(50_000);
        final EchoLoadClient.Result r = new EchoLoadClient.Result(CASE, 1000, 64_000, 1_000_000_000L, latency,
            25_000_000L, 0, 1_000_000_000L, 0, 0);
        return new EchoRow(server, 0, r, new EchoBenchServer.Stats(25_000_000L, 0, 30_000_000L, syscalls));
    }
}
