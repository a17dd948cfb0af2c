package io.jevent.epoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C prototypes behind {@link LibC}, checked by gcc against the system headers, and every binding's
 * types checked against them: each Java parameter (int or long) must have the size of its C type, and on
 * JDK 22+ each FFM function descriptor's layouts too. A wrong type here would pass garbage in the upper
 * half of a register, which no functional test is sure to notice.
 */
class NativeSignaturesTest
{
    /** name → return type, then parameter types, as the C headers declare them. */
    private static final Map<String, List<String>> PROTOTYPES = new LinkedHashMap<>();

    static
    {
        proto("read", "ssize_t", "int", "void *", "size_t");
        proto("write", "ssize_t", "int", "const void *", "size_t");
        proto("readv", "ssize_t", "int", "const struct iovec *", "int");
        proto("writev", "ssize_t", "int", "const struct iovec *", "int");
        proto("close", "int", "int");
        proto("pipe2", "int", "int *", "int");
        proto("socketpair", "int", "int", "int", "int", "int *");
        proto("send", "ssize_t", "int", "const void *", "size_t", "int");
        proto("recv", "ssize_t", "int", "void *", "size_t", "int");
        proto("shutdown", "int", "int", "int");
        proto("epoll_create1", "int", "int");
        proto("epoll_ctl", "int", "int", "int", "int", "struct epoll_event *");
        proto("epoll_wait", "int", "int", "struct epoll_event *", "int", "int");
        proto("epoll_pwait2", "int", "int", "struct epoll_event *", "int", "const struct timespec *",
            "const sigset_t *");
        proto("eventfd", "int", "unsigned int", "int");
        proto("socket", "int", "int", "int", "int");
        proto("bind", "int", "int", "const struct sockaddr *", "socklen_t");
        proto("listen", "int", "int", "int");
        proto("accept4", "int", "int", "struct sockaddr *", "socklen_t *", "int");
        proto("connect", "int", "int", "const struct sockaddr *", "socklen_t");
        proto("getsockopt", "int", "int", "int", "int", "void *", "socklen_t *");
        proto("setsockopt", "int", "int", "int", "int", "const void *", "socklen_t");
        proto("getsockname", "int", "int", "struct sockaddr *", "socklen_t *");
        proto("getpeername", "int", "int", "struct sockaddr *", "socklen_t *");
        proto("sendmsg", "ssize_t", "int", "const struct msghdr *", "int");
        proto("prctl", "int", "int", "...");
    }

    private static void proto(final String name, final String... types)
    {
        PROTOTYPES.put(name, List.of(types));
    }

    @Test
    void shouldDeclareEveryCallOfLibCWithTheSizesOfItsCTypes(@TempDir final Path dir)
        throws IOException, InterruptedException
    {
        final Map<String, List<Long>> cSizes = probe(dir);
        int checked = 0;
        for (final Method m : LibC.class.getDeclaredMethods())
        {
            if (!PROTOTYPES.containsKey(m.getName()) || !Modifier.isPublic(m.getModifiers()))
            {
                continue;
            }
            final List<Long> sizes = cSizes.get(m.getName());
            assertEquals(javaSize(m.getReturnType()), sizes.get(0), m.getName() + " result");
            final Class<?>[] params = m.getParameterTypes();
            final int fixed = "prctl".equals(m.getName()) ? 1 : params.length;
            assertEquals(fixed, sizes.size() - 1, m.getName() + " parameter count");
            for (int i = 0; i < fixed; i++)
            {
                assertEquals(javaSize(params[i]), sizes.get(i + 1), m.getName() + " parameter " + i);
            }
            checked++;
        }
        assertEquals(PROTOTYPES.size(), checked, "every prototype has its call in LibC");
    }

