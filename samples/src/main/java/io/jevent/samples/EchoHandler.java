package io.jevent.samples;

import io.jevent.bufferevent.BevFlags;
import io.jevent.bufferevent.BufferEvent;
import io.jevent.bufferevent.DataCallback;
import io.jevent.bufferevent.EventsCallback;
import io.jevent.bufferevent.SocketBufferEvent;
import io.jevent.bufferevent.TlsBufferEvent;
import io.jevent.loop.EventFlags;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How a jevent server should treat a connection, shown on echo: the pattern the samples teach.
 * <ul>
 *   <li><b>Echo without copying</b>: the read callback moves the input's segments into the output,
 *       {@code bev.writeBuffer(bev.input())}.</li>
 *   <li><b>Back-pressure</b>: once the unsent echo reaches the high watermark the connection stops
 *       reading ({@code disable(READ)}); the kernel's buffers then fill and the peer's sends block.
 *       The write low watermark is set to the low watermark, so the write callback runs when the
 *       output has drained to it, and reading resumes there. The output is also "full" when it holds
 *       more than {@code 2 × high / segmentSize + 4} segments, because each read takes a segment of
 *       its own and a peer sending tiny packets would otherwise pin many mostly empty segments.</li>
 *   <li><b>EOF is a half-close</b>: the peer will send no more, but it may still be reading. The
 *       connection stops reading and is freed only once its output has drained: at once if the output
 *       is empty, else from the write callback when the output reaches 0 (the write low watermark is
 *       set to 0 for that phase). Freeing earlier would throw away unsent echo.</li>
 *   <li><b>TLS</b> ({@code --tls}): the same, on the {@link TlsBufferEvent} over the socket (its CONNECTED, the
 *       end of the handshake, needs nothing); a connection whose
 *       echo is all out sends close_notify and closes once that has reached the kernel (its write callback
 *       runs only when the ciphertext is out too).</li>
 *   <li><b>ERROR and TIMEOUT</b> free the connection at once.</li>
 *   <li><b>Idle timeout</b> (optional): the read and write timeouts close a connection whose peer
 *       neither sends nor takes its echo.</li>
 * </ul>
 * Memory per connection is bounded: the read high watermark is set to the high watermark too, so one
 * readable wakeup reads at most that much (reads are otherwise sized adaptively up to
 * {@code readsPerWakeup × maxSingleRead}, 1 MiB by default), every read callback empties the input,
 * and the output holds at most the high watermark plus one wakeup's reads. An idle connection whose
 * echo is all sent holds no segment.
 * <p>
 * One handler per loop; every method runs on that loop's thread (hand a bufferevent over with
 * {@code base.execute(() -> handler.serve(bev))}). The counters may be read from any thread, a
 * little stale.
 */
public final class EchoHandler
{
    private static final Object DRAINING = new Object();
    private static final Object CLOSING = new Object();

    private final long highWatermark;
    private final long lowWatermark;
    private final long idleTimeoutMs;
    private final int sendBuffer;
    private final Set<BufferEvent> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private final DataCallback readCallback = this::onRead;
    private final DataCallback writeCallback = this::onWrite;
    private final EventsCallback eventsCallback = this::onEvent;
    private volatile long accepted;
    private volatile long closedDrained;
    private volatile long closedOnError;
    private volatile long closedOnTimeout;
    private volatile long pauses;

    /**
     * @param options the watermarks and idle timeout of {@link EchoOptions}
     */
    public EchoHandler(final EchoOptions options)
    {
        this.highWatermark = options.highWatermark();
        this.lowWatermark = options.lowWatermark();
        this.idleTimeoutMs = options.idleTimeoutMs();
        this.sendBuffer = options.sendBuffer();
    }

