package io.jevent.samples;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;

/**
 * Prints how an epoll loop reaches the kernel in this JVM, on one line: {@code ffm}, {@code jna}, or
 * {@code none: REASON} when the epoll backend cannot be made here ({@link EventBase#binding()}). Run it
 * with the JVM flags and {@code -Djevent.native} setting of the program it stands for:
 * {@code java $(java -cp samples.jar io.jevent.samples.PrintFlags) -cp samples.jar io.jevent.samples.PrintBinding}.
 */
public final class PrintBinding
{
    private PrintBinding()
    {
    }

    /**
     * @param args ignored
     */
    public static void main(final String[] args)
    {
        String binding;
        try
        {
            final EventBase base = new EventBase(new EventBaseConfig().backend("epoll"));
            binding = base.binding();
            base.free();
        }
        catch (final RuntimeException | LinkageError e)
        {
            binding = "none: " + e;
        }
        System.out.println(binding);
    }
}
