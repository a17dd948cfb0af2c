package io.jevent.loop;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Scenarios of {@link AdversarialRound2LoopSuite} that leave threads stuck forever when they fail (a
 * deadlock), run in a child JVM so that the stuck threads die with it instead of spinning in the
 * surefire fork. The child prints {@code RESULT ok} or {@code RESULT <what went wrong>} and exits.
 */
public final class AdversarialRound2Child
{
    private AdversarialRound2Child()
    {
    }

    /**
     * @param backend  "nio" or "epoll"
     * @param scenario a scenario name of {@link #main}
     * @param limitMs  how long the child may take before it counts as hung
     * @param jvmArgs  more options for the child JVM
     * @return "ok" or a description of the failure
     * @throws Exception if the child cannot be started
     */
    public static String run(final String backend, final String scenario, final long limitMs,
        final String... jvmArgs) throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java, "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 22)
        {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-Xshare:auto", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp",
            System.getProperty("java.class.path"), AdversarialRound2Child.class.getName(), backend, scenario,
            Long.toString(limitMs)));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final StringBuilder out = new StringBuilder();
        final Thread pump = new Thread(() ->
        {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())))
            {
                String line;
                while (null != (line = r.readLine()))
                {
                    synchronized (out)
                    {
                        out.append(line).append('\n');
                    }
                }
            }
            catch (final IOException ignored)
            {
                // the child died
            }
        });
        pump.setDaemon(true);
        pump.start();
        if (!p.waitFor(limitMs + 15_000, TimeUnit.MILLISECONDS))
        {
            p.destroyForcibly();
            return "child hung\n" + out;
        }
        pump.join(2000);
        final String text;
        synchronized (out)
        {
            text = out.toString();
        }
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("RESULT "))
            {
                return line.substring("RESULT ".length());
            }
        }
        return "child JVM exited with " + p.exitValue() + " and no result:\n" + text;
    }

    /**
     * @param args backend, scenario, limit in ms
     * @throws Exception on failure
     */
    public static void main(final String[] args) throws Exception
    {
        final String backend = args[0];
        final long limitMs = Long.parseLong(args[2]);
        final String verdict = switch (args[1])
        {
            case "cross-free" -> crossFree(backend, limitMs);
            case "listener-scratch" -> listenerScratch(backend);
            default -> throw new IllegalArgumentException(args[1]);
        };
        System.out.println("RESULT " + verdict);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Two loops on two threads; each runs a task that frees the other base.
     */
    private static String crossFree(final String backend, final long limitMs) throws Exception
    {
        final EventBase a = new EventBase(new EventBaseConfig().backend(backend));
        final EventBase b = new EventBase(new EventBaseConfig().backend(backend));
        final Thread la = new Thread(() -> a.loop(LoopFlags.NO_EXIT_ON_EMPTY), "loop-a");
        final Thread lb = new Thread(() -> b.loop(LoopFlags.NO_EXIT_ON_EMPTY), "loop-b");
        la.setDaemon(true);
        lb.setDaemon(true);
        la.start();
        lb.start();
        AdversarialLoopSuite.waitRunning(a);
        AdversarialLoopSuite.waitRunning(b);
        final CyclicBarrier both = new CyclicBarrier(2);
        a.execute(() ->
        {
            await(both);
            b.free();
        });
        b.execute(() ->
        {
            await(both);
            a.free();
        });
        la.join(limitMs);
        lb.join(100);
        if (la.isAlive() || lb.isAlive())
        {
            return "after " + limitMs + " ms loop-a is " + la.getState() + " and loop-b " + lb.getState() +
                ", a freed: " + a.isFreed() + ", b freed: " + b.isFreed() + "; loop-a at " +
                frames(la) + "; loop-b at " + frames(lb);
        }
        return a.isFreed() && b.isFreed() ? "ok" : "loops returned but a freed " + a.isFreed() + ", b " + b.isFreed();
    }

    /**
     * Wraps one listening fd in 100,000 listeners without CLOSE_ON_FREE and frees each; measures the
     * JVM's native memory of category Other (Unsafe.allocateMemory) with Native Memory Tracking.
     */
    private static String listenerScratch(final String backend) throws Exception
    {
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend));
        try (java.nio.channels.ServerSocketChannel s = java.nio.channels.ServerSocketChannel.open())
        {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            final int fd = ChannelFds.fdOf(s);
            final int rounds = 100_000;
            final io.jevent.listener.AcceptCallback noop = (l, a) ->
            {
            };
            for (int i = 0; i < 1000; i++)
            {
                io.jevent.listener.ConnListener.wrap(base, fd, io.jevent.listener.ListenerFlags.DISABLED, 0, noop)
                    .free();
            }
            final long before = otherCommittedKb();
            for (int i = 0; i < rounds; i++)
            {
                io.jevent.listener.ConnListener.wrap(base, fd, io.jevent.listener.ListenerFlags.DISABLED, 0, noop)
                    .free();
            }
            final long grownKb = otherCommittedKb() - before;
            base.free();
            return grownKb < 1024 ? "ok" : "native memory (NMT Other) grew by " + grownKb + " KB over " + rounds +
                " listeners wrapped without CLOSE_ON_FREE and freed (" + grownKb * 1024 / rounds + " bytes each)";
        }
    }

    private static long otherCommittedKb() throws Exception
    {
        final String out = (String)java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
            new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
            new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile(
            "-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(out);
        if (!m.find())
        {
            throw new IllegalStateException("no Other category in NMT output:\n" + out);
        }
        return Long.parseLong(m.group(2));
    }

    private static String frames(final Thread t)
    {
        final StringBuilder s = new StringBuilder();
        for (final StackTraceElement e : t.getStackTrace())
        {
            if (e.getClassName().startsWith("io.jevent.loop.EventBase"))
            {
                s.append(e.getMethodName()).append(':').append(e.getLineNumber()).append(' ');
            }
        }
        return s.toString().trim();
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await(5, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
