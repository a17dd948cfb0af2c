package io.jevent.samples;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A blocking echo client for tests: sends {@code bytes} of a {@link StreamPattern} stream on one
 * thread while another reads and checks the echo, half-closes (shutdownOutput) once all is sent, and
 * reads on to EOF.
 */
final class HalfCloseClient
{
    private HalfCloseClient()
    {
    }

    /**
     * What came back.
     *
     * @param streamId  the stream
     * @param sent      bytes sent
     * @param received  bytes received before EOF
     * @param mismatch  stream offset of the first wrong byte, or -1
     * @param expected  the byte expected there
     * @param got       the byte received there
     */
    record Echo(long streamId, long sent, long received, long mismatch, byte expected, byte got)
    {
        boolean exact()
        {
            return sent == received && mismatch < 0;
        }

        String describe()
        {
            return "stream " + streamId + ": sent " + sent + ", received " + received + " before EOF" +
                (mismatch < 0 ? "" : String.format(", first mismatch at offset %d: expected 0x%02x, got 0x%02x",
                mismatch, expected & 0xff, got & 0xff));
        }
    }

    static Echo run(final InetSocketAddress address, final long streamId, final long bytes)
        throws IOException, InterruptedException
    {
        final int phase = StreamPattern.phase(streamId);
        try (SocketChannel channel = SocketChannel.open(address))
        {
            final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final ByteBuffer view = StreamPattern.view();
                    long sent = 0;
                    while (sent < bytes)
                    {
                        final int n = (int)Math.min(StreamPattern.MAX_SLICE, bytes - sent);
                        final ByteBuffer slice = StreamPattern.slice(view, phase, sent, n);
                        while (slice.hasRemaining())
                        {
                            channel.write(slice);
                        }
                        sent += n;
                    }
                    channel.shutdownOutput();
                }
                catch (final IOException | RuntimeException ex)
                {
                    writeFailure.set(ex);
                }
            }, "half-close-writer-" + streamId);
            writer.start();
            final ByteBuffer in = ByteBuffer.allocateDirect(StreamPattern.MAX_SLICE);
            final ByteBuffer view = StreamPattern.view();
            long received = 0;
            long mismatch = -1;
            byte expected = 0;
            byte got = 0;
            while (true)
            {
                in.clear();
                final int n = channel.read(in);
                if (n < 0)
                {
                    break;
                }
                in.flip();
                if (mismatch < 0)
                {
                    final int m = StreamPattern.mismatch(in, view, phase, received);
                    if (m >= 0)
                    {
                        mismatch = received + m;
                        expected = StreamPattern.expected(phase, mismatch);
                        got = m < in.remaining() ? in.get(m) : 0;
                    }
                }
                received += n;
            }
            writer.join();
            if (null != writeFailure.get())
            {
                throw new IOException("stream " + streamId + ": write failed", writeFailure.get());
            }
            return new Echo(streamId, bytes, received, mismatch, expected, got);
        }
    }
}
