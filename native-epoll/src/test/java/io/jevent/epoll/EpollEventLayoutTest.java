package io.jevent.epoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class EpollEventLayoutTest
{
    @Test
    void shouldMatchStructEpollEventOfTheCHeaders(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final Path source = dir.resolve("layout.c");
        final Path binary = dir.resolve("layout");
        Files.writeString(source, "#include <stdio.h>\n#include <stddef.h>\n#include <sys/epoll.h>\n" +
            "#include <sys/uio.h>\n#include <time.h>\n" +
            "int main(void)\n{\n" +
            "    printf(\"%zu %zu %zu %zu %zu\\n\", sizeof(struct epoll_event), " +
            "offsetof(struct epoll_event, events),\n" +
            "        offsetof(struct epoll_event, data), sizeof(struct iovec), sizeof(struct timespec));\n" +
            "    return 0;\n}\n");
        final Process gcc;
        try
        {
            gcc = new ProcessBuilder("gcc", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "gcc not available, layout not checked: " + ex);
            return;
        }
        final String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), out);
        final Process probe = new ProcessBuilder(binary.toString()).start();
        final String[] v = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        assertTrue(probe.waitFor(10, TimeUnit.SECONDS));
        assertEquals(EpollEventLayout.SIZE, Integer.parseInt(v[0]), "sizeof(struct epoll_event)");
        assertEquals(EpollEventLayout.EVENTS_OFFSET, Integer.parseInt(v[1]), "offsetof(events)");
        assertEquals(EpollEventLayout.DATA_OFFSET, Integer.parseInt(v[2]), "offsetof(data)");
        assertEquals(io.jevent.buffer.IovecArray.IOVEC_SIZE, Integer.parseInt(v[3]), "sizeof(struct iovec)");
        assertEquals(16, Integer.parseInt(v[4]), "sizeof(struct timespec), used by epoll_pwait2");
    }
}
