package io.jevent.bench.compare;

import io.jevent.bench.echo.EchoCharts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison harness itself: a quick two-server run produces a report whose table, CSV and plots
 * parse, with both servers' syscalls counted; a server that corrupts one byte fails the run.
 */
class CompareTest
{
    @Test
    void shouldProduceAParsableReportTableAndPlots(@TempDir final Path out) throws Exception
    {
        final int rc = Compare.run(new String[] {"--quick", "--servers", "nio-baseline,jevent-nio", "--in-process",
            "--pin", "off", "--warmup", "0.1", "--duration", "0.3", "--out", out.toString()});
        assertEquals(0, rc);
        final String md = Files.readString(out.resolve("latest.md"));
        assertTrue(md.contains("| server |") && md.contains("| p99.99 us |"), md);
        assertTrue(md.contains("- warm-up: "), "the header says what was done about warm-up:\n" + md);
        for (final String server : List.of("nio-baseline", "jevent-nio"))
        {
            assertTrue(md.contains("| " + server + " |"), "table row for " + server + ":\n" + md);
        }
        final List<String> csv = Files.readAllLines(out.resolve("latest.csv"));
        final int columns = csv.get(0).split(",").length;
        assertTrue(csv.size() >= 5, "header plus 2 servers x 2 cases: " + csv);
        final List<String> head = List.of(csv.get(0).split(","));
        for (final String line : csv)
        {
            final String[] cells = line.split(",", -1);
            assertEquals(columns, cells.length, "every row has every column: " + line);
            if (line != csv.get(0))
            {
                assertTrue(Double.parseDouble(cells[head.indexOf("warmup_s")]) >= 0.1, "warmed up 0.1 s: " + line);
                assertTrue(Double.parseDouble(cells[head.indexOf("p9999_us")]) > 0, line);
            }
        }
        assertTrue(md.contains("| srv syscalls/msg |"), md);
        for (final String line : csv.subList(1, csv.size()))
        {
            final String[] v = line.split(",", -1);
            final double reads = Double.parseDouble(v[head.indexOf("server_reads_per_msg")]);
            final double writes = Double.parseDouble(v[head.indexOf("server_writes_per_msg")]);
            final double polls = Double.parseDouble(v[head.indexOf("server_polls_per_msg")]);
            final double syscalls = Double.parseDouble(v[head.indexOf("server_syscalls_per_msg")]);
            assertTrue(reads > 0 && writes > 0 && polls > 0 && syscalls >= reads + writes + polls - 0.001,
                "both servers count their reads, writes and polls in the measured interval: " + line);
        }
        final List<Path> svgs;
        try (var files = Files.list(out))
        {
            svgs = files.filter(p -> p.toString().endsWith(".svg")).toList();
        }
        assertEquals(4, svgs.size(), "a throughput and a latency plot per case: " + svgs);
        for (final Path svg : svgs)
        {
            final var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
            assertEquals("svg", doc.getDocumentElement().getTagName());
            final boolean latency = svg.getFileName().toString().startsWith("latency-");
            final int marks = latency ? doc.getElementsByTagName("polyline").getLength() :
                doc.getElementsByTagName("title").getLength();
            assertEquals(2, marks, "one curve or bar per server in " + svg);
        }
        assertEquals(5, EchoCharts.PERCENTILES.length);
    }

    @Test
    void shouldAddTheJnaRowByDefaultOnlyWhenTheServersGetFfm()
    {
        final java.util.List<String> ffm = Compare.defaultServers(false, true);
        final java.util.List<String> jna = Compare.defaultServers(false, false);
        assertTrue(ffm.contains("jevent-epoll-jna") && ffm.contains("jevent-epoll"), ffm.toString());
        assertTrue(!jna.contains("jevent-epoll-jna") && jna.contains("jevent-epoll"), jna.toString());
        assertTrue(!Compare.defaultServers(true, true).contains("jevent-epoll-jna"), "--quick stays small");
        assertTrue(!Compare.bothBindings(java.util.List.of("--jdk", "/nonexistent")), "a bad --jdk is refused later");
        if (Runtime.version().feature() < 22)
        {
            assertTrue(!Compare.bothBindings(java.util.List.of()), "JDK 17 servers bind jna");
        }
    }

    @Test
    void shouldPrintItsOptionsForHelp() throws Exception
    {
        assertEquals(0, Compare.run(new String[] {"--help"}));
        assertTrue(Compare.USAGE.contains("--warmup-max") && Compare.USAGE.contains("--server-jvm-args"));
    }

    @Test
    void shouldFailWhenAServerCorruptsAByte(@TempDir final Path out) throws Exception
    {
        final int rc = Compare.run(new String[] {"--quick", "--cases", "stream-50x4k-w8", "--servers",
            "nio-baseline,class:" + CorruptingEchoServer.class.getName(), "--in-process", "--pin", "off",
            "--warmup", "0.1", "--duration", "0.3", "--out", out.toString()});
        assertEquals(1, rc, "a corrupted echo must fail the comparison");
    }
}
