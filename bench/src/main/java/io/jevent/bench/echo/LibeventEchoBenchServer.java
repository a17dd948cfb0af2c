package io.jevent.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code libevent}: the C echo server of {@code bench/c/echo_server.c} on libevent 2.1, as its own
 * process (pinned like the others when asked). It is single-threaded, so its process CPU time (from
 * /proc/PID/stat) is its loop's. Built by {@code bench/c/build-peers.sh} when gcc and libevent-dev
 * are present; {@link #binary()} finds or builds it.
 */
public final class LibeventEchoBenchServer implements EchoBenchServer
{
    private static final long CLOCK_TICKS_NANOS = 10_000_000L;

    private final String cpus;
    private Process process;

    /**
     * @param cpus taskset CPU list, or null not to pin
     */
    public LibeventEchoBenchServer(final String cpus)
    {
        this.cpus = cpus;
    }

    /**
     * @return the built C server, building it if gcc and libevent's headers are present; null otherwise
     */
    public static Path binary()
    {
        final Path root = repoRoot();
        if (null == root)
        {
            return null;
        }
        final Path bin = root.resolve("bench/target/c/echo_server");
        final Path src = root.resolve("bench/c/echo_server.c");
        try
        {
            if (Files.isExecutable(bin) &&
                Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) >= 0)
            {
                return bin;
            }
            final Process p = new ProcessBuilder("bash", root.resolve("bench/c/build-peers.sh").toString())
                .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && 0 == p.exitValue() && Files.isExecutable(bin) ? bin : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Path repoRoot()
    {
        for (Path p = Path.of("").toAbsolutePath(); null != p; p = p.getParent())
        {
            if (Files.exists(p.resolve("bench/c/echo_server.c")))
            {
                return p;
            }
        }
        return null;
    }

    @Override
    public String name()
    {
        return "libevent";
    }

    @Override
    public String binding()
    {
        return "c";
    }

    @Override
    public String javaVersion()
    {
        return "";
    }

    @Override
    public InetSocketAddress start(final InetSocketAddress bindTo) throws IOException
    {
        final Path bin = binary();
        if (null == bin)
        {
            throw new IOException("the C libevent echo server cannot be built here (gcc, libevent-dev)");
        }
        final List<String> cmd = new ArrayList<>();
        if (null != cpus)
        {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(List.of(bin.toString(), "--host", bindTo.getAddress().getHostAddress(), "--port",
            Integer.toString(bindTo.getPort())));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.US_ASCII));
        final String line = in.readLine();
        if (null == line || !line.contains("listening on "))
        {
            stop();
            throw new IOException("libevent echo server did not start: " + line);
        }
        final String hostPort = line.substring(line.lastIndexOf(' ') + 1);
        final int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public Stats stats()
    {
        final long cpu = processCpuNanos();
        return new Stats(cpu, 0, cpu, 0);
    }

    private long processCpuNanos()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * CLOCK_TICKS_NANOS;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    @Override
    public void stop()
    {
        if (null != process)
        {
            process.destroy();
            try
            {
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }
}
