package io.jevent.buffer;

import org.junit.jupiter.api.AfterEach;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EvbufferSemanticsSuite} with 256-byte segments and every buffer owned by the test thread
 * through the check an event loop makes ({@link EvbufferOwnerTest.LoopOwner}): an owner that allows
 * the thread changes no behaviour.
 */
class EvbufferSemanticsOwnedSmallSegmentsTest extends EvbufferSemanticsSuite
{
    private EvbufferOwnerTest.LoopOwner owner;

    @Override
    protected SegmentPool createPool()
    {
        return new SegmentPool(256, 65536, 8);
    }

    @Override
    protected BufferOwner createOwner()
    {
        owner = new EvbufferOwnerTest.LoopOwner();
        owner.ownerThread = Thread.currentThread();
        return owner;
    }

    @AfterEach
    void shouldHaveAskedTheOwner()
    {
        assertTrue(owner.checks > 0, "the buffers of the test asked their owner");
    }
}
