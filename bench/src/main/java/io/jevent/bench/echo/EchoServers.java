package io.jevent.bench.echo;

import java.util.List;

/**
 * The echo servers the harness knows, by name.
 */
public final class EchoServers
{
    /** The baseline every ratio is taken against. */
    public static final String BASELINE = "nio-baseline";
    /** Servers that run as their own native process rather than in a forked JVM. */
    public static final String LIBEVENT = "libevent";
    /** The libc bindings a jevent epoll server's name may force with a {@code -jna} or {@code -ffm} suffix. */
    public static final List<String> BINDINGS = List.of("jna", "ffm");
    /** The loop methods of a jevent server's name. */
    public static final List<String> METHODS = List.of("epoll", "nio", "epoll-busy-spin", "nio-busy-spin");

    /** Every server name, baseline first. */
    public static final List<String> ALL = List.of(BASELINE, "jevent-epoll", "jevent-epoll-jna", "jevent-epoll-ffm",
        "jevent-nio", "jevent-epoll-busy-spin", "jevent-epoll-busy-spin-jna", "jevent-epoll-busy-spin-ffm",
        "jevent-nio-busy-spin", "netty-epoll", LIBEVENT);
    /** The servers run when none are named: every server once, epoll on the binding its JDK chooses. */
    public static final List<String> DEFAULTS = List.of(BASELINE, "jevent-epoll", "jevent-nio",
        "jevent-epoll-busy-spin", "jevent-nio-busy-spin", "netty-epoll", LIBEVENT);

    private EchoServers()
    {
    }

    /**
     * @param name a name of {@link #ALL}; {@code jevent-METHOD} also takes {@code :N} for N loops and
     *             {@code +ioBYTES} for a max single read and write other than jevent's default, after an
     *             optional {@code -jna} or {@code -ffm} forcing epoll's libc binding ({@link #forcedBinding});
     *             {@code class:NAME} makes an EchoBenchServer by class name (the harness's own tests)
     * @return a new, unstarted in-process server
     * @throws IllegalArgumentException for an unknown name
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
        final JeventName j = JeventName.parse(name);
        return new JeventEchoServer(j.method(), j.loops(), j.maxIo(), j.binding());
    }

    /**
     * @param name a server name
     * @return the libc binding its name forces, {@code "jna"} or {@code "ffm"} (a forked server's JVM gets
     *     {@code -Djevent.native=} that), or null when it forces none (the JDK's choice, {@code auto})
     * @throws IllegalArgumentException for a malformed jevent server name
     */
    public static String forcedBinding(final String name)
    {
        return name.startsWith("jevent-") ? JeventName.parse(name).binding() : null;
    }

    /**
     * A jevent server's name taken apart: {@code jevent-METHOD[-jna|-ffm][:N][+ioBYTES]}.
     *
     * @param method  one of {@link #METHODS}
     * @param binding {@code "jna"}, {@code "ffm"}, or null for the JDK's choice
     * @param loops   number of loops
     * @param maxIo   max single read and write, 0 for jevent's default
     */
    record JeventName(String method, String binding, int loops, int maxIo)
    {
        static JeventName parse(final String name)
        {
            if (!name.startsWith("jevent-"))
            {
                throw unknown(name);
            }
            String spec = name.substring("jevent-".length());
            int maxIo = 0;
            final int plus = spec.indexOf("+io");
            if (plus >= 0)
            {
                maxIo = number(name, spec.substring(plus + 3));
                spec = spec.substring(0, plus);
            }
            int loops = 1;
            final int colon = spec.indexOf(':');
            if (colon >= 0)
            {
                loops = number(name, spec.substring(colon + 1));
                spec = spec.substring(0, colon);
            }
            String binding = null;
            for (final String b : BINDINGS)
            {
                if (null == binding && spec.endsWith("-" + b))
                {
                    binding = b;
                    spec = spec.substring(0, spec.length() - b.length() - 1);
                }
            }
            if (!METHODS.contains(spec))
            {
                throw unknown(name);
            }
            if (null != binding && !spec.startsWith("epoll"))
            {
                throw new IllegalArgumentException("server " + name + ": -" + binding + " chooses epoll's libc " +
                    "binding, and " + spec + " uses the JDK's java.nio; known: " + ALL);
            }
            return new JeventName(spec, binding, loops, maxIo);
        }

        private static int number(final String name, final String digits)
        {
            try
            {
                final int n = Integer.parseInt(digits);
                if (n > 0)
                {
                    return n;
                }
            }
            catch (final NumberFormatException ex)
            {
                // reported below
            }
            throw new IllegalArgumentException("server " + name + ": \"" + digits + "\" is not a positive number");
        }

        private static IllegalArgumentException unknown(final String name)
        {
            return new IllegalArgumentException("unknown server " + name + "; known: " + ALL +
                " (jevent-* also with :N loops and +ioBYTES)");
        }
    }
}
