package io.jevent.bench.echo;

import io.jevent.epoll.EpollConfiguration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jevent echo-bench-server}: one of the comparison's servers ({@link EchoServers}) on a port of
 * your choice, serving until SIGINT/SIGTERM, so that an outside load tool ({@code bench/bin/echo-load},
 * or any other) can drive exactly what {@code compare} measures, e.g. the {@code nio-baseline} server.
 * It prints {@code NAME listening on HOST:PORT} once it accepts connections. A name that forces epoll's
 * libc binding ({@code jevent-epoll-jna}, {@code jevent-epoll-ffm}, ...) sets {@code jevent.native} before
 * libc is bound, as {@code -Djevent.native=} would.
 * <p>
 * Usage: {@code java -jar bench/target/benchmarks.jar echo-bench-server --server NAME [--host H] [--port P]}
 * (defaults: nio-baseline, 127.0.0.1, port 0 = any free port).
 */
public final class StandaloneEchoServer
{
    private StandaloneEchoServer()
    {
    }

    /**
     * @param args see the class comment
     * @throws IOException          if the server cannot start
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(final String[] args) throws IOException, InterruptedException
    {
        String name = EchoServers.BASELINE;
        String host = "127.0.0.1";
        int port = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--server" -> name = value(args, ++i);
                case "--host" -> host = value(args, ++i);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                default ->
                {
                    System.err.println("usage: echo-bench-server --server NAME [--host H] [--port P]; servers: " +
                        EchoServers.ALL);
                    System.exit(2);
                }
            }
        }
        final EchoBenchServer server = EchoServers.create(name);
        final String forced = EchoServers.forcedBinding(name);
        if (null != forced)
        {
            System.setProperty(EpollConfiguration.NATIVE_PROP_NAME, forced);
        }
        final InetSocketAddress address = server.start(new InetSocketAddress(InetAddress.getByName(host), port));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.stop();
            System.out.println(server.name() + " stopped");
            stopped.countDown();
        }, "echo-bench-server-stop"));
        System.out.println(server.name() + " listening on " + address.getAddress().getHostAddress() + ":" +
            address.getPort());
        stopped.await();
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
