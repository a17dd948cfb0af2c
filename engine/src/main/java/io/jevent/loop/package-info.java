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
 * notify mechanism) what other threads hand in, through a lock-free inbox whose wakeup word (Netty's
 * AWAKE/NONE/deadline) makes a wakeup cost no syscall when the loop is awake; {@code TimeCache} (tv_cache)
 * the time callbacks see; {@code LoopControl} (event_base_loopexit, event_base_loopbreak) how a loop is told
 * to stop; {@code OnceEvents} (event_base_once) the events that run once; {@code Ownership} the owner thread
 * and the free protocol; {@code Finalizers} finalizers and the error guard; {@code IntrusiveList} (queue.h)
 * the one list discipline of them all. They are final classes that call each other directly.
 */
package io.jevent.loop;
