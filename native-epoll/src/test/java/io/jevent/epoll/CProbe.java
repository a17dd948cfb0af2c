package io.jevent.epoll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A C program compiled with gcc and run, for the tests that check jevent's constants, layouts and
 * signatures against the system headers. Without gcc the calling test is skipped (an assumption).
 */
final class CProbe
{
    private CProbe()
    {
    }

    /**
     * @param dir      a scratch directory
     * @param name     the program's name (its source is NAME.c)
     * @param source   the C source
     * @param gccFlags flags before {@code -o}, e.g. {@code -Wall -Werror}
     * @return what the program printed on stdout
     * @throws IOException          if the files or processes fail
     * @throws InterruptedException if interrupted while waiting for them
     */
    static String compileAndRun(final Path dir, final String name, final String source, final String... gccFlags)
        throws IOException, InterruptedException
    {
        final Path file = dir.resolve(name + ".c");
        final Path binary = dir.resolve(name);
        Files.writeString(file, source);
        final List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(List.of(gccFlags));
        cmd.addAll(List.of("-o", binary.toString(), file.toString()));
        final Process gcc;
        try
        {
            gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "gcc not available, nothing checked against the C headers: " + ex);
            throw ex;
        }
        final String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), gccOut + "\n" + source);
        final Process run = new ProcessBuilder(binary.toString()).start();
        final String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(10, TimeUnit.SECONDS));
        return out;
    }
}
