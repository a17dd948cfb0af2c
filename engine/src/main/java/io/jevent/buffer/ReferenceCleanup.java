package io.jevent.buffer;

/**
 * Releases caller memory handed to {@link Evbuffer#addReference}: runs exactly once, with the
 * original address and full length, when the reference's last byte leaves every buffer that
 * shares it, or when the last such buffer is freed. It runs after the buffer that released the
 * reference is complete and consistent, so it may use that buffer. If it throws, the operation that
 * released it (a drain, a free, a pullup...) has still taken full effect, the other cleanups due
 * still run, and the first exception reaches that operation's caller.
 */
@FunctionalInterface
public interface ReferenceCleanup
{
    /**
     * @param address the address given to {@code addReference}
     * @param length  the length given to {@code addReference}
     */
    void release(long address, int length);
}
