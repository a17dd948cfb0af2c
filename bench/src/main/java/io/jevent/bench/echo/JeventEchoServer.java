package io.jevent.bench.echo;

import io.jevent.samples.EchoHandler;
import io.jevent.samples.EchoOptions;
import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.epoll.LibC;
import io.jevent.listener.ConnListener;
import io.jevent.listener.ListenerFlags;
import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopFlags;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * jevent's echo, as the sample {@code io.jevent.samples.EchoServer}: a ConnListener per loop
 * (SO_REUSEPORT when there are several) and one BufferEvent per connection served by the sample's
 * {@link EchoHandler} with its default options (echo by moving the input into the output, no copy;
 * back-pressure at a 256 KiB high watermark; drain-then-free on EOF). Parameterised by method:
 * {@code epoll}, {@code nio}, {@code epoll-busy-spin}, {@code nio-busy-spin}.
 * <p>
 * An epoll server may be given the libc binding it must run on ({@code jna} or {@code ffm}): the JVM's
 * {@code -Djevent.native} chooses it (a forked server's JVM is started with it), and {@link #start} refuses
 * to serve on another one. {@link #binding()} names the binding its loops run on.
 */
public final class JeventEchoServer implements EchoBenchServer
{
    private final String method;
    private final int loops;
    private final int maxSingleIo;
    private final String wantedBinding;
    private final List<Loop> running = new ArrayList<>();
    private volatile String binding = "-";

    /**
     * @param method {@code epoll}, {@code nio}, {@code epoll-busy-spin} or {@code nio-busy-spin}
     * @param loops  number of loops (threads), each with its own listener on the same port
     */
    public JeventEchoServer(final String method, final int loops)
    {
        this(method, loops, 0);
    }

    /**
     * @param method      see {@link #JeventEchoServer(String, int)}
     * @param loops       number of loops
     * @param maxSingleIo if above 0, each BufferEvent's max single read and write, the only caps of its
     *                    reads and writes (a tuning knob for comparison; 0 keeps jevent's defaults, as the
     *                    sample)
     */
    public JeventEchoServer(final String method, final int loops, final int maxSingleIo)
    {
        this(method, loops, maxSingleIo, null);
    }

    /**
     * @param method      see {@link #JeventEchoServer(String, int)}
     * @param loops       number of loops
     * @param maxSingleIo see {@link #JeventEchoServer(String, int, int)}
     * @param binding     the libc binding an epoll server must run on, {@code "jna"} or {@code "ffm"}, or null
     *                    for whichever this JVM chose
     */
    public JeventEchoServer(final String method, final int loops, final int maxSingleIo, final String binding)
    {
        this.method = method;
        this.loops = loops;
        this.maxSingleIo = maxSingleIo;
        this.wantedBinding = binding;
    }

    /**
     * @param method see {@link #JeventEchoServer(String, int)}; one loop
     */
    public JeventEchoServer(final String method)
    {
        this(method, 1);
    }

    @Override
    public String name()
    {
        return "jevent-" + method + (null != wantedBinding ? "-" + wantedBinding : "") +
            (loops > 1 ? ":" + loops : "") + (maxSingleIo > 0 ? "+io" + maxSingleIo : "");
    }

    /**
     * @return how its loops reach the kernel, {@code EventBase.binding()}: {@code "ffm"} or {@code "jna"} for
     *     epoll, {@code "jdk"} for nio; {@code "-"} before it started
     */
    @Override
    public String binding()
    {
        return binding;
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        final boolean spin = method.endsWith("-busy-spin");
        final String backend = method.replace("-busy-spin", "");
        if (null != wantedBinding)
        {
            checkBinding();
        }
        InetSocketAddress address = bindTo;
        for (int i = 0; i < loops; i++)
        {
            final String threadName = name() + "-loop-" + i;
            final Loop l = new Loop(new EventBase(new EventBaseConfig().backend(backend).busySpin(spin)), maxSingleIo);
            final int flags = ListenerFlags.REUSEABLE | (loops > 1 ? ListenerFlags.REUSEABLE_PORT : 0);
            l.listener = ConnListener.bind(l.base, address, flags, -1, (li, s) -> l.serve(s));
            address = l.listener.localAddress();
            l.thread = new Thread(() -> l.base.loop(LoopFlags.NO_EXIT_ON_EMPTY), threadName);
            l.thread.setDaemon(true);
            running.add(l);
        }
        binding = running.get(0).base.binding();
        for (final Loop l : running)
        {
            l.thread.start();
        }
        for (final Loop l : running)
        {
            while (!l.base.isRunning())
            {
                Thread.onSpinWait();
            }
        }
        return address;
    }

    private void checkBinding() throws IOException
    {
        if (!LibC.isAvailable())
        {
            throw new IOException(name() + ": epoll's libc binding " + wantedBinding + " is unavailable in this JVM: " +
                LibC.unavailabilityCause());
        }
        if (!wantedBinding.equals(LibC.binding()))
        {
            throw new IOException(name() + ": this JVM binds libc through " + LibC.binding() + ", not " +
                wantedBinding + " (-Djevent.native=" + wantedBinding + " chooses it when the JVM starts)");
        }
    }

    /**
     * CPU and allocation are read from the loop threads through the MXBean; the syscalls are copied
     * from each loop's {@code counters()} by a task on that loop, as the counters belong to it (a
     * blocked loop is woken for it: one eventfd write, counted).
     */
    @Override
    public Stats stats()
    {
        final List<Thread> threads = new ArrayList<>();
        SyscallCounts syscalls = new SyscallCounts(0, 0, 0, 0, 0);
        for (final Loop l : running)
        {
            threads.add(l.thread);
            syscalls = syscalls.plus(l.syscalls());
        }
        return ThreadStats.of(threads).withSyscalls(syscalls);
    }

    @Override
    public void stop()
    {
        for (final Loop l : running)
        {
            l.base.execute(l::shutdown);
        }
        for (final Loop l : running)
        {
            try
            {
                l.thread.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            l.base.free();
        }
        running.clear();
    }

    /** One loop, its listener and its open connections. */
    private static final class Loop
    {
        private final EventBase base;
        private final EchoHandler handler = new EchoHandler(EchoOptions.parse());
        private final int maxSingleIo;
        private ConnListener listener;
        private Thread thread;

        Loop(final EventBase base, final int maxSingleIo)
        {
            this.base = base;
            this.maxSingleIo = maxSingleIo;
        }

        void serve(final AcceptedSocket socket)
        {
            final SocketBufferEvent bev = SocketBufferEvent.create(base, socket, BevOptions.CLOSE_ON_FREE);
            if (maxSingleIo > 0)
            {
                bev.setMaxSingleRead(maxSingleIo);
                bev.setMaxSingleWrite(maxSingleIo);
            }
            handler.serve(bev);
        }

        SyscallCounts syscalls()
        {
            final CompletableFuture<SyscallCounts> f = new CompletableFuture<>();
            base.execute(() -> f.complete(SyscallCounts.of(base.counters())));
            try
            {
                return f.get(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return SyscallCounts.UNKNOWN;
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                return SyscallCounts.UNKNOWN;
            }
        }

        void shutdown()
        {
            handler.freeAll();
            listener.free();
            base.loopBreak();
        }
    }
}
