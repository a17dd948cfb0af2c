package io.jevent.listener;

import io.jevent.loop.AcceptedSocket;

/**
 * Receives each accepted connection (libevent's {@code evconnlistener_cb}).
 */
@FunctionalInterface
public interface AcceptCallback
{
    /**
     * @param listener the listener
     * @param socket   the new connection; a reusable holder valid only during this call. Take its fd
     *                 or channel (e.g. into a BufferEvent), or close it.
     */
    void onAccept(ConnListener listener, AcceptedSocket socket);
}
