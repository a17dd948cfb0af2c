/**
 * Buffered sockets: libevent's bufferevent as {@link io.jevent.bufferevent.BufferEvent}, and the
 * connection listener.
 */
package io.jevent.bufferevent;
