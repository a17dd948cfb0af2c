package io.jevent.bench.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * What the echo JMH benchmarks share: starting a server on loopback, connecting a non-blocking
 * TCP_NODELAY client, and the byte pattern messages carry.
 */
final class EchoJmhClient
{
    private EchoJmhClient()
    {
    }

    /**
     * @param echo the server to start
     * @return a connected, non-blocking client
     * @throws IOException if the server cannot start or the connection fails
     */
    static SocketChannel start(final EchoBenchServer echo) throws IOException
    {
        final InetSocketAddress address = echo.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final SocketChannel client = SocketChannel.open(address);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.configureBlocking(false);
        return client;
    }

    /**
     * @param i offset in a message
     * @return the byte the pattern has there
     */
    static byte patternByte(final long i)
    {
        return (byte)(i * 31 + 7);
    }

    /**
     * @param size message size
     * @return a direct buffer of {@code size} pattern bytes
     */
    static ByteBuffer message(final int size)
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++)
        {
            b.put(i, patternByte(i));
        }
        return b;
    }
}
