package io.jevent.bench.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak in CI: the short run against the echo sample in acceptor mode, forked, must pass (every
 * byte echoed, no fd or segment left, RSS within its bound); and the soak must catch a server that
 * corrupts a byte, naming the connection and the stream offset. It reports what idle connections hold.
 */
class SoakTest
{
    @Test
    @Timeout(60)
    void shouldPassTheShortSoakOfTheEchoSampleInAcceptorModeOnNio(@TempDir final Path dir) throws Exception
    {
        shortSoak(dir, "nio");
    }

    /**
     * The acceptor builds each connection for a worker loop: on epoll this corrupted bytes while the
     * native scratch belonged to the thread that first touched a connection (issue 8).
     */
    @Test
    @Timeout(60)
    void shouldPassTheShortSoakOfTheEchoSampleInAcceptorModeOnEpoll(@TempDir final Path dir) throws Exception
    {
        shortSoak(dir, "epoll");
    }

    private static void shortSoak(final Path dir, final String backend) throws Exception
    {
        final Path report = dir.resolve("soak.md");
        final int status = Soak.run(new String[] {"--ci", "--backend", backend, "--out", report.toString()});
        final String md = Files.readString(report);
        assertEquals(0, status, md);
        assertTrue(md.contains("## " + backend + ": PASS"), md);
        assertTrue(md.contains("| open fds before / after the load |"), md);
    }

    /**
     * The idle point: idle connections probed with every one of them open on a server that had none,
     * and the figures per connection in the report. It does not judge them (how many segments an idle
     * connection should keep is the buffers' policy).
     */
    @Test
    @Timeout(60)
    void shouldReportWhatIdleConnectionsHoldOnTheServer() throws Exception
    {
        final SoakOptions options = SoakOptions.parse("--ci", "--backend", "epoll", "--connections", "20",
            "--duration", "2", "--mix", "ping-pong=1", "--idle", "300");
        final SoakResult result = Soak.runOne(options, "epoll");
        final String section = SoakReport.section(result);
        final SoakIdle idle = result.idle();
        assertEquals(300, idle.connections());
        assertEquals(0, idle.before().open(), "measured from a server with no connection open");
        assertEquals(300, idle.idle().open(), "probed with every idle connection open");
        assertTrue(section.contains("| segments held by 300 idle connections (per connection) | " +
            (idle.idle().segments() - idle.before().segments()) + ", "), section);
        assertTrue(section.contains(String.format("(%.2f segments, %.1f KiB per connection)",
            idle.segmentsPerConnection(), idle.segmentBytesPerConnection() / 1024)), section);
        assertTrue(section.contains(String.format("(%.1f KiB per connection)", idle.rssKibPerConnection())), section);
        assertTrue(result.passed(), "the load after the idle point still passes: " + section);
    }

    @Test
    @Timeout(60)
    void shouldCatchAServerThatCorruptsAByte() throws Exception
    {
        try (CorruptingEchoServer server = new CorruptingEchoServer())
        {
            final SoakOptions options = SoakOptions.parse("--connections", "40", "--duration", "2", "--out", "-",
                "--mix", "ping-pong=1,streaming=1,half-close=1", "--connect",
                server.address().getHostString() + ":" + server.address().getPort());
            final SoakResult result = Soak.runOne(options, "corrupting");
            assertTrue(!result.passed(), "the run failed");
            assertTrue(result.tally().errors(SoakErrorKind.MISMATCH) > 0, "mismatches counted");
            assertTrue(result.failures().stream().anyMatch(f -> f.contains("[mismatch] connection ") &&
                f.contains("at stream offset " + CorruptingEchoServer.CORRUPT_AT + ": expected 0x")),
                String.join("\n", result.failures()));
        }
    }
}
