package io.jevent.epoll;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.ref.WeakReference;
import java.util.ArrayList;

/**
 * The per-thread segments {@link FfmCalls} captures errno into, from the global arena: a global segment
 * needs no scope acquire and release around each downcall (an automatic arena's shared scope costs two
 * atomic operations per call, and before C2 compiles the call about 40 B of allocation per call for some
 * 200,000 calls; a global one reaches zero allocation within the first 40,000). Global memory is never
 * freed, so segments are reused: a thread's first call takes the segment of a thread that has ended,
 * found by a bounded scan from a rotating cursor, or else a new one. What is allocated is therefore
 * bounded by the most threads that ever called at once plus those ended and not yet found.
 * <p>
 * Only a thread's first call comes here (the segment is then in its {@code ThreadLocal}); thread-safe.
 */
final class CaptureSegments
{
    /** Entries inspected for an ended owner per take: amortised O(1) even with many virtual threads. */
    private static final int SCAN = 8;

    private final StructLayout layout;
    private final ArrayList<WeakReference<Thread>> owners = new ArrayList<>();
    private final ArrayList<MemorySegment> segments = new ArrayList<>();
    private int cursor;

    /**
     * @param layout the capture state layout ({@code Linker.Option.captureStateLayout()})
     */
    CaptureSegments(final StructLayout layout)
    {
        this.layout = layout;
    }

    /**
     * @param thread the calling thread, which owns the segment from now on
     * @return a zeroed capture segment no live thread uses
     */
    synchronized MemorySegment take(final Thread thread)
    {
        final int n = owners.size();
        for (int i = 0; i < Math.min(SCAN, n); i++)
        {
            final int at = cursor;
            cursor = (cursor + 1) % n;
            final Thread owner = owners.get(at).get();
            if (null == owner || !owner.isAlive())
            {
                owners.set(at, new WeakReference<>(thread));
                return segments.get(at).fill((byte)0);
            }
        }
        final MemorySegment segment = Arena.global().allocate(layout);
        owners.add(new WeakReference<>(thread));
        segments.add(segment);
        return segment;
    }

    /**
     * @return segments allocated so far (for tests: bounded by the threads alive at once)
     */
    synchronized int allocated()
    {
        return segments.size();
    }
}
