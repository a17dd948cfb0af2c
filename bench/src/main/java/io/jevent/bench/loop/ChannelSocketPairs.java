package io.jevent.bench.loop;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventCallback;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Socket pairs as JDK AF_UNIX {@link SocketChannel}s (JDK 16+): each pair is a connect to, and an
 * accept from, a temporary listening socket, which is closed (and its path deleted) once all pairs
 * exist. Both ends are non-blocking, as the nio backend requires for the read end (and as keeps the
 * write path free of interruptible-I/O bookkeeping). One reused 1-byte direct buffer per direction.
 */
final class ChannelSocketPairs extends SocketPairs
{
    private final SocketChannel[] readers;
    private final SocketChannel[] writers;
    private final ByteBuffer recvBuf = ByteBuffer.allocateDirect(1);
    private final ByteBuffer sendBuf = ByteBuffer.allocateDirect(1);

    ChannelSocketPairs(final int n) throws IOException
    {
        super(n);
        readers = new SocketChannel[n];
        writers = new SocketChannel[n];
        sendBuf.put(0, (byte)'e');
        final Path dir = Files.createTempDirectory("jevent-pairs");
        final UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("s"));
        int opened = 0;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(address, 64);
            for (; opened < n; opened++)
            {
                final SocketChannel w = SocketChannel.open(address);
                final SocketChannel r;
                try
                {
                    r = server.accept();
                }
                catch (final IOException ex)
                {
                    w.close();
                    throw ex;
                }
                r.configureBlocking(false);
                w.configureBlocking(false);
                readers[opened] = r;
                writers[opened] = w;
            }
        }
        catch (final IOException ex)
        {
            closeFirst(opened);
            throw new IOException("socket pair #" + opened + " failed: " + ex +
                " (raise ulimit -n to at least " + (2L * n + 50) + ")", ex);
        }
        finally
        {
            Files.deleteIfExists(address.getPath());
            Files.deleteIfExists(dir);
        }
    }

    @Override
    public Event newReadEvent(final EventBase base, final int i, final int events, final EventCallback callback)
    {
        return base.newEvent(readers[i], events, callback);
    }

    @Override
    public int recvOne(final int i)
    {
        recvBuf.clear();
        try
        {
            return readers[i].read(recvBuf);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    @Override
    public int sendOne(final int i)
    {
        sendBuf.clear();
        try
        {
            return writers[i].write(sendBuf);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    @Override
    public void close()
    {
        closeFirst(n);
    }

    private void closeFirst(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            closeQuietly(readers[i]);
            closeQuietly(writers[i]);
        }
    }

    private static void closeQuietly(final SocketChannel c)
    {
        if (null != c)
        {
            try
            {
                c.close();
            }
            catch (final IOException ignored)
            {
                // closing a socket pair end: nothing to do
            }
        }
    }
}
