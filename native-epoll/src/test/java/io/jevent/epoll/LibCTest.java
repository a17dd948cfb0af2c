package io.jevent.epoll;

import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JNA direct-mapped libc calls against the real kernel: pipes, socket pairs, errno handling.
 */
class LibCTest
{
    private static final int SCRATCH = 64 * 1024;

    private long src;
    private long dst;

    @BeforeAll
    static void requireLibC()
    {
        LibC.ensureAvailable();
    }

    @BeforeEach
    void allocate()
    {
        src = UnsafeApi.allocateMemory(SCRATCH);
        dst = UnsafeApi.allocateMemory(SCRATCH);
    }

    @AfterEach
    void free()
    {
        UnsafeApi.freeMemory(src);
        UnsafeApi.freeMemory(dst);
    }

    @Test
    void shouldBeAvailableOnLinux()
    {
        assertTrue(LibC.isAvailable(), () -> String.valueOf(LibC.unavailabilityCause()));
        assertNull(LibC.unavailabilityCause());
    }

    @Test
    void shouldUseTheBindingTheJdkOrThePropertyChooses()
    {
        final String forced = System.getProperty(EpollConfiguration.NATIVE_PROP_NAME, EpollConfiguration.NATIVE_AUTO);
        final String expected = EpollConfiguration.NATIVE_AUTO.equals(forced)
            ? (Runtime.version().feature() >= 22 ? "ffm" : "jna") : forced;
        assertEquals(expected, LibC.binding());
    }

    @Test
    void shouldReportUnavailabilityInsteadOfCrashing() throws IOException, InterruptedException
    {
        assertEquals("false UnsatisfiedLinkError none", runProbe("-Djevent.native=jna", "-Djna.nosys=true",
            "-Djna.nounpack=true", "-Djna.noclasspath=true"));
        assertEquals("false UnsupportedOperationException none", runProbe("-Dos.arch=riscv64"));
        assertEquals("false UnsupportedOperationException none", runProbe("-Dos.name=FreeBSD"));
        assertEquals("false IllegalArgumentException none", runProbe("-Djevent.native=jni"));
        assertEquals("true null jna", runProbe("-Djevent.native=jna"));
        final boolean ffm = Runtime.version().feature() >= 22;
        assertEquals(ffm ? "true null ffm" : "false UnsupportedOperationException none",
            runProbe("-Djevent.native=ffm"));
        assertEquals(ffm ? "true null ffm" : "true null jna", runProbe("-Djevent.native=auto"));
        if (ffm)
        {
            assertEquals("true null ffm", runProbe("-Djevent.native=ffm", "-Djna.nosys=true", "-Djna.nounpack=true",
                "-Djna.noclasspath=true"), "ffm needs nothing of JNA");
        }
    }

    /**
     * Entry point of the child JVM in {@link #shouldReportUnavailabilityInsteadOfCrashing()}.
     */
    static final class AvailabilityProbe
    {
        public static void main(final String[] args)
        {
            final Throwable cause = LibC.unavailabilityCause();
            try
            {
                LibC.ensureAvailable();
                if (null != cause)
                {
                    throw new AssertionError("ensureAvailable passed without the natives");
                }
            }
            catch (final UnsatisfiedLinkError ex)
            {
                if (ex.getCause() != cause)
                {
                    throw new AssertionError("cause not attached", ex);
                }
                try
                {
                    LibC.close(-1);
                    throw new AssertionError("a call without a binding returned");
                }
                catch (final UnsatisfiedLinkError expected)
                {
                    // what every call does when nothing is bound
                }
            }
            System.out.print(LibC.isAvailable() + " " + (null == cause ? "null" : cause.getClass().getSimpleName()) +
                " " + LibC.binding());
        }
    }

