package io.jevent.samples;

/**
 * Prints {@link JvmFlags#forCurrentJdk()} on one line, for scripts that start a JVM on a jar directly
 * ({@code samples/bin/echo-server} on {@code samples.jar}, the perf scripts on {@code benchmarks.jar}):
 * {@code java $(java -cp samples.jar io.jevent.samples.PrintFlags) -cp samples.jar MAIN ...}. Run it with
 * the same {@code java} as the program, since the flags depend on the JDK version.
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
