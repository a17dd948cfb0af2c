package io.jevent.samples;

import io.jevent.buffer.SegmentPool;
import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.BufferEvent;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.bufferevent.TlsBufferEvent;
import io.jevent.listener.ConnListener;
import io.jevent.listener.ListenerFlags;
import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopFlags;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * jevent's echo server sample, in one of two shapes:
 * <ul>
 *   <li><b>SO_REUSEPORT</b> (default): {@code --loops N} loops, each with its own listener on the
 *       same port; the kernel spreads connections across them.</li>
 *   <li><b>Acceptor</b> ({@code --acceptor}): one loop accepts; for each connection it makes the
 *       bufferevent on a worker loop chosen round-robin ({@code SocketBufferEvent.create(worker, socket,
 *       CLOSE_ON_FREE)}) and hands it over with {@code worker.execute(...)}, where its callbacks are set
 *       and it is enabled.</li>
 * </ul>
 * Each connection is served by an {@link EchoHandler} (back-pressure, drain-then-free on EOF). Stops
 * cleanly on SIGINT/SIGTERM: connections, then listeners, then loops are freed.
 * <p>
 * Usage: {@code echo-server [--backend epoll|nio|busy-spin|epoll-busy-spin|nio-busy-spin] [--port P]
 * [--host H] [--loops N] [--acceptor] [--high-watermark B] [--low-watermark B] [--idle-timeout MS]
 * [--backlog N] [--send-buffer B] [--tls [--cert PEM --key PEM]]}, defaults in {@link EchoOptions}. With
 * {@code --tls} every connection is a {@link TlsBufferEvent} over its socket bufferevent, and a connection
 * that ends cleanly sends close_notify before it closes.
 */
public final class EchoServer
{
    private static final long JOIN_MS = 5000;

    private final EchoOptions options;
    private final SegmentPool pool;
    private final SSLContext tls;
    private final List<Loop> workers = new ArrayList<>();
    private Loop acceptor;
    private int nextWorker;
    private boolean started;
    private boolean stopped;

    /**
     * @param options the server's options
     */
    public EchoServer(final EchoOptions options)
    {
        this(options, null);
    }

    /**
     * @param options the server's options
     * @param pool    the segment pool of every loop, or null for the default (the shared pool)
     */
    public EchoServer(final EchoOptions options, final SegmentPool pool)
    {
        this.options = options;
        this.pool = pool;
        this.tls = options.tls() ? TlsIdentity.serverContext(options.certFile(), options.keyFile()) : null;
    }

    /**
     * On the connection's loop thread: the socket bufferevent itself, or TLS over it with {@code --tls}.
     */
    private BufferEvent secure(final BufferEvent socket)
    {
        if (null == tls)
        {
            return socket;
        }
        final SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        try
        {
            return BufferEvent.tls(socket, engine, BevOptions.CLOSE_ON_FREE);
        }
        catch (final SSLException e)
        {
            socket.free();
            throw new IllegalStateException("TLS engine refused to start", e);
        }
    }

    /**
     * Binds, starts the loops and returns once they all run.
     *
     * @return the address connections are accepted on
     */
    public synchronized InetSocketAddress start()
    {
        if (started)
        {
            throw new IllegalStateException("already started");
        }
        started = true;
        InetSocketAddress address = new InetSocketAddress(resolve(options.host()), options.port());
        for (int i = 0; i < options.loops(); i++)
        {
            final Loop w = new Loop(newBase(), new EchoHandler(options), (options.acceptor() ? "echo-worker-" :
                "echo-loop-") + i);
            if (!options.acceptor())
            {
                w.listener = ConnListener.bind(w.base, address, ListenerFlags.REUSEABLE | ListenerFlags.REUSEABLE_PORT,
                    options.backlog(), (l, socket) -> w.handler.serve(secure(SocketBufferEvent.create(w.base, socket,
                    BevOptions.CLOSE_ON_FREE))));
                address = w.listener.localAddress();
            }
            workers.add(w);
        }
        if (options.acceptor())
        {
            acceptor = new Loop(newBase(), null, "echo-acceptor");
            acceptor.listener = ConnListener.bind(acceptor.base, address, ListenerFlags.REUSEABLE, options.backlog(),
                (l, socket) -> handOver(socket));
            address = acceptor.listener.localAddress();
        }
        for (final Loop l : loops())
        {
            l.thread.start();
        }
        for (final Loop l : loops())
        {
            while (!l.base.isRunning() && l.thread.isAlive())
            {
                Thread.onSpinWait();
            }
        }
        return address;
    }

