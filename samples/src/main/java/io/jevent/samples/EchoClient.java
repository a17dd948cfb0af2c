package io.jevent.samples;

import io.jevent.bufferevent.BevFlags;
import io.jevent.bufferevent.BevOptions;
import io.jevent.bufferevent.BufferEvent;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The smallest jevent client: connects with a BufferEvent, sends {@code --count} messages of
 * {@code --size} bytes one at a time, checks that each comes back intact, prints the average round
 * trip and exits (0 when every byte matched).
 * <p>
 * Usage: {@code echo-client --port P [--host H] [--backend epoll|nio] [--size S] [--count N]}
 */
public final class EchoClient
{
    private EchoClient()
    {
    }

    /**
     * @param args see the class comment
     */
    public static void main(final String[] args)
    {
        String backend = "";
        String host = "127.0.0.1";
        int port = 0;
        int size = 64;
        int count = 10_000;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--backend" -> backend = args[i + 1];
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final byte[] message = new byte[size];
        for (int i = 0; i < size; i++)
        {
            message[i] = (byte)('a' + i % 26);
        }
        final byte[] reply = new byte[size];
        final int total = count;
        final int length = size;
        final int[] done = {0};
        final boolean[] ok = {true};
        final long[] start = {0};
        try (EventBase base = new EventBase(new EventBaseConfig().backend(backend)))
        {
            final BufferEvent bev = SocketBufferEvent.create(base, (java.nio.channels.SocketChannel)null,
                BevOptions.CLOSE_ON_FREE);
            bev.setWatermark(EventFlags.READ, size, 0);
            bev.setCallbacks(b ->
            {
                while (b.input().length() >= length)
                {
                    b.read(reply, 0, length);
                    ok[0] &= Arrays.equals(message, reply);
                    if (++done[0] == total)
                    {
                        b.free();
                        return;
                    }
                    b.write(message);
                }
            }, null, (b, what) ->
            {
                if (0 != (what & BevFlags.CONNECTED))
                {
                    start[0] = System.nanoTime();
                    b.write(message);
                }
                else
                {
                    System.err.println("echo-client: " + BevFlags.toString(what) + " after " + done[0] + " messages");
                    ok[0] = false;
                    b.free();
                }
            });
            bev.enable(EventFlags.READ | EventFlags.WRITE);
            if (0 != ((SocketBufferEvent)bev).connect(new InetSocketAddress(InetAddress.getByName(host), port)))
            {
                throw new IllegalStateException("cannot connect to " + host + ":" + port);
            }
            base.dispatch();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new IllegalArgumentException("unknown host " + host, ex);
        }
        final double micros = (System.nanoTime() - start[0]) / 1000.0 / Math.max(1, done[0]);
        System.out.printf("echo-client: %d/%d messages of %d B, %s, %.1f µs per round trip%n", done[0], total, size,
            ok[0] && done[0] == total ? "all bytes verified" : "FAILED", micros);
        System.exit(ok[0] && done[0] == total ? 0 : 1);
    }
}
