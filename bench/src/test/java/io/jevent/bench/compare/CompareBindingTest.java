package io.jevent.bench.compare;

import io.jevent.bench.Jdk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end, forked servers report the binding they ran on: a jevent-epoll-jna server on this JDK, and
 * (where JDK 25 is installed and the ffm classes are on the class path, i.e. the jars were built on JDK 22+)
 * jevent-epoll-ffm and plain jevent-epoll on JDK 25 through {@code --jdk}, each for a very short case.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompareBindingTest
{
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @Test
    void shouldReportTheJnaBindingOfAForcedForkedServer(@TempDir final Path out) throws Exception
    {
        final Map<String, String[]> rows = run(out, "nio-baseline,jevent-epoll-jna");
        assertEquals("jdk", rows.get("nio-baseline")[0]);
        assertEquals("jna", rows.get("jevent-epoll-jna")[0], "the server ran on the binding its name forces");
        assertTrue(rows.get("jevent-epoll-jna")[1].startsWith(Runtime.version().feature() + "."), "this JDK, " +
            "as the server reported it: " + rows.get("jevent-epoll-jna")[1]);
        final String md = Files.readString(out.resolve("latest.md"));
        assertTrue(md.contains("| jevent-epoll-jna | jna |") && md.contains("| nio-baseline | jdk |"), md);
        assertTrue(md.contains("- server JDK: " + rows.get("jevent-epoll-jna")[1] + " (JDK " +
            Runtime.version().feature() + ", "), md);
    }

    @Test
    void shouldReportTheFfmBindingOfServersOnJdk25(@TempDir final Path out) throws Exception
    {
        assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "no JDK 25 at " + JDK25);
        assumeTrue(Jdk.ffmOnClassPath(System.getProperty("java.class.path")),
            "the ffm classes are not on the class path (the jars were built on JDK 17)");
        final Map<String, String[]> rows = run(out, "jevent-epoll-ffm,jevent-epoll", "--jdk", JDK25.toString());
        assertEquals("ffm", rows.get("jevent-epoll-ffm")[0]);
        assertEquals("ffm", rows.get("jevent-epoll")[0], "auto chooses ffm on JDK 25");
        assertTrue(rows.get("jevent-epoll-ffm")[1].startsWith("25"), rows.get("jevent-epoll-ffm")[1]);
        final String md = Files.readString(out.resolve("latest.md"));
        assertTrue(md.contains("| jevent-epoll-ffm | ffm |"), md);
        assertTrue(md.contains("- server JDK: 25") && md.contains(JDK25.resolve("bin/java") + ", --jdk)"), md);
    }

    /**
     * @return per server, its CSV row's binding and server_jdk
     */
    private static Map<String, String[]> run(final Path out, final String servers, final String... more)
        throws Exception
    {
        final List<String> args = new java.util.ArrayList<>(List.of("--quick", "--cases", "pingpong-1x64",
            "--servers", servers, "--pin", "off", "--warmup", "0.1", "--warmup-max", "0.3", "--duration", "0.2",
            "--out", out.toString()));
        args.addAll(List.of(more));
        assertEquals(0, Compare.run(args.toArray(new String[0])));
        final List<String> csv = Files.readAllLines(out.resolve("latest.csv"));
        final List<String> head = List.of(csv.get(0).split(","));
        final Map<String, String[]> rows = new HashMap<>();
        for (final String line : csv.subList(1, csv.size()))
        {
            final String[] cells = line.split(",", -1);
            rows.put(cells[head.indexOf("server")], new String[] {cells[head.indexOf("binding")],
                cells[head.indexOf("server_jdk")]});
        }
        assertEquals(servers.split(",").length, rows.size(), String.join("\n", csv));
        return rows;
    }
}
