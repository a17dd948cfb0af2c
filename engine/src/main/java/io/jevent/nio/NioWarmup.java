package io.jevent.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the java.nio socket path once, on a loopback connection, when the first nio backend starts, so
 * that the JDK initialises the socket internals it initialises lazily while the process still has fds
 * (issue 8, item 9).
 * <p>
 * <b>Why.</b> Some of the JDK's socket internals are initialised on first use, and their static
 * initialisers open fds: on JDK 17 {@code sun.nio.ch.FileDispatcherImpl} (its initialiser makes a
 * socketpair for the "pre-close" fd) is first needed by a SocketChannel's first write or close; on JDK
 * 21 and later {@code sun.nio.ch.UnixDispatcher} (the same socketpair) by the first SocketChannel or
 * ServerSocketChannel opened. A server whose fd table is full at that moment gets an
 * {@link ExceptionInInitializerError} out of a plain write or connect, and the JVM marks the class
 * erroneous for good: every later use throws {@link NoClassDefFoundError}. Under EMFILE a socket
 * should fail, not the process's whole java.nio.
 * <p>
 * <b>How, and why not by class name.</b> The warm-up makes the same public calls the nio transport and
 * listener make (open, bind with SO_REUSEADDR, non-blocking connect and accept, socket options, a
 * gathering write, a scattering read, shutdownOutput, close) rather than
 * {@code Class.forName("sun.nio.ch....", true, null)}: those names are JDK internals that already
 * moved once between JDK 17 and 21 and differ per platform, and the real path also initialises
 * whatever else the running JDK loads lazily there, found or not. It costs one loopback connection
 * (three fds for a moment) and a few milliseconds in a fresh JVM, most of it loading classes the first
 * connection would load anyway; once per process. Should loopback be unusable, the
 * SocketChannel opened and closed on the way has still initialised the dispatcher of either JDK; a
 * warm-up that did not complete is tried again by the next backend.
 * <p>
 * <b>When it is too late.</b> If a JDK socket class is already erroneous (the process was out of fds
 * when java.nio was first used, before any backend started), java.nio sockets cannot work in this JVM
 * any more: the warm-up, and so the backend's constructor, throws the {@link InternalError} of
 * {@link #unusable}, which the transport and listener also throw should such an error ever come out of
 * one of their JDK calls.
 */
final class NioWarmup
{
    private static final long CONNECT_WAIT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long PAUSE_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static volatile boolean warm;

    private NioWarmup()
    {
    }

    /**
     * Warms the java.nio socket path once per process; later calls return at once. Thread-safe.
     *
     * @throws InternalError if a JDK socket class cannot be initialised any more (see {@link #unusable})
     */
    static void ensureWarm()
    {
        if (warm)
        {
            return;
        }
        synchronized (NioWarmup.class)
        {
            if (!warm)
            {
                try
                {
                    exchange();
                    warm = true;
                }
                catch (final IOException ex)
                {
                    // not warm yet (no loopback, out of fds); the next backend tries again
                }
                catch (final ExceptionInInitializerError | NoClassDefFoundError ex)
                {
                    throw unusable("warm-up", ex);
                }
            }
        }
    }

    /**
     * The error thrown when a JDK socket call fails to load or initialise a class. It is propagated,
     * not mapped to an errno on one connection: a class whose initialiser failed stays unusable for
     * the JVM's life, so the same call would fail on every connection from then on (on JDK 17 close
     * too, leaking each socket's fd), and a loop limping on would only hide that.
     *
     * @param operation what was being done
     * @param cause     the ExceptionInInitializerError or NoClassDefFoundError
     * @return an InternalError naming the likely cause, with the original as its cause
     */
    static InternalError unusable(final String operation, final LinkageError cause)
    {
        return new InternalError("jevent nio " + operation + ": a JDK socket class failed to load or initialise, " +
            "most likely because the process was out of file descriptors when java.nio first needed it; " +
            "java.nio sockets cannot work in this JVM any more", cause);
    }

    private static void exchange() throws IOException
    {
        SocketChannel client = null;
        ServerSocketChannel server = null;
        SocketChannel peer = null;
        try
        {
            client = SocketChannel.open();
            client.configureBlocking(false);
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            server.configureBlocking(false);
            boolean connected = client.connect(server.getLocalAddress());
            final long deadline = System.nanoTime() + CONNECT_WAIT_NS;
            while (!connected || null == peer)
            {
                if (null == peer)
                {
                    peer = server.accept();
                }
                if (!connected)
                {
                    connected = client.finishConnect();
                }
                if ((!connected || null == peer) && !pause(deadline))
                {
                    throw new IOException("loopback connect timed out");
                }
            }
            peer.configureBlocking(false);
            peer.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            peer.getRemoteAddress();
            if (client.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY))
            {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            final ByteBuffer[] one = {ByteBuffer.allocateDirect(1)};
            one[0].put(0, (byte)'w');
            while (0 == client.write(one, 0, 1))
            {
                if (!pause(deadline))
                {
                    throw new IOException("loopback write timed out");
                }
            }
            one[0].clear();
            while (0 == peer.read(one, 0, 1))
            {
                if (!pause(deadline))
                {
                    throw new IOException("loopback read timed out");
                }
            }
            client.shutdownOutput();
        }
        finally
        {
            close(peer);
            close(client);
            close(server);
        }
    }

    private static boolean pause(final long deadline)
    {
        if (System.nanoTime() - deadline > 0)
        {
            return false;
        }
        LockSupport.parkNanos(PAUSE_NS);
        return true;
    }

    private static void close(final Channel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // nothing to undo
            }
        }
    }
}
