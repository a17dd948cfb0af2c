package io.jevent.epoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpollEventLayoutTest
{
    @Test
    void shouldMatchStructEpollEventOfTheCHeaders(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final String[] v = CProbe.compileAndRun(dir, "layout",
            "#include <stdio.h>\n#include <stddef.h>\n#include <sys/epoll.h>\n" +
            "#include <sys/uio.h>\n#include <time.h>\n" +
            "int main(void)\n{\n" +
            "    printf(\"%zu %zu %zu %zu %zu\\n\", sizeof(struct epoll_event), " +
            "offsetof(struct epoll_event, events),\n" +
            "        offsetof(struct epoll_event, data), sizeof(struct iovec), sizeof(struct timespec));\n" +
            "    return 0;\n}\n").trim().split(" ");
        assertEquals(EpollEventLayout.SIZE, Integer.parseInt(v[0]), "sizeof(struct epoll_event)");
        assertEquals(EpollEventLayout.EVENTS_OFFSET, Integer.parseInt(v[1]), "offsetof(events)");
        assertEquals(EpollEventLayout.DATA_OFFSET, Integer.parseInt(v[2]), "offsetof(data)");
        assertEquals(io.jevent.buffer.IovecArray.IOVEC_SIZE, Integer.parseInt(v[3]), "sizeof(struct iovec)");
        assertEquals(16, Integer.parseInt(v[4]), "sizeof(struct timespec), used by epoll_pwait2");
    }
}
