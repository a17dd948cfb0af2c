package io.jevent.bench.echo;

import io.jevent.bench.ChildJvm;
import io.jevent.bench.Jdk;
import io.jevent.epoll.EpollConfiguration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@link EchoServers} server in a child JVM ({@link EchoServerProcess}), optionally under
 * {@code taskset -c CPUS} and on another JDK than this one: the server gets its own JIT, GC and heap, and
 * its own CPU. CPU time, allocation and syscalls are those the child measures for its loop thread(s); the
 * binding and the Java version are those it reports when ready. A name that forces epoll's libc binding
 * ({@code jevent-epoll-jna}, {@code jevent-epoll-ffm}, ...) starts the child with {@code -Djevent.native=}
 * that binding, after every other JVM argument.
 */
public final class ForkedEchoServer implements EchoBenchServer
{
    private final String server;
    private final String cpus;
    private final Jdk jdk;
    private final List<String> jvmArgs;
    private ChildJvm child;
    private String binding = "-";
    private String javaVersion = "";

    /**
     * @param server  a server name of {@link EchoServers}
     * @param cpus    a taskset CPU list for the child (e.g. {@code "1"}), or null not to pin
     * @param jvmArgs extra JVM arguments for the child (jevent's own flags are always added)
     */
    public ForkedEchoServer(final String server, final String cpus, final List<String> jvmArgs)
    {
        this(server, cpus, Jdk.current(), jvmArgs);
    }

    /**
     * @param server  a server name of {@link EchoServers}
     * @param cpus    a taskset CPU list for the child (e.g. {@code "1"}), or null not to pin
     * @param jdk     the JDK the child runs on (with jevent's flags for its version)
     * @param jvmArgs extra JVM arguments for the child (jevent's own flags are always added)
     */
    public ForkedEchoServer(final String server, final String cpus, final Jdk jdk, final List<String> jvmArgs)
    {
        this.server = server;
        this.cpus = cpus;
        this.jdk = jdk;
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    @Override
    public String name()
    {
        return server;
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        child = ChildJvm.start(server, cpus, jdk, jvmArgs(server, jvmArgs), EchoServerProcess.class,
            List.of("--server", server, "--host", bindTo.getAddress().getHostAddress(), "--port",
            Integer.toString(bindTo.getPort())));
        final String[] ready = child.expect("READY");
        binding = ready.length > 3 ? ready[3] : "-";
        javaVersion = ready.length > 4 ? ready[4] : "";
        return new InetSocketAddress(ready[1], Integer.parseInt(ready[2]));
    }

    /**
     * @param server  a server name
     * @param jvmArgs the JVM arguments given
     * @return them, followed by {@code -Djevent.native=BINDING} when the name forces a binding
     */
    static List<String> jvmArgs(final String server, final List<String> jvmArgs)
    {
        final String forced = EchoServers.forcedBinding(server);
        if (null == forced)
        {
            return jvmArgs;
        }
        final List<String> all = new ArrayList<>(jvmArgs);
        all.add("-D" + EpollConfiguration.NATIVE_PROP_NAME + "=" + forced);
        return all;
    }

    /**
     * @return the binding the child's server reported when ready ({@code "-"} before)
     */
    @Override
    public String binding()
    {
        return binding;
    }

    /**
     * @return the child JVM's {@code Runtime.version()}, as it reported it when ready ({@code ""} before)
     */
    @Override
    public String javaVersion()
    {
        return javaVersion;
    }

    @Override
    public Stats stats()
    {
        try
        {
            final String[] s = child.request("stats", "STATS");
            return new Stats(Long.parseLong(s[1]), Long.parseLong(s[2]), Long.parseLong(s[3]), Long.parseLong(s[4]),
                SyscallCounts.parse(s, 5));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void stop()
    {
        if (null == child)
        {
            return;
        }
        child.stop("stop", "STOPPED", 10);
        child = null;
    }

    /**
     * @return the child's process id, or -1 when not started
     */
    public long pid()
    {
        return null == child ? -1 : child.pid();
    }
}
