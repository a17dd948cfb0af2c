package io.jevent.buffer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
