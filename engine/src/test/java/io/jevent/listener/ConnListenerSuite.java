package io.jevent.listener;

import io.jevent.bufferevent.LoopbackSuite;

/**
 * Behavioural suite of {@link ConnListener} against libevent 2.1 (libevent-semantics.md §1.16,
 * statements 121–126), over real loopback TCP with the fixture of {@link LoopbackSuite}; concrete
 * subclasses give the base configuration (backend, busy-spin).
 */
public abstract class ConnListenerSuite extends LoopbackSuite implements ConnListenerSemantics
{
}
