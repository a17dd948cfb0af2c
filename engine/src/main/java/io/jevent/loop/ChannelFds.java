package io.jevent.loop;

import org.agrona.UnsafeApi;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fd number behind a JDK {@link SelectableChannel}, read from the JDK implementation's private
 * {@code fdVal} field (SocketChannelImpl, ServerSocketChannelImpl, the Pipe channels,
 * DatagramChannelImpl). Field offsets are resolved once per class; the read itself is one load.
 */
public final class ChannelFds
{
    private static final ConcurrentHashMap<Class<?>, Long> OFFSETS = new ConcurrentHashMap<>();

    private ChannelFds()
    {
    }

    /**
     * @param channel a JDK socket, server socket, datagram or pipe channel
     * @return its fd number, or -1 if it is closed
     * @throws IllegalArgumentException if the channel class keeps no fd this helper knows
     */
    public static int fdOf(final SelectableChannel channel)
    {
        if (!channel.isOpen())
        {
            return -1;
        }
        final Long offset = OFFSETS.computeIfAbsent(channel.getClass(), ChannelFds::offsetOf);
        if (offset < 0)
        {
            throw new IllegalArgumentException("no fd in " + channel.getClass().getName());
        }
        return UnsafeApi.getInt(channel, offset);
    }

    private static Long offsetOf(final Class<?> type)
    {
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            for (final java.lang.reflect.Field f : c.getDeclaredFields())
            {
                if ("fdVal".equals(f.getName()) && int.class == f.getType())
                {
                    return UnsafeApi.objectFieldOffset(c, "fdVal");
                }
            }
        }
        return -1L;
    }
}
