package io.jevent.buffer;

/**
 * {@link EvbufferSemanticsSuite} with 16-byte segments (pooled up to 1 KiB): nearly every operation crosses a boundary.
 */
class EvbufferSemanticsTinySegmentsTest extends EvbufferSemanticsSuite
{
    @Override
    protected SegmentPool createPool()
    {
        return new SegmentPool(16, 1024, 8);
    }
}
