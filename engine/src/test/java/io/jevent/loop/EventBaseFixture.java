package io.jevent.loop;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the parts of {@link EventBaseSuite} share: bases and channels made through the fixture are
 * freed or closed after each test, plus small helpers for channels and time.
 */
public interface EventBaseFixture
{
    /**
     * @return a fresh configuration for the backend under test
     */
    EventBaseConfig backendConfig();

    /**
     * @return the test's base (made on first use from {@link #backendConfig()}), freed after the test
     */
    EventBase base();

    /**
     * @param config a configuration, normally from {@link #backendConfig()}
     * @return a new base, freed after the test
     */
    EventBase newBase(EventBaseConfig config);

    /**
     * @param c anything to close after the test (in reverse order)
     * @param <T> its type
     * @return c
     */
    <T extends Closeable> T closeAfter(T c);

    /**
     * @return a pipe with both ends non-blocking, closed after the test
     */
    default Pipe pipe()
    {
        try
        {
            final Pipe p = Pipe.open();
            closeAfter(p.source());
            closeAfter(p.sink());
            p.source().configureBlocking(false);
            p.sink().configureBlocking(false);
            return p;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param n how many connected UNIX-domain stream pairs
     * @return n pairs, both ends non-blocking, closed after the test
     */
    default SocketChannel[][] unixPairs(final int n)
    {
        try
        {
            final Path dir = Files.createTempDirectory("jevent-loop");
            final Path path = dir.resolve("s");
            final UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
            final SocketChannel[][] pairs = new SocketChannel[n][];
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
            {
                server.bind(address, 64);
                for (int i = 0; i < n; i++)
                {
                    final SocketChannel a = closeAfter(SocketChannel.open(StandardProtocolFamily.UNIX));
                    a.connect(address);
                    final SocketChannel b = closeAfter(server.accept());
                    a.configureBlocking(false);
                    b.configureBlocking(false);
                    pairs[i] = new SocketChannel[] {a, b};
                }
            }
            finally
            {
                Files.deleteIfExists(path);
                Files.deleteIfExists(dir);
            }
            return pairs;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return one connected UNIX-domain stream pair, non-blocking
     */
    default SocketChannel[] unixPair()
    {
        return unixPairs(1)[0];
    }

    /**
     * @return one connected TCP loopback pair, non-blocking
     */
    default SocketChannel[] tcpPair()
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final SocketChannel a = closeAfter(SocketChannel.open(server.getLocalAddress()));
            final SocketChannel b = closeAfter(server.accept());
            a.configureBlocking(false);
            b.configureBlocking(false);
            return new SocketChannel[] {a, b};
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Writes n bytes (asserting all were taken).
     */
    static void write(final WritableByteChannel ch, final int n)
    {
        try
        {
            final ByteBuffer b = ByteBuffer.allocate(n);
            final int w = ch.write(b);
            if (w != n)
            {
                throw new AssertionError("wrote " + w + " of " + n);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Writes into a non-blocking channel until it takes no more.
     *
     * @return bytes written
     */
    static long fill(final WritableByteChannel ch)
    {
        try
        {
            final ByteBuffer b = ByteBuffer.allocate(65536);
            long total = 0;
            int w;
            do
            {
                b.clear();
                w = ch.write(b);
                total += w;
            }
            while (w > 0);
            return total;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Reads everything available from a non-blocking channel.
     *
     * @return bytes read, or -1 at end of stream with nothing read
     */
    static long drain(final ReadableByteChannel ch)
    {
        try
        {
            final ByteBuffer b = ByteBuffer.allocate(65536);
            long total = 0;
            int r;
            while ((r = ch.read(b)) > 0)
            {
                total += r;
                b.clear();
            }
            return r < 0 && 0 == total ? -1 : total;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return milliseconds since a System.nanoTime() value
     */
    static long msSince(final long t0)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /**
     * Sleeps, without throwing.
     */
    static void sleepMs(final long ms)
    {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long left;
        while ((left = end - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Spins (without sleeping) for a while, so that the clock moves inside a callback.
     */
    static void spinMs(final long ms)
    {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() - end < 0)
        {
            Thread.onSpinWait();
        }
    }
}
