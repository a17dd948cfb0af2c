/**
 * The event loop: libevent's event_base as {@link io.jevent.loop.EventBase}, its events, timers,
 * signals and cross-thread entry points, and the backend SPI ({@link io.jevent.loop.IoBackend}).
 */
package io.jevent.loop;
