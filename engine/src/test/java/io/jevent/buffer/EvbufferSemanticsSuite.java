package io.jevent.buffer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Behavioural suite of {@link Evbuffer} against libevent 2.1 (libevent-semantics.md §1.1–1.5,
 * statements 1–44 except the glass-box ones and the fd I/O statements 36–38). The tests live in
 * the interfaces it implements, one concept each; concrete subclasses run them with pools of
 * different segment sizes so that segment boundaries fall in different places.
 * <p>
 * After each test every buffer is freed, the pool must report no outstanding segment or wrapper,
 * and every accepted reference must have been cleaned up exactly once (rejected ones never).
 */
abstract class EvbufferSemanticsSuite implements
    EvbufferCoreSemantics,
    EvbufferReferenceSemantics,
    EvbufferSearchSemantics,
    EvbufferReadLineSemantics,
    EvbufferReservePeekSemantics,
    EvbufferCallbackSemantics,
    EvbufferRobustnessSemantics,
    EvbufferFailureSemantics
{
    private SegmentPool pool;
    private BufferOwner owner;
    private final List<Evbuffer> buffers = new ArrayList<>();
    private final List<Ref> refs = new ArrayList<>();

    /**
     * @return a fresh pool for one test
     */
    protected abstract SegmentPool createPool();

    /**
     * @return the owner given to every buffer the test makes, or null (the default) for none
     */
    protected BufferOwner createOwner()
    {
        return null;
    }

    @BeforeEach
    void createFixture()
    {
        pool = createPool();
        owner = createOwner();
    }

    @AfterEach
    void freeAndCheckNothingLeaks()
    {
        try
        {
            for (final Evbuffer b : buffers)
            {
                b.free();
            }
            assertEquals(0, pool.outstandingSegments(), "outstanding segments after freeing every buffer");
            assertEquals(0, pool.outstandingWrappers(), "outstanding wrappers after freeing every buffer");
            for (final Ref r : refs)
            {
                if (r.accepted)
                {
                    r.assertCleanedOnce();
                }
                else
                {
                    r.assertNotCleaned();
                }
            }
        }
        finally
        {
            buffers.clear();
            refs.clear();
            pool.close();
        }
    }

    @Override
    public SegmentPool pool()
    {
        return pool;
    }

    @Override
    public Evbuffer newBuffer()
    {
        final Evbuffer b = new Evbuffer(pool);
        if (null != owner)
        {
            b.setOwner(owner);
        }
        buffers.add(b);
        return b;
    }

    @Override
    public Ref newRef(final String content)
    {
        final Ref r = new Ref(content);
        refs.add(r);
        return r;
    }
}
