package io.jevent.buffer;

/**
 * {@link EvbufferSemanticsSuite} with 256-byte segments.
 */
class EvbufferSemanticsSmallSegmentsTest extends EvbufferSemanticsSuite
{
    @Override
    protected SegmentPool createPool()
    {
        return new SegmentPool(256, 65536, 8);
    }
}
