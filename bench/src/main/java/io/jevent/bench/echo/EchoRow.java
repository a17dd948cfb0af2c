package io.jevent.bench.echo;

/**
 * One measured (case, server) pair: the client's result and the server's cost in the same interval.
 *
 * @param server      the server name
 * @param round       which round of the run (0-based)
 * @param result      what the client measured
 * @param cost        the server's stats over the measured interval (a difference of two snapshots)
 * @param binding     how the server reached the kernel, as it reported it ({@link EchoBenchServer#binding()}:
 *                    ffm, jna, jdk, jni, c; {@code "-"} if unknown)
 * @param javaVersion the server JVM's version as it reported it, {@code ""} for a native server
 */
public record EchoRow(String server, int round, EchoLoadClient.Result result, EchoBenchServer.Stats cost,
    String binding, String javaVersion)
{
    /**
     * A row of a server that reported no binding or Java version.
     *
     * @param server the server name
     * @param round  which round of the run (0-based)
     * @param result what the client measured
     * @param cost   the server's stats over the measured interval
     */
    public EchoRow(final String server, final int round, final EchoLoadClient.Result result,
        final EchoBenchServer.Stats cost)
    {
        this(server, round, result, cost, "-", "");
    }

    /**
     * @return the server's name with its binding when the name does not say it, e.g. {@code jevent-epoll (ffm)},
     *     for the plots' legends
     */
    public String label()
    {
        return "-".equals(binding) || server.contains("-" + binding) ? server : server + " (" + binding + ")";
    }
    /**
     * @return CPU microseconds of the server's loop thread(s) per echoed message
     */
    public double serverCpuMicrosPerMsg()
    {
        return cost.loopCpuNanos() / 1e3 / result.messages();
    }

    /**
     * @return share of one CPU the server's loop thread(s) used (1.0 = one core busy)
     */
    public double serverCpuLoad()
    {
        return (double)cost.loopCpuNanos() / result.nanos();
    }

    /**
     * @return heap bytes the server's loop thread(s) allocated per message, NaN if unknown
     */
    public double serverBytesPerMsg()
    {
        return cost.loopAllocBytes() < 0 ? Double.NaN : (double)cost.loopAllocBytes() / result.messages();
    }

    /**
     * @return CPU microseconds of the client thread per message
     */
    public double clientCpuMicrosPerMsg()
    {
        return result.clientCpuNanos() / 1e3 / result.messages();
    }

    /**
     * @return share of one CPU the client thread used
     */
    public double clientCpuLoad()
    {
        return (double)result.clientCpuNanos() / result.nanos();
    }
}
