package io.jevent.buffer;

/**
 * Releases caller memory handed to {@link Evbuffer#addReference}: runs exactly once, with the
 * original address and full length, when the reference's last byte leaves every buffer that
 * shares it, or when the last such buffer is freed.
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
