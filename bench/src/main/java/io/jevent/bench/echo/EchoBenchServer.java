package io.jevent.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An echo server under test: started fresh for each run, it reports the CPU time and the heap bytes
 * allocated by the thread(s) that serve connections (and, where it can count them, their syscalls), so
 * that a harness can compute CPU, allocation and syscalls per echoed message. Implementations:
 * {@link NioBaselineEchoServer}, {@link JeventEchoServer}, and {@link ForkedEchoServer}, which runs any
 * of them in a child JVM (optionally pinned with taskset).
 */
public interface EchoBenchServer extends AutoCloseable
{
    /**
     * @return the server's name in reports, e.g. {@code nio-baseline} or {@code jevent-epoll}
     */
    String name();

    /**
     * How the server reaches the kernel, as the server itself reports it: {@code "ffm"} or {@code "jna"}
     * (jevent's epoll through libc, {@code EventBase.binding()}), {@code "jdk"} (java.nio), {@code "jni"}
     * (Netty's native transport), {@code "c"} (a C server).
     *
     * @return the binding once started, {@code "-"} if unknown
     */
    default String binding()
    {
        return "-";
    }

    /**
     * @return the version of the JVM the server runs in ({@code Runtime.version()}), or {@code ""} for a
     *     native server; this JVM's for an in-process server
     */
    default String javaVersion()
    {
        return Runtime.version().toString();
    }

    /**
     * Binds, starts serving and returns once connections are accepted.
     *
     * @param bindTo where to listen; port 0 picks a free port
     * @return the bound address
     * @throws IOException if the server cannot start
     */
    InetSocketAddress start(InetSocketAddress bindTo) throws IOException;

    /**
     * @return a snapshot of the serving threads' CPU time, allocation and syscalls; differences between
     *     two snapshots give the cost of what happened in between
     */
    Stats stats();

    /**
     * Stops serving, closes every connection and the listening socket. Idempotent.
     */
    void stop();

    @Override
    default void close()
    {
        stop();
    }

    /**
     * Cumulative counters of a server.
     *
     * @param loopCpuNanos    CPU time of the serving (loop) thread(s), user + system
     * @param loopAllocBytes  heap bytes allocated by the serving thread(s), -1 if unknown
     * @param processCpuNanos CPU time of the whole server process (JIT, GC included), -1 if unknown
     * @param jitMillis       time the server's JIT compilers have spent compiling (0 for a native server,
     *                        -1 if unknown), so a harness can warm up until compilation has quiesced
     * @param syscalls        syscalls of the serving thread(s), {@link SyscallCounts#UNKNOWN} if not counted
     */
    record Stats(long loopCpuNanos, long loopAllocBytes, long processCpuNanos, long jitMillis, SyscallCounts syscalls)
    {
        /**
         * Counters of a server that does not count its syscalls.
         *
         * @param loopCpuNanos    CPU time of the serving thread(s)
         * @param loopAllocBytes  heap bytes they allocated, -1 if unknown
         * @param processCpuNanos CPU time of the process, -1 if unknown
         */
        public Stats(final long loopCpuNanos, final long loopAllocBytes, final long processCpuNanos)
        {
            this(loopCpuNanos, loopAllocBytes, processCpuNanos, -1, SyscallCounts.UNKNOWN);
        }

        /**
         * Counters of a server that does not count its syscalls.
         *
         * @param loopCpuNanos    CPU time of the serving thread(s)
         * @param loopAllocBytes  heap bytes they allocated, -1 if unknown
         * @param processCpuNanos CPU time of the process, -1 if unknown
         * @param jitMillis       time its JIT compilers have spent, -1 if unknown
         */
        public Stats(final long loopCpuNanos, final long loopAllocBytes, final long processCpuNanos,
            final long jitMillis)
        {
            this(loopCpuNanos, loopAllocBytes, processCpuNanos, jitMillis, SyscallCounts.UNKNOWN);
        }

        /**
         * Counters of a server whose JIT time is not known.
         *
         * @param loopCpuNanos    CPU time of the serving thread(s)
         * @param loopAllocBytes  heap bytes they allocated, -1 if unknown
         * @param processCpuNanos CPU time of the process, -1 if unknown
         * @param syscalls        syscalls of the serving thread(s)
         */
        public Stats(final long loopCpuNanos, final long loopAllocBytes, final long processCpuNanos,
            final SyscallCounts syscalls)
        {
            this(loopCpuNanos, loopAllocBytes, processCpuNanos, -1, syscalls);
        }

        /**
         * @param s syscalls counted at the same moment
         * @return these counters with those syscalls
         */
        public Stats withSyscalls(final SyscallCounts s)
        {
            return new Stats(loopCpuNanos, loopAllocBytes, processCpuNanos, jitMillis, s);
        }

        /**
         * @param earlier an earlier snapshot
         * @return this minus earlier, field by field (unknown stays -1)
         */
        public Stats minus(final Stats earlier)
        {
            return new Stats(loopCpuNanos - earlier.loopCpuNanos,
                loopAllocBytes < 0 ? -1 : loopAllocBytes - earlier.loopAllocBytes,
                processCpuNanos < 0 ? -1 : processCpuNanos - earlier.processCpuNanos,
                jitMillis < 0 ? -1 : jitMillis - earlier.jitMillis,
                syscalls.minus(earlier.syscalls));
        }
    }
}
