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
 * corrupts a byte, naming the connection and the stream offset.
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
