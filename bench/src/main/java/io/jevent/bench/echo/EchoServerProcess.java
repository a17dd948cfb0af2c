package io.jevent.bench.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Child-JVM entry point of {@link ForkedEchoServer}: starts one server and answers a line protocol
 * on stdin/stdout. It prints {@code READY host port binding javaVersion} (the server's
 * {@link EchoBenchServer#binding()}, e.g. {@code ffm}, and this JVM's {@code Runtime.version()}); then
 * {@code stats} answers
 * {@code STATS loopCpuNanos loopAllocBytes processCpuNanos jitMillis reads emptyReads writes polls
 * backendSyscalls} (the syscall counts -1 when the server does not count them, see {@link SyscallCounts}),
 * and {@code stop} (or end of stdin, so the child never outlives its parent) stops the server, prints
 * {@code STOPPED} and exits.
 * <p>
 * Usage: {@code EchoServerProcess --server NAME [--host H] [--port P]}
 */
public final class EchoServerProcess
{
    private EchoServerProcess()
    {
    }

    /**
     * @param args see the class comment
     * @throws IOException if the server cannot start
     */
    public static void main(final String[] args) throws IOException
    {
        String name = EchoServers.BASELINE;
        String host = "127.0.0.1";
        int port = 0;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--server" -> name = args[i + 1];
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        final EchoBenchServer server = EchoServers.create(name);
        final InetSocketAddress address = server.start(new InetSocketAddress(InetAddress.getByName(host), port));
        out.println("READY " + address.getAddress().getHostAddress() + " " + address.getPort() + " " +
            server.binding() + " " + Runtime.version());
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while (null != (line = in.readLine()))
        {
            if ("stats".equals(line.trim()))
            {
                final EchoBenchServer.Stats s = server.stats();
                out.println("STATS " + s.loopCpuNanos() + " " + s.loopAllocBytes() + " " + s.processCpuNanos() +
                    " " + s.jitMillis() + " " + s.syscalls().encode());
            }
            else if ("stop".equals(line.trim()))
            {
                break;
            }
        }
        server.stop();
        out.println("STOPPED");
        System.exit(0);
    }
}
