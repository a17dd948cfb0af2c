package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * libevent's {@code evbuffer} off-heap: a chain of {@link Segment}s from a {@link SegmentPool}, with
 * zero-copy moves between buffers, references to caller memory, shared read-only views,
 * reserve/commit, peek, search, line reading, change callbacks, freezing and scatter/gather I/O.
 *
 * <h2>Return conventions</h2>
 * As in libevent: 0 or a count for success, -1 for a state in which the operation is impossible
 * (a frozen end, an invalid reservation, nothing found). Programming errors (null arguments,
 * negative lengths, ranges outside an array, use after {@link #free()}) throw
 * {@link NullPointerException}, {@link IllegalArgumentException},
 * {@link IndexOutOfBoundsException} or {@link IllegalStateException} before any memory is touched.
 * ByteBuffer arguments behave like channel I/O: bytes are taken from or written at the buffer's
 * position, which advances. Agrona buffers take explicit indices and are not changed.
 *
 * <h2>Layout and invariants</h2>
 * The chain is {@code first → … → lastWithData → spare → … → last}. Every segment from first to
 * lastWithData holds at least one byte; every segment after it is an empty, exclusive, mutable
 * spare (pre-allocated room for appends, reservations and reads). When the buffer is empty
 * lastWithData is null and every segment is spare. Zero-length segments never appear among the
 * data, which rules out by construction the corruptions libevent's fuzzers found with empty
 * chains (libevent issues 774, 778, 806). Draining to empty keeps one segment as a spare, so a
 * steady add/drain cycle does not touch the pool.
 *
 * <h2>Differences from libevent, on purpose</h2>
 * <ul>
 *   <li>A zero-length reference holds no byte, so its cleanup runs at once and no chain is made.</li>
 *   <li>A reference costs a pooled wrapper object, never a memory block (libevent 1198).</li>
 *   <li>The per-read cap is configurable ({@link #maxRead(int)}, default 16 KiB as in 2.2).</li>
 *   <li>{@link #writeTo} of an empty buffer returns 0 without a syscall (libevent: -1).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Not thread-safe: one thread uses a buffer at a time. Segments and views may move to buffers of
 * other threads; shared memory is reference counted atomically. A buffer given an owner
 * ({@link #setOwner(BufferOwner)}, normally its event loop) asks it, through
 * {@link BufferOwner#checkThread()}, at the start of every public method except
 * {@link #getOwner()} and {@link #toString()}, before it reads or changes anything: a call from a
 * thread the owner refuses throws the owner's exception and leaves the buffer, and any other buffer
 * the call names, untouched. Calls naming two buffers (moves, views) ask both owners.
 *
 * <h2>Memory handed out</h2>
 * An address, a {@link ByteBuffer} or a flyweight obtained from an {@link Extents} ({@link #peek},
 * {@link #reserveSpace}) or from {@link #pullup} is raw memory, valid only until the buffer next
 * changes (any add, drain, move, commit, pullup, expand or {@link #free()}); using it later may read
 * or write memory that by then belongs to another buffer. The {@link Extents} object itself checks:
 * once its buffer changed or was freed, its accessors throw {@link IllegalStateException} without
 * touching memory. The ByteBuffers put in an array by {@link #prepareRead(int, ByteBuffer[])} and
 * {@link #prepareWrite(long, ByteBuffer[])} belong to this buffer and are revoked (pointed at
 * nothing, capacity 0) when the preparation ends: at its commit, at the next preparation, and at
 * any change of the buffer, so a channel that reads or writes through them later moves 0 bytes. The
 * same holds for the lengths in an {@link IovecArray} this buffer filled, while no other buffer has
 * filled it since.
 *
 * <h2>User code that throws</h2>
 * Reference cleanups ({@link ReferenceCleanup}) and change callbacks ({@link EvbufferCallback}) run
 * only once the buffer is complete and consistent after a change. If one throws, the others due in
 * the same round still run (cleanups first, then callbacks in their usual order), and the first
 * exception is then rethrown to the caller of the public method, later ones attached to it as
 * suppressed; the change itself stands (length, contents and pool accounting are those of the
 * completed operation) and the counts reported to callbacks stay exact. For a move between two
 * buffers, the callbacks of both run before the first exception is rethrown.
 */
public final class Evbuffer implements AutoCloseable
{
    /** {@link #ptrSet} mode: set the position to the given offset. */
    public static final int PTR_SET = 0;
    /** {@link #ptrSet} mode: move the position forward by the given count. */
    public static final int PTR_ADD = 1;
    /** {@link #readFrom} result at end of stream. */
    public static final int EOF = -1;
    /** {@link #readFrom} / {@link #writeTo} result when the buffer end (read) or start (write) is frozen. */
    public static final int FROZEN = -2;
    /** {@link #readLine(EolStyle, byte[], int, int)} result when the line is longer than the room given. */
    public static final int LINE_TOO_LONG = -2;

    private static final int REALIGN_MAX = 2048;
    private static final int SCRATCH_SIZE = 256;

    private final SegmentPool pool;
    private Segment first;
    private Segment last;
    private Segment lastWithData;
    private long length;
    private int spareCount;
    private long version;
    private boolean frozenStart;
    private boolean frozenEnd;
    private boolean freed;
    private int maxRead = BufferConfiguration.maxRead();
    private final int readIovecs = BufferConfiguration.readIovecs();
    private final int writeIovecs = BufferConfiguration.writeIovecs();
    private int maxSpareSize = BufferConfiguration.maxSpareSize();

    private EvbufferCallbackEntry callbacks;
    private EvbufferOwnerHook ownerHook;
    private long nAddForCb;
    private long nDelForCb;
    private CallbackDeferrer deferrer;
    private boolean deferredScheduled;
    private Runnable deferredTask;

    private Segment[] resSegs = new Segment[4];
    private long[] resAddr = new long[4];
    private int[] resLen = new int[4];
    private int resCount;
    private long resVersion = -1;

    private static final int IO_NONE = 0;
    private static final int IO_READ = 1;
    private static final int IO_WRITE = 2;
    private int ioMode = IO_NONE;
    private long ioVersion = -1;
    private long ioTotal;
    private Segment[] ioSegs = new Segment[4];
    private int[] ioLens = new int[4];
    private int ioCount;
    private ByteBuffer[] readViews;
    private ByteBuffer[] writeViews;
    private int pointedReadViews;
    private int pointedWriteViews;
    private IovecArray ioIov;

    private BufferOwner owner;
    private Segment dead;
    private Segment deadTail;

    private byte[] scratch;
    private final EvbufferPtr tmpPtr = new EvbufferPtr();
    private final EvbufferPtr tmpPtr2 = new EvbufferPtr();

    /**
     * A buffer drawing segments from {@link SegmentPool#shared()}.
     */
    public Evbuffer()
    {
        this(SegmentPool.shared());
    }

    /**
     * @param pool where this buffer's segments come from and go back to
     */
    public Evbuffer(final SegmentPool pool)
    {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /**
     * @return the pool this buffer uses
     */
    public SegmentPool pool()
    {
        checkLive();
        return pool;
    }

    /**
     * Gives the buffer an owner whose {@link BufferOwner#checkThread()} every later public call
     * makes first (see the class comment), or removes it. The current owner, if any, is asked
     * before it is replaced, so only a thread it allows can hand the buffer on.
     *
     * @param owner the new owner, or null for none (no check at all)
     * @throws IllegalStateException if the current owner refuses the calling thread, or the buffer
     *     was freed
     */
    public void setOwner(final BufferOwner owner)
    {
        checkLive();
        this.owner = owner;
    }

    /**
     * Asks nobody: the owner is what a caller needs to find out whether it may use the buffer.
     *
     * @return the owner set by {@link #setOwner(BufferOwner)}, or null
     */
    public BufferOwner getOwner()
    {
        return owner;
    }

    // ------------------------------------------------------------------ sizes and state

    /**
     * @return bytes stored (libevent {@code evbuffer_get_length})
     */
    public long length()
    {
        checkLive();
        return length;
    }

    /**
     * @return bytes stored contiguously in the first segment, 0 when empty
     *     (libevent {@code evbuffer_get_contiguous_space})
     */
    public int contiguousSpace()
    {
        checkLive();
        return null == lastWithData ? 0 : first.length;
    }

    /**
     * @return how many segments hold data (libevent {@code evbuffer_peek(buf, -1, NULL, NULL, 0)})
     */
    public int segmentCount()
    {
        checkLive();
        int n = 0;
        for (Segment s = dataHead(); s != null; s = s == lastWithData ? null : s.next)
        {
            n++;
        }
        return n;
    }

    /**
     * @return empty segments kept after the data for later appends and reads
     */
    public int spareSegments()
    {
        checkLive();
        return spareCount;
    }

    /**
     * @return the largest drained segment this buffer keeps as a spare instead of returning it to the pool
     */
    public int maxSpareSize()
    {
        checkLive();
        return maxSpareSize;
    }

    /**
     * Sets the largest drained segment this buffer keeps as a spare ({@link BufferConfiguration#maxSpareSize()}
     * by default). 0 keeps none: every segment whose data is drained goes back to the pool at once,
     * which is what a connection that may go idle wants (its buffers then hold no memory while empty).
     * Spares already kept stay; {@link #releaseSpares()} returns them.
     *
     * @param bytes 0 to {@link BufferConfiguration#MAX_SEGMENT_SIZE}
     */
    public void maxSpareSize(final int bytes)
    {
        checkLive();
        if (bytes < 0 || bytes > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            throw new IllegalArgumentException("maxSpareSize must be in [0, " + BufferConfiguration.MAX_SEGMENT_SIZE +
                "]: " + bytes);
        }
        maxSpareSize = bytes;
    }

    /**
     * Returns every spare segment (the empty room after the data) to the pool; the data stays. A
     * connection that goes idle calls this so that it holds no memory it is not using. Like any change
     * it ends an I/O preparation and makes outstanding reservations stale, so nothing is released
     * while a reservation made since the last change is still open (0 is returned).
     *
     * @return how many segments went back to the pool
     */
    public int releaseSpares()
    {
        checkLive();
        if (0 == spareCount || resVersion == version)
        {
            return 0;
        }
        final int n = spareCount;
        endIo();
        releaseSparesFrom(firstSpare());
        return n;
    }

    /**
     * @return the cap of one scattering read, in bytes
     */
    public int maxRead()
    {
        checkLive();
        return maxRead;
    }

    /**
     * Sets the cap of one scattering read (libevent 2.2 {@code evbuffer_set_max_read}).
     *
     * @param maxRead bytes, at least 1
     * @return 0
     */
    public int maxRead(final int maxRead)
    {
        checkLive();
        if (maxRead < 1)
        {
            throw new IllegalArgumentException("maxRead must be >= 1: " + maxRead);
        }
        this.maxRead = maxRead;
        return 0;
    }

    /**
     * Freezes the start (no drain, remove, copyout, readLine, prepend, write; not a move source) or
     * the end (no add, reference, reserve/commit, read; not a move destination) of the buffer.
     *
     * @param atFront true for the start, false for the end
     * @return 0
     */
    public int freeze(final boolean atFront)
    {
        checkLive();
        if (atFront)
        {
            frozenStart = true;
        }
        else
        {
            frozenEnd = true;
        }
        return 0;
    }

    /**
     * @param atFront true for the start, false for the end
     * @return 0
     */
    public int unfreeze(final boolean atFront)
    {
        checkLive();
        if (atFront)
        {
            frozenStart = false;
        }
        else
        {
            frozenEnd = false;
        }
        return 0;
    }

    /**
     * @param atFront true for the start, false for the end
     * @return whether that end is frozen
     */
    public boolean isFrozen(final boolean atFront)
    {
        checkLive();
        return atFront ? frozenStart : frozenEnd;
    }

    /**
     * Asks the owner like every other call, but works after {@link #free()}.
     *
     * @return true once {@link #free()} has run
     */
    public boolean isFreed()
    {
        checkOwner();
        return freed;
    }

    // ------------------------------------------------------------------ add

    /**
     * Appends a copy of the whole array.
     *
     * @param src bytes to append
     * @return 0, or -1 if the end is frozen
     */
    public int add(final byte[] src)
    {
        return add(src, 0, src.length);
    }

    /**
     * Appends a copy of {@code src[off, off + len)} (libevent {@code evbuffer_add}). Adding 0 bytes
     * returns 0, changes nothing and runs no callback, but still fails on a frozen end.
     *
     * @param src bytes
     * @param off first byte
     * @param len count
     * @return 0, or -1 if the end is frozen
     */
    public int add(final byte[] src, final int off, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(off, len, src.length);
        if (frozenEnd)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        appendCopy(src, Memory.BYTE_ARRAY_BASE + off, len);
        added(len);
        return 0;
    }

    /**
     * Appends the remaining bytes of {@code src} (heap or direct) and advances its position to its limit.
     *
     * @param src bytes
     * @return 0, or -1 if the end is frozen (src unchanged)
     */
    public int add(final ByteBuffer src)
    {
        checkLive();
        final int len = src.remaining();
        if (frozenEnd)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        appendFrom(src);
        added(len);
        return 0;
    }

    /**
     * Appends a copy of {@code src[index, index + len)} of an Agrona buffer (heap or off-heap).
     *
     * @param src   bytes
     * @param index first byte
     * @param len   count
     * @return 0, or -1 if the end is frozen
     */
    public int add(final DirectBuffer src, final int index, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(index, len, src.capacity());
        if (frozenEnd)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        appendCopy(src.byteArray(), src.addressOffset() + index, len);
        added(len);
        return 0;
    }

    /**
     * Appends the remaining bytes of each buffer in order (libevent {@code evbuffer_add_iovec}).
     *
     * @param srcs  buffers
     * @param off   first buffer
     * @param count number of buffers
     * @return bytes appended, or -1 if the end is frozen
     */
    public long addAll(final ByteBuffer[] srcs, final int off, final int count)
    {
        checkLive();
        Objects.checkFromIndexSize(off, count, srcs.length);
        for (int i = off; i < off + count; i++)
        {
            Objects.requireNonNull(srcs[i], "srcs[i]");
        }
        if (frozenEnd)
        {
            return -1;
        }
        long total = 0;
        for (int i = off; i < off + count; i++)
        {
            final int n = srcs[i].remaining();
            if (n > 0)
            {
                appendFrom(srcs[i]);
                total += n;
            }
        }
        if (total > 0)
        {
            added(total);
        }
        return total;
    }

    /**
     * Appends characters as ASCII: one byte each, '?' for anything above 127. Allocates nothing.
     *
     * @param s text
     * @return bytes appended, or -1 if the end is frozen
     */
    public int addAscii(final CharSequence s)
    {
        checkLive();
        final int n = s.length();
        if (frozenEnd)
        {
            return -1;
        }
        final byte[] buf = scratch();
        int i = 0;
        while (i < n)
        {
            final int chunk = Math.min(SCRATCH_SIZE, n - i);
            for (int k = 0; k < chunk; k++)
            {
                final char c = s.charAt(i + k);
                buf[k] = c < 128 ? (byte)c : (byte)'?';
            }
            appendCopy(buf, Memory.BYTE_ARRAY_BASE, chunk);
            i += chunk;
        }
        if (n > 0)
        {
            added(n);
        }
        return n;
    }

    /**
     * @param text characters
     * @return the bytes {@link #addUtf8} appends for {@code text} (an unpaired surrogate
     *     becomes one '?'), counted without encoding
     */
    public static long utf8Length(final CharSequence text)
    {
        final int n = text.length();
        long bytes = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return bytes;
    }

    /**
     * Appends characters encoded as UTF-8 (an unpaired surrogate becomes '?'). Allocates nothing.
     *
     * @param s text
     * @return bytes appended, or -1 if the end is frozen
     */
    public int addUtf8(final CharSequence s)
    {
        checkLive();
        final int n = s.length();
        if (frozenEnd)
        {
            return -1;
        }
        final byte[] buf = scratch();
        int k = 0;
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            if (k > SCRATCH_SIZE - 4)
            {
                appendCopy(buf, Memory.BYTE_ARRAY_BASE, k);
                total += k;
                k = 0;
            }
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                buf[k++] = (byte)c;
            }
            else if (c < 0x800)
            {
                buf[k++] = (byte)(0xC0 | (c >> 6));
                buf[k++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[k++] = (byte)(0xF0 | (cp >> 18));
                buf[k++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                buf[k++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                buf[k++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                buf[k++] = (byte)'?';
            }
            else
            {
                buf[k++] = (byte)(0xE0 | (c >> 12));
                buf[k++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                buf[k++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        if (k > 0)
        {
            appendCopy(buf, Memory.BYTE_ARRAY_BASE, k);
            total += k;
        }
        if (total > 0)
        {
            added(total);
        }
        return total;
    }

    /**
     * Appends {@code String.format(format, args)} as UTF-8 (libevent {@code evbuffer_add_printf}).
     * Allocates, like any formatting.
     *
     * @param format format string
     * @param args   arguments
     * @return bytes appended, or -1 if the end is frozen
     */
    public int addFormat(final String format, final Object... args)
    {
        checkLive();
        final String s = String.format(format, args);
        return frozenEnd ? -1 : addUtf8(s);
    }

    // ------------------------------------------------------------------ prepend

    /**
     * Inserts a copy of the whole array before the data.
     *
     * @param src bytes
     * @return 0, or -1 if the start is frozen
     */
    public int prepend(final byte[] src)
    {
        return prepend(src, 0, src.length);
    }

    /**
     * Inserts a copy of {@code src[off, off + len)} before the data (libevent {@code evbuffer_prepend}):
     * into the free room before the first segment's data when it is mutable, the rest into a new
     * segment in front. Referenced or shared memory is never written.
     *
     * @param src bytes
     * @param off first byte
     * @param len count
     * @return 0, or -1 if the start is frozen
     */
    public int prepend(final byte[] src, final int off, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(off, len, src.length);
        if (frozenStart)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        prependCopy(src, Memory.BYTE_ARRAY_BASE + off, len);
        added(len);
        return 0;
    }

    /**
     * Inserts the remaining bytes of {@code src} before the data and advances its position.
     *
     * @param src bytes
     * @return 0, or -1 if the start is frozen
     */
    public int prepend(final ByteBuffer src)
    {
        checkLive();
        final int len = src.remaining();
        if (frozenStart)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        if (!src.isDirect() && src.isReadOnly())
        {
            final byte[] copy = new byte[len];
            src.get(copy);
            prependCopy(copy, Memory.BYTE_ARRAY_BASE, len);
        }
        else
        {
            prependCopy(baseOf(src), offsetOf(src), len);
            src.position(src.limit());
        }
        added(len);
        return 0;
    }

    /**
     * Inserts a copy of {@code src[index, index + len)} before the data.
     *
     * @param src   bytes
     * @param index first byte
     * @param len   count
     * @return 0, or -1 if the start is frozen
     */
    public int prepend(final DirectBuffer src, final int index, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(index, len, src.capacity());
        if (frozenStart)
        {
            return -1;
        }
        if (0 == len)
        {
            return 0;
        }
        prependCopy(src.byteArray(), src.addressOffset() + index, len);
        added(len);
        return 0;
    }

    // ------------------------------------------------------------------ drain, remove, copyout

    /**
     * Removes {@code min(n, length)} bytes from the front (libevent {@code evbuffer_drain}). Fully
     * drained segments go back to the pool (one is kept as a spare), running reference cleanups.
     *
     * @param n bytes, at least 0
     * @return 0; -1 if the start is frozen and the buffer is not empty
     */
    public int drain(final long n)
    {
        checkLive();
        checkNonNegative(n);
        if (0 == length)
        {
            return 0;
        }
        if (frozenStart)
        {
            return -1;
        }
        final long k = Math.min(n, length);
        if (k > 0)
        {
            drainInternal(k);
            deleted(k);
        }
        return 0;
    }

    /**
     * Copies out and drains up to {@code len} bytes (libevent {@code evbuffer_remove}).
     *
     * @param dst destination
     * @param off first destination index
     * @param len most bytes to move
     * @return bytes moved (0 when empty), or -1 if the start is frozen
     */
    public int remove(final byte[] dst, final int off, final int len)
    {
        final int n = copyout(dst, off, len);
        if (n > 0)
        {
            drainInternal(n);
            deleted(n);
        }
        return n;
    }

    /**
     * Copies out and drains up to {@code dst.remaining()} bytes, advancing dst's position.
     *
     * @param dst destination
     * @return bytes moved, or -1 if the start is frozen
     */
    public int remove(final ByteBuffer dst)
    {
        final int n = copyout(dst);
        if (n > 0)
        {
            drainInternal(n);
            deleted(n);
        }
        return n;
    }

    /**
     * Copies out and drains up to {@code len} bytes into an Agrona buffer.
     *
     * @param dst   destination
     * @param index first destination index
     * @param len   most bytes to move
     * @return bytes moved, or -1 if the start is frozen
     */
    public int remove(final MutableDirectBuffer dst, final int index, final int len)
    {
        final int n = copyout(dst, index, len);
        if (n > 0)
        {
            drainInternal(n);
            deleted(n);
        }
        return n;
    }

    /**
     * Copies up to {@code len} bytes from the front without draining (libevent {@code evbuffer_copyout}).
     *
     * @param dst destination
     * @param off first destination index
     * @param len most bytes to copy
     * @return bytes copied, or -1 if the start is frozen (even though nothing would change)
     */
    public int copyout(final byte[] dst, final int off, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(off, len, dst.length);
        if (frozenStart)
        {
            return -1;
        }
        final int n = (int)Math.min(len, length);
        copyFrom(dataHead(), 0, dst, Memory.BYTE_ARRAY_BASE + off, n);
        return n;
    }

    /**
     * Copies up to {@code dst.remaining()} bytes from the front without draining, advancing dst.
     *
     * @param dst destination
     * @return bytes copied, or -1 if the start is frozen
     */
    public int copyout(final ByteBuffer dst)
    {
        checkLive();
        checkWritable(dst);
        if (frozenStart)
        {
            return -1;
        }
        final int n = (int)Math.min(dst.remaining(), length);
        copyFrom(dataHead(), 0, baseOf(dst), offsetOf(dst), n);
        dst.position(dst.position() + n);
        return n;
    }

    /**
     * Copies up to {@code len} bytes from the front into an Agrona buffer without draining.
     *
     * @param dst   destination
     * @param index first destination index
     * @param len   most bytes to copy
     * @return bytes copied, or -1 if the start is frozen
     */
    public int copyout(final MutableDirectBuffer dst, final int index, final int len)
    {
        checkLive();
        Objects.checkFromIndexSize(index, len, dst.capacity());
        if (frozenStart)
        {
            return -1;
        }
        final int n = (int)Math.min(len, length);
        copyFrom(dataHead(), 0, dst.byteArray(), dst.addressOffset() + index, n);
        return n;
    }

    /**
     * Copies up to {@code len} bytes starting at a position, without draining
     * (libevent {@code evbuffer_copyout_from}).
     *
     * @param from position, set by {@link #ptrSet} or a search
     * @param dst  destination
     * @param off  first destination index
     * @param len  most bytes to copy
     * @return bytes copied (at most {@code length - from}), or -1 if the start is frozen or the position invalid
     */
    public int copyoutFrom(final EvbufferPtr from, final byte[] dst, final int off, final int len)
    {
        checkLive();
        Objects.requireNonNull(from, "from");
        Objects.checkFromIndexSize(off, len, dst.length);
        if (frozenStart || !resolve(from))
        {
            return -1;
        }
        final int n = (int)Math.min(len, length - from.pos);
        copyFrom(from.seg, from.segOff, dst, Memory.BYTE_ARRAY_BASE + off, n);
        return n;
    }

    // ------------------------------------------------------------------ moves between buffers

    /**
     * Moves all of {@code src} to the end of this buffer without copying: whole segments change
     * owner (libevent {@code evbuffer_add_buffer}). Callbacks run on src (deleted) then on this (added).
     *
     * @param src the buffer to empty
     * @return 0 (also for an empty src or src == this); -1 if this end or src's start is frozen
     */
    public int addBuffer(final Evbuffer src)
    {
        checkLive();
        src.checkLive();
        final long n = src.length;
        if (0 == n || src == this)
        {
            return 0;
        }
        if (frozenEnd || src.frozenStart)
        {
            return -1;
        }
        final Segment head = src.first;
        final Segment tail = src.lastWithData;
        src.unlinkData(tail);
        linkDataAtEnd(head, tail, n);
        giveSpareTo(src);
        rethrow(firstOf(src.noteDeleted(n), noteAdded(n)));
        return 0;
    }

    /**
     * After a move emptied {@code src} of segments, hands it one of this buffer's spares: in a steady
     * flow (an echo moving input to output) the two buffers then swap segments and neither touches
     * the pool.
     */
    private void giveSpareTo(final Evbuffer src)
    {
        if (0 != src.spareCount || 0 == spareCount || src.pool != pool)
        {
            return;
        }
        final Segment sp = firstSpare();
        if (null == lastWithData)
        {
            first = sp.next;
        }
        else
        {
            lastWithData.next = sp.next;
        }
        if (last == sp)
        {
            last = lastWithData;
        }
        spareCount--;
        src.appendSpare(sp);
    }

    /**
     * Moves all of {@code src} in front of this buffer's data without copying
     * (libevent {@code evbuffer_prepend_buffer}).
     *
     * @param src the buffer to empty
     * @return 0 (also for an empty src or src == this); -1 if either start is frozen
     */
    public int prependBuffer(final Evbuffer src)
    {
        checkLive();
        src.checkLive();
        final long n = src.length;
        if (0 == n || src == this)
        {
            return 0;
        }
        if (frozenStart || src.frozenStart)
        {
            return -1;
        }
        final Segment head = src.first;
        final Segment tail = src.lastWithData;
        src.unlinkData(tail);
        if (null == lastWithData)
        {
            linkDataAtEnd(head, tail, n);
        }
        else
        {
            tail.next = first;
            first = head;
            length += n;
            bump();
        }
        rethrow(firstOf(src.noteDeleted(n), noteAdded(n)));
        return 0;
    }

    /**
     * Moves {@code min(n, length)} bytes from the front of this buffer to the end of {@code dst}
     * (libevent {@code evbuffer_remove_buffer}): whole segments change owner, only the bytes of
     * the last, partial segment are copied.
     *
     * @param dst destination
     * @param n   most bytes to move
     * @return bytes moved (0 for n == 0 or dst == this), or -1 if dst's end or this start is frozen
     */
    public long removeBuffer(final Evbuffer dst, final long n)
    {
        checkLive();
        dst.checkLive();
        checkNonNegative(n);
        if (0 == n || dst == this)
        {
            return 0;
        }
        if (dst.frozenEnd || frozenStart)
        {
            return -1;
        }
        if (n >= length)
        {
            final long all = length;
            dst.addBuffer(this);
            return all;
        }
        long moved = 0;
        Segment s = first;
        Segment lastWhole = null;
        while (moved + s.length <= n)
        {
            moved += s.length;
            lastWhole = s;
            s = s.next;
        }
        if (null != lastWhole)
        {
            final Segment head = first;
            first = s;
            lastWhole.next = null;
            length -= moved;
            bump();
            dst.linkDataAtEnd(head, lastWhole, moved);
        }
        final int partial = (int)(n - moved);
        if (partial > 0)
        {
            dst.appendCopy(null, s.dataAddress(), partial);
            s.start += partial;
            s.length -= partial;
            length -= partial;
            bump();
        }
        rethrow(firstOf(dst.noteAdded(n), noteDeleted(n)));
        return n;
    }

    /**
     * Appends caller memory without copying (libevent {@code evbuffer_add_reference}). The region
     * is never written by the buffer. {@code cleanup} runs exactly once, with this address and
     * length, when the last of its bytes leaves every buffer sharing it or those buffers are freed.
     * A zero-length reference holds nothing: its cleanup runs at once.
     *
     * @param address start of the memory, which must stay valid until cleanup runs
     * @param len     bytes, at least 0
     * @param cleanup run once when the memory is no longer used
     * @return 0, or -1 if the end is frozen (cleanup is then not called)
     */
    public int addReference(final long address, final int len, final ReferenceCleanup cleanup)
    {
        checkLive();
        Objects.requireNonNull(cleanup, "cleanup");
        if (len < 0)
        {
            throw new IllegalArgumentException("negative length: " + len);
        }
        if (0 == address && len > 0)
        {
            throw new IllegalArgumentException("null address");
        }
        if (frozenEnd)
        {
            return -1;
        }
        if (0 == len)
        {
            cleanup.release(address, len);
            return 0;
        }
        final Segment s = pool.acquireWrapper();
        s.kind = Segment.REFERENCE;
        s.pointAt(address, len);
        s.cleanup = cleanup;
        s.length = len;
        linkDataAtEnd(s, s, len);
        added(len);
        return 0;
    }

    /**
     * References the remaining bytes of a direct ByteBuffer; its position is not changed. The
     * caller keeps the ByteBuffer reachable until cleanup runs.
     *
     * @param src     a direct buffer
     * @param cleanup run once with the address and length referenced
     * @return 0, or -1 if the end is frozen
     */
    public int addReference(final ByteBuffer src, final ReferenceCleanup cleanup)
    {
        checkLive();
        if (!src.isDirect())
        {
            throw new IllegalArgumentException("only direct (off-heap) memory can be referenced");
        }
        return addReference(offsetOf(src), src.remaining(), cleanup);
    }

    /**
     * References {@code src[index, index + len)} of an off-heap Agrona buffer.
     *
     * @param src     an off-heap buffer
     * @param index   first byte
     * @param len     bytes
     * @param cleanup run once with the address and length referenced
     * @return 0, or -1 if the end is frozen
     */
    public int addReference(final DirectBuffer src, final int index, final int len, final ReferenceCleanup cleanup)
    {
        checkLive();
        if (null != src.byteArray())
        {
            throw new IllegalArgumentException("only off-heap memory can be referenced");
        }
        Objects.checkFromIndexSize(index, len, src.capacity());
        return addReference(src.addressOffset() + index, len, cleanup);
    }

    /**
     * Appends a read-only view of src's current bytes (libevent {@code evbuffer_add_buffer_reference}):
     * both buffers then hold the same bytes in the same memory, reference counted; draining or freeing
     * src later does not change this buffer. Only this buffer's callbacks run.
     *
     * @param src the buffer to view
     * @return 0 (also for an empty src); -1 if src == this, this end is frozen, or src itself holds views
     */
    public int addBufferReference(final Evbuffer src)
    {
        checkLive();
        src.checkLive();
        final long n = src.length;
        if (0 == n)
        {
            return 0;
        }
        if (frozenEnd || src == this)
        {
            return -1;
        }
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            if (Segment.VIEW == s.kind)
            {
                return -1;
            }
        }
        Segment head = null;
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            try
            {
                final Segment w = pool.acquireWrapper();
                w.next = head;
                head = w;
            }
            catch (final RuntimeException ex)
            {
                while (null != head)
                {
                    final Segment next = head.next;
                    head.next = null;
                    pool.recycleWrapper(head);
                    head = next;
                }
                throw ex;
            }
        }
        Segment spareWrappers = head;
        head = null;
        Segment tail = null;
        for (Segment s = src.first; s != null; s = s == src.lastWithData ? null : s.next)
        {
            final Segment v = spareWrappers;
            spareWrappers = v.next;
            v.next = null;
            v.kind = Segment.VIEW;
            v.pointAt(s.address, s.capacity);
            v.start = s.start;
            v.length = s.length;
            s.immutable = true;
            s.retain();
            v.parent = s;
            if (null == head)
            {
                head = v;
            }
            else
            {
                tail.next = v;
            }
            tail = v;
        }
        src.bump();
        linkDataAtEnd(head, tail, n);
        added(n);
        return 0;
    }

    // ------------------------------------------------------------------ pullup, expand

    /**
     * Makes the first {@code n} bytes contiguous (libevent {@code evbuffer_pullup}) and returns
     * their address. Copies nothing if the first segment already holds them. Runs no callback, but
     * the cleanups of references whose bytes were all copied run (if one throws, the pullup stands
     * and the first exception is rethrown). The address is raw memory, valid until the buffer next
     * changes.
     *
     * @param n bytes, or negative for all
     * @return the address of the first byte, or 0 (NULL) if n == 0, n > length, the buffer is
     *     empty, or n exceeds the largest segment
     */
    public long pullup(final long n)
    {
        checkLive();
        final long want = n < 0 ? length : n;
        if (0 == want || want > length || want > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            return 0;
        }
        final Segment f = first;
        if (f.length >= want)
        {
            return f.dataAddress();
        }
        final int size = (int)want;
        final Segment target;
        int have;
        if (f.isExclusiveMutable() && f.capacity >= size)
        {
            if (f.capacity - f.start < size)
            {
                Memory.copy(null, f.dataAddress(), null, f.address, f.length);
                f.start = 0;
            }
            target = f;
            have = f.length;
        }
        else
        {
            target = pool.acquire(size);
            target.next = f;
            first = target;
            have = 0;
        }
        Segment s = target.next;
        while (have < size)
        {
            final int take = Math.min(s.length, size - have);
            Memory.copy(null, s.dataAddress(), null, target.address + target.start + have, take);
            have += take;
            target.length += take;
            if (take == s.length)
            {
                final Segment next = s.next;
                target.next = next;
                if (s == lastWithData)
                {
                    lastWithData = target;
                }
                if (s == last)
                {
                    last = target;
                }
                discard(s);
                s = next;
            }
            else
            {
                s.start += take;
                s.length -= take;
            }
        }
        bump();
        if (null != dead)
        {
            final long stamp = version;
            rethrow(releaseDead());
            if (stamp != version)
            {
                return pullup(n);
            }
        }
        return target.dataAddress();
    }

    /**
     * {@link #pullup(long)} that points an Agrona flyweight at the contiguous bytes.
     *
     * @param n    bytes, or negative for all
     * @param into the flyweight to wrap
     * @return true if it was wrapped, false where pullup returns 0
     */
    public boolean pullup(final long n, final UnsafeBuffer into)
    {
        Objects.requireNonNull(into, "into");
        final long address = pullup(n);
        if (0 == address)
        {
            return false;
        }
        into.wrap(address, (int)(n < 0 ? length : n));
        return true;
    }

    /**
     * Guarantees that the next {@code n} appended bytes fit in one segment without allocating
     * (libevent {@code evbuffer_expand}). May realign a mostly drained segment in place.
     *
     * @param n bytes, at least 0
     * @return 0, or -1 if n exceeds the largest segment
     */
    public int expand(final long n)
    {
        checkLive();
        checkNonNegative(n);
        if (n > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            return -1;
        }
        expandInternal((int)n);
        return 0;
    }

    // ------------------------------------------------------------------ reserve, commit, peek

    /**
     * Reserves free room at the end without changing the length (libevent {@code evbuffer_reserve_space}).
     * With one extent it is contiguous and at least {@code size} bytes; with more, the extents
     * (the free tail of the last data segment, then spares) add up to at least {@code size}.
     * Reserving again without a commit gives the same extents. The extents are valid until this
     * buffer next changes (a commit included); their accessors refuse after that (see {@link Extents}).
     *
     * @param size    bytes wanted, at least 0
     * @param extents filled with the reserved extents; its capacity is libevent's n_vecs
     * @return the number of extents used, or -1 if the end is frozen or extents has no capacity
     */
    public int reserveSpace(final long size, final Extents extents)
    {
        checkLive();
        checkNonNegative(size);
        Objects.requireNonNull(extents, "extents");
        final int k = extents.capacity();
        if (frozenEnd || k < 1 || size > BufferConfiguration.MAX_SEGMENT_SIZE)
        {
            return -1;
        }
        extents.clear();
        resCount = 0;
        resVersion = -1;
        if (1 == k)
        {
            final Segment s = expandInternal((int)size);
            reserveExtent(extents, s, s.address + s.end(), s.writableTail());
        }
        else
        {
            endIo();
            fillTailExtents(size, k, false);
            for (int i = 0; i < ioCount; i++)
            {
                final Segment s = ioSegs[i];
                reserveExtent(extents, s, s.address + s.end(), s.writableTail());
            }
        }
        resVersion = version;
        extents.stamp(this, version);
        return resCount;
    }

    /**
     * Commits bytes written into reserved extents (libevent {@code evbuffer_commit_space}). Each of
     * the first {@code k} extents must be exactly as reserved, except that its length may be shrunk.
     *
     * @param extents the extents from {@link #reserveSpace}, lengths possibly shrunk
     * @param k       how many of them to commit
     * @return 0, or -1 if the end is frozen, the buffer changed since the reservation, or an
     *     extent does not match
     */
    public int commitSpace(final Extents extents, final int k)
    {
        checkLive();
        Objects.requireNonNull(extents, "extents");
        if (k < 0)
        {
            throw new IllegalArgumentException("negative count: " + k);
        }
        if (frozenEnd)
        {
            return -1;
        }
        if (0 == k)
        {
            return 0;
        }
        if (resVersion != version || extents.source != this || extents.stamp != version || k > resCount ||
            k > extents.count())
        {
            return -1;
        }
        final long[] addresses = extents.addresses;
        final int[] lengths = extents.lengths;
        long total = 0;
        for (int i = 0; i < k; i++)
        {
            if (addresses[i] != resAddr[i] || lengths[i] > resLen[i])
            {
                return -1;
            }
            total += lengths[i];
        }
        if (0 == total)
        {
            return 0;
        }
        for (int i = 0; i < k; i++)
        {
            resSegs[i].length += lengths[i];
        }
        normalizeAfterFill(lastWithData);
        resVersion = -1;
        length += total;
        bump();
        added(total);
        return 0;
    }

    /**
     * Fills extents pointing at the data, without copying (libevent {@code evbuffer_peek}). The
     * extents are valid until this buffer next changes; their accessors refuse after that (see
     * {@link Extents}). Writing through them into references or views is not allowed.
     *
     * @param n       bytes to cover, negative for all
     * @param start   where to start, or null for the front
     * @param extents filled with up to its capacity extents
     * @return extents needed to cover n bytes (may exceed the capacity); with n negative and a
     *     capacity of 0, the number of data segments; 0 for an empty buffer or a start at the end
     */
    public int peek(final long n, final EvbufferPtr start, final Extents extents)
    {
        checkLive();
        Objects.requireNonNull(extents, "extents");
        extents.clear();
        final int k = extents.capacity();
        Segment s;
        long got = 0;
        int idx = 0;
        long want = n;
        if (null != start)
        {
            if (!resolve(start) || null == start.seg)
            {
                return 0;
            }
            s = start.seg;
            got = s.length - start.segOff;
            if (k > 0)
            {
                extents.set(0, s.dataAddress() + start.segOff, (int)got);
            }
            idx = 1;
            s = next(s);
        }
        else
        {
            s = dataHead();
        }
        if (0 == k && want < 0)
        {
            want = length - (null == start ? 0 : start.pos);
        }
        while (null != s)
        {
            if (want >= 0 && got >= want)
            {
                break;
            }
            if (idx < k)
            {
                extents.set(idx, s.dataAddress(), s.length);
            }
            else if (want < 0)
            {
                break;
            }
            idx++;
            got += s.length;
            s = next(s);
        }
        extents.stamp(this, version);
        return idx;
    }

    // ------------------------------------------------------------------ positions and search

    /**
     * Sets or advances a position (libevent {@code evbuffer_ptr_set}). The end of the buffer
     * ({@code length}) is a legal position.
     *
     * @param ptr      the position to change
     * @param position offset ({@link #PTR_SET}) or distance ({@link #PTR_ADD}), at least 0
     * @param how      {@link #PTR_SET} or {@link #PTR_ADD}
     * @return 0, or -1 (and ptr set to -1) if the result would be past the end or ptr was invalid
     */
    public int ptrSet(final EvbufferPtr ptr, final long position, final int how)
    {
        checkLive();
        Objects.requireNonNull(ptr, "ptr");
        checkNonNegative(position);
        final long target;
        if (PTR_SET == how)
        {
            target = position;
        }
        else if (PTR_ADD == how)
        {
            if (ptr.pos < 0 || ptr.owner != this)
            {
                ptr.invalidate();
                return -1;
            }
            target = ptr.pos + position;
        }
        else
        {
            throw new IllegalArgumentException("how must be PTR_SET or PTR_ADD: " + how);
        }
        if (target < 0 || target > length)
        {
            ptr.invalidate();
            return -1;
        }
        locate(ptr, target);
        return 0;
    }

    /**
     * @param what bytes to find
     * @return offset of the first occurrence, or -1; 0 for an empty pattern
     */
    public long search(final byte[] what)
    {
        return search(what, 0, what.length, null, null, null);
    }

    /**
     * @param what  bytes to find
     * @param start offset to start at, 0 to length
     * @return offset of the first occurrence at or after start, or -1
     */
    public long search(final byte[] what, final long start)
    {
        checkLive();
        if (ptrSet(tmpPtr, start, PTR_SET) < 0)
        {
            return -1;
        }
        return search(what, 0, what.length, tmpPtr, null, null);
    }

    /**
     * @param what  bytes to find
     * @param start offset to start at
     * @param end   a match must end at or before this offset (may equal length)
     * @return offset of the first match, or -1
     */
    public long searchRange(final byte[] what, final long start, final long end)
    {
        checkLive();
        if (ptrSet(tmpPtr, start, PTR_SET) < 0 || ptrSet(tmpPtr2, end, PTR_SET) < 0)
        {
            return -1;
        }
        return search(what, 0, what.length, tmpPtr, tmpPtr2, null);
    }

    /**
     * Finds {@code what[off, off + len)} (libevent {@code evbuffer_search_range}); matches may span
     * segments. Allocates nothing.
     *
     * @param what   pattern array
     * @param off    first pattern byte
     * @param len    pattern length; 0 finds the start position (libevent's quirk)
     * @param start  where to start, or null for 0
     * @param end    the match must end at or before this position, or null for the end
     * @param result if not null, set to the match (or -1)
     * @return offset of the match, or -1
     */
    public long search(final byte[] what, final int off, final int len, final EvbufferPtr start,
        final EvbufferPtr end, final EvbufferPtr result)
    {
        checkLive();
        Objects.checkFromIndexSize(off, len, what.length);
        long from = 0;
        if (null != start)
        {
            if (!resolve(start))
            {
                return fail(result);
            }
            from = start.pos;
        }
        long limit = length;
        if (null != end)
        {
            if (!resolve(end))
            {
                return fail(result);
            }
            limit = end.pos;
        }
        if (0 == len)
        {
            return found(result, from);
        }
        if (from + len > limit)
        {
            return fail(result);
        }
        final long lastStart = limit - len;
        final byte b0 = what[off];
        final EvbufferPtr p = tmpPtr2 == end ? tmpPtr : tmpPtr2;
        locate(p, from);
        Segment s = p.seg;
        int so = p.segOff;
        long pos = from;
        while (null != s && pos <= lastStart)
        {
            final int span = (int)Math.min(s.length - so, lastStart - pos + 1);
            final int i = Memory.indexOf(s.dataAddress() + so, span, b0);
            if (i < 0)
            {
                pos += s.length - so;
                s = next(s);
                so = 0;
                continue;
            }
            pos += i;
            so += i;
            if (matchesAt(s, so, what, off, len))
            {
                return found(result, pos);
            }
            pos++;
            so++;
            if (so == s.length)
            {
                s = next(s);
                so = 0;
            }
        }
        return fail(result);
    }

    /**
     * Finds the next end of line at or after {@code start} (libevent {@code evbuffer_search_eol}).
     * The position returned is that of the EOL itself.
     *
     * @param start  where to start, or null for 0
     * @param style  EOL style
     * @param result if not null, set to the EOL position (or -1)
     * @return the EOL length (1 or 2; for {@link EolStyle#ANY} the length of the CR/LF run), or 0
     *     if there is none (result then -1)
     */
    public int searchEol(final EvbufferPtr start, final EolStyle style, final EvbufferPtr result)
    {
        checkLive();
        Objects.requireNonNull(style, "style");
        long from = 0;
        if (null != start)
        {
            if (!resolve(start))
            {
                fail(result);
                return 0;
            }
            from = start.pos;
        }
        final long eolLen = findEol(from, style);
        if (eolLen <= 0)
        {
            fail(result);
            return 0;
        }
        found(result, eolPos);
        return (int)eolLen;
    }

    /**
     * Reads and drains one line, without its EOL, as ISO-8859-1 (one char per byte, so NULs and any
     * byte survive) (libevent {@code evbuffer_readln}).
     *
     * @param style EOL style
     * @return the line, or null if there is no complete line or the start is frozen
     */
    public String readLine(final EolStyle style)
    {
        return readLine(style, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads and drains one line, without its EOL, decoded with {@code charset}.
     *
     * @param style   EOL style
     * @param charset decoding
     * @return the line, or null if there is no complete line or the start is frozen
     */
    public String readLine(final EolStyle style, final Charset charset)
    {
        checkLive();
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(charset, "charset");
        if (frozenStart)
        {
            return null;
        }
        final long eolLen = findEol(0, style);
        if (eolLen <= 0)
        {
            return null;
        }
        final int n = (int)Math.min(eolPos, Integer.MAX_VALUE - 8);
        final byte[] line = new byte[n];
        copyFrom(dataHead(), 0, line, Memory.BYTE_ARRAY_BASE, n);
        final long k = eolPos + eolLen;
        drainInternal(k);
        deleted(k);
        return new String(line, charset);
    }

    /**
     * Reads and drains one line, without its EOL, into {@code dst[off, off + cap)}. Allocates nothing.
     *
     * @param style EOL style
     * @param dst   destination
     * @param off   first index
     * @param cap   room available
     * @return the line length; -1 if there is no complete line or the start is frozen;
     *     {@link #LINE_TOO_LONG} if the line exceeds cap (the buffer is then unchanged)
     */
    public int readLine(final EolStyle style, final byte[] dst, final int off, final int cap)
    {
        checkLive();
        Objects.checkFromIndexSize(off, cap, dst.length);
        return readLineInto(style, dst, Memory.BYTE_ARRAY_BASE + off, cap);
    }

    /**
     * Reads and drains one line, without its EOL, into an Agrona buffer. Allocates nothing.
     *
     * @param style EOL style
     * @param dst   destination
     * @param index first index
     * @param cap   room available
     * @return the line length; -1 if there is no complete line or the start is frozen;
     *     {@link #LINE_TOO_LONG} if the line exceeds cap (the buffer is then unchanged)
     */
    public int readLine(final EolStyle style, final MutableDirectBuffer dst, final int index, final int cap)
    {
        checkLive();
        Objects.checkFromIndexSize(index, cap, dst.capacity());
        return readLineInto(style, dst.byteArray(), dst.addressOffset() + index, cap);
    }

    // ------------------------------------------------------------------ scatter/gather I/O

    /**
     * Prepares one scattering read: fills {@code iov} with up to {@code readIovecs} (default 4) free
     * tail extents, the free tail of the last data segment first and then spare segments (created as
     * needed), totalling {@code min(howmuch, maxRead)} bytes. Follow with {@link #commitRead(long)}.
     * The entries are raw memory: the preparation ends at the commit, at the next preparation and at
     * any change of the buffer, and the lengths in {@code iov} are then set to 0 (unless another
     * buffer has filled {@code iov} since).
     *
     * @param howmuch most bytes to read; negative means {@link #maxRead()}
     * @param iov     native iovec array to fill
     * @return number of iovecs filled, or -1 if the end is frozen
     */
    public int prepareRead(final int howmuch, final IovecArray iov)
    {
        checkLive();
        iov.checkOpen();
        endIo();
        if (frozenEnd)
        {
            iov.count(0);
            return -1;
        }
        final int k = setupRead(howmuch, iov.capacity());
        for (int i = 0; i < k; i++)
        {
            final Segment s = ioSegs[i];
            iov.set(i, s.address + s.end(), ioLens[i]);
        }
        iov.count(k);
        preparedIn(iov, k);
        return k;
    }

    /**
     * Like {@link #prepareRead(int, IovecArray)} for java.nio: puts direct ByteBuffers over the free
     * extents in {@code bufs[0, k)} (position 0, limit and capacity the extent's length), ready for
     * {@link ScatteringByteChannel#read(ByteBuffer[], int, int)}. The ByteBuffers belong to this
     * buffer (made once, reused by later preparations, never shared with another buffer) and are
     * revoked to capacity 0 when the preparation ends: at {@link #commitRead(long)}, at the next
     * preparation, and at any change of the buffer including {@link #free()}. A read through them
     * after that moves 0 bytes and writes no memory.
     *
     * @param howmuch most bytes to read; negative means {@link #maxRead()}
     * @param bufs    array to fill
     * @return number of buffers filled, or -1 if the end is frozen
     */
    public int prepareRead(final int howmuch, final ByteBuffer[] bufs)
    {
        checkLive();
        Objects.requireNonNull(bufs, "bufs");
        endIo();
        if (frozenEnd)
        {
            return -1;
        }
        final int k = setupRead(howmuch, bufs.length);
        final ByteBuffer[] views = pointReadViews(k);
        for (int i = 0; i < k; i++)
        {
            bufs[i] = views[i];
        }
        return k;
    }

    /**
     * @return the bytes the last {@code prepareRead}/{@code prepareWrite} (or {@code readFrom}/{@code
     *     writeTo}) offered to the kernel; kept after the commit until the next preparation
     */
    public long preparedBytes()
    {
        return ioTotal;
    }

    /**
     * Commits {@code n} bytes read into the extents of the last {@code prepareRead}, in order. A
     * successful commit ends the preparation.
     *
     * @param n bytes the read returned, 0 to the prepared total
     * @return 0, or -1 if no read is prepared or the buffer changed since
     */
    public int commitRead(final long n)
    {
        checkLive();
        if (IO_READ != ioMode || ioVersion != version || n < 0 || n > ioTotal || frozenEnd)
        {
            return -1;
        }
        endIo();
        if (0 == n)
        {
            return 0;
        }
        long left = n;
        for (int i = 0; i < ioCount && left > 0; i++)
        {
            final int take = (int)Math.min(left, ioLens[i]);
            ioSegs[i].length += take;
            left -= take;
        }
        rightSizeReadSegments(lastWithData);
        normalizeAfterFill(lastWithData);
        length += n;
        bump();
        added(n);
        return 0;
    }

    /**
     * Prepares one gathering write: fills {@code iov} with up to {@code min(iov.capacity(), writeIovecs)}
     * data extents from the front, totalling at most {@code howmuch} bytes. Follow with
     * {@link #commitWrite(long)}. Like a read preparation, it ends at the commit, the next preparation
     * or any change, and the lengths in {@code iov} are then set to 0.
     *
     * @param howmuch most bytes to write; negative means all
     * @param iov     native iovec array to fill
     * @return number of iovecs filled (0 when empty), or -1 if the start is frozen
     */
    public int prepareWrite(final long howmuch, final IovecArray iov)
    {
        checkLive();
        iov.checkOpen();
        endIo();
        if (frozenStart)
        {
            iov.count(0);
            return -1;
        }
        final int k = setupWrite(howmuch, iov.capacity());
        for (int i = 0; i < k; i++)
        {
            iov.set(i, ioSegs[i].dataAddress(), ioLens[i]);
        }
        iov.count(k);
        preparedIn(iov, k);
        return k;
    }

    /**
     * Like {@link #prepareWrite(long, IovecArray)} for java.nio: puts read-only direct ByteBuffers over
     * the data in {@code bufs[0, k)} (position 0, limit and capacity the extent's length). They belong
     * to this buffer and are revoked like those of {@link #prepareRead(int, ByteBuffer[])}: a write
     * through them after the preparation ended moves 0 bytes.
     *
     * @param howmuch most bytes to write; negative means all
     * @param bufs    array to fill
     * @return number of buffers filled (0 when empty), or -1 if the start is frozen
     */
    public int prepareWrite(final long howmuch, final ByteBuffer[] bufs)
    {
        checkLive();
        Objects.requireNonNull(bufs, "bufs");
        endIo();
        if (frozenStart)
        {
            return -1;
        }
        final int k = setupWrite(howmuch, bufs.length);
        final ByteBuffer[] views = pointWriteViews(k);
        for (int i = 0; i < k; i++)
        {
            bufs[i] = views[i];
        }
        return k;
    }

    /**
     * Drains the {@code n} bytes a gathering write took. A successful commit ends the preparation.
     *
     * @param n bytes written, 0 to the prepared total
     * @return 0, or -1 if no write is prepared or the buffer changed since
     */
    public int commitWrite(final long n)
    {
        checkLive();
        if (IO_WRITE != ioMode || ioVersion != version || n < 0 || n > ioTotal || frozenStart)
        {
            return -1;
        }
        endIo();
        if (n > 0)
        {
            drainInternal(n);
            deleted(n);
        }
        return 0;
    }

    /**
     * One read from a channel into the tail (libevent {@code evbuffer_read} for java.nio): a plain
     * {@code read(ByteBuffer)} when one free extent holds {@code howmuch}, a scattering read across
     * several otherwise. The channel gets this buffer's own ByteBuffers, revoked when the call returns.
     *
     * @param channel source, normally non-blocking
     * @param howmuch most bytes; negative means {@link #maxRead()}
     * @return bytes read; 0 if none were available; {@link #EOF} at end of stream; {@link #FROZEN}
     *     if the end is frozen
     * @throws IOException as the channel throws it
     */
    public long readFrom(final ScatteringByteChannel channel, final int howmuch) throws IOException
    {
        checkLive();
        Objects.requireNonNull(channel, "channel");
        endIo();
        if (frozenEnd)
        {
            return FROZEN;
        }
        final int k = setupRead(howmuch, readIovecs);
        if (0 == k)
        {
            return 0;
        }
        final ByteBuffer[] views = pointReadViews(k);
        final long n;
        try
        {
            n = 1 == k ? channel.read(views[0]) : channel.read(views, 0, k);
        }
        catch (final Throwable ex)
        {
            endIo();
            throw ex;
        }
        if (n < 0)
        {
            endIo();
            return EOF;
        }
        commitRead(n);
        return n;
    }

    /**
     * One write of up to {@code howmuch} bytes to a channel (a plain {@code write(ByteBuffer)} for one
     * extent, a gathering write across several), then drains what was written
     * (libevent {@code evbuffer_write_atmost} for java.nio). The channel gets this buffer's own
     * read-only ByteBuffers, revoked when the call returns.
     *
     * @param channel destination, normally non-blocking
     * @param howmuch most bytes; negative means all
     * @return bytes written (0 for an empty buffer, with no syscall), or {@link #FROZEN} if the start is frozen
     * @throws IOException as the channel throws it
     */
    public long writeTo(final GatheringByteChannel channel, final long howmuch) throws IOException
    {
        checkLive();
        Objects.requireNonNull(channel, "channel");
        endIo();
        if (frozenStart)
        {
            return FROZEN;
        }
        final int k = setupWrite(howmuch, writeIovecs);
        if (0 == k)
        {
            ioMode = IO_NONE;
            return 0;
        }
        final ByteBuffer[] views = pointWriteViews(k);
        final long n;
        try
        {
            n = 1 == k ? channel.write(views[0]) : channel.write(views, 0, k);
        }
        catch (final Throwable ex)
        {
            endIo();
            throw ex;
        }
        commitWrite(n);
        return n;
    }

    // ------------------------------------------------------------------ callbacks

    /**
     * Installs the owner's hook (see {@link EvbufferOwnerHook}), replacing any before it; null removes it.
     * For the object that owns this buffer, such as a bufferevent, not for applications, which use
     * {@link #addCallback}.
     *
     * @param hook the hook, or null
     */
    public void ownerHook(final EvbufferOwnerHook hook)
    {
        checkLive();
        this.ownerHook = hook;
    }

    /**
     * Registers a change callback (libevent {@code evbuffer_add_cb}); the most recently added runs first.
     * Callbacks run once the change is complete. If one throws, the others of the same round still
     * run and the first exception is then rethrown to the caller of the method that changed the buffer
     * (for a deferred round, to whoever runs the deferred task); the change stands, and the counts
     * of the next round start after this one, as if nothing had thrown.
     *
     * @param cb the callback
     * @return its handle, enabled
     */
    public EvbufferCallbackEntry addCallback(final EvbufferCallback cb)
    {
        checkLive();
        final EvbufferCallbackEntry e = new EvbufferCallbackEntry(Objects.requireNonNull(cb, "cb"));
        e.next = callbacks;
        callbacks = e;
        return e;
    }

    /**
     * @param entry a handle from {@link #addCallback}
     * @return 0, or -1 if it is not registered here
     */
    public int removeCallback(final EvbufferCallbackEntry entry)
    {
        checkLive();
        EvbufferCallbackEntry prev = null;
        for (EvbufferCallbackEntry e = callbacks; e != null; e = e.next)
        {
            if (e == entry)
            {
                unlinkCallback(prev, e);
                return 0;
            }
            prev = e;
        }
        return -1;
    }

    /**
     * Removes the first registration of {@code cb} (libevent {@code evbuffer_remove_cb}).
     *
     * @param cb the callback
     * @return 0, or -1 if none matches
     */
    public int removeCallback(final EvbufferCallback cb)
    {
        checkLive();
        EvbufferCallbackEntry prev = null;
        for (EvbufferCallbackEntry e = callbacks; e != null; e = e.next)
        {
            if (e.callback == cb)
            {
                unlinkCallback(prev, e);
                return 0;
            }
            prev = e;
        }
        return -1;
    }

    /**
     * From now on run callbacks later, through {@code deferrer} (normally an event loop), with the
     * accumulated counts; callbacks flagged {@link EvbufferCallbackEntry#NODEFER} still run at once
     * (libevent {@code evbuffer_defer_callbacks}). Null restores synchronous callbacks.
     *
     * @param deferrer where deferred callbacks run, or null
     * @return 0
     */
    public int deferCallbacks(final CallbackDeferrer deferrer)
    {
        checkLive();
        this.deferrer = deferrer;
        if (null != deferrer && null == deferredTask)
        {
            deferredTask = () ->
            {
                deferredScheduled = false;
                if (!freed)
                {
                    rethrow(runCallbacks(true));
                }
            };
        }
        return 0;
    }

    // ------------------------------------------------------------------ free

    /**
     * Frees the buffer (libevent {@code evbuffer_free}): every segment goes back to its pool and
     * every pending reference cleanup runs. Any later call except {@link #isFreed()},
     * {@link #getOwner()} and {@link #free()} throws {@link IllegalStateException}; extents, I/O
     * preparations and positions of this buffer are refused from now on. If a cleanup throws, the
     * buffer is freed all the same, the remaining cleanups run, and the first exception is rethrown.
     */
    public void free()
    {
        checkOwner();
        if (freed)
        {
            return;
        }
        freed = true;
        Segment s = first;
        first = null;
        last = null;
        lastWithData = null;
        length = 0;
        spareCount = 0;
        callbacks = null;
        nAddForCb = 0;
        nDelForCb = 0;
        ioMode = IO_NONE;
        resVersion = -1;
        resCount = 0;
        ioCount = 0;
        bump();
        endIo();
        while (null != s)
        {
            final Segment next = s.next;
            discard(s);
            s = next;
        }
        rethrow(releaseDead());
    }

    /**
     * Same as {@link #free()}.
     */
    @Override
    public void close()
    {
        free();
    }

    /**
     * Does not throw when the owner refuses the calling thread: it then shows no content (reading
     * memory another thread may be changing is not safe).
     *
     * @return the contents as ISO-8859-1 text, for debugging; allocates
     */
    @Override
    public String toString()
    {
        final BufferOwner o = owner;
        if (null != o)
        {
            try
            {
                o.checkThread();
            }
            catch (final IllegalStateException ex)
            {
                return "Evbuffer(owned by another thread)";
            }
        }
        if (freed)
        {
            return "Evbuffer(freed)";
        }
        final int n = (int)Math.min(length, 256);
        final byte[] b = new byte[n];
        copyFrom(dataHead(), 0, b, Memory.BYTE_ARRAY_BASE, n);
        return "Evbuffer(length=" + length + ", \"" + new String(b, StandardCharsets.ISO_8859_1) +
            (length > n ? "…" : "") + "\")";
    }

    // ================================================================== internals

    private Segment dataHead()
    {
        return null == lastWithData ? null : first;
    }

    private Segment next(final Segment s)
    {
        return s == lastWithData ? null : s.next;
    }

    private Segment firstSpare()
    {
        return null == lastWithData ? first : lastWithData.next;
    }

    /**
     * The check every public method makes first: the owner's thread check (one null test and, with
     * an owner, one interface call), then use after free.
     */
    private void checkLive()
    {
        final BufferOwner o = owner;
        if (null != o)
        {
            o.checkThread();
        }
        if (freed)
        {
            throw new IllegalStateException("evbuffer used after free");
        }
    }

    private void checkOwner()
    {
        final BufferOwner o = owner;
        if (null != o)
        {
            o.checkThread();
        }
    }

    /**
     * Called by {@link Extents} before it hands out anything it holds.
     *
     * @param stamp the version the extents were filled at
     * @throws IllegalStateException if the owner refuses the thread, or the buffer changed or was freed since
     */
    void checkCurrent(final long stamp)
    {
        checkOwner();
        if (freed)
        {
            throw new IllegalStateException("stale extents: their evbuffer was freed");
        }
        if (stamp != version)
        {
            throw new IllegalStateException("stale extents: their evbuffer changed since peek or reserveSpace");
        }
    }

    /**
     * Marks a change that may move, release or reuse memory: positions re-resolve, reservations,
     * extents and I/O preparations go stale, and the ByteBuffers of an I/O preparation are revoked.
     */
    private void bump()
    {
        version++;
        if (0 != (pointedReadViews | pointedWriteViews) || null != ioIov)
        {
            endIo();
        }
    }

    /**
     * Ends the current I/O preparation: no commit is accepted any more, and whatever it handed out
     * (this buffer's ByteBuffer views, the lengths of the iovec array it filled) moves no byte.
     */
    private void endIo()
    {
        ioMode = IO_NONE;
        for (int i = 0; i < pointedReadViews; i++)
        {
            DirectViews.repoint(readViews[i], 0, 0);
        }
        pointedReadViews = 0;
        for (int i = 0; i < pointedWriteViews; i++)
        {
            DirectViews.repoint(writeViews[i], 0, 0);
        }
        pointedWriteViews = 0;
        final IovecArray iov = ioIov;
        if (null != iov)
        {
            ioIov = null;
            iov.revoke(this);
        }
    }

    /**
     * Queues a segment already unlinked from the chain for release once the buffer is consistent,
     * so that a throwing {@link ReferenceCleanup} finds (and leaves) a complete buffer.
     */
    private void discard(final Segment s)
    {
        s.next = null;
        if (null == dead)
        {
            dead = s;
        }
        else
        {
            deadTail.next = s;
        }
        deadTail = s;
    }

    /**
     * Releases every discarded segment, in chain order, even if cleanups throw.
     *
     * @return the first exception a cleanup threw (later ones suppressed into it), or null
     */
    private Throwable releaseDead()
    {
        Throwable failure = null;
        Segment s = dead;
        dead = null;
        deadTail = null;
        while (null != s)
        {
            final Segment next = s.next;
            s.next = null;
            try
            {
                s.release();
            }
            catch (final RuntimeException | Error ex)
            {
                failure = firstOf(failure, ex);
            }
            s = next;
        }
        return failure;
    }

    private static Throwable firstOf(final Throwable first, final Throwable next)
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
    private static void rethrow(final Throwable failure)
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

    private static void checkNonNegative(final long n)
    {
        if (n < 0)
        {
            throw new IllegalArgumentException("negative length: " + n);
        }
    }

    private static void checkWritable(final ByteBuffer dst)
    {
        if (dst.isReadOnly())
        {
            throw new IllegalArgumentException("read-only destination");
        }
    }

    private static Object baseOf(final ByteBuffer b)
    {
        return b.isDirect() ? null : b.array();
    }

    private static long offsetOf(final ByteBuffer b)
    {
        if (b.isDirect())
        {
            return BufferUtil.address(b) + b.position();
        }
        if (b.isReadOnly())
        {
            throw new IllegalArgumentException("read-only heap ByteBuffer: its array is not accessible");
        }
        return Memory.BYTE_ARRAY_BASE + b.arrayOffset() + b.position();
    }

    /**
     * Appends src's remaining bytes and advances it; read-only heap buffers go through the scratch array.
     */
    private void appendFrom(final ByteBuffer src)
    {
        if (!src.isDirect() && src.isReadOnly())
        {
            final byte[] buf = scratch();
            while (src.hasRemaining())
            {
                final int chunk = Math.min(SCRATCH_SIZE, src.remaining());
                src.get(buf, 0, chunk);
                appendCopy(buf, Memory.BYTE_ARRAY_BASE, chunk);
            }
        }
        else
        {
            appendCopy(baseOf(src), offsetOf(src), src.remaining());
            src.position(src.limit());
        }
    }

    private byte[] scratch()
    {
        if (null == scratch)
        {
            scratch = new byte[SCRATCH_SIZE];
        }
        return scratch;
    }

    private void added(final long n)
    {
        rethrow(noteAdded(n));
    }

    private void deleted(final long n)
    {
        rethrow(noteDeleted(n));
    }

    /**
     * Records n added bytes, then settles the change (see {@link #settle()}).
     *
     * @return the first exception user code threw, or null
     */
    private Throwable noteAdded(final long n)
    {
        nAddForCb += n;
        final EvbufferOwnerHook h = ownerHook;
        if (null != h && 0 != n)
        {
            h.bufferChanged(this, n, 0);
        }
        return settle();
    }

    /**
     * Records n deleted bytes, then settles the change (see {@link #settle()}).
     *
     * @return the first exception user code threw, or null
     */
    private Throwable noteDeleted(final long n)
    {
        nDelForCb += n;
        final EvbufferOwnerHook h = ownerHook;
        if (null != h && 0 != n)
        {
            h.bufferChanged(this, 0, n);
        }
        return settle();
    }

    /**
     * After a change is complete: releases the segments it discarded (running their cleanups), then
     * runs or schedules the callbacks due. Everything due runs even if some of it throws.
     *
     * @return the first exception user code threw (later ones suppressed into it), or null
     */
    private Throwable settle()
    {
        final Throwable failure = null == dead ? null : releaseDead();
        if (null == callbacks)
        {
            nAddForCb = 0;
            nDelForCb = 0;
            return failure;
        }
        return firstOf(failure, invokeCallbacks());
    }

    private Throwable invokeCallbacks()
    {
        Throwable failure = null;
        if (null != deferrer && !deferredScheduled)
        {
            deferredScheduled = true;
            try
            {
                deferrer.defer(deferredTask);
            }
            catch (final RuntimeException | Error ex)
            {
                deferredScheduled = false;
                failure = ex;
            }
        }
        return firstOf(failure, runCallbacks(false));
    }

    /**
     * Runs the callbacks of one round. The counts are taken (and, unless only NODEFER callbacks run
     * ahead of a deferred round, cleared) before the first callback, so a callback that throws
     * leaves them exact; the remaining callbacks of the round still run.
     *
     * @return the first exception a callback threw (later ones suppressed into it), or null
     */
    private Throwable runCallbacks(final boolean runningDeferred)
    {
        if (null == callbacks)
        {
            nAddForCb = 0;
            nDelForCb = 0;
            return null;
        }
        if (0 == nAddForCb && 0 == nDelForCb)
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
        else if (null != deferrer)
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
        final long added = nAddForCb;
        final long deleted = nDelForCb;
        final long orig = length + deleted - added;
        if (clear)
        {
            nAddForCb = 0;
            nDelForCb = 0;
        }
        Throwable failure = null;
        EvbufferCallbackEntry e = callbacks;
        while (null != e && !freed)
        {
            final EvbufferCallbackEntry next = e.next;
            if (!e.removed && (e.flags & mask) == match)
            {
                try
                {
                    e.callback.onChange(this, orig, added, deleted);
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

    private void unlinkCallback(final EvbufferCallbackEntry prev, final EvbufferCallbackEntry e)
    {
        if (null == prev)
        {
            callbacks = e.next;
        }
        else
        {
            prev.next = e.next;
        }
        e.removed = true;
    }

    /**
     * Copies n bytes to the end, keeping the single-segment guarantee of {@link #expand}: a tail that
     * cannot hold everything is skipped when the first spare can.
     */
    private void appendCopy(final Object srcBase, final long srcOffset, final int n)
    {
        if (length > Long.MAX_VALUE - n)
        {
            throw new IllegalStateException("evbuffer length overflow");
        }
        Segment t = lastWithData;
        if (null != t)
        {
            final int tail = t.writableTail();
            if (tail >= n)
            {
                Memory.copy(srcBase, srcOffset, null, t.address + t.end(), n);
                t.length += n;
                length += n;
                bump();
                return;
            }
            if (t.isExclusiveMutable() && t.length <= REALIGN_MAX && t.length < (t.capacity >> 1) &&
                t.capacity - t.length >= n)
            {
                Memory.copy(null, t.dataAddress(), null, t.address, t.length);
                t.start = 0;
                Memory.copy(srcBase, srcOffset, null, t.address + t.length, n);
                t.length += n;
                length += n;
                bump();
                return;
            }
        }
        final Segment spare = firstSpare();
        final int tailTake = (null == spare || spare.capacity < n) && null != t ? t.writableTail() : 0;
        ensureSpareRoom(n - tailTake);
        int done = 0;
        if (tailTake > 0)
        {
            Memory.copy(srcBase, srcOffset, null, t.address + t.end(), tailTake);
            t.length += tailTake;
            done = tailTake;
        }
        while (done < n)
        {
            final Segment s = firstSpare();
            final int take = Math.min(n - done, s.capacity);
            Memory.copy(srcBase, srcOffset + done, null, s.address, take);
            s.start = 0;
            s.length = take;
            lastWithData = s;
            spareCount--;
            done += take;
        }
        length += n;
        bump();
    }

    /**
     * Makes the spares hold at least {@code need} bytes, acquiring before any byte is copied so a pool
     * failure leaves the content untouched.
     */
    private void ensureSpareRoom(final long need)
    {
        long have = 0;
        for (Segment s = firstSpare(); null != s && have < need; s = s.next)
        {
            have += s.capacity;
        }
        while (have < need)
        {
            final Segment s = pool.acquire((int)Math.min(need - have, BufferConfiguration.MAX_SEGMENT_SIZE));
            appendSpare(s);
            have += s.capacity;
        }
    }

    private void appendSpare(final Segment s)
    {
        s.next = null;
        if (null == last)
        {
            first = s;
        }
        else
        {
            last.next = s;
        }
        last = s;
        spareCount++;
    }

    private void prependCopy(final Object srcBase, final long srcOffset, final int n)
    {
        if (length > Long.MAX_VALUE - n)
        {
            throw new IllegalStateException("evbuffer length overflow");
        }
        int left = n;
        if (null == lastWithData)
        {
            final Segment s = firstSpare();
            if (null != s && s.capacity >= n)
            {
                s.start = s.capacity - n;
                s.length = n;
                Memory.copy(srcBase, srcOffset, null, s.dataAddress(), n);
                lastWithData = s;
                spareCount--;
                length += n;
                bump();
                return;
            }
        }
        final int room = null != lastWithData && first.isExclusiveMutable() ? Math.min(first.start, n) : 0;
        Segment fresh = acquireChain(n - room);
        if (room > 0)
        {
            final Segment f = first;
            f.start -= room;
            f.length += room;
            left -= room;
            Memory.copy(srcBase, srcOffset + left, null, f.dataAddress(), room);
        }
        while (left > 0)
        {
            final Segment s = fresh;
            fresh = s.next;
            s.next = null;
            final int take = Math.min(left, s.capacity);
            left -= take;
            s.start = s.capacity - take;
            s.length = take;
            Memory.copy(srcBase, srcOffset + left, null, s.dataAddress(), take);
            if (null == lastWithData)
            {
                s.next = first;
                first = s;
                if (null == last)
                {
                    last = s;
                }
                lastWithData = s;
            }
            else
            {
                s.next = first;
                first = s;
            }
        }
        length += n;
        bump();
    }

    /**
     * Acquires segments holding at least {@code bytes}, linked through next; all or nothing.
     */
    private Segment acquireChain(final int bytes)
    {
        Segment head = null;
        int have = 0;
        try
        {
            while (have < bytes)
            {
                final Segment s = pool.acquire(Math.min(bytes - have, BufferConfiguration.MAX_SEGMENT_SIZE));
                s.next = head;
                head = s;
                have += s.capacity;
            }
            return head;
        }
        catch (final RuntimeException ex)
        {
            while (null != head)
            {
                final Segment next = head.next;
                head.next = null;
                head.release();
                head = next;
            }
            throw ex;
        }
    }

    /**
     * Drains k (1 to length) bytes: releases whole segments (keeping one as spare), trims the partial one.
     */
    private void drainInternal(final long k)
    {
        final Segment only = first;
        if (k == length && only == lastWithData && null == only.next && only.isExclusiveMutable() &&
            1 == only.refCount && only.sizeClass >= 0 && only.capacity <= maxSpareSize)
        {
            only.start = 0;
            only.length = 0;
            lastWithData = null;
            spareCount = 1;
            length = 0;
            bump();
            return;
        }
        long left = k;
        while (left > 0)
        {
            final Segment s = first;
            if (s.length > left)
            {
                s.start += (int)left;
                s.length -= (int)left;
                break;
            }
            left -= s.length;
            first = s.next;
            if (s == lastWithData)
            {
                lastWithData = null;
            }
            if (s == last)
            {
                last = null;
            }
            retire(s);
        }
        length -= k;
        bump();
    }

    /**
     * A segment whose data is all gone: kept as the spare if there is none and it is an exclusive
     * pooled segment of at most {@code maxSpareSize} bytes, otherwise released.
     */
    private void retire(final Segment s)
    {
        s.next = null;
        if (0 == spareCount && s.isExclusiveMutable() && 1 == s.refCount && s.sizeClass >= 0 &&
            s.capacity <= maxSpareSize)
        {
            s.start = 0;
            s.length = 0;
            appendSpare(s);
        }
        else
        {
            discard(s);
        }
    }

    /**
     * Detaches the data segments first..tail, leaving the spares; the buffer becomes empty.
     */
    private void unlinkData(final Segment tail)
    {
        final Segment spares = tail.next;
        tail.next = null;
        first = spares;
        if (null == spares)
        {
            last = null;
        }
        lastWithData = null;
        length = 0;
        bump();
    }

    /**
     * Links a chain of data segments after lastWithData (before the spares).
     */
    private void linkDataAtEnd(final Segment head, final Segment tail, final long n)
    {
        final Segment spares = firstSpare();
        if (null == lastWithData)
        {
            first = head;
        }
        else
        {
            lastWithData.next = head;
        }
        tail.next = spares;
        if (null == spares)
        {
            last = tail;
        }
        lastWithData = tail;
        length += n;
        bump();
    }

    private Segment expandInternal(final int n)
    {
        final Segment t = lastWithData;
        if (null != t)
        {
            if (t.writableTail() >= n)
            {
                return t;
            }
            if (t.isExclusiveMutable() && t.length <= REALIGN_MAX && t.length < (t.capacity >> 1) &&
                t.capacity - t.length >= n)
            {
                Memory.copy(null, t.dataAddress(), null, t.address, t.length);
                t.start = 0;
                bump();
                return t;
            }
        }
        final Segment spare = firstSpare();
        if (null != spare && spare.capacity >= n)
        {
            return spare;
        }
        final Segment s = pool.acquire(n);
        if (null == spare)
        {
            appendSpare(s);
        }
        else
        {
            s.next = spare;
            if (null == t)
            {
                first = s;
            }
            else
            {
                t.next = s;
            }
            spareCount++;
        }
        bump();
        return s;
    }

    private void reserveExtent(final Extents extents, final Segment s, final long address, final int len)
    {
        final int i = resCount;
        if (i == resSegs.length)
        {
            resSegs = java.util.Arrays.copyOf(resSegs, i * 2);
            resAddr = java.util.Arrays.copyOf(resAddr, i * 2);
            resLen = java.util.Arrays.copyOf(resLen, i * 2);
        }
        resSegs[i] = s;
        resAddr[i] = address;
        resLen[i] = len;
        resCount = i + 1;
        extents.set(i, address, len);
    }

    /**
     * Collects up to k free extents for a read or multi-extent reservation of {@code want} bytes into
     * ioSegs/ioLens (full free room of each), creating spares as needed, the k-th big enough for the rest.
     * Reads ({@code pooledOnly}) take pooled size classes for all but the k-th extent, so that with
     * {@code maxRead <= readIovecs * maxPooledSize} no read ever needs an unpooled block.
     */
    private void fillTailExtents(final long want, final int k, final boolean pooledOnly)
    {
        ioCount = 0;
        long avail = 0;
        final Segment t = lastWithData;
        if (null != t && t.writableTail() > 0 && (k > 1 || t.writableTail() >= want))
        {
            avail += addIo(t, t.writableTail());
        }
        Segment s = firstSpare();
        while (null != s && ioCount < k && (avail < want || 0 == ioCount))
        {
            if (ioCount == k - 1 && s.capacity < want - avail)
            {
                break;
            }
            avail += addIo(s, s.capacity);
            s = s.next;
        }
        if (ioCount < k && (avail < want || 0 == ioCount))
        {
            if (null != s)
            {
                releaseSparesFrom(s);
            }
            do
            {
                final long cap = pooledOnly && ioCount < k - 1 ?
                    pool.maxPooledSize() : BufferConfiguration.MAX_SEGMENT_SIZE;
                final Segment fresh = pool.acquire((int)Math.max(1, Math.min(want - avail, cap)));
                appendSpare(fresh);
                bump();
                avail += addIo(fresh, fresh.capacity);
            }
            while (pooledOnly && ioCount < k && avail < want);
        }
    }

    private void releaseSparesFrom(final Segment from)
    {
        Segment prev = null;
        for (Segment s = firstSpare(); s != from; s = s.next)
        {
            prev = s;
        }
        if (null == prev)
        {
            if (null == lastWithData)
            {
                first = null;
                last = null;
            }
            else
            {
                lastWithData.next = null;
                last = lastWithData;
            }
        }
        else
        {
            prev.next = null;
            last = prev;
        }
        bump();
        Segment s = from;
        while (null != s)
        {
            final Segment next = s.next;
            s.next = null;
            spareCount--;
            s.release();
            s = next;
        }
    }

    private int addIo(final Segment s, final int len)
    {
        final int i = ioCount;
        if (i == ioSegs.length)
        {
            ioSegs = java.util.Arrays.copyOf(ioSegs, i * 2);
            ioLens = java.util.Arrays.copyOf(ioLens, i * 2);
        }
        ioSegs[i] = s;
        ioLens[i] = len;
        ioCount = i + 1;
        return len;
    }

    /**
     * Remembers the iovec array of the current preparation, so that ending it revokes its lengths.
     */
    private void preparedIn(final IovecArray iov, final int k)
    {
        if (k > 0)
        {
            ioIov = iov;
            iov.preparedBy = this;
        }
    }

    /**
     * Points this buffer's first k read views (writable) at the extents of the read just set up.
     */
    private ByteBuffer[] pointReadViews(final int k)
    {
        final ByteBuffer[] views = readViews = ensureViews(readViews, k, false);
        for (int i = 0; i < k; i++)
        {
            final Segment s = ioSegs[i];
            DirectViews.repoint(views[i], s.address + s.end(), ioLens[i]);
        }
        pointedReadViews = k;
        return views;
    }

    /**
     * Points this buffer's first k write views (read-only) at the extents of the write just set up.
     */
    private ByteBuffer[] pointWriteViews(final int k)
    {
        final ByteBuffer[] views = writeViews = ensureViews(writeViews, k, true);
        for (int i = 0; i < k; i++)
        {
            DirectViews.repoint(views[i], ioSegs[i].dataAddress(), ioLens[i]);
        }
        pointedWriteViews = k;
        return views;
    }

    /**
     * Grows a view array to hold k views, making the missing ones: allocates only the first time a
     * preparation needs more views than any before it.
     */
    private static ByteBuffer[] ensureViews(final ByteBuffer[] views, final int k, final boolean readOnly)
    {
        ByteBuffer[] v = views;
        if (null == v || v.length < k)
        {
            v = null == v ? new ByteBuffer[Math.max(k, 4)] : java.util.Arrays.copyOf(v, Math.max(k, v.length * 2));
        }
        for (int i = 0; i < k; i++)
        {
            if (null == v[i])
            {
                v[i] = readOnly ? DirectViews.newReadOnlyView() : DirectViews.newView();
            }
        }
        return v;
    }

    private int setupRead(final int howmuch, final int capacity)
    {
        final long want = howmuch < 0 ? maxRead : Math.min(howmuch, maxRead);
        final int k = Math.min(capacity, readIovecs);
        ioCount = 0;
        ioTotal = 0;
        ioMode = IO_READ;
        ioVersion = version;
        if (0 == want || k < 1)
        {
            return 0;
        }
        fillTailExtents(want, k, true);
        long total = 0;
        for (int i = 0; i < ioCount; i++)
        {
            final int len = (int)Math.min(ioLens[i], want - total);
            ioLens[i] = len;
            total += len;
            if (total == want)
            {
                ioCount = i + 1;
                break;
            }
        }
        ioTotal = total;
        ioVersion = version;
        return ioCount;
    }

    private int setupWrite(final long howmuch, final int capacity)
    {
        final long want = howmuch < 0 ? length : Math.min(howmuch, length);
        final int k = Math.min(capacity, writeIovecs);
        ioCount = 0;
        ioTotal = 0;
        ioMode = IO_WRITE;
        ioVersion = version;
        if (0 == want || k < 1)
        {
            return 0;
        }
        long total = 0;
        for (Segment s = first; s != null && ioCount < k && total < want; s = next(s))
        {
            final int len = (int)Math.min(s.length, want - total);
            addIo(s, len);
            total += len;
        }
        ioTotal = total;
        return ioCount;
    }

    /**
     * After a read committed into fresh segments following {@code from}: a segment the read filled to
     * less than a quarter, larger than the pool's smallest class, has its bytes copied into a segment
     * of their size and stays behind empty (a spare, for the next read or for the pool). An adaptive
     * read guess that was large when a burst ended thus pins at most 4x the bytes it holds, not a
     * 256 KiB segment per few bytes; the copy is of under a quarter of a segment and only happens when
     * the guess is far off.
     */
    private void rightSizeReadSegments(final Segment from)
    {
        Segment prev = from;
        Segment s = null == from ? first : from.next;
        final int smallest = pool.segmentSize();
        for (int i = 0; i < ioCount && null != s; i++)
        {
            final Segment next = s.next;
            if (s.length > 0 && 0 == s.start && s.capacity > smallest && (long)s.length * 4 < s.capacity &&
                s.sizeClass >= 0 && s.isExclusiveMutable() && 1 == s.refCount)
            {
                final Segment t = pool.acquire(s.length);
                UnsafeApi.copyMemory(s.address, t.address, s.length);
                t.start = 0;
                t.length = s.length;
                s.length = 0;
                t.next = s;
                if (null == prev)
                {
                    first = t;
                }
                else
                {
                    prev.next = t;
                }
            }
            prev = s;
            s = next;
        }
    }

    /**
     * After bytes were committed into spares following {@code from} (the old lastWithData, or null),
     * makes the filled spares data and moves any spare left empty between them to the end.
     */
    private void normalizeAfterFill(final Segment from)
    {
        Segment s = null == from ? first : from.next;
        Segment dataTail = from;
        Segment emptyHead = null;
        Segment emptyTail = null;
        int empties = 0;
        while (null != s)
        {
            final Segment next = s.next;
            if (s.length > 0)
            {
                if (null == dataTail)
                {
                    first = s;
                }
                else
                {
                    dataTail.next = s;
                }
                dataTail = s;
            }
            else
            {
                if (null == emptyHead)
                {
                    emptyHead = s;
                }
                else
                {
                    emptyTail.next = s;
                }
                emptyTail = s;
                empties++;
            }
            s = next;
        }
        if (null != emptyTail)
        {
            emptyTail.next = null;
        }
        if (null == dataTail)
        {
            first = emptyHead;
        }
        else
        {
            dataTail.next = emptyHead;
        }
        last = null != emptyTail ? emptyTail : dataTail;
        lastWithData = dataTail;
        spareCount = empties;
    }

    private void copyFrom(final Segment from, final int fromOff, final Object dstBase, final long dstOffset,
        final int n)
    {
        int done = 0;
        Segment s = from;
        int off = fromOff;
        while (done < n)
        {
            final int take = Math.min(s.length - off, n - done);
            Memory.copy(null, s.dataAddress() + off, dstBase, dstOffset + done, take);
            done += take;
            s = s.next;
            off = 0;
        }
    }

    private boolean matchesAt(final Segment seg, final int segOff, final byte[] what, final int off, final int len)
    {
        Segment s = seg;
        int so = segOff;
        for (int i = 0; i < len; i++)
        {
            while (so == s.length)
            {
                s = next(s);
                so = 0;
                if (null == s)
                {
                    return false;
                }
            }
            if (Memory.get(s.dataAddress() + so) != what[off + i])
            {
                return false;
            }
            so++;
        }
        return true;
    }

    private static long fail(final EvbufferPtr result)
    {
        if (null != result)
        {
            result.invalidate();
        }
        return -1;
    }

    private long found(final EvbufferPtr result, final long pos)
    {
        if (null != result)
        {
            locate(result, pos);
        }
        return pos;
    }

    private void locate(final EvbufferPtr p, final long target)
    {
        Segment s = dataHead();
        long base = 0;
        while (null != s && base + s.length <= target)
        {
            base += s.length;
            s = next(s);
        }
        p.pos = target;
        p.seg = s;
        p.segOff = null == s ? 0 : (int)(target - base);
        p.version = version;
        p.owner = this;
    }

    /**
     * @return true if ptr is a valid position of this buffer, its segment cache made current
     */
    private boolean resolve(final EvbufferPtr p)
    {
        if (p.pos < 0 || p.owner != this || p.pos > length)
        {
            return false;
        }
        if (p.version != version)
        {
            locate(p, p.pos);
        }
        return true;
    }

    private byte byteAt(final Segment s, final int off)
    {
        return Memory.get(s.dataAddress() + off);
    }

    private long eolPos;

    /**
     * Finds an EOL at or after {@code from}; sets {@link #eolPos}.
     *
     * @return the EOL length, or 0 if none
     */
    private long findEol(final long from, final EolStyle style)
    {
        locate(tmpPtr, from);
        Segment s = tmpPtr.seg;
        int so = tmpPtr.segOff;
        long pos = from;
        while (null != s)
        {
            final int avail = s.length - so;
            final long addr = s.dataAddress() + so;
            final int i;
            switch (style)
            {
                case LF:
                case CRLF:
                    i = Memory.indexOf(addr, avail, (byte)'\n');
                    break;
                case NUL:
                    i = Memory.indexOf(addr, avail, (byte)0);
                    break;
                case CRLF_STRICT:
                    i = Memory.indexOf(addr, avail, (byte)'\r');
                    break;
                default:
                    i = Memory.indexOfCrOrLf(addr, avail);
                    break;
            }
            if (i < 0)
            {
                pos += avail;
                s = next(s);
                so = 0;
                continue;
            }
            final long at = pos + i;
            final int atOff = so + i;
            switch (style)
            {
                case LF:
                case NUL:
                    eolPos = at;
                    return 1;
                case CRLF:
                    if (at > from && '\r' == byteBefore(s, atOff))
                    {
                        eolPos = at - 1;
                        return 2;
                    }
                    eolPos = at;
                    return 1;
                case CRLF_STRICT:
                {
                    final int nextByte = byteAfter(s, atOff);
                    if ('\n' == nextByte)
                    {
                        eolPos = at;
                        return 2;
                    }
                    break;
                }
                default:
                {
                    eolPos = at;
                    return runLength(s, atOff);
                }
            }
            pos = at + 1;
            so = atOff + 1;
            if (so == s.length)
            {
                s = next(s);
                so = 0;
            }
        }
        return 0;
    }

    private int byteBefore(final Segment s, final int off)
    {
        if (off > 0)
        {
            return byteAt(s, off - 1);
        }
        Segment prev = first;
        while (prev.next != s)
        {
            prev = prev.next;
        }
        return byteAt(prev, prev.length - 1);
    }

    private int byteAfter(final Segment s, final int off)
    {
        if (off + 1 < s.length)
        {
            return byteAt(s, off + 1);
        }
        final Segment n = next(s);
        return null == n ? -1 : byteAt(n, 0);
    }

    private int runLength(final Segment seg, final int off)
    {
        int n = 0;
        Segment s = seg;
        int so = off;
        while (null != s)
        {
            final byte c = byteAt(s, so);
            if ('\r' != c && '\n' != c)
            {
                break;
            }
            n++;
            so++;
            if (so == s.length)
            {
                s = next(s);
                so = 0;
            }
        }
        return n;
    }

    private int readLineInto(final EolStyle style, final Object dstBase, final long dstOffset, final int cap)
    {
        Objects.requireNonNull(style, "style");
        if (frozenStart)
        {
            return -1;
        }
        final long eolLen = findEol(0, style);
        if (eolLen <= 0)
        {
            return -1;
        }
        if (eolPos > cap)
        {
            return LINE_TOO_LONG;
        }
        final int n = (int)eolPos;
        copyFrom(dataHead(), 0, dstBase, dstOffset, n);
        final long k = eolPos + eolLen;
        drainInternal(k);
        deleted(k);
        return n;
    }
}
