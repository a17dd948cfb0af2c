package io.jevent.bench.echo;

import io.jevent.bench.ChildJvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Runs an {@link EchoServers} server in a child JVM ({@link EchoServerProcess}), optionally under
 * {@code taskset -c CPUS}: the server gets its own JIT, GC and heap, and its own CPU. CPU time,
 * allocation and syscalls are those the child measures for its loop thread(s).
 */
public final class ForkedEchoServer implements EchoBenchServer
{
    private final String server;
    private final String cpus;
    private final List<String> jvmArgs;
    private ChildJvm child;

    /**
     * @param server  a server name of {@link EchoServers}
     * @param cpus    a taskset CPU list for the child (e.g. {@code "1"}), or null not to pin
     * @param jvmArgs extra JVM arguments for the child (jevent's own flags are always added)
     */
    public ForkedEchoServer(final String server, final String cpus, final List<String> jvmArgs)
    {
        this.server = server;
        this.cpus = cpus;
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
        child = ChildJvm.start(server, cpus, jvmArgs, EchoServerProcess.class, List.of("--server", server,
            "--host", bindTo.getAddress().getHostAddress(), "--port", Integer.toString(bindTo.getPort())));
        final String[] ready = child.expect("READY");
        return new InetSocketAddress(ready[1], Integer.parseInt(ready[2]));
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
