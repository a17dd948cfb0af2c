package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EvbufferTransportSuite} through java.nio, as the nio transport drives a buffer: a non-blocking
 * {@link Pipe} and a loopback {@link SocketChannel} pair, {@link Evbuffer#readFrom} and
 * {@link Evbuffer#writeTo}, and the buffer's own ByteBuffers from the ByteBuffer[] preparations.
 */
class EvbufferNioIoTest extends EvbufferTransportSuite
{
    private Pipe pipe;
    private SocketChannel client;
    private SocketChannel accepted;
    private ScatteringByteChannel readEnd;
    private GatheringByteChannel writeEnd;
    private ByteBuffer[] bufs = new ByteBuffer[BufferConfiguration.IOV_MAX];

    @Override
    protected void openPipe() throws IOException
    {
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        readEnd = pipe.source();
        writeEnd = pipe.sink();
    }

    @Override
    protected void openSocketPair() throws IOException
    {
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            accepted = server.accept();
        }
        client.configureBlocking(false);
        accepted.configureBlocking(false);
        readEnd = accepted;
        writeEnd = client;
    }

    @Override
    protected void closeAll() throws IOException
    {
        if (null != pipe)
        {
            pipe.source().close();
            pipe.sink().close();
        }
        if (null != client)
        {
            client.close();
            accepted.close();
        }
    }

    @Override
    protected void closeWriteEnd() throws IOException
    {
        if (writeEnd == client)
        {
            client.shutdownOutput();
        }
        else
        {
            writeEnd.close();
        }
    }

    @Override
    protected int send(final byte[] data, final int off, final int len) throws IOException
    {
        return writeEnd.write(ByteBuffer.wrap(data, off, len));
    }

    @Override
    protected int receive(final byte[] dst, final int off, final int len) throws IOException
    {
        return readEnd.read(ByteBuffer.wrap(dst, off, len));
    }

    @Override
    protected int prepareRead(final Evbuffer b, final int howmuch, final int capacity)
    {
        return b.prepareRead(howmuch, arrayOf(capacity));
    }

    @Override
    protected int prepareWrite(final Evbuffer b, final long howmuch, final int capacity)
    {
        return b.prepareWrite(howmuch, arrayOf(capacity));
    }

    @Override
    protected long extentAddress(final int i)
    {
        return BufferUtil.address(bufs[i]);
    }

    @Override
    protected long extentLength(final int i)
    {
        return bufs[i].limit();
    }

    @Override
    protected long readPrepared(final int k) throws IOException
    {
        return readEnd.read(bufs, 0, k);
    }

    @Override
    protected long writePrepared(final int k) throws IOException
    {
        return writeEnd.write(bufs, 0, k);
    }

    @Override
    protected long readOnce(final Evbuffer b, final int howmuch) throws IOException
    {
        return b.readFrom(readEnd, howmuch);
    }

    @Override
    protected long writeOnce(final Evbuffer b, final long howmuch) throws IOException
    {
        return b.writeTo(writeEnd, howmuch);
    }

    private ByteBuffer[] arrayOf(final int capacity)
    {
        if (bufs.length != capacity)
        {
            bufs = new ByteBuffer[capacity];
        }
        return bufs;
    }

    @Test
    void shouldThrowAndDrainNothingWhenThePeerIsGone() throws IOException
    {
        openSocketPair();
        final Evbuffer in = new Evbuffer(pool());
        client.close();
        final ByteBuffer one = ByteBuffer.allocate(1);
        final IOException ex = assertThrows(IOException.class, () ->
        {
            for (int i = 0; i < 1000; i++)
            {
                in.writeTo(accepted, -1);
                in.add(one.clear());
            }
        });
        assertTrue(ex.getMessage().length() > 0, "the channel's exception says what failed");
        assertTrue(in.length() > 0, "an exception drains nothing");
        in.free();
    }
}
