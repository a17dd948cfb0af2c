package io.jevent.loop;

/**
 * Creates backends; found with {@link java.util.ServiceLoader}, so module native-epoll adds epoll
 * just by being on the class path.
 */
public interface IoBackendProvider
{
    /**
     * @return the method name this provider creates, e.g. {@code "epoll"}
     */
    String method();

    /**
     * @return true if the backend can run here (OS, native library)
     */
    boolean isAvailable();

    /**
     * @return a higher number is preferred when no backend is named; nio is 0
     */
    int preference();

    /**
     * @return a new backend (it reports readiness by fd number, the loop maps fds to events)
     */
    IoBackend create();
}
