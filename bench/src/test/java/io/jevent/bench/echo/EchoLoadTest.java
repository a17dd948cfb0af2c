package io.jevent.bench.echo;

import io.jevent.bench.compare.CorruptingEchoServer;
import io.jevent.buffer.SegmentPool;
import io.jevent.samples.EchoOptions;
import io.jevent.samples.EchoServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The outside load client {@code bench/bin/echo-load} (C, built with gcc by the script on first use)
 * drives the echo sample in-process and verifies every byte; against a server that flips one bit it
 * must exit non-zero. Skipped only when gcc is not installed.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoLoadTest
{
    private static final Pattern MSGS = Pattern.compile("RESULT msgs=(\\d+) .*msgs_per_s=(\\d+)");

    @BeforeAll
    static void needsGcc()
    {
        assumeTrue(onPath("gcc"), "gcc is not installed: bench/bin/echo-load compiles its C source with gcc");
    }

    @Test
    void shouldDriveTheEchoSampleAndVerifyEveryByte() throws Exception
    {
        final SegmentPool pool = new SegmentPool();
        final EchoServer server = new EchoServer(EchoOptions.parse("--backend", "epoll", "--port", "0"), pool);
        final InetSocketAddress address = server.start();
        final Run run;
        try
        {
            run = echoLoad(address, "--connections", "4", "--size", "1000", "--in-flight", "3", "--threads", "2");
        }
        finally
        {
            server.stop();
        }
        assertEquals(0, run.exit, run.output);
        final Matcher m = MSGS.matcher(run.output);
        assertTrue(m.find(), "a RESULT line:\n" + run.output);
        assertTrue(Long.parseLong(m.group(1)) > 0 && Long.parseLong(m.group(2)) > 0, run.output);
        assertEquals(0, pool.outstandingSegments(), "segments outstanding after the server stopped");
    }

    @Test
    void shouldExitNonZeroWhenAnEchoedByteDiffers() throws Exception
    {
        final CorruptingEchoServer server = new CorruptingEchoServer();
        final InetSocketAddress address = server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final Run run;
        try
        {
            run = echoLoad(address, "--connections", "2", "--size", "600", "--in-flight", "2");
        }
        finally
        {
            server.stop();
        }
        assertEquals(1, run.exit, run.output);
        assertTrue(run.output.contains("echo mismatch on connection") && run.output.contains("stream offset 1000"),
            run.output);
    }

    private static Run echoLoad(final InetSocketAddress address, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), "--host",
            address.getAddress().getHostAddress(), "--port", Integer.toString(address.getPort()), "--warmup", "0.2",
            "--duration", "0.5"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "echo-load ended");
        return new Run(p.exitValue(), output);
    }

    private static Path script()
    {
        final Path inModule = Path.of("bin", "echo-load");
        return Files.exists(inModule) ? inModule : Path.of("bench", "bin", "echo-load");
    }

    private static boolean onPath(final String program)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            if (Files.isExecutable(Path.of(dir, program)))
            {
                return true;
            }
        }
        return false;
    }

    private record Run(int exit, String output)
    {
    }
}
