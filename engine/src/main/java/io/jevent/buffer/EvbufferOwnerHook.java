package io.jevent.buffer;

/**
 * How the owner of a buffer (a bufferevent owning its input and output) learns of every change at
 * once, without going through the user-visible callback list: one hook per buffer, called after each
 * change with that change's counts, before the buffer's callbacks run. Unlike callbacks it is never
 * deferred and cannot be removed by {@link Evbuffer#removeCallback}; it must not throw. An owner that
 * installs a hook also sizes the buffer's reads itself: {@link Evbuffer#maxRead()} no longer caps the
 * count it asks for, so the owner's read cap (a bufferevent's max single read) is the only one.
 */
@FunctionalInterface
public interface EvbufferOwnerHook
{
    /**
     * @param buffer  the buffer that changed
     * @param added   bytes this change added
     * @param deleted bytes this change removed
     */
    void bufferChanged(Evbuffer buffer, long added, long deleted);
}
