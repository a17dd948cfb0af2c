package io.jevent.bufferevent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A socket's first I/O in a process whose fd table is already full (issue 8, item 9): a child JVM
 * ({@link ColdStartEmfileChild}) under {@code prlimit --nofile} uses up all its fds but one, then
 * accepts or opens one connection and does its first write, read and close with no fd left. The JDK
 * initialises some of its socket internals lazily on first use, and that initialisation needs fds
 * (a socketpair), so without the nio backend's warm-up it fails with ExceptionInInitializerError and
 * the loop dies: on JDK 17 {@code sun.nio.ch.FileDispatcherImpl}, at the first write, in both roles;
 * on JDK 25 {@code sun.nio.ch.UnixDispatcher}, at the first SocketChannel opened, in the client role
 * (a server's own listening ServerSocketChannel already initialised it). The exchange must instead
 * complete: the child says {@code hello}, the parent answers {@code pong}, the child closes, prints
 * DONE and exits 0.
 */
public final class ColdStartEmfileScenario
{
    private static final int NOFILE = 128;
    private static final int SECONDS = 20;

    private ColdStartEmfileScenario()
    {
    }

    /**
     * The child listens and accepts the parent's connection into its last fd.
     *
     * @param backend "nio" or "epoll"
     * @throws Exception on failure
     */
    public static void runServer(final String backend) throws Exception
    {
        final Child child = Child.start(backend, "server", -1);
        try
        {
            final int port = child.ready();
            try (Socket s = new Socket())
            {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                converse(s, child);
            }
            child.done();
        }
        finally
        {
            child.destroy();
        }
    }

    /**
     * The child connects to the parent from its last fd.
     *
     * @param backend "nio" or "epoll"
     * @throws Exception on failure
     */
    public static void runClient(final String backend) throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress()))
        {
            server.setSoTimeout(50);
            final Child child = Child.start(backend, "client", server.getLocalPort());
            try
            {
                child.ready();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
                Socket accepted = null;
                while (null == accepted)
                {
                    try
                    {
                        accepted = server.accept();
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        if (!child.process.isAlive() || System.nanoTime() > deadline)
                        {
                            fail("the child never connected\n" + child.transcript());
                        }
                    }
                }
                try (Socket s = accepted)
                {
                    converse(s, child);
                }
                child.done();
            }
            finally
            {
                child.destroy();
            }
        }
    }

    /**
     * The child creates its first loop with one fd left, then again with every fd back. If that
     * poisoned a JDK socket class for good (it does on JDK 17 and 25: its initialiser needs a
     * socketpair), both attempts must fail with the warm-up's explanatory InternalError, not a bare
     * ExceptionInInitializerError or NoClassDefFoundError, and not succeed only to fail at the first
     * write; otherwise the first may fail with an IOException (no fd for the selector) and the second
     * must succeed.
     *
     * @param backend "nio"
     * @throws Exception on failure
     */
    public static void runLateStart(final String backend) throws Exception
    {
        final Child child = Child.start(backend, "late", -1);
        try
        {
            child.ready();
            final String first = child.awaitLine("FIRST ").substring("FIRST ".length());
            final String second = child.awaitLine("SECOND ").substring("SECOND ".length());
            assertTrue(child.process.waitFor(SECONDS, TimeUnit.SECONDS), "child exits");
            assertEquals(0, child.process.exitValue(), child.transcript());
            final String explained = "java.lang.InternalError: jevent nio warm-up: a JDK socket class failed";
            if (first.startsWith(explained))
            {
                assertEquals(first, second, "still explained once fds are back\n" + child.transcript());
            }
            else
            {
                assertTrue(first.startsWith("java.io.UncheckedIOException"), "with one fd left: " + first +
                    "\n" + child.transcript());
                assertEquals("ok", second, child.transcript());
            }
            System.out.println("late start on " + backend + ": " + first);
        }
        finally
        {
            child.destroy();
        }
    }

    private static void converse(final Socket s, final Child child) throws IOException
    {
        s.setSoTimeout(SECONDS * 1000);
        final InputStream in = s.getInputStream();
        final OutputStream out = s.getOutputStream();
        assertEquals("hello\n", new String(in.readNBytes(6), StandardCharsets.ISO_8859_1),
            "the child's first write arrives\n" + child.transcript());
        out.write(new byte[] {'p', 'o', 'n', 'g', '\n'});
        out.flush();
        assertEquals(-1, in.read(), "the child closes after its first read\n" + child.transcript());
    }

    /**
     * The child JVM and its merged stdout/stderr.
     */
    private static final class Child
    {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder transcript = new StringBuilder();

        private Child(final Process process)
        {
            this.process = process;
            final Thread pump = new Thread(this::pump, "cold-start-child-output");
            pump.setDaemon(true);
            pump.start();
        }

        static Child start(final String backend, final String role, final int port) throws IOException
        {
            final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            final List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=" + NOFILE + ":" + NOFILE, "--",
                java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
            if (Runtime.version().feature() >= 22)
            {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ColdStartEmfileChild.class.getName(), backend, role, Integer.toString(port)));
            return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }

        /**
         * @return the port in the child's READY line, once it is out of fds
         */
        int ready() throws InterruptedException
        {
            final String ready = awaitLine("READY");
            final Matcher m = Pattern.compile("READY (\\d+) hoarded=(\\d+)").matcher(ready);
            assertTrue(m.find(), ready);
            assertTrue(Integer.parseInt(m.group(2)) > 0, "the child used up its fds: " + ready);
            return Integer.parseInt(m.group(1));
        }

        void done() throws InterruptedException
        {
            final String done = awaitLine("DONE");
            assertTrue(process.waitFor(SECONDS, TimeUnit.SECONDS), "child exits");
            assertEquals(0, process.exitValue(), transcript());
            assertEquals("DONE full=true pong=true", done,
                "the connection ran with no fd left and read the pong\n" + transcript());
        }

        String transcript()
        {
            synchronized (transcript)
            {
                return transcript.toString();
            }
        }

        void destroy() throws InterruptedException
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        private void pump()
        {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = r.readLine()))
                {
                    synchronized (transcript)
                    {
                        transcript.append(line).append('\n');
                    }
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // child gone
            }
        }

        private String awaitLine(final String prefix) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            while (System.nanoTime() < deadline)
            {
                final String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (null != line && line.startsWith(prefix))
                {
                    return line;
                }
                if (null == line && !process.isAlive() && lines.isEmpty())
                {
                    break;
                }
            }
            fail("no " + prefix + " line from the child; output:\n" + transcript());
            return null;
        }
    }
}
