package io.jevent.bench.samples;

import io.jevent.bufferevent.BevFlags;
import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.BufferEvent;
import io.jevent.listener.ConnListener;
import io.jevent.listener.ListenerFlags;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopFlags;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest jevent server: echo. Each loop owns a listener on the same port (SO_REUSEPORT), and
 * each connection is a BufferEvent whose read callback moves its input into its output without
 * copying. Stops cleanly on SIGINT/SIGTERM.
 * <p>
 * Usage: {@code echo-server --backend epoll|nio|busy-spin|epoll-busy-spin|nio-busy-spin --port P
 * [--loops N] [--host H]}
 */
public final class EchoServer
{
    private EchoServer()
    {
    }

    /**
     * @param args see the class comment
     * @throws InterruptedException if interrupted while waiting for the loops
     */
    public static void main(final String[] args) throws InterruptedException
    {
        String backend = "";
        String host = "127.0.0.1";
        int port = 0;
        int loops = 1;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--backend" -> backend = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--loops" -> loops = Integer.parseInt(args[i + 1]);
                case "--host" -> host = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final boolean spin = backend.endsWith("busy-spin");
        final String method = "busy-spin".equals(backend) ? "" : backend.replace("-busy-spin", "");
        final List<EventBase> bases = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        InetSocketAddress address = null;
        for (int i = 0; i < loops; i++)
        {
            final EventBase base = new EventBase(new EventBaseConfig().backend(method).busySpin(spin));
            final InetSocketAddress bindTo = null == address ?
                new InetSocketAddress(resolve(host), port) : address;
            final ConnListener listener = ConnListener.bind(base, bindTo,
                ListenerFlags.REUSEABLE | ListenerFlags.REUSEABLE_PORT, -1, (l, socket) -> serve(base, socket));
            address = listener.localAddress();
            bases.add(base);
            final Thread t = new Thread(() -> base.loop(LoopFlags.NO_EXIT_ON_EMPTY), "echo-loop-" + i);
            threads.add(t);
        }
        System.out.println("echo-server " + bases.get(0).getMethod() + " listening on " +
            address.getAddress().getHostAddress() + ":" + address.getPort() + " with " + loops + " loop(s)");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bases, threads)));
        threads.forEach(Thread::start);
        for (final Thread t : threads)
        {
            t.join();
        }
    }

    private static void serve(final EventBase base, final io.jevent.loop.AcceptedSocket socket)
    {
        final BufferEvent bev = BufferEvent.socket(base, socket, BevOptions.CLOSE_ON_FREE);
        bev.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) ->
        {
            if (0 != (what & (BevFlags.EOF | BevFlags.ERROR | BevFlags.TIMEOUT)))
            {
                b.free();
            }
        });
        bev.enable(EventFlags.READ | EventFlags.WRITE);
    }

    private static void stop(final List<EventBase> bases, final List<Thread> threads)
    {
        for (final EventBase b : bases)
        {
            b.execute(b::loopBreak);
        }
        for (final Thread t : threads)
        {
            try
            {
                t.join(2000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        for (final EventBase b : bases)
        {
            b.free();
        }
        System.out.println("echo-server stopped");
        System.out.flush();
    }

    private static InetAddress resolve(final String host)
    {
        try
        {
            return InetAddress.getByName(host);
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalArgumentException("unknown host " + host, ex);
        }
    }
}