    /**
     * Takes a new connection: sets its watermarks, timeouts, send buffer and callbacks and enables it.
     *
     * @param bev a socket bufferevent of this handler's loop, made with {@code CLOSE_ON_FREE}
     */
    public void serve(final BufferEvent bev)
    {
        open.add(bev);
        accepted++;
        bev.setWatermark(EventFlags.WRITE, lowWatermark, 0);
        bev.setWatermark(EventFlags.READ, 0, highWatermark);
        if (idleTimeoutMs > 0)
        {
            bev.setTimeouts(idleTimeoutMs, idleTimeoutMs, TimeUnit.MILLISECONDS);
        }
        if (sendBuffer > 0 && bev instanceof SocketBufferEvent)
        {
            ((SocketBufferEvent)bev).transport().setBufferSize(true, sendBuffer);
        }
        bev.setCallbacks(readCallback, writeCallback, eventsCallback);
        bev.enable(EventFlags.READ | EventFlags.WRITE);
    }

    private void onRead(final BufferEvent bev)
    {
        bev.writeBuffer(bev.input());
        if (outputFull(bev))
        {
            bev.disable(EventFlags.READ);
            pauses++;
        }
    }

    private void onWrite(final BufferEvent bev)
    {
        if (CLOSING == bev.attachment())
        {
            close(bev);
        }
        else if (DRAINING == bev.attachment())
        {
            if (0 == bev.output().length())
            {
                closedDrained++;
                closeCleanly(bev);
            }
        }
        else if (0 == (bev.enabled() & EventFlags.READ))
        {
            bev.enable(EventFlags.READ);
        }
    }

    private void onEvent(final BufferEvent bev, final int what)
    {
        if (BevFlags.CONNECTED == what)
        {
            return;
        }
        if (0 != (what & BevFlags.READING) && 0 != (what & BevFlags.EOF))
        {
            bev.writeBuffer(bev.input());
            if (0 == bev.output().length())
            {
                closedDrained++;
                closeCleanly(bev);
            }
            else
            {
                bev.setAttachment(DRAINING);
                bev.setWatermark(EventFlags.WRITE, 0, 0);
            }
            return;
        }
        if (0 != (what & BevFlags.TIMEOUT))
        {
            closedOnTimeout++;
        }
        else
        {
            closedOnError++;
        }
        close(bev);
    }

    private boolean outputFull(final BufferEvent bev)
    {
        final long length = bev.output().length();
        if (length >= highWatermark)
        {
            return true;
        }
        final long segmentBytes = bev.base().pool().segmentSize();
        return length > 0 && bev.output().segmentCount() > 2 * ((highWatermark + segmentBytes - 1) / segmentBytes) + 4;
    }

    /**
     * After the echo is all out: a TLS connection first sends close_notify and closes from the write callback
     * once that has reached the kernel; a plain one closes at once.
     */
    private void closeCleanly(final BufferEvent bev)
    {
        if (bev instanceof TlsBufferEvent tls && 1 == tls.flush(EventFlags.WRITE, BufferEvent.FLUSH_FINISHED))
        {
            bev.setAttachment(CLOSING);
            bev.disable(EventFlags.READ);
            return;
        }
        close(bev);
    }

    private void close(final BufferEvent bev)
    {
        open.remove(bev);
        bev.free();
    }

    /**
     * Frees every open connection, discarding unsent echo: for shutdown, on the loop thread.
     */
    public void freeAll()
    {
        for (final BufferEvent bev : open.toArray(new BufferEvent[0]))
        {
            bev.free();
        }
        open.clear();
    }

    /**
     * @return connections served so far
     */
    public long accepted()
    {
        return accepted;
    }

    /**
     * @return connections freed after EOF once their echo was all sent
     */
    public long closedDrained()
    {
        return closedDrained;
    }

    /**
     * @return connections freed on an error (a reset, a broken pipe)
     */
    public long closedOnError()
    {
        return closedOnError;
    }

    /**
     * @return connections freed by the idle timeout
     */
    public long closedOnTimeout()
    {
        return closedOnTimeout;
    }

    /**
     * @return connections open now: served and not yet closed (shutdown's {@link #freeAll} not counted)
     */
    public long openConnections()
    {
        return accepted - closedDrained - closedOnError - closedOnTimeout;
    }

    /**
     * @return times a connection stopped reading because its output was full (back-pressure)
     */
    public long pauses()
    {
        return pauses;
    }
}
