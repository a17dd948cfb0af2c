package io.jevent.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Linux says about this process: open fds ({@code /proc/self/fd}), resident memory now and at
 * its peak ({@code VmRSS}, {@code VmHWM} of {@code /proc/self/status}) and CPU time.
 */
public final class ProcessProbe
{
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessProbe()
    {
    }

    /**
     * @return open fds, not counting those this count opens
     */
    public static int openFds()
    {
        return fdTargets().size();
    }

    /**
     * @return what each open fd points at ({@code socket:[inode]}, a path, {@code anon_inode:[eventpoll]}
     *     …), sorted, not counting those this listing opens (the directory stream holds two)
     */
    public static List<String> fdTargets()
    {
        final List<String> targets = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS))
        {
            for (final Path fd : fds)
            {
                try
                {
                    targets.add(Files.readSymbolicLink(fd).toString());
                }
                catch (final NoSuchFileException ex)
                {
                    continue;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
        targets.removeIf(listing::equals);
        targets.sort(null);
        return targets;
    }

    /**
     * @return resident set size now, in KiB
     */
    public static long rssKib()
    {
        return statusKib("VmRSS:");
    }

    /**
     * @return peak resident set size, in KiB
     */
    public static long peakRssKib()
    {
        return statusKib("VmHWM:");
    }

    /**
     * @return CPU time of the whole process (every thread, JIT and GC included), in nanoseconds, or -1
     */
    public static long cpuNanos()
    {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
        {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static long statusKib(final String field)
    {
        try
        {
            for (final String line : Files.readAllLines(STATUS))
            {
                if (line.startsWith(field))
                {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
            return -1;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
