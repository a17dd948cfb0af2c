package io.jevent.bufferevent;

import io.jevent.buffer.EolStyle;
import io.jevent.listener.ConnListener;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The child JVM of {@link ColdStartEmfileScenario}, run under a low RLIMIT_NOFILE: a process whose
 * fd table is full before its first socket I/O. It creates its loop, loads every jevent class (class
 * files in a directory need an fd each to load; the JDK's own classes come from the already open
 * module image), then uses up every fd but one, the one its single connection needs, and prints
 * {@code READY <port> hoarded=<n>}. None of the JDK's socket I/O has run yet.
 * <ul>
 *   <li>{@code server}: its listener (bound before the fds ran out) accepts the parent's connection
 *       into the last fd.</li>
 *   <li>{@code client}: it connects to the parent's port (argument 3) from the last fd.</li>
 * </ul>
 * Then, with no fd left, it writes {@code hello\n} (its first socket write), reads the parent's
 * {@code pong\n} (its first read) and frees the connection (its first close), lets the loop run on,
 * prints {@code DONE full=<no fd was left> pong=<pong read>}, releases its fds and exits 0 (3 when the
 * exchange did not finish in time). A JDK error escaping the loop ends it with a stack trace and exit
 * code 1.
 * <p>
 * The {@code late} role instead runs out of fds before its first loop exists (see {@link #lateStart}).
 * <p>
 * Arguments: backend, role ({@code server}, {@code client} or {@code late}), the parent's port (client
 * only).
 */
public final class ColdStartEmfileChild
{
    private static final long DEADLINE_MS = 10_000;
    private static boolean full;
    private static boolean pong;
    private static boolean closed;

    private ColdStartEmfileChild()
    {
    }

    /**
     * @param args backend, role, port
     * @throws Exception on any failure (exit code != 0)
     */
    public static void main(final String[] args) throws Exception
    {
        final String backend = args[0];
        if ("late".equals(args[1]))
        {
            lateStart(backend);
            return;
        }
        final boolean server = "server".equals(args[1]);
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend));
        final ConnListener listener = server ? ConnListener.bind(base,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, 8, (l, s) ->
            {
                l.disable();
                converse(SocketBufferEvent.create(base, s, BevOptions.CLOSE_ON_FREE), true);
            }) : null;
        final int port = server ? listener.localAddress().getPort() : Integer.parseInt(args[2]);
        final int preloaded = preloadJeventClasses();

        final List<FileInputStream> hoard = hoardAllButOne();
        System.out.println("READY " + port + " hoarded=" + hoard.size() + " preloaded=" + preloaded);
        System.out.flush();

        if (!server)
        {
            final SocketBufferEvent bev = SocketBufferEvent.create(base, (SocketChannel)null,
                BevOptions.CLOSE_ON_FREE);
            converse(bev, false);
            if (0 != bev.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
            {
                throw new IllegalStateException("connect failed: " + bev.socketError());
            }
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (!closed && System.nanoTime() < deadline)
        {
            base.loopExit(20, TimeUnit.MILLISECONDS);
            base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        }
        // a few more polls: the selector finishes closing a deregistered channel in its next select
        base.loopExit(50, TimeUnit.MILLISECONDS);
        base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        System.out.println("DONE full=" + full + " pong=" + pong);
        System.out.flush();
        for (final FileInputStream in : hoard)
        {
            in.close();
        }
        if (null != listener)
        {
            listener.free();
        }
        base.free();
        System.exit(closed && pong ? 0 : 3);
    }

    /**
     * The {@code late} role: the first loop of the process is created with one fd left, then again with
     * all fds free. Prints {@code FIRST <outcome>} and {@code SECOND <outcome>}, each {@code ok} or the
     * class and message of what the EventBase constructor threw, and exits 0.
     */
    private static void lateStart(final String backend) throws Exception
    {
        final int preloaded = preloadJeventClasses();
        final List<FileInputStream> hoard = hoardAllButOne();
        System.out.println("READY 0 hoarded=" + hoard.size() + " preloaded=" + preloaded);
        final String first = startLoop(backend);
        for (final FileInputStream in : hoard)
        {
            in.close();
        }
        System.out.println("FIRST " + first);
        System.out.println("SECOND " + startLoop(backend));
        System.out.flush();
        System.exit(0);
    }

    private static String startLoop(final String backend)
    {
        try
        {
            new EventBase(new EventBaseConfig().backend(backend)).free();
            return "ok";
        }
        catch (final RuntimeException | Error ex)
        {
            return ex.getClass().getName() + ": " + ex.getMessage();
        }
    }

    private static List<FileInputStream> hoardAllButOne() throws Exception
    {
        final List<FileInputStream> hoard = new ArrayList<>();
        hoardAll(hoard);
        // an fd some other thread held for a moment, or an unreachable stream's cleaner closes later
        System.gc();
        Thread.sleep(100);
        hoardAll(hoard);
        hoard.remove(hoard.size() - 1).close();
        return hoard;
    }

    private static void hoardAll(final List<FileInputStream> hoard)
    {
        try
        {
            while (true)
            {
                hoard.add(new FileInputStream("/dev/null"));
            }
        }
        catch (final IOException expectedWhenOutOfFds)
        {
            // every fd is in use now
        }
    }

    /**
     * Says hello once connected, waits for pong, then frees the connection.
     */
    private static void converse(final BufferEvent bev, final boolean connected)
    {
        bev.setCallbacks((b) ->
        {
            final String line = b.input().readLine(EolStyle.LF);
            if (null != line)
            {
                pong = "pong".equals(line);
                b.free();
                closed = true;
            }
        }, null, (b, what) ->
        {
            if (0 != (what & BevFlags.CONNECTED))
            {
                hello(b);
            }
            else
            {
                System.out.println("connection event 0x" + Integer.toHexString(what) + " errno " +
                    b.socketError());
                b.free();
                closed = true;
            }
        });
        bev.enable(EventFlags.READ);
        if (connected)
        {
            hello(bev);
        }
    }

    private static void hello(final BufferEvent bev)
    {
        full = !canOpenOneMoreFd();
        bev.write(new byte[] {'h', 'e', 'l', 'l', 'o', '\n'});
    }

    private static boolean canOpenOneMoreFd()
    {
        try
        {
            new FileInputStream("/dev/null").close();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Loads (without initialising) every class under io/jevent in the class path's directories, and
     * opens every jar on it, so no jevent class needs an fd to load once the fds are used up.
     *
     * @return how many classes were loaded
     */
    private static int preloadJeventClasses() throws IOException
    {
        final ClassLoader loader = ColdStartEmfileChild.class.getClassLoader();
        loader.getResource("io/jevent/no-such-resource"); // looks in, and so opens, every jar
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            final Path root = Paths.get(entry);
            final Path tree = root.resolve("io").resolve("jevent");
            if (!Files.isDirectory(tree))
            {
                continue;
            }
            final List<Path> files;
            try (Stream<Path> walk = Files.walk(tree))
            {
                files = walk.filter((p) -> p.toString().endsWith(".class")).collect(Collectors.toList());
            }
            for (final Path f : files)
            {
                final String rel = root.relativize(f).toString();
                final String name = rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.');
                try
                {
                    Class.forName(name, false, loader);
                    n++;
                }
                catch (final ClassNotFoundException | LinkageError ex)
                {
                    System.out.println("not preloaded: " + name + ": " + ex);
                }
            }
        }
        return n;
    }
}
