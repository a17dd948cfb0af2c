package io.jevent.bench.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One load shape: {@code connections} connections, each keeping up to {@code inFlight} messages of
 * {@code messageSize} bytes outstanding (1 = ping-pong: send, wait for the whole echo, send again).
 * With {@code clientSpin} the client busy-polls ({@code selectNow}) instead of blocking in select.
 * <p>
 * Names: {@code pingpong-<C>x<S>[-spin]} and {@code stream-<C>x<S>-w<N>[-spin]}, sizes in bytes or
 * with a {@code k} suffix (KiB), e.g. {@code pingpong-50x64}, {@code stream-50x4k-w8}.
 *
 * @param name        the case name, as parsed
 * @param connections number of connections
 * @param messageSize bytes per message
 * @param inFlight    messages outstanding per connection
 * @param clientSpin  the client busy-polls
 */
public record EchoCase(String name, int connections, int messageSize, int inFlight, boolean clientSpin)
{
    /** The default cases (issue 4 and 5), in run order. */
    public static final List<String> DEFAULTS = List.of("pingpong-1x64", "pingpong-50x64", "stream-50x4k-w8",
        "stream-1x64k-w4", "pingpong-1x64-spin");

    private static final Pattern SYNTAX =
        Pattern.compile("(pingpong|stream)-(\\d+)x(\\d+)(k?)(?:-w(\\d+))?(-spin)?");

    /**
     * @return true for a ping-pong case (one message in flight per connection)
     */
    public boolean pingPong()
    {
        return 1 == inFlight;
    }

    /**
     * @param clientSpin whether the client busy-polls
     * @return this case with the client's mode changed (and the name with or without {@code -spin})
     */
    public EchoCase withClientSpin(final boolean clientSpin)
    {
        if (clientSpin == this.clientSpin)
        {
            return this;
        }
        final String base = name.endsWith("-spin") ? name.substring(0, name.length() - 5) : name;
        return new EchoCase(clientSpin ? base + "-spin" : base, connections, messageSize, inFlight, clientSpin);
    }

    /**
     * @param name a case name (see the class comment)
     * @return the case
     */
    public static EchoCase parse(final String name)
    {
        final Matcher m = SYNTAX.matcher(name.trim());
        if (!m.matches())
        {
            throw new IllegalArgumentException("bad case " + name + ": expected pingpong-CxS[-spin] or " +
                "stream-CxS-wN[-spin], e.g. " + DEFAULTS);
        }
        final boolean stream = "stream".equals(m.group(1));
        final int conns = Integer.parseInt(m.group(2));
        final int size = Integer.parseInt(m.group(3)) * (m.group(4).isEmpty() ? 1 : 1024);
        final int inFlight = null == m.group(5) ? (stream ? 8 : 1) : Integer.parseInt(m.group(5));
        if (conns < 1 || size < 1 || size > EchoLoadClient.MAX_CHUNK || inFlight < 1 || (!stream && inFlight != 1))
        {
            throw new IllegalArgumentException("bad case " + name + ": connections >= 1, 1 <= size <= " +
                EchoLoadClient.MAX_CHUNK + ", ping-pong has one message in flight");
        }
        return new EchoCase(name.trim(), conns, size, inFlight, null != m.group(6));
    }

    /**
     * @param names comma-separated case names
     * @return the cases
     */
    public static List<EchoCase> parseList(final String names)
    {
        final List<EchoCase> out = new ArrayList<>();
        for (final String n : names.split(","))
        {
            if (!n.isBlank())
            {
                out.add(parse(n));
            }
        }
        return out;
    }
}
