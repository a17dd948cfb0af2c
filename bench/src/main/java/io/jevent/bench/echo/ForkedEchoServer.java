package io.jevent.bench.echo;

import io.jevent.bench.JvmFlags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link EchoServers} server in a child JVM ({@link EchoServerProcess}), optionally under
 * {@code taskset -c CPUS}: the server gets its own JIT, GC and heap, and its own CPU. CPU time and
 * allocation are those the child measures for its loop thread(s).
 */
public final class ForkedEchoServer implements EchoBenchServer
{
    private final String server;
    private final String cpus;
    private final List<String> jvmArgs;
    private Process process;
    private BufferedReader fromChild;
    private Writer toChild;

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
        final List<String> cmd = new ArrayList<>();
        if (null != cpus)
        {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(JvmFlags.forCurrentJdk().split("\\s+")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoServerProcess.class.getName(),
            "--server", server, "--host", bindTo.getAddress().getHostAddress(),
            "--port", Integer.toString(bindTo.getPort())));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        fromChild = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        toChild = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        final String[] ready = expect("READY");
        return new InetSocketAddress(ready[1], Integer.parseInt(ready[2]));
    }

    @Override
    public Stats stats()
    {
        try
        {
            toChild.write("stats\n");
            toChild.flush();
            final String[] s = expect("STATS");
            return new Stats(Long.parseLong(s[1]), Long.parseLong(s[2]), Long.parseLong(s[3]));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void stop()
    {
        if (null == process)
        {
            return;
        }
        try
        {
            toChild.write("stop\n");
            toChild.flush();
            expect("STOPPED");
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            process.destroyForcibly();
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * @return the child's process id, or -1 when not started
     */
    public long pid()
    {
        return null == process ? -1 : process.pid();
    }

    private String[] expect(final String word) throws IOException
    {
        String line;
        while (null != (line = fromChild.readLine()))
        {
            final String[] parts = line.trim().split("\\s+");
            if (word.equals(parts[0]))
            {
                return parts;
            }
            System.err.println("[" + server + "] " + line);
        }
        throw new IOException(server + " server process ended before " + word);
    }
}
