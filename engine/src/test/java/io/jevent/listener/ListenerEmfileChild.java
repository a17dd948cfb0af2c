package io.jevent.listener;

import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.BufferEvent;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.loop.Errno;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link ListenerEmfileScenario}, run under a low RLIMIT_NOFILE. It listens, warms
 * up (so no class needs loading later), uses up every fd, prints {@code READY <port>}, keeps the fds
 * for {@code holdMs} while clients pile up in the backlog, prints {@code RELEASE}, frees the fds,
 * accepts the {@code expected} clients (writing "ok\n" to each), prints
 * {@code DONE errors=.. emfile=.. other=.. accepted=..} and exits 0.
 * <p>
 * Arguments: backend, holdMs, expected, and optionally {@code stderr}: no error callback is set, so
 * the listener logs each failure itself through {@link System.Logger} (java.util.logging's console
 * handler writes it to stderr), and the DONE line counts no errors. An EMFILE reported through the
 * callback while the listener does not say it is paused counts as an "other" error (-1).
 */
public final class ListenerEmfileChild
{
    private static int errors;
    private static int emfile;
    private static int other;
    private static int accepted;

    private ListenerEmfileChild()
    {
    }

    /**
     * @param args backend, holdMs, expected[, stderr]
     * @throws Exception on any failure (exit code != 0)
     */
    public static void main(final String[] args) throws Exception
    {
        final String backend = args[0];
        final long holdMs = Long.parseLong(args[1]);
        final int expected = Integer.parseInt(args[2]);
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend));
        final ConnListener listener = ConnListener.bind(base,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, 128, (l, s) ->
            {
                accepted++;
                final BufferEvent b = SocketBufferEvent.create(base, s, BevOptions.CLOSE_ON_FREE);
                b.setCallbacks(null, BufferEvent::free, (x, what) -> x.free());
                b.write(new byte[] {'o', 'k', '\n'});
            });
        if (args.length < 4 || !"stderr".equals(args[3]))
        {
            listener.setErrorCallback((l, errno) ->
            {
                errors++;
                if ((Errno.EMFILE == errno || Errno.ENFILE == errno) && l.isPaused())
                {
                    emfile++;
                }
                else if (Errno.EMFILE == errno || Errno.ENFILE == errno)
                {
                    other = -1;
                }
                else
                {
                    other = errno;
                }
            });
        }
        warmUp(base, listener.localAddress());
        accepted = 0;
        errors = 0;
        emfile = 0;

        final List<FileChannel> hoard = new ArrayList<>();
        final Path devNull = Paths.get("/dev/null");
        try
        {
            while (true)
            {
                hoard.add(FileChannel.open(devNull, StandardOpenOption.READ));
            }
        }
        catch (final IOException expectedWhenOutOfFds)
        {
            // every fd is in use now
        }
        System.out.println("READY " + listener.localAddress().getPort() + " hoarded=" + hoard.size());
        System.out.flush();

        base.once(-1, EventFlags.TIMEOUT, holdMs, TimeUnit.MILLISECONDS, (e, fd, what) ->
        {
            System.out.println("RELEASE");
            System.out.flush();
            for (final FileChannel c : hoard)
            {
                try
                {
                    c.close();
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
            hoard.clear();
        });
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs + 20_000);
        while (accepted < expected && System.nanoTime() < deadline)
        {
            base.loopExit(20, TimeUnit.MILLISECONDS);
            base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        }
        base.loopExit(500, TimeUnit.MILLISECONDS);
        base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        listener.free();
        base.free();
        System.out.println("DONE errors=" + errors + " emfile=" + emfile + " other=" + other + " accepted=" + accepted);
        System.out.flush();
        System.exit(accepted == expected ? 0 : 3);
    }

    /**
     * Runs one whole accept / write / free cycle so every class the EMFILE phase needs is loaded.
     */
    private static void warmUp(final EventBase base, final InetSocketAddress address) throws IOException
    {
        try (Socket s = new Socket())
        {
            s.connect(address, 5000);
            s.setSoTimeout(5000);
            base.loopExit(300, TimeUnit.MILLISECONDS);
            base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
            final InputStream in = s.getInputStream();
            if ('o' != in.read() || 'k' != in.read())
            {
                throw new IllegalStateException("warm-up failed");
            }
        }
        base.loopExit(50, TimeUnit.MILLISECONDS);
        base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        // a retry-timer round trip: the back-off path uses timers and the accept event
        base.once(-1, EventFlags.TIMEOUT, 1, TimeUnit.MILLISECONDS, (e, fd, what) ->
        {
        });
        base.loopExit(20, TimeUnit.MILLISECONDS);
        base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        // the listener's own log line (no error callback) names the errno; the listener readied its
        // logger when it was made
        Errno.name(Errno.EMFILE);
    }
}
