package io.jevent.bench;

/**
 * Prints {@link JvmFlags#forCurrentJdk()} on one line, for scripts that start a JVM on
 * {@code benchmarks.jar} directly: {@code java $(java -cp benchmarks.jar io.jevent.bench.PrintFlags)
 * -cp benchmarks.jar MAIN ...}. Run it with the same {@code java} as the benchmark, since the flags
 * depend on the JDK version.
 */
public final class PrintFlags
{
    private PrintFlags()
    {
    }

    /**
     * @param args ignored
     */
    public static void main(final String[] args)
    {
        System.out.println(JvmFlags.forCurrentJdk());
    }
}
