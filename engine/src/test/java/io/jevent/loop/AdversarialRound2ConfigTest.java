package io.jevent.loop;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Second adversarial round (issue 8): loop configuration read from system properties, and the fd
 * table's bound. Backend-independent.
 */
class AdversarialRound2ConfigTest
{
    /**
     * Failed before the second round of issue-8 fixes: the issue-8 fixes validate the loop's numeric properties
     * (LoopConfiguration.longProperty names the property and refuses a value that is not a number in range, as
     * BufferConfiguration does "rather than being replaced by the default"). The two boolean ones are read with
     * Boolean.parseBoolean (LoopConfiguration.threadChecks, busySpin), which silently turns every value
     * but "true" into false: -Djevent.loop.threadChecks=1 (or yes, on, a typo) switches the thread
     * checks OFF, failing open; -Djevent.busySpin=1 quietly blocks instead of spinning. Every run.
     */
    @Test
    void shouldRefuseABooleanLoopPropertyThatIsNeitherTrueNorFalse()
    {
        final List<String> silentlyFalse = new ArrayList<>();
        check(LoopConfiguration.THREAD_CHECKS_PROP_NAME, LoopConfiguration::threadChecks, silentlyFalse);
        check(LoopConfiguration.BUSY_SPIN_PROP_NAME, LoopConfiguration::busySpin, silentlyFalse);
        check(LoopConfiguration.BUSY_SPIN_PROP_NAME, () -> new EventBaseConfig().busySpin(), silentlyFalse);
        assertEquals(List.of(), silentlyFalse, "values neither refused nor read as meant");
    }

    private static void check(final String property, final BooleanSupplier read, final List<String> silentlyFalse)
    {
        final String before = System.getProperty(property);
        try
        {
            for (final String v : List.of("1", "yes", "on", "ture"))
            {
                System.setProperty(property, v);
                try
                {
                    if (!read.getAsBoolean())
                    {
                        silentlyFalse.add(property + "=" + v + " read as false");
                    }
                }
                catch (final IllegalArgumentException refused)
                {
                    // what the numeric properties do
                }
            }
        }
        finally
        {
            if (null == before)
            {
                System.clearProperty(property);
            }
            else
            {
                System.setProperty(property, before);
            }
        }
    }

    /**
     * Failed before the fix (RLIMIT_NOFILE hard 20000, fs.nr_open 1048576): FdTable promises that "a bogus number
     * never grows the table", but it only refuses fds at or above fs.nr_open (FdTable.getOrCreate): an
     * fd ten times above the process's hard RLIMIT_NOFILE, which no fd of this process can have
     * without CAP_SYS_RESOURCE, grows the table to that size. Where systemd (240+) has raised
     * fs.nr_open to 1073741816 at boot, an Event on fd 1,000,000,000 (epoll) makes Event.add allocate a
     * table of 10^9 references (4 to 8 GB, OutOfMemoryError) before epoll_ctl says EBADF: the
     * first round's fix of that case depends on the host's sysctl.
     */
    @Test
    void shouldNotGrowTheFdTableForAnFdNoFdOfThisProcessCanHave() throws IOException
    {
        final long hard = hardNofile();
        final int bogus = (int)Math.min(Integer.MAX_VALUE, 10L * (hard > 0 ? hard : FdTable.DEFAULT_FD_CEILING));
        final FdTable t = new FdTable();
        final int before = t.capacity();
        final FdRecord r = t.getOrCreate(bogus);
        final int after = t.capacity();
        assertNull(r, "fd " + bogus + " with RLIMIT_NOFILE hard " + hard + " got a record");
        assertEquals(before, after, "fd table capacity after fd " + bogus);
    }

    /**
     * @return the hard RLIMIT_NOFILE of this process, from /proc/self/limits, or -1
     */
    private static long hardNofile() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/limits")))
        {
            if (line.startsWith("Max open files"))
            {
                final String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return "unlimited".equals(f[1]) ? -1 : Long.parseLong(f[1]);
            }
        }
        return -1;
    }
}
