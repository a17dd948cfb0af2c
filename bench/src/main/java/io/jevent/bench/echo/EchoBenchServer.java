package io.jevent.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An echo server under test: started fresh for each run, it reports the CPU time and the heap bytes
 * allocated by the thread(s) that serve connections, so that a harness can compute CPU and allocation
 * per echoed message. Implementations: {@link NioBaselineEchoServer}, {@link JeventEchoServer}, and
 * {@link ForkedEchoServer}, which runs any of them in a child JVM (optionally pinned with taskset).
 */
public interface EchoBenchServer extends AutoCloseable
{
    /**
     * @return the server's name in reports, e.g. {@code nio-baseline} or {@code jevent-epoll}
     */
    String name();

    /**
     * Binds, starts serving and returns once connections are accepted.
     *
     * @param bindTo where to listen; port 0 picks a free port
     * @return the bound address
     * @throws IOException if the server cannot start
     */
    InetSocketAddress start(InetSocketAddress bindTo) throws IOException;

    /**
     * @return a snapshot of the serving threads' CPU time and allocation; differences between two
     *     snapshots give the cost of what happened in between
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
     */
    record Stats(long loopCpuNanos, long loopAllocBytes, long processCpuNanos, long jitMillis)
    {
        /**
         * @param earlier an earlier snapshot
         * @return this minus earlier, field by field (unknown stays -1)
         */
        public Stats minus(final Stats earlier)
        {
            return new Stats(loopCpuNanos - earlier.loopCpuNanos,
                loopAllocBytes < 0 ? -1 : loopAllocBytes - earlier.loopAllocBytes,
                processCpuNanos < 0 ? -1 : processCpuNanos - earlier.processCpuNanos,
                jitMillis < 0 ? -1 : jitMillis - earlier.jitMillis);
        }
    }
}
