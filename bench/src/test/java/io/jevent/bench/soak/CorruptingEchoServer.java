package io.jevent.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking thread-per-connection echo server for the soak's own test: it echoes faithfully (EOF
 * answered by EOF once everything is written) except that on every fifth connection it flips the byte
 * at stream offset {@value #CORRUPT_AT}.
 */
final class CorruptingEchoServer implements AutoCloseable
{
    static final long CORRUPT_AT = 1000;

    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();

    CorruptingEchoServer() throws IOException
    {
        listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::accept, "corrupting-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address()
    {
        return (InetSocketAddress)listener.getLocalSocketAddress();
    }

    private void accept()
    {
        while (!listener.isClosed())
        {
            try
            {
                final Socket s = listener.accept();
                final boolean corrupt = 0 == accepted.getAndIncrement() % 5;
                final Thread t = new Thread(() -> echo(s, corrupt), "corrupting-echo");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void echo(final Socket s, final boolean corrupt)
    {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream())
        {
            final byte[] buf = new byte[65536];
            long offset = 0;
            int n;
            while ((n = in.read(buf)) >= 0)
            {
                if (corrupt && offset <= CORRUPT_AT && CORRUPT_AT < offset + n)
                {
                    buf[(int)(CORRUPT_AT - offset)] ^= 0x5a;
                }
                out.write(buf, 0, n);
                offset += n;
            }
            s.shutdownOutput();
        }
        catch (final IOException ex)
        {
            return;
        }
    }

    @Override
    public void close() throws IOException
    {
        listener.close();
    }
}
