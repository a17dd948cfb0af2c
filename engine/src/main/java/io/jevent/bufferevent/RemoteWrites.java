package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;

/**
 * Writes to a {@link BevOptions#THREADSAFE} bufferevent from threads other than its loop's
 * (libevent's locked {@code bufferevent_write}, done Netty's way): the bytes are copied (or, for an
 * Evbuffer, moved) into a staging buffer under a lock that only off-loop writers and the loop's
 * hand-over take, and one task per batch moves the staging buffer into the output on the loop
 * thread. The loop's own writes never take the lock. Off-loop writes from one thread keep their order;
 * writes from several threads are serialised by the lock. Writing from the loop thread while off-loop
 * writes are still staged puts the loop's bytes first: order across threads is the callers' to arrange.
 */
final class RemoteWrites implements Runnable
{
    private final BufferEvent bev;
    private final Evbuffer staging;
    private final Evbuffer batch;
    private boolean scheduled;
    /** Bytes wait in the staging buffer: the loop's own writes must let them go first. */
    private volatile boolean staged;
    /** The output's length as the loop last left it, for BOUNDED_OUTPUT checks off the loop. */
    private volatile long loopOutput;

    RemoteWrites(final BufferEvent bev)
    {
        this.bev = bev;
        this.staging = new Evbuffer(bev.base.pool());
        this.batch = new Evbuffer(bev.base.pool());
        batch.setOwner(bev.base);
    }

    /**
     * @return true if BOUNDED_OUTPUT refuses {@code adding} more bytes, counting what is staged and
     *     the output as the loop last reported it, the batch it is taking over included (the loop's
     *     reports follow every change of the output, so the bound holds; it may refuse a little early
     *     while a drain is not yet reported)
     */
    private boolean fullOffLoop(final long adding)
    {
        return bev.boundedOutput() && loopOutput + staging.length() + adding > bev.writeHigh;
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
        bev.appendOutput(batch);
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
