package io.jevent.buffer;

/**
 * The change notification of an {@link Evbuffer} (libevent's {@code evbuffer_invoke_callbacks_} and
 * {@code evbuffer_run_callbacks}): the owner's hook first, then the user callbacks, at once or
 * deferred, after the segments a change discarded were released. User code that throws does not stop
 * the round: the first exception is kept, later ones are suppressed into it, and the public method
 * of {@link Evbuffer} rethrows it once the change is complete. Stateless: static methods on the
 * buffer's callback fields.
 */
final class EvbufferCallbacks
{
    private EvbufferCallbacks()
    {
    }

    /**
     * The body of {@link Evbuffer#addCallback}: the newest registration goes first.
     *
     * @return its handle, enabled
     */
    static EvbufferCallbackEntry add(final Evbuffer b, final EvbufferCallback cb)
    {
        final EvbufferCallbackEntry e = new EvbufferCallbackEntry(cb);
        e.next = b.callbacks;
        b.callbacks = e;
        return e;
    }

    /**
     * The body of {@link Evbuffer#deferCallbacks}: the deferred task is made when the buffer first defers.
     */
    static void defer(final Evbuffer b, final CallbackDeferrer deferrer)
    {
        b.deferrer = deferrer;
        if (null != deferrer && null == b.deferredTask)
        {
            b.deferredTask = deferredTask(b);
        }
    }

    /**
     * The deferred round of {@code b}'s callbacks    /**
     * The deferred round of {@code b}'s callbacks, made once per buffer when it first defers.
     */
    private static Runnable deferredTask(final Evbuffer b)
    {
        return () ->
        {
            b.deferredScheduled = false;
            if (!b.freed)
            {
                rethrow(runCallbacks(b, true));
            }
        };
    }

    /**
     * @param first  the exception kept so far, or null
     * @param next   a later one, or null
     * @return the first non-null of them, the other suppressed into it
     */
    static Throwable firstOf(final Throwable first, final Throwable next)
    {
        if (null == first)
        {
            return next;
        }
        if (null != next && next != first)
        {
            first.addSuppressed(next);
        }
        return first;
    }

    /**
     * Throws {@code failure} as it is (user code can only throw unchecked exceptions here); no-op for null.
     */
    static void rethrow(final Throwable failure)
    {
        if (null != failure)
        {
            if (failure instanceof RuntimeException)
            {
                throw (RuntimeException)failure;
            }
            throw (Error)failure;
        }
    }

    static void added(final Evbuffer b, final long n)
    {
        rethrow(noteAdded(b, n));
    }

    static void deleted(final Evbuffer b, final long n)
    {
        rethrow(noteDeleted(b, n));
    }

    /**
     * Records n added bytes, then settles the change (see {@link #settle(Evbuffer)}).
     *
     * @return the first exception user code threw, or null
     */
    static Throwable noteAdded(final Evbuffer b, final long n)
    {
        b.nAddForCb += n;
        final EvbufferOwnerHook h = b.ownerHook;
        if (null != h && 0 != n)
        {
            h.bufferChanged(b, n, 0);
        }
        return settle(b);
    }

    /**
     * Records n deleted bytes, then settles the change (see {@link #settle(Evbuffer)}).
     *
     * @return the first exception user code threw, or null
     */
    static Throwable noteDeleted(final Evbuffer b, final long n)
    {
        b.nDelForCb += n;
        final EvbufferOwnerHook h = b.ownerHook;
        if (null != h && 0 != n)
        {
            h.bufferChanged(b, 0, n);
        }
        return settle(b);
    }

    /**
     * After a change is complete: releases the segments it discarded (running their cleanups), then
     * runs or schedules the callbacks due. Everything due runs even if some of it throws.
     *
     * @return the first exception user code threw (later ones suppressed into it), or null
     */
    static Throwable settle(final Evbuffer b)
    {
        final Throwable failure = null == b.dead ? null : EvbufferChain.releaseDead(b);
        if (null == b.callbacks)
        {
            b.nAddForCb = 0;
            b.nDelForCb = 0;
            return failure;
        }
        return firstOf(failure, invokeCallbacks(b));
    }

    static Throwable invokeCallbacks(final Evbuffer b)
    {
        Throwable failure = null;
        if (null != b.deferrer && !b.deferredScheduled)
        {
            b.deferredScheduled = true;
            try
            {
                b.deferrer.defer(b.deferredTask);
            }
            catch (final RuntimeException | Error ex)
            {
                b.deferredScheduled = false;
                failure = ex;
            }
        }
        return firstOf(failure, runCallbacks(b, false));
    }

    /**
     * Runs the callbacks of one round. The counts are taken (and, unless only NODEFER callbacks run
     * ahead of a deferred round, cleared) before the first callback, so a callback that throws
     * leaves them exact; the remaining callbacks of the round still run.
     *
     * @return the first exception a callback threw (later ones suppressed into it), or null
     */
    static Throwable runCallbacks(final Evbuffer b, final boolean runningDeferred)
    {
        if (null == b.callbacks)
        {
            b.nAddForCb = 0;
            b.nDelForCb = 0;
            return null;
        }
        if (0 == b.nAddForCb && 0 == b.nDelForCb)
        {
            return null;
        }
        final int mask;
        final int match;
        boolean clear = true;
        if (runningDeferred)
        {
            mask = EvbufferCallbackEntry.NODEFER | EvbufferCallbackEntry.ENABLED;
            match = EvbufferCallbackEntry.ENABLED;
        }
        else if (null != b.deferrer)
        {
            mask = EvbufferCallbackEntry.NODEFER | EvbufferCallbackEntry.ENABLED;
            match = EvbufferCallbackEntry.NODEFER | EvbufferCallbackEntry.ENABLED;
            clear = false;
        }
        else
        {
            mask = EvbufferCallbackEntry.ENABLED;
            match = EvbufferCallbackEntry.ENABLED;
        }
        final long added = b.nAddForCb;
        final long deleted = b.nDelForCb;
        final long orig = b.length + deleted - added;
        if (clear)
        {
            b.nAddForCb = 0;
            b.nDelForCb = 0;
        }
        Throwable failure = null;
        EvbufferCallbackEntry e = b.callbacks;
        while (null != e && !b.freed)
        {
            final EvbufferCallbackEntry next = e.next;
            if (!e.removed && (e.flags & mask) == match)
            {
                try
                {
                    e.callback.onChange(b, orig, added, deleted);
                }
                catch (final RuntimeException | Error ex)
                {
                    failure = firstOf(failure, ex);
                }
            }
            e = next;
        }
        return failure;
    }

    private static void unlinkCallback(final Evbuffer b, final EvbufferCallbackEntry prev,
        final EvbufferCallbackEntry e)
    {
        if (null == prev)
        {
            b.callbacks = e.next;
        }
        else
        {
            prev.next = e.next;
        }
        e.removed = true;
    }

    /**
     * Removes the registration {@code entry}, or else the first registration of {@code cb}.
     *
     * @return 0, or -1 if none matches
     */
    static int remove(final Evbuffer b, final EvbufferCallbackEntry entry, final EvbufferCallback cb)
    {
        EvbufferCallbackEntry prev = null;
        for (EvbufferCallbackEntry e = b.callbacks; e != null; e = e.next)
        {
            if (e == entry || (null == entry && e.callback == cb))
            {
                unlinkCallback(b, prev, e);
                return 0;
            }
            prev = e;
        }
        return -1;
    }
}
