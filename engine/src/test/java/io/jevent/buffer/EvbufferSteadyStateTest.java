package io.jevent.buffer;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady-state flows must not touch the pool: what the hot paths rely on to stay cheap.
 */
class EvbufferSteadyStateTest
{
    private final byte[] message = new byte[64];

    @Test
    void shouldNotTouchThePoolInAnAddDrainCycle()
    {
        try (SegmentPool pool = new SegmentPool(4096, 65536, 8))
        {
            final Evbuffer b = new Evbuffer(pool);
            b.add(message);
            b.drain(64);
            final long before = pool.acquisitions();
            for (int i = 0; i < 10_000; i++)
            {
                b.add(message);
                b.drain(64);
            }
            assertEquals(before, pool.acquisitions());
            b.free();
            assertEquals(0, pool.outstandingSegments());
        }
    }

    @Test
    void shouldSwapSegmentsInsteadOfUsingThePoolWhenEchoingInputToOutput()
    {
        try (SegmentPool pool = new SegmentPool(4096, 65536, 8))
        {
            final Evbuffer input = new Evbuffer(pool);
            final Evbuffer output = new Evbuffer(pool);
            for (int i = 0; i < 3; i++)
            {
                input.add(message);
                output.addBuffer(input);
                output.drain(64);
            }
            final long before = pool.acquisitions();
            for (int i = 0; i < 10_000; i++)
            {
                input.add(message);
                output.addBuffer(input);
                assertEquals(64, output.length());
                output.drain(64);
            }
            assertEquals(before, pool.acquisitions(), "an echo that moves whole segments needs no new segment");
            input.free();
            output.free();
            assertEquals(0, pool.outstandingSegments());
        }
    }

    @Test
    void shouldKeepALargeSegmentForRepeatedPullups()
    {
        try (SegmentPool pool = new SegmentPool(4096, 1 << 20, 8))
        {
            final Evbuffer b = new Evbuffer(pool);
            final byte[] chunk = new byte[4096];
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 16; i++)
                {
                    b.add(chunk);
                }
                b.pullup(-1);
                b.drain(b.length());
            }
            final long before = pool.acquisitions();
            for (int i = 0; i < 16; i++)
            {
                b.add(chunk);
            }
            assertEquals(65536, b.contiguousSpace(), "the kept 64 KiB spare takes all 16 adds");
            b.pullup(-1);
            assertEquals(before, pool.acquisitions());
            b.free();
        }
    }

    /**
     * An in-memory channel that allocates nothing: reads fill the buffers with a fixed byte (up to
     * a chunk), writes consume everything offered.
     */
    private static final class MemoryChannel implements ScatteringByteChannel, GatheringByteChannel
    {
        private final byte[] chunk = new byte[300];
        long written;

        @Override
        public long read(final ByteBuffer[] dsts, final int offset, final int length)
        {
            int left = chunk.length;
            for (int i = offset; i < offset + length && left > 0; i++)
            {
                final int n = Math.min(left, dsts[i].remaining());
                dsts[i].put(chunk, 0, n);
                left -= n;
            }
            return chunk.length - left;
        }

        @Override
        public long read(final ByteBuffer[] dsts)
        {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public int read(final ByteBuffer dst)
        {
            final int n = Math.min(chunk.length, dst.remaining());
            dst.put(chunk, 0, n);
            return n;
        }

        @Override
        public long write(final ByteBuffer[] srcs, final int offset, final int length)
        {
            long n = 0;
            for (int i = offset; i < offset + length; i++)
            {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            written += n;
            return n;
        }

        @Override
        public long write(final ByteBuffer[] srcs)
        {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(final ByteBuffer src)
        {
            final int n = src.remaining();
            src.position(src.limit());
            written += n;
            return n;
        }

        @Override
        public boolean isOpen()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * The views a channel read or write goes through are made once per buffer and re-pointed (and
     * revoked) afterwards: a steady read/move/write cycle allocates nothing, with an owner set too.
     */
    @Test
    void shouldReadMoveAndWriteThroughChannelsWithoutAllocating()
    {
        try (SegmentPool pool = new SegmentPool(256, 65536, 8))
        {
            final Evbuffer input = new Evbuffer(pool);
            final Evbuffer output = new Evbuffer(pool);
            final Thread self = Thread.currentThread();
            final BufferOwner owner = () ->
            {
                if (Thread.currentThread() != self)
                {
                    throw new IllegalStateException("wrong thread");
                }
            };
            input.setOwner(owner);
            output.setOwner(owner);
            final MemoryChannel channel = new MemoryChannel();
            final Runnable cycle = () ->
            {
                try
                {
                    assertEquals(300, input.readFrom(channel, -1));
                    assertEquals(0, output.addBuffer(input));
                    assertEquals(300, output.writeTo(channel, -1));
                }
                catch (final java.io.IOException ex)
                {
                    throw new AssertionError(ex);
                }
            };
            for (int i = 0; i < 20_000; i++)
            {
                cycle.run();
            }
            final long before = allocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                cycle.run();
            }
            final long allocated = allocatedBytes() - before;
            assertTrue(allocated < 10_000, "bytes allocated by 10000 read/move/write cycles: " + allocated);
            assertEquals(30_000L * 300, channel.written);
            input.free();
            output.free();
            assertEquals(0, pool.outstandingSegments());
        }
    }
}
