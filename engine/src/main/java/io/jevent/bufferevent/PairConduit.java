package io.jevent.bufferevent;

import io.jevent.buffer.Evbuffer;
import io.jevent.buffer.SegmentPool;

/**
 * One direction of a pair whose ends live on two loops: the bytes the sending end has given up and the
 * receiving end has not yet taken, with what each end must learn of the other. The sender moves segments
 * from its output into {@link #bytes}, the receiver moves them on into its input; neither touches the other's
 * buffers. Every field is guarded by this object's monitor, held only for those moves and flag changes,
 * never while a user callback or a buffer callback runs.
 * <p>
 * Back-pressure: while the receiver has a read high watermark H the conduit takes at most H bytes
 * ({@link #capacity}), so a pair across loops holds at most 2 H in flight (conduit and input), and a
 * sender finding it full is woken when the receiver has taken some.
 */
final class PairConduit
{
    /** Bytes given by the sender and not yet taken; no owner, no callbacks, no spare segment. */
    final Evbuffer bytes;
    /** The receiver's read high watermark (0: none), copied here whenever the receiver sets it. */
    long capacity;
    /** Bytes ever given, and ever taken: where an end-of-stream mark stands. */
    long given;
    long taken;
    /** {@link BufferEvent#FLUSH_FINISHED}: the events flags to report once {@link #taken} reaches this mark. */
    long finishedAt = -1;
    int finishedWhat;
    /** The sender was freed: the receiver reports EOF once it has taken everything. */
    boolean senderClosed;
    /** The receiver was freed or its loop is gone: the sender's writes fail with EPIPE. */
    boolean receiverClosed;
    /** The sender found the conduit full and waits to be woken. */
    boolean senderWaiting;
    /** The receiver was woken and has not looked yet (one activation for many gifts). */
    boolean receiverWoken;

    /**
     * @param pool where the sender's segments come from (segments move between threads; pools are thread-safe)
     */
    PairConduit(final SegmentPool pool)
    {
        bytes = new Evbuffer(pool);
        bytes.setMaxSpareSize(0);
    }

    /**
     * @return room left under {@link #capacity}, or {@code Long.MAX_VALUE} with none
     */
    long room()
    {
        return 0 == capacity ? Long.MAX_VALUE : capacity - bytes.length();
    }
}
