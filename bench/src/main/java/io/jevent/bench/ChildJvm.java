package io.jevent.bench;

import io.jevent.samples.JvmFlags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this JVM's class path, with jevent's JVM flags ({@link JvmFlags}) for the JDK it runs on
 * (this JVM's, or another {@link Jdk}), driven by a line
 * protocol: commands on its stdin, replies on its stdout, each reply a line whose first word names it.
 * Other stdout lines are passed to stderr with the child's name; its stderr is inherited. A child
 * should exit when its stdin ends, so it never outlives its parent.
 */
public final class ChildJvm
{
    private final String name;
    private final Process process;
    private final BufferedReader fromChild;
    private final Writer toChild;

    private ChildJvm(final String name, final Process process)
    {
        this.name = name;
        this.process = process;
        this.fromChild = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        this.toChild = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    }

    /**
     * Starts {@code main} in a new JVM.
     *
     * @param name    the child's name in messages
     * @param cpus    a taskset CPU list (e.g. {@code "1"}), or null not to pin
     * @param jvmArgs JVM arguments beyond jevent's flags
     * @param main    the class whose {@code main} runs
     * @param args    its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static ChildJvm start(final String name, final String cpus, final List<String> jvmArgs, final Class<?> main,
        final List<String> args) throws IOException
    {
        return start(name, cpus, Jdk.current(), jvmArgs, main, args);
    }

    /**
     * Starts {@code main} in a new JVM of a given JDK, with jevent's flags for that JDK's version.
     *
     * @param name    the child's name in messages
     * @param cpus    a taskset CPU list (e.g. {@code "1"}), or null not to pin
     * @param jdk     the JDK whose {@code bin/java} runs it
     * @param jvmArgs JVM arguments beyond jevent's flags
     * @param main    the class whose {@code main} runs
     * @param args    its arguments
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static ChildJvm start(final String name, final String cpus, final Jdk jdk, final List<String> jvmArgs,
        final Class<?> main, final List<String> args) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        if (null != cpus)
        {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.add(jdk.java().toString());
        cmd.addAll(Arrays.asList(jdk.flags().split("\\s+")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return new ChildJvm(name, new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /**
     * @param line a command, without the newline
     * @throws IOException if the child's stdin is closed
     */
    public void send(final String line) throws IOException
    {
        toChild.write(line + "\n");
        toChild.flush();
    }

    /**
     * Reads the child's stdout up to the next line starting with {@code word}.
     *
     * @param word the reply's first word
     * @return that line split on whitespace
     * @throws IOException if the child's stdout ends first
     */
    public String[] expect(final String word) throws IOException
    {
        String line;
        while (null != (line = fromChild.readLine()))
        {
            final String[] parts = line.trim().split("\\s+");
            if (word.equals(parts[0]))
            {
                return parts;
            }
            System.err.println("[" + name + "] " + line);
        }
        throw new IOException(name + " process ended before " + word);
    }

    /**
     * @param command a command
     * @param word    the first word of its reply
     * @return the reply split on whitespace
     * @throws IOException if the child is gone
     */
    public String[] request(final String command, final String word) throws IOException
    {
        send(command);
        return expect(word);
    }

    /**
     * Sends {@code command}, waits for the reply {@code word} and for the child to exit; kills it if it
     * does not within {@code timeoutSeconds} or fails to answer.
     *
     * @param command        the stop command
     * @param word           the first word of its reply
     * @param timeoutSeconds how long to wait for the exit
     * @return the reply split on whitespace, or null if the child did not answer
     */
    public String[] stop(final String command, final String word, final long timeoutSeconds)
    {
        String[] reply = null;
        try
        {
            reply = request(command, word);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            process.destroyForcibly();
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return reply;
    }

    /**
     * Kills the child if it still runs.
     */
    public void destroy()
    {
        process.destroyForcibly();
    }

    /**
     * @return the child's process id
     */
    public long pid()
    {
        return process.pid();
    }
}
