package io.jevent.bench;

import io.jevent.samples.JvmFlags;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}: {@code compare [options]} runs the loopback comparison
 * ({@link io.jevent.bench.compare.Compare}), {@code soak [options]} the soak of the echo sample
 * ({@link io.jevent.bench.soak.Soak}), {@code echo-bench-server --server NAME --port P} one of the
 * comparison's servers on its own ({@link io.jevent.bench.echo.StandaloneEchoServer}); anything else
 * is JMH's own command line, with jevent's JVM flags ({@link JvmFlags}) appended to every fork (a
 * {@code -jvmArgsAppend} given by the user is kept and extended).
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    /**
     * @param args JMH command-line arguments
     * @throws Exception as JMH throws it
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "compare".equals(args[0]))
        {
            io.jevent.bench.compare.Compare.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "echo-bench-server".equals(args[0]))
        {
            io.jevent.bench.echo.StandaloneEchoServer.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && "soak".equals(args[0]))
        {
            io.jevent.bench.soak.Soak.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        org.openjdk.jmh.Main.main(withFlags(args, JvmFlags.forCurrentJdk()));
    }

    static String[] withFlags(final String[] args, final String flags)
    {
        final List<String> out = new ArrayList<>(Arrays.asList(args));
        final int i = out.indexOf("-jvmArgsAppend");
        if (i >= 0 && i + 1 < out.size())
        {
            out.set(i + 1, flags + " " + out.get(i + 1));
        }
        else
        {
            out.add(0, "-jvmArgsAppend");
            out.add(1, flags);
        }
        return out.toArray(new String[0]);
    }
}
