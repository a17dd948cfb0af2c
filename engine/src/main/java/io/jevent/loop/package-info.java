/**
 * The event loop: libevent's event_base as {@link io.jevent.loop.EventBase}, its events, timers,
 * signals and cross-thread entry points, and the backend SPI ({@link io.jevent.loop.IoBackend}).
 * <p>
 * Inside, one concept per file, named after libevent's: {@code EventBase} keeps the public API, the loop,
 * the duty cycle and one pass; {@code EvMap} (evmap_io, with {@code FdTable} and {@code FdRecord}) the
 * events on fds and the readiness sink; {@code SignalMap} (evmap_signal, signal.c, with
 * {@code SignalRegistry} for the JVM's handlers) the events on signals; {@code ActiveQueues}
 * (activequeues, event_process_active) activation and processing; {@code Timeouts} (timeheap, common
 * timeouts, with {@code TimerHeap} and {@link io.jevent.loop.CommonTimeout}); {@code RemoteInbox} (the
 * notify mechanism) what other threads hand in; {@code TimeCache} (tv_cache) the time callbacks see;
 * {@code Ownership} the owner thread and the free protocol; {@code Finalizers} finalizers and the error
 * guard; {@code IntrusiveList} (queue.h) the one list discipline of them all. They are final classes that
 * call each other directly.
 */
package io.jevent.loop;
