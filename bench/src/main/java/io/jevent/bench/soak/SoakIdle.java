package io.jevent.bench.soak;

import io.jevent.bench.ChildJvm;
import io.jevent.samples.StreamPattern;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The soak's idle point: what the server holds for connections that are open and idle. Before the
 * load, {@code connections} connections each echo one {@value #MESSAGE_BYTES}-byte message (verified)
 * and then stay open with nothing to send, so every buffer of the server is empty; once its pool's
 * count stops moving the server is probed, then every connection is closed. The figures per connection
 * are the probe's minus the probe taken before the first connect: segments and bytes handed out by the
 * pool (exact), and RSS growth (an estimate: it includes the connections' heap objects, and heap pages
 * touched before do not show).
 *
 * @param connections connections opened
 * @param before      the server before the first connect
 * @param idle        the server with every connection open and idle
 */
public record SoakIdle(int connections, SoakProbe before, SoakProbe idle)
{
    /** Bytes each connection sends, and gets back, before it goes idle. */
    public static final int MESSAGE_BYTES = 64;

    private static final int BATCH = 500;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long SETTLE_PROBE_MS = 200;

    /**
     * Opens the connections, echoes one message on each, probes the server once it settled, and closes
     * them (without waiting for the server to free them).
     *
     * @param server      the server's process
     * @param address     the server
     * @param connections how many
     * @param before      the server's probe before, with no connection open
     * @return the idle point
     * @throws IOException if a connection fails or an echo differs from what was sent
     * @throws InterruptedException if interrupted
     */
    public static SoakIdle measure(final ChildJvm server, final InetSocketAddress address, final int connections,
        final SoakProbe before) throws IOException, InterruptedException
    {
        final List<Socket> sockets = new ArrayList<>(connections);
        try
        {
            final ByteBuffer view = StreamPattern.view();
            for (int from = 0; from < connections; from += BATCH)
            {
                final int to = Math.min(connections, from + BATCH);
                for (int i = from; i < to; i++)
                {
                    final Socket s = new Socket(address.getAddress(), address.getPort());
                    sockets.add(s);
                    s.setSoTimeout(READ_TIMEOUT_MS);
                    s.getOutputStream().write(message(view, i));
                }
                for (int i = from; i < to; i++)
                {
                    echoed(sockets.get(i).getInputStream(), view, i);
                }
            }
            return new SoakIdle(connections, before, settle(server, connections));
        }
        finally
        {
            for (final Socket s : sockets)
            {
                s.close();
            }
        }
    }

    /**
     * @return segments the pool handed out per idle connection
     */
    public double segmentsPerConnection()
    {
        return (double)(idle.segments() - before.segments()) / connections;
    }

    /**
     * @return segment bytes per idle connection
     */
    public double segmentBytesPerConnection()
    {
        return (double)(idle.get(SoakProbe.SEGMENT_BYTES) - before.get(SoakProbe.SEGMENT_BYTES)) / connections;
    }

    /**
     * @return RSS growth per idle connection, KiB
     */
    public double rssKibPerConnection()
    {
        return (double)(idle.get(SoakProbe.RSS_KIB) - before.get(SoakProbe.RSS_KIB)) / connections;
    }

    /** Probes until every connection is open on the server and two probes agree on the pool's count. */
    private static SoakProbe settle(final ChildJvm server, final int connections)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + SETTLE_NANOS;
        SoakProbe last = null;
        while (true)
        {
            final SoakProbe p = SoakProbe.parse(server.request("probe", "PROBE"));
            final boolean settled = connections == p.open() && null != last && last.open() == p.open() &&
                last.segments() == p.segments() &&
                last.get(SoakProbe.SEGMENT_BYTES) == p.get(SoakProbe.SEGMENT_BYTES);
            if (settled || System.nanoTime() > deadline)
            {
                return p;
            }
            last = p;
            Thread.sleep(SETTLE_PROBE_MS);
        }
    }

    private static byte[] message(final ByteBuffer view, final int id)
    {
        final byte[] m = new byte[MESSAGE_BYTES];
        StreamPattern.slice(view, StreamPattern.phase(-1000 - id), 0, MESSAGE_BYTES).get(m);
        return m;
    }

    private static void echoed(final InputStream in, final ByteBuffer view, final int id) throws IOException
    {
        final byte[] got = in.readNBytes(MESSAGE_BYTES);
        final ByteBuffer b = ByteBuffer.wrap(got);
        if (got.length != MESSAGE_BYTES || StreamPattern.mismatch(b, view, StreamPattern.phase(-1000 - id), 0) >= 0)
        {
            throw new IOException("idle connection " + id + ": " + got.length + " of " + MESSAGE_BYTES +
                " bytes echoed, or they differ from those sent");
        }
    }
}
