package io.jevent.bench.echo;

import io.jevent.bench.Jdk;
import io.jevent.bench.compare.Compare;
import io.jevent.epoll.LibC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options of the echo bench and compare about JDKs and bindings: {@code --jdk PATH} (checked before
 * anything runs, a bad one refused in one line with exit code 2), and the new server names.
 */
class EchoBenchOptionsTest
{
    @Test
    void shouldRunTheServersOnTheJdkGivenAndOnThisOneWithout(@TempDir final Path dir) throws Exception
    {
        assertEquals(Jdk.current(), EchoBench.parse(new String[] {"--servers", "nio-baseline"}).serverJdk());
        final Path home = fakeJdk(dir, "25.0.1");
        final EchoBench b = EchoBench.parse(new String[] {"--jdk", home.toString(), "--servers",
            "nio-baseline,jevent-epoll-jna,jevent-epoll-busy-spin-jna:2"});
        assertEquals(25, b.serverJdk().feature());
        assertEquals(home.resolve("bin").resolve("java"), b.serverJdk().java());
        assertEquals(List.of("nio-baseline", "jevent-epoll-jna", "jevent-epoll-busy-spin-jna:2"), b.servers());
        assertEquals(EchoServers.DEFAULTS, EchoBench.parse(new String[0]).servers());
    }

    @Test
    void shouldRefuseABadJdkInOneLine(@TempDir final Path dir) throws Exception
    {
        final Path none = dir.resolve("no-jdk");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> EchoBench.parse(new String[] {"--jdk", none.toString()}));
        assertEquals("--jdk " + none + ": " + none + " is not a JDK: " + none.resolve("bin").resolve("java") +
            " does not exist", ex.getMessage());
        assertEquals("--jdk needs a value", assertThrows(IllegalArgumentException.class,
            () -> EchoBench.parse(new String[] {"--servers", "nio-baseline", "--jdk"})).getMessage());
        final String inProcess = assertThrows(IllegalArgumentException.class, () -> EchoBench.parse(new String[]
            {"--in-process", "--jdk", fakeJdk(dir.resolve("j"), "25").toString()})).getMessage();
        assertTrue(inProcess.contains("--in-process"), inProcess);
        final String[] err = new String[1];
        final int rc = withStderr(err, () -> Compare.run(new String[] {"--quick", "--jdk", none.toString(),
            "--out", dir.resolve("out").toString()}));
        assertEquals(2, rc, "bad options exit 2");
        assertEquals("compare: " + ex.getMessage() + "\n", err[0], "one line, no stack trace");
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran");
    }

    @Test
    void shouldRefuseAnFfmServerWhereFfmCannotRun(@TempDir final Path dir) throws Exception
    {
        final String old = assertThrows(IllegalArgumentException.class, () -> EchoBench.parse(new String[]
            {"--jdk", fakeJdk(dir, "21.0.7").toString(), "--servers", "nio-baseline,jevent-epoll-ffm"})).getMessage();
        assertTrue(old.startsWith("jevent-epoll-ffm needs a server JDK 22+") && old.contains("21.0.7"), old);
        final String nio = assertThrows(IllegalArgumentException.class, () -> EchoBench.parse(new String[]
            {"--servers", "jevent-nio-ffm"})).getMessage();
        assertTrue(nio.contains("java.nio"), nio);
        final String other = "jna".equals(LibC.binding()) ? "ffm" : "jna";
        final String inProcess = assertThrows(IllegalArgumentException.class, () -> EchoBench.parse(new String[]
            {"--in-process", "--servers", "jevent-epoll-" + other})).getMessage();
        assertTrue(inProcess.contains("binds libc through " + LibC.binding()), inProcess);
        EchoBench.parse(new String[] {"--in-process", "--servers", "jevent-epoll-" + LibC.binding()});
    }

    private static Path fakeJdk(final Path home, final String version) throws IOException
    {
        Files.createDirectories(home.resolve("bin"));
        final Path java = home.resolve("bin").resolve("java");
        Files.writeString(java, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private static int withStderr(final String[] captured, final Run run) throws Exception
    {
        final PrintStream saved = System.err;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            return run.run();
        }
        finally
        {
            System.setErr(saved);
            captured[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private interface Run
    {
        int run() throws Exception;
    }
}