    private static String runProbe(final String property, final String... more) throws IOException, InterruptedException
    {
        final List<String> cmd = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), property));
        cmd.addAll(List.of(more));
        cmd.add(AvailabilityProbe.class.getName());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void shouldRoundTripBytesThroughPipe2()
    {
        final long pair = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        assertNotEquals(-1L, pair, () -> Errno.name(LibC.errno()));
        final int r = LibC.firstFd(pair);
        final int w = LibC.secondFd(pair);
        try
        {
            assertTrue(r >= 0 && w >= 0 && r != w, r + " " + w);
            final byte[] payload = random(1, 10_000);
            put(src, payload);
            assertEquals(payload.length, LibC.write(w, src, payload.length));
            assertEquals(payload.length, LibC.read(r, dst, SCRATCH));
            assertArrayEqualsNative(payload, dst);
        }
        finally
        {
            closeAll(r, w);
        }
    }

    @Test
    void shouldRoundTripThroughRawPipe2WithIntPairAddress()
    {
        final long fds = UnsafeApi.allocateMemory(8);
        try
        {
            assertEquals(0, LibC.pipe2(fds, LibC.O_CLOEXEC));
            final int r = UnsafeApi.getInt(fds);
            final int w = UnsafeApi.getInt(fds + 4);
            try
            {
                UnsafeApi.putByte(src, (byte)42);
                assertEquals(1, LibC.write(w, src, 1));
                assertEquals(1, LibC.read(r, dst, 1));
                assertEquals(42, UnsafeApi.getByte(dst));
            }
            finally
            {
                closeAll(r, w);
            }
        }
        finally
        {
            UnsafeApi.freeMemory(fds);
        }
    }

    @Test
    void shouldReturnEagainFromEmptyNonBlockingPipe()
    {
        final long pair = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        final int r = LibC.firstFd(pair);
        final int w = LibC.secondFd(pair);
        try
        {
            assertEquals(-1, LibC.read(r, dst, 100));
            assertEquals(Errno.EAGAIN, LibC.errno());
            assertSame("EAGAIN", Errno.name(LibC.errno()));
            assertTrue(Errno.isWouldBlock(LibC.errno()));

            assertEquals(1, LibC.write(w, src, 1));
            assertEquals(Errno.EAGAIN, LibC.errno(), "errno is stale after a success: read it only after -1");
            assertEquals(1, LibC.read(r, dst, 100));
            assertEquals(-1, LibC.read(r, dst, 100));
            assertEquals(Errno.EAGAIN, LibC.errno());
        }
        finally
        {
            closeAll(r, w);
        }
    }

    @Test
    void shouldReturnEagainFromFullNonBlockingPipe()
    {
        final long pair = LibC.pipe(LibC.O_NONBLOCK);
        final int r = LibC.firstFd(pair);
        final int w = LibC.secondFd(pair);
        try
        {
            long total = 0;
            long n;
            while ((n = LibC.write(w, src, SCRATCH)) > 0)
            {
                total += n;
            }
            assertEquals(-1, n);
            assertEquals(Errno.EAGAIN, LibC.errno());
            assertTrue(total >= 4096, "pipe capacity " + total);
        }
        finally
        {
            closeAll(r, w);
        }
    }

    @Test
    void shouldGetEpipeAndNoSigpipeFromSendToClosedPeer()
    {
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
        assertNotEquals(-1L, pair, () -> Errno.name(LibC.errno()));
        final int a = LibC.firstFd(pair);
        final int b = LibC.secondFd(pair);
        try
        {
            assertEquals(5, LibC.send(a, src, 5, LibC.MSG_NOSIGNAL));
            assertEquals(5, LibC.recv(b, dst, 100, 0));
            assertEquals(0, LibC.close(b));

            assertEquals(-1, LibC.send(a, src, 10, LibC.MSG_NOSIGNAL));
            assertEquals(Errno.EPIPE, LibC.errno());
            assertEquals("Broken pipe", Errno.message(LibC.errno()));
            assertEquals(-1, LibC.send(a, src, 10, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT));
            assertEquals(Errno.EPIPE, LibC.errno());
            assertEquals(0, LibC.recv(a, dst, 100, 0), "EOF from the closed peer");
        }
        finally
        {
            assertEquals(0, LibC.close(a));
        }
        assertTrue(Runtime.getRuntime().availableProcessors() > 0, "JVM still alive");
    }

    @Test
    void shouldRecvWithMsgDontwaitAndPeek()
    {
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC);
        final int a = LibC.firstFd(pair);
        final int b = LibC.secondFd(pair);
        try
        {
            assertEquals(-1, LibC.recv(b, dst, 100, LibC.MSG_DONTWAIT));
            assertEquals(Errno.EAGAIN, LibC.errno());
            final byte[] payload = random(2, 3000);
            put(src, payload);
            assertEquals(payload.length, LibC.send(a, src, payload.length, LibC.MSG_NOSIGNAL));
            assertEquals(payload.length, LibC.recv(b, dst, SCRATCH, LibC.MSG_PEEK));
            UnsafeApi.setMemory(dst, payload.length, (byte)0);
            assertEquals(payload.length, LibC.recv(b, dst, SCRATCH, LibC.MSG_DONTWAIT));
            assertArrayEqualsNative(payload, dst);
            assertEquals(0, LibC.shutdown(a, LibC.SHUT_WR));
            assertEquals(0, LibC.recv(b, dst, SCRATCH, LibC.MSG_DONTWAIT));
        }
        finally
        {
            closeAll(a, b);
        }
    }

    @Test
    void shouldReportTheErrnoOfAFailedEpollWait()
    {
        final int epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        try
        {
            assertEquals(-1, LibC.epoll_wait(-1, dst, 4, 0));
            assertEquals(Errno.EBADF, LibC.errno());
            assertEquals(-1, LibC.epoll_wait(epfd, dst, 0, 0));
            assertEquals(Errno.EINVAL, LibC.errno());
            assertEquals(-1, LibC.epoll_wait(epfd, dst, 0, 100), "a blocking wait that fails returns at once");
            assertEquals(Errno.EINVAL, LibC.errno());
            assertEquals(0, LibC.epoll_wait(epfd, dst, 4, 0));
            if (Pwait2.isAvailable())
            {
                UnsafeApi.putLong(src, 0);
                UnsafeApi.putLong(src + 8, 1_000_000);
                assertEquals(-1, Pwait2.epoll_pwait2(-1, dst, 4, src, 0));
                assertEquals(Errno.EBADF, LibC.errno());
                assertEquals(-1, Pwait2.epoll_pwait2(epfd, dst, 0, src, 0));
                assertEquals(Errno.EINVAL, LibC.errno());
                assertEquals(0, Pwait2.epoll_pwait2(epfd, dst, 4, src, 0));
            }
        }
        finally
        {
            closeAll(epfd);
        }
    }

    @Test
    void shouldReportEbadfWhenClosingBadFd()
    {
        assertEquals(-1, LibC.close(-1));
        assertEquals(Errno.EBADF, LibC.errno());
        assertEquals(-1, LibC.close(Integer.MAX_VALUE));
        assertEquals(Errno.EBADF, LibC.errno());
        assertEquals("EBADF", Errno.name(LibC.errno()));
        assertEquals("Bad file descriptor", Errno.message(LibC.errno()));
        assertEquals(-1, LibC.write(-1, src, 1));
        assertEquals(Errno.EBADF, LibC.errno());
    }

    @Test
    void shouldReportEinvalForBadPipe2Flags()
    {
        assertEquals(-1L, LibC.pipe(-1));
        assertEquals(Errno.EINVAL, LibC.errno());
    }

    @Test
    void shouldScatterAndGatherAcrossIovecs()
    {
        final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK);
        final int a = LibC.firstFd(pair);
        final int b = LibC.secondFd(pair);
        final long iov = UnsafeApi.allocateMemory(3 * 16);
        try
        {
            final byte[] payload = random(3, 900);
            put(src, payload);
            iovec(iov, 0, src, 100);
            iovec(iov, 1, src + 100, 300);
            iovec(iov, 2, src + 400, 500);
            assertEquals(900, LibC.writev(a, iov, 3));
            iovec(iov, 0, dst + 500, 400);
            iovec(iov, 1, dst, 1);
            iovec(iov, 2, dst + 1, 499);
            assertEquals(900, LibC.readv(b, iov, 3));
            final byte[] expected = new byte[900];
            System.arraycopy(payload, 0, expected, 500, 400);
            System.arraycopy(payload, 400, expected, 0, 500);
            assertArrayEqualsNative(expected, dst);
            assertEquals(-1, LibC.readv(b, iov, 3));
            assertEquals(Errno.EAGAIN, LibC.errno());
            assertEquals(-1, LibC.readv(b, iov, LibC.IOV_MAX + 1));
            assertEquals(Errno.EINVAL, LibC.errno());
        }
        finally
        {
            UnsafeApi.freeMemory(iov);
            closeAll(a, b);
        }
    }

    @Test
    void shouldMapErrnoWithoutAllocating()
    {
        assertSame(Errno.name(Errno.EAGAIN), Errno.name(Errno.EWOULDBLOCK));
        assertEquals("EUNKNOWN", Errno.name(4095));
        assertEquals("EUNKNOWN", Errno.name(-1));
        assertEquals("EUNKNOWN", Errno.name(3));
        assertEquals("Unknown error", Errno.message(Integer.MAX_VALUE));
        assertEquals("Resource temporarily unavailable", Errno.message(Errno.EAGAIN));
    }

    @Test
    void shouldNotAllocateOnTheEagainPath()
    {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        final long pair = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        final int r = LibC.firstFd(pair);
        final int w = LibC.secondFd(pair);
        try
        {
            final int iterations = 20_000;
            final long tid = Thread.currentThread().getId();
            // steady state is after C2: an ffm downcall allocates until then (40 B per call on JDK 25)
            final StringBuilder windows = new StringBuilder();
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 100 && allocated >= 4096; window++)
            {
                final long before = mx.getThreadAllocatedBytes(tid);
                final int hits = eagainLoop(r, iterations);
                allocated = mx.getThreadAllocatedBytes(tid) - before;
                assertEquals(iterations, hits);
                windows.append(' ').append(allocated);
            }
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over " + iterations + " calls in the " +
                "last of these windows, after warm-up:" + windows);
        }
        finally
        {
            closeAll(r, w);
        }
    }

    @Test
    void shouldMatchTheCHeaders(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final Map<String, Long> expected = new HashMap<>();
        collect(LibC.class, expected);
        collect(Errno.class, expected);
        final StringBuilder c = new StringBuilder()
            .append("#define _GNU_SOURCE\n#include <stdio.h>\n#include <errno.h>\n#include <fcntl.h>\n")
            .append("#include <limits.h>\n#include <string.h>\n#include <sys/socket.h>\n#include <sys/uio.h>\n")
            .append("#include <sys/epoll.h>\n#include <sys/eventfd.h>\n#include <netinet/in.h>\n")
            .append("#include <netinet/tcp.h>\n#include <sys/prctl.h>\n")
            .append("int main(void)\n{\n");
        for (final String name : expected.keySet())
        {
            c.append("    printf(\"%s %ld %s\\n\", \"").append(name).append("\", (long)(int)").append(name)
                .append(", strerror((int)").append(name).append("));\n");
        }
        c.append("    return 0;\n}\n");
        final List<String> lines = List.of(CProbe.compileAndRun(dir, "probe", c.toString()).split("\n"));
        assertEquals(expected.size(), lines.size());
        for (final String line : lines)
        {
            final String[] parts = line.split(" ", 3);
            assertEquals(expected.get(parts[0]), Long.valueOf(parts[1]), parts[0]);
            if (parts[0].startsWith("E") && !parts[0].startsWith("EPOLL") && !parts[0].startsWith("EFD_"))
            {
                assertEquals(parts[2], Errno.message(Integer.parseInt(parts[1])), parts[0]);
                assertEquals(parts[0].equals("EWOULDBLOCK") ? "EAGAIN" : parts[0],
                    Errno.name(Integer.parseInt(parts[1])));
            }
        }
    }

    private static void collect(final Class<?> type, final Map<String, Long> into)
    {
        for (final Field f : type.getFields())
        {
            final int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && int.class == f.getType())
            {
                try
                {
                    into.put(f.getName(), (long)f.getInt(null));
                }
                catch (final IllegalAccessException ex)
                {
                    throw new AssertionError(ex);
                }
            }
        }
    }

    private int eagainLoop(final int fd, final int iterations)
    {
        int hits = 0;
        for (int i = 0; i < iterations; i++)
        {
            if (-1 == LibC.read(fd, dst, 16) && Errno.EAGAIN == LibC.errno())
            {
                hits++;
            }
        }
        return hits;
    }

    private static void iovec(final long iov, final int i, final long base, final long len)
    {
        UnsafeApi.putLong(iov + i * 16L, base);
        UnsafeApi.putLong(iov + i * 16L + 8, len);
    }

    private static byte[] random(final long seed, final int n)
    {
        final byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void put(final long address, final byte[] b)
    {
        for (int i = 0; i < b.length; i++)
        {
            UnsafeApi.putByte(address + i, b[i]);
        }
    }

    private static void assertArrayEqualsNative(final byte[] expected, final long address)
    {
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i], UnsafeApi.getByte(address + i), "byte " + i);
        }
    }

    private static void closeAll(final int... fds)
    {
        for (final int fd : fds)
        {
            assertEquals(0, LibC.close(fd), () -> "close " + fd + ": " + Errno.name(LibC.errno()));
        }
    }
}
