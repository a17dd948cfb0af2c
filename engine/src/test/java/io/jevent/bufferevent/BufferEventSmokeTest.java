package io.jevent.bufferevent;

import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopErrorHandlers;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BufferEventSmokeTest
{
    @Test
    void shouldEchoOverLoopbackOnNio() throws Exception
    {
        echo("nio");
    }

    static void echo(final String backend) throws Exception
    {
        final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);
        final EventBaseConfig config = new EventBaseConfig().backend(backend).pool(pool)
            .errorHandler(LoopErrorHandlers.RETHROW);
        try (EventBase base = new EventBase(config);
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final byte[] payload = new byte[300_000];
            new Random(1).nextBytes(payload);
            final byte[] back = new byte[payload.length];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread client = new Thread(() ->
            {
                try (SocketChannel c = SocketChannel.open(server.getLocalAddress()))
                {
                    final Thread writer = new Thread(() ->
                    {
                        try
                        {
                            c.write(ByteBuffer.wrap(payload));
                        }
                        catch (final Exception ex)
                        {
                            failure.set(ex);
                        }
                    });
                    writer.start();
                    final ByteBuffer in = ByteBuffer.wrap(back);
                    while (in.hasRemaining() && c.read(in) >= 0)
                    {
                        Thread.onSpinWait();
                    }
                    writer.join();
                }
                catch (final Exception ex)
                {
                    failure.set(ex);
                }
            });
            client.start();
            final SocketChannel accepted = server.accept();
            final List<String> events = new ArrayList<>();
            final BufferEvent bev = SocketBufferEvent.create(base, accepted, BevOptions.CLOSE_ON_FREE);
            bev.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) ->
            {
                events.add(BevFlags.toString(what));
                b.free();
            });
            bev.enable(EventFlags.READ);
            assertEquals(1, base.dispatch());
            client.join();
            assertNull(failure.get());
            assertArrayEquals(payload, back);
            assertEquals(List.of("READING|EOF"), events);
            assertEquals(0, pool.outstandingSegments());
        }
    }

    @Test
    void shouldReportRefusedConnectOnceOnNio() throws Exception
    {
        refused("nio");
    }

    static void refused(final String backend) throws Exception
    {
        final int port;
        try (ServerSocketChannel s = ServerSocketChannel.open())
        {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress)s.getLocalAddress()).getPort();
        }
        try (EventBase base = new EventBase(new EventBaseConfig().backend(backend)
            .errorHandler(LoopErrorHandlers.RETHROW)))
        {
            final List<String> events = new ArrayList<>();
            final BufferEvent bev = SocketBufferEvent.create(base, (SocketChannel)null, BevOptions.CLOSE_ON_FREE);
            bev.setCallbacks(b -> events.add("read"), b -> events.add("write"),
                (b, what) -> events.add(BevFlags.toString(what)));
            bev.enable(EventFlags.READ | EventFlags.WRITE);
            assertEquals(0,
                ((SocketBufferEvent)bev).connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            base.dispatch();
            assertEquals(List.of("ERROR"), events);
            bev.free();
        }
    }
}
