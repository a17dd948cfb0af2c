package io.jevent.buffer;

/**
 * {@link EvbufferSemanticsSuite} with the default 16 KiB segments.
 */
class EvbufferSemanticsDefaultSegmentsTest extends EvbufferSemanticsSuite
{
    @Override
    protected SegmentPool createPool()
    {
        return new SegmentPool(16384, 1048576, 8);
    }
}
