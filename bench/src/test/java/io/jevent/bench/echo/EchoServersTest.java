package io.jevent.bench.echo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server names: {@code jevent-METHOD[-jna|-ffm][:N][+ioBYTES]}, the binding suffix after the method and before
 * the other modifiers; a forced binding reaches the forked server's JVM as {@code -Djevent.native=}, last.
 */
class EchoServersTest
{
    @Test
    void shouldParseTheBindingSuffixBeforeTheLoopAndIoModifiers()
    {
        assertEquals(new EchoServers.JeventName("epoll-busy-spin", "ffm", 2, 65536),
            EchoServers.JeventName.parse("jevent-epoll-busy-spin-ffm:2+io65536"));
        assertEquals(new EchoServers.JeventName("epoll", "jna", 1, 0),
            EchoServers.JeventName.parse("jevent-epoll-jna"));
        assertEquals(new EchoServers.JeventName("epoll", null, 3, 0), EchoServers.JeventName.parse("jevent-epoll:3"));
        assertEquals(new EchoServers.JeventName("nio-busy-spin", null, 1, 0),
            EchoServers.JeventName.parse("jevent-nio-busy-spin"));
        assertEquals("jna", EchoServers.forcedBinding("jevent-epoll-busy-spin-jna"));
        assertEquals("ffm", EchoServers.forcedBinding("jevent-epoll-ffm+io4096"));
        assertNull(EchoServers.forcedBinding("jevent-epoll"), "plain jevent-epoll takes the JDK's choice (auto)");
        assertNull(EchoServers.forcedBinding("nio-baseline"));
        assertNull(EchoServers.forcedBinding("libevent"));
    }

    @Test
    void shouldMakeEveryServerItKnowsUnderItsOwnName()
    {
        for (final String name : List.of("jevent-epoll-jna", "jevent-epoll-ffm", "jevent-epoll-busy-spin-jna",
            "jevent-epoll-busy-spin-ffm"))
        {
            assertTrue(EchoServers.ALL.contains(name), name);
        }
        for (final String name : EchoServers.ALL)
        {
            assertEquals(name, EchoServers.create(name).name());
        }
        assertEquals("jevent-epoll-ffm:2+io65536", EchoServers.create("jevent-epoll-ffm:2+io65536").name());
        assertTrue(EchoServers.ALL.containsAll(EchoServers.DEFAULTS));
        for (final String name : EchoServers.DEFAULTS)
        {
            assertNull(EchoServers.forcedBinding(name), "the defaults force no binding: " + name);
        }
    }

    @Test
    void shouldRefuseABindingForNioAndMalformedNames()
    {
        final IllegalArgumentException nio = assertThrows(IllegalArgumentException.class,
            () -> EchoServers.create("jevent-nio-jna"));
        assertTrue(nio.getMessage().contains("java.nio"), nio.getMessage());
        for (final String bad : List.of("jevent-epoll-ffm-jna", "jevent-epoll-foo", "jevent-ffm", "jevent-epoll-JNA",
            "jevent-epoll-jna-busy-spin", "epoll-jna", "jevent-"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> EchoServers.create(bad), bad);
            assertTrue(ex.getMessage().startsWith("unknown server " + bad + ";"), ex.getMessage());
            assertTrue(ex.getMessage().contains("jevent-epoll-busy-spin-ffm"), "names the known servers: " +
                ex.getMessage());
        }
        for (final String bad : List.of("jevent-epoll-jna:0", "jevent-epoll:x", "jevent-epoll-ffm+io-5"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> EchoServers.create(bad), bad);
            assertTrue(ex.getMessage().contains("not a positive number"), ex.getMessage());
        }
    }

    @Test
    void shouldStartAForcedServersJvmWithTheBindingPropertyLast()
    {
        final List<String> given = List.of("-Xmx256m", "-Djevent.native=ffm");
        assertEquals(List.of("-Xmx256m", "-Djevent.native=ffm", "-Djevent.native=jna"),
            ForkedEchoServer.jvmArgs("jevent-epoll-jna:2", given), "the name's binding overrides --server-jvm-args");
        assertEquals(List.of("-Xmx256m", "-Djevent.native=ffm", "-Djevent.native=ffm"),
            ForkedEchoServer.jvmArgs("jevent-epoll-busy-spin-ffm", given));
        assertEquals(given, ForkedEchoServer.jvmArgs("jevent-epoll", given));
        assertEquals(given, ForkedEchoServer.jvmArgs("nio-baseline", given));
    }
}
