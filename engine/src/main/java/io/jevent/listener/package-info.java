/**
 * Accepting connections: libevent's evconnlistener as {@link io.jevent.listener.ConnListener}.
 */
package io.jevent.listener;
