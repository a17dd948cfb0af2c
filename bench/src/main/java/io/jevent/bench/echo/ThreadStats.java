package io.jevent.bench.echo;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * CPU time and allocated bytes of given threads, through {@code com.sun.management.ThreadMXBean}, and the
 * JVM's JIT compilation time.
 */
final class ThreadStats
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    static
    {
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled())
        {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled())
        {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
    }

    private ThreadStats()
    {
    }

    static EchoBenchServer.Stats of(final List<Thread> threads)
    {
        long cpu = 0;
        long alloc = 0;
        for (final Thread t : threads)
        {
            final long c = THREADS.getThreadCpuTime(t.getId());
            final long a = THREADS.getThreadAllocatedBytes(t.getId());
            cpu += Math.max(0, c);
            alloc = a < 0 || alloc < 0 ? -1 : alloc + a;
        }
        return new EchoBenchServer.Stats(cpu, alloc, processCpuNanos(), jitMillis());
    }

    /**
     * @return total time this JVM's JIT compilers have spent compiling (ms), -1 if not monitored
     */
    static long jitMillis()
    {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return null != jit && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    static long currentThreadCpuNanos()
    {
        return THREADS.getCurrentThreadCpuTime();
    }

    static long currentThreadAllocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static long threadAllocatedBytes(final Thread t)
    {
        return THREADS.getThreadAllocatedBytes(t.getId());
    }

    static long processCpuNanos()
    {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
        {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
