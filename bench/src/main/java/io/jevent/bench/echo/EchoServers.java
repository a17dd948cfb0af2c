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
        "jevent-epoll-busy-spin", "jevent-nio-busy-spin");

    private EchoServers()
    {
    }

    /**
     * @param name a name of {@link #ALL}; {@code jevent-METHOD} also takes {@code :N} for N loops and
     *             {@code +ioBYTES} for a max single read and write other than jevent's default
     * @return a new, unstarted in-process server
     */
    public static EchoBenchServer create(final String name)
    {
        if (BASELINE.equals(name))
        {
            return new NioBaselineEchoServer();
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
