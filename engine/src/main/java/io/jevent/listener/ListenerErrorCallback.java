package io.jevent.listener;

/**
 * Receives accept errors other than EAGAIN, EINTR and ECONNABORTED (libevent's
 * {@code evconnlistener_errorcb}).
 */
@FunctionalInterface
public interface ListenerErrorCallback
{
    /**
     * @param listener the listener
     * @param errno    the error; EMFILE/ENFILE/ENOBUFS/ENOMEM arrive once per back-off pause
     */
    void onError(ConnListener listener, int errno);
}