    @Test
    void shouldDescribeEveryFfmDowncallWithTheSizesOfItsCTypes(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Runtime.version().feature() >= 22, "the ffm binding needs JDK 22+");
        final Map<String, List<Long>> cSizes = probe(dir);
        final Class<?> ffm = Class.forName("io.jevent.epoll.FfmCalls");
        final Method descriptor = ffm.getDeclaredMethod("descriptor", String.class);
        descriptor.setAccessible(true);
        final Class<?> fd = Class.forName("java.lang.foreign.FunctionDescriptor");
        final Method args = fd.getMethod("argumentLayouts");
        final Method ret = fd.getMethod("returnLayout");
        final Method byteSize = Class.forName("java.lang.foreign.MemoryLayout").getMethod("byteSize");
        for (final Map.Entry<String, List<Long>> e : cSizes.entrySet())
        {
            final Object d = descriptor.invoke(null, e.getKey());
            if ("epoll_pwait2".equals(e.getKey()) && null == d)
            {
                continue;
            }
            assertNotNull(d, e.getKey());
            final List<Long> sizes = new ArrayList<>();
            sizes.add((Long)byteSize.invoke(((Optional<?>)ret.invoke(d)).orElseThrow()));
            for (final Object layout : (List<?>)args.invoke(d))
            {
                sizes.add((Long)byteSize.invoke(layout));
            }
            final List<Long> c = e.getValue();
            if ("prctl".equals(e.getKey()))
            {
                assertEquals(c, sizes.subList(0, 2), "prctl's fixed part");
                assertEquals(List.of(8L, 8L, 8L, 8L), sizes.subList(2, 6), "prctl's variadic longs");
            }
            else
            {
                assertEquals(c, sizes, e.getKey() + ": result and parameter sizes");
            }
        }
    }

    /**
     * A critical downcall keeps the thread "in Java": a safepoint (every GC, deoptimisation...) waits until
     * it returns, so a critical call that waits stops the whole JVM for as long. Only calls that never wait
     * on anything outside the kernel's own short locks may be critical. Not so: socket (may wait for modprobe
     * to load a protocol family's module), bind (an AF_UNIX path is a file system create, which can wait on
     * the disk, NFS or FUSE), setsockopt and getsockopt (any option reaches here; multicast membership and
     * filters take the global rtnl mutex, TCP_CONGESTION may load a module), nor the data path and close.
     */
    @Test
    void shouldMarkCriticalOnlyTheFfmCallsThatNeverWait() throws Exception
    {
        assumeTrue(Runtime.version().feature() >= 22, "the ffm binding needs JDK 22+");
        final Method critical = Class.forName("io.jevent.epoll.FfmCalls").getDeclaredMethod("critical", String.class);
        critical.setAccessible(true);
        final List<String> expected = List.of("pipe2", "socketpair", "eventfd", "epoll_create1", "epoll_ctl",
            "listen", "shutdown", "getsockname", "getpeername");
        final List<String> found = new ArrayList<>();
        for (final String name : PROTOTYPES.keySet())
        {
            if ((Boolean)critical.invoke(null, name))
            {
                found.add(name);
            }
        }
        assertEquals(expected.stream().sorted().collect(Collectors.toList()),
            found.stream().sorted().collect(Collectors.toList()));
    }

    private static long javaSize(final Class<?> type)
    {
        assertTrue(int.class == type || long.class == type, "primitives only: " + type);
        return int.class == type ? 4 : 8;
    }

    /**
     * Compiles one file that assigns each function to a pointer of the prototype above (gcc refuses a
     * mismatch under -Werror) and prints the sizes of its result and parameter types.
     */
    private static Map<String, List<Long>> probe(final Path dir) throws IOException, InterruptedException
    {
        final StringBuilder c = new StringBuilder()
            .append("#define _GNU_SOURCE\n#include <stdio.h>\n#include <unistd.h>\n#include <fcntl.h>\n")
            .append("#include <signal.h>\n#include <time.h>\n#include <sys/socket.h>\n#include <sys/uio.h>\n")
            .append("#include <sys/epoll.h>\n#include <sys/eventfd.h>\n#include <sys/prctl.h>\n")
            .append("int main(void)\n{\n");
        for (final Map.Entry<String, List<String>> e : PROTOTYPES.entrySet())
        {
            final List<String> t = e.getValue();
            c.append("    { ").append(t.get(0)).append(" (*volatile f)(")
                .append(String.join(", ", t.subList(1, t.size()))).append(") = ").append(e.getKey())
                .append("; (void)f;\n      printf(\"").append(e.getKey()).append(" %zu");
            for (final String p : t.subList(1, t.size()))
            {
                if (!"...".equals(p))
                {
                    c.append(" %zu");
                }
            }
            c.append("\\n\", sizeof(").append(t.get(0)).append(")");
            for (final String p : t.subList(1, t.size()))
            {
                if (!"...".equals(p))
                {
                    c.append(", sizeof(").append(p).append(")");
                }
            }
            c.append("); }\n");
        }
        c.append("    return 0;\n}\n");
        final String out = CProbe.compileAndRun(dir, "signatures", c.toString(), "-Wall", "-Werror");
        final Map<String, List<Long>> sizes = new HashMap<>();
        for (final String line : out.split("\n"))
        {
            final String[] parts = line.split(" ");
            final List<Long> values = new ArrayList<>();
            for (int i = 1; i < parts.length; i++)
            {
                values.add(Long.parseLong(parts[i]));
            }
            sizes.put(parts[0], values);
        }
        assertEquals(PROTOTYPES.keySet(), sizes.keySet());
        return sizes;
    }
}
