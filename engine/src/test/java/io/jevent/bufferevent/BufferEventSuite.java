package io.jevent.bufferevent;

/**
 * Behavioural suite of {@link BufferEvent} (socket kind) against libevent 2.1 (libevent-semantics.md
 * §1.6–1.11 and §1.14, statements 45–80 and 95–99), plus libevent's own bufferevent regression cases and
 * jevent's documented differences (no issue-891 re-invocation, BOUNDED_OUTPUT). Everything runs over
 * real loopback TCP, with the fixture of {@link LoopbackSuite}. The tests live in the interfaces it
 * implements, one topic each; concrete subclasses give the base configuration (backend, busy-spin).
 */
public abstract class BufferEventSuite extends LoopbackSuite implements
    BufferEventCommonSemantics,
    BufferEventReadSemantics,
    BufferEventWriteSemantics,
    BufferEventWatermarkSemantics,
    BufferEventConnectSemantics,
    BufferEventSafetySemantics,
    BufferEventDataPathSemantics,
    BufferEventRateLimitSemantics
{
}
