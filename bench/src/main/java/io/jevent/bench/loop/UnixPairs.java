package io.jevent.bench.loop;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Connected AF_UNIX stream channel pairs for benchmarks (the java.nio equivalent of socketpair).
 */
public final class UnixPairs
{
    private UnixPairs()
    {
    }

    /**
     * @return two connected, blocking channels
     * @throws IOException if the kernel refuses
     */
    public static SocketChannel[] open() throws IOException
    {
        final Path path = Files.createTempFile("jevent", ".sock");
        Files.delete(path);
        final UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(path);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(addr);
            final SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
            client.connect(addr);
            final SocketChannel accepted = server.accept();
            return new SocketChannel[] {client, accepted};
        }
        finally
        {
            Files.deleteIfExists(path);
        }
    }
}
