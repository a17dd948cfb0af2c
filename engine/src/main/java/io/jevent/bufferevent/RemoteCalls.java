package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The calls a {@link BevOptions#THREADSAFE} bufferevent takes from threads other than its loop's: writes,
 * enable, disable and free, each handed to the loop.
 * <p>
 * Writes (libevent's locked {@code bufferevent_write}, done Netty's way): the bytes are copied (or, for
 * an Evbuffer, moved) into a staging buffer under a lock that only off-loop writers and the loop's
 * hand-over take, and one task per batch moves the staging buffer into the output on the loop
 * thread. The loop's own writes never take the lock. Off-loop writes from one thread keep their order;
 * writes from several threads are serialised by the lock. Writing from the loop thread while off-loop
 * writes are still staged puts the loop's bytes first: order across threads is the callers' to arrange.
 * Enable and disable are tasks for the loop; a free is one too, or waits for the base's own free.
 */
final class RemoteCalls implements Runnable
{
    private final BufferEvent bev;
    private final Evbuffer staging;
    private final Evbuffer batch;
    private boolean scheduled;
    /** Bytes wait in the staging buffer: the loop's own writes must let them go first. */
    private volatile boolean staged;
    /** The output's length as the loop last left it, for BOUNDED_OUTPUT checks off the loop. */
    private volatile long loopOutput;
    /** A free was handed to the loop: later off-loop calls throw. */
    private volatile boolean freeQueued;

    RemoteCalls(final BufferEvent bev)
    {
        this.bev = bev;
        this.staging = new Evbuffer(bev.base.pool());
        this.batch = new Evbuffer(bev.base.pool());
        batch.setOwner(bev.base);
    }

    /**
     * @return true if this call comes from another thread while the loop runs, so it must be handed to
     *     the loop
     * @throws IllegalStateException if the bufferevent is freed (or its free handed over), or its base
     */
    boolean offLoop()
    {
        if (bev.base.inLoopThread())
        {
            return false;
        }
        if (bev.freed || freeQueued)
        {
            throw new IllegalStateException("bufferevent used after free");
        }
        if (bev.base.isFreeing())
        {
            throw new IllegalStateException("bufferevent's event base is freed");
        }
        return true;
    }

    /**
     * Hands {@link BufferEvent#enable} to the loop.
     *
     * @param what READ and/or WRITE
     */
    void enable(final int what)
    {
        bev.base.execute(() ->
        {
            if (!bev.freed)
            {
                bev.enable(what);
            }
        });
    }

    /**
     * Hands {@link BufferEvent#disable} to the loop.
     *
     * @param what READ and/or WRITE
     */
    void disable(final int what)
    {
        bev.base.execute(() ->
        {
            if (!bev.freed)
            {
                bev.disable(what);
            }
        });
    }

    /**
     * {@link BufferEvent#free()} off the loop thread: hands the free to the loop, once. If the loop refuses
     * because the base is being freed, waits until it is, for the caller to free at once.
     *
     * @return true if the free is the loop's (now or before), false if the caller must free now
     * @throws RejectedExecutionException if the loop's inbox is full (nothing was done)
     */
    boolean handOffFree()
    {
        if (freeQueued)
        {
            return true;
        }
        freeQueued = true;
        try
        {
            bev.base.execute(bev::freeNow);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            if (!bev.base.isFreeing())
            {
                freeQueued = false;
                throw ex;
            }
            while (!bev.base.isFreed())
            {
                LockSupport.parkNanos(50_000);
            }
            return false;
        }
    }

    /**
     * @return true if BOUNDED_OUTPUT refuses {@code adding} more bytes, counting what is staged and
     *     the output as the loop last reported it, the batch it is taking over included (the loop's
     *     reports follow every change of the output, so the bound holds; it may refuse a little early
     *     while a drain is not yet reported)
     */
    private boolean fullOffLoop(final long adding)
    {
        return bev.watermarks.boundedOutput() && loopOutput + staging.length() + adding > bev.watermarks.writeHigh;
    }

    /**
     * The loop reports the output's length after a change it made (hand-over, socket write).
     *
     * @param length the output's length now
     */
    void outputIs(final long length)
    {
        loopOutput = length;
    }

    synchronized int add(final byte[] data, final int off, final int len)
    {
        if (fullOffLoop(len))
        {
            return BufferEvent.OUTPUT_FULL;
        }
        schedule();
        return staging.add(data, off, len);
    }

    synchronized int add(final ByteBuffer data)
    {
        if (fullOffLoop(data.remaining()))
        {
            return BufferEvent.OUTPUT_FULL;
        }
        schedule();
        return staging.add(data);
    }

    synchronized int add(final DirectBuffer data, final int index, final int len)
    {
        if (fullOffLoop(len))
        {
            return BufferEvent.OUTPUT_FULL;
        }
        schedule();
        return staging.add(data, index, len);
    }

    synchronized int addUtf8(final CharSequence text)
    {
        if (fullOffLoop(Evbuffer.utf8Length(text)))
        {
            return BufferEvent.OUTPUT_FULL;
        }
        schedule();
        return staging.addUtf8(text);
    }

    synchronized int addBuffer(final Evbuffer data)
    {
        if (fullOffLoop(data.length()))
        {
            return BufferEvent.OUTPUT_FULL;
        }
        schedule();
        return staging.addBuffer(data);
    }

    /**
     * Queues the hand-over task unless one is queued; throws (RejectedExecutionException) before
     * anything is staged if the loop refuses it.
     */
    private void schedule()
    {
        if (!scheduled)
        {
            bev.base.execute(this);
            scheduled = true;
        }
        staged = true;
    }

    /**
     * On the loop thread, before a write of the loop's own: hands over what other threads staged
     * first, so that one thread's writes keep their order even when the loop starts between them.
     */
    void flushStaged()
    {
        if (staged)
        {
            run();
        }
    }

    /**
     * The hand-over, on the loop thread: take what is staged, then append it to the output outside the
     * lock (the output's callbacks run there).
     */
    @Override
    public void run()
    {
        synchronized (this)
        {
            scheduled = false;
            staged = false;
            if (staging.isFreed())
            {
                return;
            }
            batch.addBuffer(staging);
            loopOutput = bev.output.length() + batch.length();
        }
        if (bev.freed)
        {
            batch.drain(batch.length());
            return;
        }
        bev.output.addBuffer(batch);
    }

    /**
     * Releases both buffers; bytes still staged are discarded with the rest of the unsent output.
     */
    void free()
    {
        synchronized (this)
        {
            staging.free();
        }
        batch.free();
    }
}
