package io.jevent.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link ConnListener} out of fds (libevent issue 71): a child JVM ({@link ListenerEmfileChild}) under
 * {@code prlimit --nofile} uses up its fds while clients connect. Its listener must report EMFILE
 * through the error callback a bounded number of times (back-off, no spin: its CPU time over the
 * hold stays low), then accept every pending client once fds are free, and exit 0. Without an
 * error callback ({@link #runLoggingToStderr}) the listener logs each failure itself through
 * {@link System.Logger} (readied when the listener is made, so the reports still appear out of fds),
 * and the pause each line announces must be the one it schedules: 100, 200, 400, 800, then 1000 ms.
 */
public final class ListenerEmfileScenario
{
    /** Clients that connect while the child is out of fds. */
    static final int CLIENTS = 20;
    /** How long the child keeps its fds used up. */
    static final long HOLD_MS = 2500;
    private static final int NOFILE = 256;
    private static final Pattern PAUSE_LOG =
        Pattern.compile("jevent listener on fd \\d+: accept failed: EMFILE, pausing (\\d+) ms");

    private ListenerEmfileScenario()
    {
    }

    /**
     * Runs the scenario on a backend.
     *
     * @param backend "nio" or "epoll"
     * @throws Exception on failure
     */
    public static void run(final String backend) throws Exception
    {
        run(backend, false);
    }

    /**
     * Runs the scenario on a backend with no error callback, checking the listener's own log lines.
     *
     * @param backend "nio" or "epoll"
     * @throws Exception on failure
     */
    public static void runLoggingToStderr(final String backend) throws Exception
    {
        run(backend, true);
    }

    private static void run(final String backend, final boolean logToStderr) throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=" + NOFILE + ":" + NOFILE, "--", java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 22)
        {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            ListenerEmfileChild.class.getName(), backend, Long.toString(HOLD_MS), Integer.toString(CLIENTS),
            logToStderr ? "stderr" : "callback"));
        final Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder transcript = new StringBuilder();
        final List<long[]> pauses = new ArrayList<>();
        final Thread pump = new Thread(() -> pump(child.getInputStream(), lines, transcript, pauses),
            "emfile-child-output");
        pump.setDaemon(true);
        pump.start();
        final List<Socket> clients = new ArrayList<>();
        try
        {
            final String ready = awaitLine(lines, "READY", 30, transcript);
            final Matcher m = Pattern.compile("READY (\\d+) hoarded=(\\d+)").matcher(ready);
            assertTrue(m.find(), ready);
            final int port = Integer.parseInt(m.group(1));
            assertTrue(Integer.parseInt(m.group(2)) > 0, "the child used up its fds: " + ready);
            final long cpu0 = cpuTicks(child.pid());
            final long t0 = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++)
            {
                final Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                s.setSoTimeout(20_000);
                clients.add(s);
            }
            awaitLine(lines, "RELEASE", 30, transcript);
            final long cpu1 = cpuTicks(child.pid());
            final double heldSeconds = (System.nanoTime() - t0) / 1e9;
            final double cpuSeconds = (cpu1 - cpu0) / 100.0;
            assertTrue(cpuSeconds < 0.4 * heldSeconds, "the child burnt " + cpuSeconds + " s of CPU in " +
                heldSeconds + " s out of fds: it spins\n" + transcript);
            for (final Socket s : clients)
            {
                final InputStream in = s.getInputStream();
                final byte[] ok = in.readNBytes(3);
                assertEquals("ok\n", new String(ok, StandardCharsets.ISO_8859_1),
                    "each pending client accepted once fds are free\n" + transcript);
            }
            final String done = awaitLine(lines, "DONE", 30, transcript);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child exits");
            assertEquals(0, child.exitValue(), transcript.toString());
            final Matcher d = Pattern.compile("errors=(\\d+) emfile=(\\d+) other=(\\d+) accepted=(\\d+)").matcher(done);
            assertTrue(d.find(), done);
            if (logToStderr)
            {
                assertPausesLogged(pauses, transcript);
                synchronized (transcript)
                {
                    System.out.println("logged pauses (ms): " +
                        pauses.stream().map((p) -> Long.toString(p[1])).collect(Collectors.joining(", ")));
                }
            }
            else
            {
                final int errors = Integer.parseInt(d.group(1));
                final int emfile = Integer.parseInt(d.group(2));
                assertTrue(emfile >= 1, "EMFILE reported through the error callback: " + done);
                assertTrue(errors <= 30, "a bounded number of reports over " + HOLD_MS + " ms, not a flood: " + done);
            }
            assertEquals(0, Integer.parseInt(d.group(3)), "no other accept error: " + done);
            assertEquals(CLIENTS, Integer.parseInt(d.group(4)), done);
            System.out.println("EMFILE scenario on " + backend + ": child CPU " + cpuSeconds + " s over " +
                heldSeconds + " s held; " + done);
        }
        finally
        {
            for (final Socket s : clients)
            {
                s.close();
            }
            if (child.isAlive())
            {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The pauses the listener logged while out of fds follow its back-off exactly (100 ms, doubling, at
     * most 1 s: the 4th is 800, not the 500 an earlier version printed), and each log line comes at
     * least a quarter of the pause the previous one announced after it (times are when this JVM read the
     * lines from the child's stderr, late under load).
     */
    private static void assertPausesLogged(final List<long[]> pauses, final StringBuilder transcript)
    {
        synchronized (transcript)
        {
            assertTrue(pauses.size() >= 4, "the listener logged each EMFILE (4 fit in " + HOLD_MS + " ms)\n" +
                transcript);
            long expected = ConnListener.RETRY_DELAY_DEFAULT_MS;
            for (int i = 0; i < pauses.size(); i++)
            {
                assertEquals(expected, pauses.get(i)[1], "pause " + (i + 1) + " logged as scheduled\n" + transcript);
                if (i > 0)
                {
                    final long apartMs = TimeUnit.NANOSECONDS.toMillis(pauses.get(i)[0] - pauses.get(i - 1)[0]);
                    final long announcedMs = pauses.get(i - 1)[1];
                    // arrival times in this JVM: a line read late (a loaded machine) shortens the next gap, so
                    // a quarter of the pause is asked, which still tells a back-off from a spin (0 ms apart)
                    assertTrue(apartMs >= announcedMs / 4, "log line " + (i + 1) + " came " + apartMs +
                        " ms after one announcing a " + announcedMs + " ms pause\n" + transcript);
                }
                expected = Math.min(1000, expected * 2);
            }
        }
    }

    private static void pump(final InputStream in, final BlockingQueue<String> lines, final StringBuilder transcript,
        final List<long[]> pauses)
    {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = r.readLine()))
            {
                final long now = System.nanoTime();
                synchronized (transcript)
                {
                    transcript.append(line).append('\n');
                    final Matcher m = PAUSE_LOG.matcher(line);
                    if (m.find())
                    {
                        pauses.add(new long[] {now, Long.parseLong(m.group(1))});
                    }
                }
                lines.add(line);
            }
        }
        catch (final IOException ignored)
        {
            // child gone
        }
    }

    private static String awaitLine(final BlockingQueue<String> lines, final String prefix, final int seconds,
        final StringBuilder transcript) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (null != line && line.startsWith(prefix))
            {
                return line;
            }
        }
        synchronized (transcript)
        {
            fail("no " + prefix + " line from the child within " + seconds + " s; output:\n" + transcript);
        }
        return null;
    }

    /**
     * @return utime + stime of a process in clock ticks (USER_HZ, 100 on Linux)
     */
    static long cpuTicks(final long pid) throws IOException
    {
        final String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertTrue(f.length > 12, "utime and stime (fields 14 and 15) in " + stat);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
