package io.jevent.bench.echo;

import java.util.List;

/**
 * The echo servers the harness knows, by name.
 */
public final class EchoServers
{
    /** The baseline every ratio is taken against. */
    public static final String BASELINE = "nio-baseline";

    /** Every server name, baseline first. */
    public static final List<String> ALL = List.of(BASELINE, "jevent-epoll", "jevent-nio",
        "jevent-epoll-busy-spin", "jevent-nio-busy-spin", "netty-epoll", "libevent");
    /** Servers that run as their own native process rather than in a forked JVM. */
    public static final String LIBEVENT = "libevent";

    private EchoServers()
    {
    }

    /**
     * @param name a name of {@link #ALL}; {@code jevent-METHOD} also takes {@code :N} for N loops and
     *             {@code +ioBYTES} for a max single read and write other than jevent's default;
     *             {@code class:NAME} makes an EchoBenchServer by class name (the harness's own tests)
     * @return a new, unstarted in-process server
     */
    public static EchoBenchServer create(final String name)
    {
        if (BASELINE.equals(name))
        {
            return new NioBaselineEchoServer();
        }
        if ("netty-epoll".equals(name))
        {
            return new NettyEchoBenchServer();
        }
        if (LIBEVENT.equals(name))
        {
            return new LibeventEchoBenchServer(null);
        }
        if (name.startsWith("class:"))
        {
            try
            {
                return (EchoBenchServer)Class.forName(name.substring(6)).getDeclaredConstructor().newInstance();
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalArgumentException("cannot make server " + name, ex);
            }
        }
        if (name.startsWith("jevent-"))
        {
            String spec = name.substring("jevent-".length());
            int maxIo = 0;
            final int plus = spec.indexOf("+io");
            if (plus >= 0)
            {
                maxIo = Integer.parseInt(spec.substring(plus + 3));
                spec = spec.substring(0, plus);
            }
            int loops = 1;
            final int colon = spec.indexOf(':');
            if (colon >= 0)
            {
                loops = Integer.parseInt(spec.substring(colon + 1));
                spec = spec.substring(0, colon);
            }
            return new JeventEchoServer(spec, loops, maxIo);
        }
        throw new IllegalArgumentException("unknown server " + name + "; known: " + ALL);
    }
}