    /**
     * The acceptor's callback: the bufferevent is made here, on the acceptor thread, for the worker's
     * loop; its callbacks are set and it is enabled on the worker's thread.
     */
    private void handOver(final AcceptedSocket socket)
    {
        final Loop worker = workers.get(nextWorker);
        nextWorker = (nextWorker + 1) % workers.size();
        final BufferEvent bev = SocketBufferEvent.create(worker.base, socket, BevOptions.CLOSE_ON_FREE);
        worker.base.execute(() -> worker.handler.serve(secure(bev)));
    }

    /**
     * Stops: each loop frees its connections (discarding unsent echo) and its listener and breaks;
     * then the loops are freed. The acceptor goes first, so no hand-over is left behind. Idempotent.
     */
    public synchronized void stop()
    {
        if (!started || stopped)
        {
            return;
        }
        stopped = true;
        if (null != acceptor)
        {
            stopLoop(acceptor);
            join(acceptor);
        }
        for (final Loop w : workers)
        {
            stopLoop(w);
        }
        for (final Loop w : workers)
        {
            join(w);
        }
        for (final Loop l : loops())
        {
            if (l.thread.isAlive())
            {
                System.err.println("echo-server: " + l.thread.getName() + " did not stop; its loop is not freed");
            }
            else
            {
                l.base.free();
            }
        }
    }

    /**
     * Waits until every loop thread has ended (after {@link #stop()}).
     *
     * @throws InterruptedException if interrupted meanwhile
     */
    public void awaitTermination() throws InterruptedException
    {
        for (final Loop l : loops())
        {
            l.thread.join();
        }
    }

    /**
     * @return the I/O method of the loops, e.g. {@code epoll} or {@code nio-busy-spin}
     */
    public String method()
    {
        return workers.get(0).base.method();
    }

    /**
     * @return how the loops reach the kernel: {@code ffm} or {@code jna} on epoll, {@code jdk} on nio
     */
    public String binding()
    {
        return workers.get(0).base.binding();
    }

    /**
     * @return every loop: the workers (or the SO_REUSEPORT loops), then the acceptor if there is one
     */
    public List<EventBase> bases()
    {
        final List<EventBase> b = new ArrayList<>();
        for (final Loop l : loops())
        {
            b.add(l.base);
        }
        return b;
    }

    /**
     * @return the loop threads, in the order of {@link #bases()}
     */
    public List<Thread> threads()
    {
        final List<Thread> t = new ArrayList<>();
        for (final Loop l : loops())
        {
            t.add(l.thread);
        }
        return t;
    }

    /**
     * @return the handler of each serving loop (counters)
     */
    public List<EchoHandler> handlers()
    {
        final List<EchoHandler> h = new ArrayList<>();
        for (final Loop w : workers)
        {
            h.add(w.handler);
        }
        return h;
    }

    private List<Loop> loops()
    {
        final List<Loop> all = new ArrayList<>(workers);
        if (null != acceptor)
        {
            all.add(acceptor);
        }
        return all;
    }

    private EventBase newBase()
    {
        final EventBaseConfig config = new EventBaseConfig().backend(options.method()).busySpin(options.busySpin());
        return new EventBase(null == pool ? config : config.pool(pool));
    }

    private static void stopLoop(final Loop l)
    {
        l.base.execute(() ->
        {
            if (null != l.handler)
            {
                l.handler.freeAll();
            }
            if (null != l.listener)
            {
                l.listener.free();
            }
            l.base.loopBreak();
        });
    }

    private static void join(final Loop l)
    {
        try
        {
            l.thread.join(JOIN_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static InetAddress resolve(final String host)
    {
        try
        {
            return InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("unknown host " + host, ex);
        }
    }

    /**
     * @param args see the class comment
     * @throws InterruptedException if interrupted while waiting for the loops
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final EchoOptions options = EchoOptions.parse(args);
        final EchoServer server = new EchoServer(options);
        final InetSocketAddress address = server.start();
        System.out.println("echo-server " + server.method() + " (" + server.binding() + ") listening on " +
            address.getAddress().getHostAddress() + ":" + address.getPort() + " with " + options.loops() +
            (options.acceptor() ? " worker loop(s) behind an acceptor" : " loop(s)") + ", high watermark " +
            options.highWatermark() + " B");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.stop();
            System.out.println("echo-server stopped");
            System.out.flush();
        }));
        server.awaitTermination();
    }

    /** One loop, its thread, its handler (serving loops) and its listener (if it accepts). */
    private static final class Loop
    {
        private final EventBase base;
        private final EchoHandler handler;
        private final Thread thread;
        private ConnListener listener;

        Loop(final EventBase base, final EchoHandler handler, final String name)
        {
            this.base = base;
            this.handler = handler;
            this.thread = new Thread(() -> base.loop(LoopFlags.NO_EXIT_ON_EMPTY), name);
            thread.setDaemon(true);
        }
    }
}
