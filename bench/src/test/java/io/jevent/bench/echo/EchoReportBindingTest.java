package io.jevent.bench.echo;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binding column: second in the tables, and with the server JVM's version at the end of the CSV, after
 * every column an older CSV had, at the same positions.
 */
class EchoReportBindingTest
{
    /** The CSV header before the binding column was added. */
    private static final String OLD_HEAD = "case,server,round,chosen,connections,message_bytes,in_flight," +
        "client_spin,messages,bytes,seconds,msgs_per_s,mb_per_s,ratio_msgs_to_baseline,p50_us,p90_us,p99_us," +
        "p999_us,p9999_us,max_us,max_at_s,warmup_s,server_jit_ms,server_cpu_us_per_msg,server_cpu_load," +
        "server_alloc_bytes_per_msg,server_process_cpu_us_per_msg,client_cpu_us_per_msg,client_cpu_load," +
        "client_alloc_bytes_per_msg,server_reads_per_msg,server_empty_reads_per_msg,server_writes_per_msg," +
        "server_polls_per_msg,server_backend_syscalls_per_msg,server_syscalls_per_msg";
    private static final EchoCase CASE = EchoCase.parse("pingpong-1x64");

    private final EchoReport report = new EchoReport(List.of(row("nio-baseline", "jdk", "25.0.1+8-LTS"),
        row("jevent-epoll-ffm", "ffm", "25.0.1+8-LTS"), row("jevent-epoll-jna", "jna", "25.0.1+8-LTS"),
        row("jevent-epoll", "ffm", "25.0.1+8-LTS"), row("libevent", "c", "")),
        List.of("nio-baseline", "jevent-epoll-ffm", "jevent-epoll-jna", "jevent-epoll", "libevent"));

    @Test
    void shouldNameEachRowsBindingAfterTheServerInTheTables()
    {
        final String md = report.markdown();
        assertTrue(md.contains("| server | binding | msgs/s |"), md);
        for (final String row : List.of("| nio-baseline | jdk |", "| jevent-epoll-ffm | ffm |",
            "| jevent-epoll-jna | jna |", "| jevent-epoll | ffm |", "| libevent | c |"))
        {
            assertTrue(md.contains(row), row + " in\n" + md);
        }
        final String text = report.text();
        assertTrue(text.contains("server            binding  "), text);
        assertTrue(text.contains("jevent-epoll-jna  jna      "), text);
    }

    @Test
    void shouldAppendBindingAndServerJdkToTheCsvKeepingTheOlderColumnsWhereTheyWere()
    {
        final String[] csv = report.csv().split("\n");
        assertEquals(OLD_HEAD + ",binding,server_jdk", csv[0]);
        final int columns = csv[0].split(",").length;
        final String[] expected = {"jdk", "ffm", "jna", "ffm", "c"};
        final String[] jdks = {"25.0.1+8-LTS", "25.0.1+8-LTS", "25.0.1+8-LTS", "25.0.1+8-LTS", ""};
        for (int i = 0; i < expected.length; i++)
        {
            final String[] cells = csv[i + 1].split(",", -1);
            assertEquals(columns, cells.length, csv[i + 1]);
            assertEquals(expected[i], cells[columns - 2], csv[i + 1]);
            assertEquals(jdks[i], cells[columns - 1], csv[i + 1]);
        }
    }

    @Test
    void shouldLabelPlotsWithTheBindingWhenTheNameDoesNotSayIt()
    {
        assertEquals("jevent-epoll (ffm)", row("jevent-epoll", "ffm", "25").label());
        assertEquals("jevent-epoll-jna", row("jevent-epoll-jna", "jna", "25").label());
        assertEquals("jevent-epoll-busy-spin-ffm:2", row("jevent-epoll-busy-spin-ffm:2", "ffm", "25").label());
        assertEquals("nio-baseline (jdk)", row("nio-baseline", "jdk", "25").label());
        assertEquals("custom", row("custom", "-", "25").label());
    }

    private static EchoRow row(final String server, final String binding, final String javaVersion)
    {
        final Histogram latency = new Histogram(3);
        latency.recordValue(50_000);
        final EchoLoadClient.Result r = new EchoLoadClient.Result(CASE, 1000, 64_000, 1_000_000_000L, latency,
            25_000_000L, 0, 1_000_000_000L, 0, 0);
        return new EchoRow(server, 0, r, new EchoBenchServer.Stats(25_000_000L, 0, 30_000_000L,
            SyscallCounts.UNKNOWN), binding, javaVersion);
    }
}
