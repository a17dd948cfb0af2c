package io.jevent.buffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
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
 * Draining to empty keeps one segment as a spare, so a steady add/drain cycle does not touch the pool.
 *
 * <h2>Return conventions</h2>
 * As in libevent: 0 or a count for success, -1 for a state in which the operation is impossible
 * (a frozen end, an invalid reservation, nothing found). Programming errors (null arguments,
 * negative lengths, ranges outside an array, use after {@link #free()}) throw
 * {@link NullPointerException}, {@link IllegalArgumentException},
 * {@link IndexOutOfBoundsException} or {@link IllegalStateException} before any memory is touched.
 * ByteBuffer arguments behave like channel I/O: bytes are taken from or written at the buffer's
 * position, which advances. Agrona buffers take explicit indices and are not changed. An overload
 * that says "As {@code #method(...)}" has the contract of the overload it links to, which states it
 * in full, except for what it names.
 *
 * <h2>Differences from libevent, on purpose</h2>
 * <ul>
 *   <li>Zero-length segments never appear among the data, which rules out by construction the
 *       corruptions libevent's fuzzers found with empty chains (libevent issues 774, 778, 806).</li>
 *   <li>A zero-length reference holds no byte, so its cleanup runs at once and no chain is made.</li>
 *   <li>A reference costs a pooled wrapper object, never a memory block (libevent 1198).</li>
 *   <li>The per-read cap is configurable ({@link #setMaxRead(int)}, default 16 KiB as in 2.2), and there is
 *       one cap per read: a buffer driven by an owner that installed a hook ({@link #setOwnerHook}, a
 *       bufferevent's input) reads what the owner asks, since the owner sizes its reads itself;
 *       {@link #maxRead()} then only sizes a read that asks for a negative count.</li>
 *   <li>A buffer has one open claim on its memory at a time: a reservation ({@link #reserveSpace}) or
 *       an I/O preparation ({@link #prepareRead(int, IovecArray)}, {@link #prepareWrite(long, IovecArray)})
 *       ends the one before it, which can then no longer be committed.</li>
 *   <li>{@link #writeTo} of an empty buffer returns 0 without a syscall (libevent: -1).</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Not thread-safe: one thread uses a buffer at a time. Segments and views may move to buffers of
 * other threads; shared memory is reference counted atomically. A buffer given an owner
 * ({@link #setOwner(BufferOwner)}, normally its event loop) asks it, through
 * {@link BufferOwner#checkThread()}, at the start of every public method except
 * {@link #owner()} and {@link #toString()}, before it reads or changes anything: a call from a
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

    /** Bytes of the scratch array text and read-only heap buffers are encoded or copied through. */
    static final int SCRATCH_SIZE = 256;

    final SegmentPool pool;
    Segment first;
    Segment last;
    Segment lastWithData;
    long length;
    int spareCount;
    long version;
    boolean frozenStart;
    boolean frozenEnd;
    boolean freed;
    int maxRead = BufferConfiguration.maxRead();
    final int readIovecs = BufferConfiguration.readIovecs();
    final int writeIovecs = BufferConfiguration.writeIovecs();
    int maxSpareSize = BufferConfiguration.maxSpareSize();

    EvbufferCallbackEntry callbacks;
    EvbufferOwnerHook ownerHook;
    long nAddForCb;
    long nDelForCb;
    CallbackDeferrer deferrer;
    boolean deferredScheduled;
    Runnable deferredTask;

    final EvbufferReserve claim = new EvbufferReserve(this);
    BufferOwner owner;
    Segment dead;
    Segment deadTail;
    private byte[] scratch;
    final EvbufferPtr tmpPtr = new EvbufferPtr();
    final EvbufferPtr tmpPtr2 = new EvbufferPtr();

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
    public BufferOwner owner()
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
        return EvbufferSearch.segmentCount(this);
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
    public void setMaxSpareSize(final int bytes)
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
        if (0 == spareCount || claim.reserved())
        {
            return 0;
        }
        final int n = spareCount;
        claim.end();
        EvbufferChain.releaseSparesFrom(this, firstSpare());
        return n;
    }

    /**
     * @return the cap of one scattering read, in bytes (see {@link #setMaxRead(int)})
     */
    public int maxRead()
    {
        checkLive();
        return maxRead;
    }

    /**
     * Sets the cap of one scattering read (libevent 2.2 {@code evbuffer_set_max_read}): the size of a read
     * that asks for a negative count, and the cap of every other read, except in a buffer whose owner
     * installed a hook ({@link #setOwnerHook}). Such an owner (a bufferevent) sizes each read itself and its
     * request is the only cap, so its setting (the bufferevent's max single read) lives in one place.
     *
     * @param maxRead bytes, at least 1
     * @return 0
     */
    public int setMaxRead(final int maxRead)
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
        frozenStart |= atFront;
        frozenEnd |= !atFront;
        return 0;
    }

    /**
     * @param atFront true for the start, false for the end
     * @return 0
     */
    public int unfreeze(final boolean atFront)
    {
        checkLive();
        frozenStart &= !atFront;
        frozenEnd &= atFront;
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
     * As {@link #add(byte[], int, int)}, for the whole array.
     *
     * @param src bytes
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
        return appendChecked(src, Memory.BYTE_ARRAY_BASE + off, len);
    }

    /**
     * As {@link #add(byte[], int, int)}, for the remaining bytes of {@code src} (heap or direct); src's
     * position advances to its limit, and does not move if the end is frozen.
     *
     * @param src bytes
     * @return 0, or -1 if the end is frozen
     */
    public int add(final ByteBuffer src)
    {
        checkLive();
        final int len = src.remaining();
        if (frozenEnd)
        {
            return -1;
        }
        if (0 != len)
        {
            EvbufferChain.appendFrom(this, src);
            EvbufferCallbacks.added(this, len);
        }
        return 0;
    }

    /**
     * As {@link #add(byte[], int, int)}, for {@code src[index, index + len)} of an Agrona buffer (heap or
     * off-heap).
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
        return appendChecked(src.byteArray(), src.addressOffset() + index, len);
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
        final long total = EvbufferChain.appendAll(this, srcs, off, count);
        if (total > 0)
        {
            EvbufferCallbacks.added(this, total);
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
        Objects.requireNonNull(s, "s");
        return frozenEnd ? -1 : EvbufferText.appendAscii(this, s);
    }

    /**
     * @param text characters
     * @return the bytes {@link #addUtf8} appends for {@code text} (an unpaired surrogate
     *     becomes one '?'), counted without encoding
     */
    public static long utf8Length(final CharSequence text)
    {
        return EvbufferText.utf8Length(text);
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
        Objects.requireNonNull(s, "s");
        return frozenEnd ? -1 : EvbufferText.appendUtf8(this, s);
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
     * As {@link #prepend(byte[], int, int)}, for the whole array.
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
     * segment in front. Referenced or shared memory is never written. Prepending 0 bytes returns 0
     * and changes nothing, but still fails on a frozen start.
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
        return prependChecked(src, Memory.BYTE_ARRAY_BASE + off, len);
    }

    /**
     * As {@link #prepend(byte[], int, int)}, for the remaining bytes of {@code src}; src's position
     * advances to its limit, and does not move if the start is frozen.
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
        if (0 != len)
        {
            EvbufferChain.prependFrom(this, src, len);
            EvbufferCallbacks.added(this, len);
        }
        return 0;
    }

    /**
     * As {@link #prepend(byte[], int, int)}, for {@code src[index, index + len)} of an Agrona buffer.
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
        return prependChecked(src.byteArray(), src.addressOffset() + index, len);
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
            EvbufferChain.drain(this, k);
            EvbufferCallbacks.deleted(this, k);
        }
        return 0;
    }

    /**
     * Copies out and drains up to {@code len} bytes (libevent {@code evbuffer_remove}): as
     * {@link #copyout(byte[], int, int)}, then the bytes copied are drained as by {@link #drain}.
     *
     * @param dst destination
     * @param off first destination index
     * @param len most bytes to move
     * @return bytes moved (0 when empty), or -1 if the start is frozen
     */
    public int remove(final byte[] dst, final int off, final int len)
    {
        return drained(copyout(dst, off, len));
    }

    /**
     * As {@link #remove(byte[], int, int)}, into the remaining room of {@code dst}, whose position advances.
     *
     * @param dst destination
     * @return bytes moved, or -1 if the start is frozen
     */
    public int remove(final ByteBuffer dst)
    {
        return drained(copyout(dst));
    }

    /**
     * As {@link #remove(byte[], int, int)}, into {@code dst[index, index + len)} of an Agrona buffer.
     *
     * @param dst   destination
     * @param index first destination index
     * @param len   most bytes to move
     * @return bytes moved, or -1 if the start is frozen
     */
    public int remove(final MutableDirectBuffer dst, final int index, final int len)
    {
        return drained(copyout(dst, index, len));
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
        return copyoutChecked(dst, Memory.BYTE_ARRAY_BASE + off, len);
    }

    /**
     * As {@link #copyout(byte[], int, int)}, into the remaining room of {@code dst}, whose position
     * advances by the count copied.
     *
     * @param dst destination, not read-only
     * @return bytes copied, or -1 if the start is frozen
     */
    public int copyout(final ByteBuffer dst)
    {
        checkLive();
        checkWritable(dst);
        final int n = copyoutChecked(Memory.baseOf(dst), Memory.offsetOf(dst), dst.remaining());
        dst.position(dst.position() + Math.max(0, n));
        return n;
    }

    /**
     * As {@link #copyout(byte[], int, int)}, into {@code dst[index, index + len)} of an Agrona buffer.
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
        return copyoutChecked(dst.byteArray(), dst.addressOffset() + index, len);
    }

    /**
     * As {@link #copyout(byte[], int, int)}, starting at a position (libevent {@code evbuffer_copyout_from}).
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
        return frozenStart ? -1 : EvbufferSearch.copyoutFrom(this, from, dst, off, len);
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
        return EvbufferMoves.moveAll(this, src, false);
    }

    /**
     * As {@link #addBuffer}, but in front of this buffer's data (libevent {@code evbuffer_prepend_buffer}).
     *
     * @param src the buffer to empty
     * @return 0 (also for an empty src or src == this); -1 if either start is frozen
     */
    public int prependBuffer(final Evbuffer src)
    {
        checkLive();
        src.checkLive();
        return EvbufferMoves.moveAll(this, src, true);
    }

    /**
     * Moves {@code min(n, length)} bytes from the front of this buffer to the end of {@code dst}
     * (libevent {@code evbuffer_remove_buffer}): whole segments change owner, only the bytes of
     * the last, partial segment are copied. Callbacks run on dst (added) then on this (deleted); moving
     * everything is {@code dst.addBuffer(this)}.
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
        return EvbufferMoves.removeBuffer(this, dst, n);
    }

    // ------------------------------------------------------------------ references and views

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
        return EvbufferReferences.addReference(this, address, len, cleanup);
    }

    /**
     * As {@link #addReference(long, int, ReferenceCleanup)}, for the remaining bytes of a direct
     * ByteBuffer; its position is not changed. The caller keeps the ByteBuffer reachable until cleanup runs.
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
        return addReference(Memory.offsetOf(src), src.remaining(), cleanup);
    }

    /**
     * As {@link #addReference(long, int, ReferenceCleanup)}, for {@code src[index, index + len)} of an
     * off-heap Agrona buffer.
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
        return EvbufferReferences.addBufferReference(this, src);
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
        return first.length >= want ? first.dataAddress() : EvbufferChain.pullupAddress(this, n, (int)want);
    }

    /**
     * As {@link #pullup(long)}, pointing an Agrona flyweight at the contiguous bytes.
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
        EvbufferChain.expand(this, (int)n);
        return 0;
    }

    // ------------------------------------------------------------------ reserve, commit, peek

    /**
     * Reserves free room at the end without changing the length (libevent {@code evbuffer_reserve_space}).
     * With one extent it is contiguous and at least {@code size} bytes; with more, the extents
     * (the free tail of the last data segment, then spares) add up to at least {@code size}.
     * Reserving again without a commit gives the same extents. The extents are valid until this
     * buffer next changes (a commit included); their accessors refuse after that (see {@link Extents}).
     * A reservation ends an open I/O preparation, and the next preparation ends the reservation (the
     * buffer has one open claim at a time).
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
        return claim.reserve(size, k, extents);
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
        return frozenEnd ? -1 : 0 == k ? 0 : claim.commitSpace(extents, k);
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
        return EvbufferSearch.peek(this, n, start, extents);
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
        return EvbufferSearch.ptrSet(this, ptr, position, how);
    }

    /**
     * As {@link #search(byte[], int, int, EvbufferPtr, EvbufferPtr, EvbufferPtr)}, for the whole array
     * over the whole buffer.
     *
     * @param what bytes to find
     * @return offset of the first occurrence, or -1; 0 for an empty pattern
     */
    public long search(final byte[] what)
    {
        return search(what, 0, what.length, null, null, null);
    }

    /**
     * As {@link #search(byte[], int, int, EvbufferPtr, EvbufferPtr, EvbufferPtr)}, for the whole array
     * from an offset.
     *
     * @param what  bytes to find
     * @param start offset to start at, 0 to length
     * @return offset of the first occurrence at or after start, or -1 (also for a start past the end)
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
     * As {@link #search(byte[], int, int, EvbufferPtr, EvbufferPtr, EvbufferPtr)}, for the whole array
     * between two offsets.
     *
     * @param what  bytes to find
     * @param start offset to start at
     * @param end   a match must end at or before this offset (may equal length)
     * @return offset of the first match, or -1 (also for a start or end past the end)
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
        return EvbufferSearch.search(this, what, off, len, start, end, result);
    }

    // ------------------------------------------------------------------ lines

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
        return EvbufferLines.searchEol(this, start, style, result);
    }

    /**
     * As {@link #readLine(EolStyle, Charset)}, decoded as ISO-8859-1 (one char per byte, so NULs and
     * any byte survive).
     *
     * @param style EOL style
     * @return the line, or null if there is no complete line or the start is frozen
     */
    public String readLine(final EolStyle style)
    {
        return readLine(style, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads and drains one line, without its EOL, decoded with {@code charset} (libevent
     * {@code evbuffer_readln}). Allocates the string; the overloads into caller memory allocate nothing.
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
        return frozenStart ? null : EvbufferLines.readLine(this, style, charset);
    }

    /**
     * As {@link #readLine(EolStyle, Charset)}, copying the line's bytes into {@code dst[off, off + cap)}.
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
        Objects.requireNonNull(style, "style");
        return frozenStart ? -1 : EvbufferLines.readLineInto(this, style, dst, Memory.BYTE_ARRAY_BASE + off, cap);
    }

    /**
     * As {@link #readLine(EolStyle, byte[], int, int)}, into {@code dst[index, index + cap)} of an Agrona buffer.
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
        Objects.requireNonNull(style, "style");
        return frozenStart ? -1 : EvbufferLines.readLineInto(this, style, dst.byteArray(), dst.addressOffset() + index,
            cap);
    }

    // ------------------------------------------------------------------ scatter/gather I/O

    /**
     * Prepares one scattering read: fills {@code iov} with up to {@code readIovecs} (default 4) free
     * tail extents, the free tail of the last data segment first and then spare segments (created as
     * needed), totalling {@code min(howmuch, maxRead)} bytes ({@code howmuch} bytes exactly in a buffer with
     * an owner hook, see {@link #setMaxRead(int)}). Follow with {@link #commitRead(long)}.
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
        return claim.prepareRead(howmuch, iov);
    }

    /**
     * As {@link #prepareRead(int, IovecArray)}, for java.nio: puts direct ByteBuffers over the free
     * extents in {@code bufs[0, k)} (position 0, limit and capacity the extent's length), ready for
     * {@link ScatteringByteChannel#read(ByteBuffer[], int, int)}. They belong to this buffer (made once,
     * reused, never shared) and are revoked to capacity 0 when the preparation ends (see the class comment).
     *
     * @param howmuch most bytes to read; negative means {@link #maxRead()}
     * @param bufs    array to fill
     * @return number of buffers filled, or -1 if the end is frozen
     */
    public int prepareRead(final int howmuch, final ByteBuffer[] bufs)
    {
        checkLive();
        Objects.requireNonNull(bufs, "bufs");
        return claim.prepareRead(howmuch, bufs);
    }

    /**
     * @return the bytes the last {@code prepareRead}/{@code prepareWrite} (or {@code readFrom}/{@code
     *     writeTo}) offered to the kernel; kept after the commit until the next preparation
     */
    public long preparedBytes()
    {
        return claim.preparedBytes();
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
        return claim.commitRead(n);
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
        return claim.prepareWrite(howmuch, iov);
    }

    /**
     * As {@link #prepareWrite(long, IovecArray)}, for java.nio: puts read-only direct ByteBuffers over
     * the data in {@code bufs[0, k)}, revoked like those of {@link #prepareRead(int, ByteBuffer[])}.
     *
     * @param howmuch most bytes to write; negative means all
     * @param bufs    array to fill
     * @return number of buffers filled (0 when empty), or -1 if the start is frozen
     */
    public int prepareWrite(final long howmuch, final ByteBuffer[] bufs)
    {
        checkLive();
        Objects.requireNonNull(bufs, "bufs");
        return claim.prepareWrite(howmuch, bufs);
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
        return claim.commitWrite(n);
    }

    /**
     * One read from a channel into the tail (libevent {@code evbuffer_read} for java.nio): a plain
     * {@code read(ByteBuffer)} when one free extent holds {@code howmuch}, a scattering read across
     * several otherwise. The channel gets this buffer's own ByteBuffers, revoked when the call returns.
     *
     * @param channel source, normally non-blocking
     * @param howmuch most bytes, capped like those of {@link #prepareRead(int, IovecArray)}; negative means
     *     {@link #maxRead()}
     * @return bytes read; 0 if none were available; {@link #EOF} at end of stream; {@link #FROZEN}
     *     if the end is frozen
     * @throws IOException as the channel throws it
     */
    public long readFrom(final ScatteringByteChannel channel, final int howmuch) throws IOException
    {
        checkLive();
        Objects.requireNonNull(channel, "channel");
        return claim.readFrom(channel, howmuch);
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
        return claim.writeTo(channel, howmuch);
    }

    // ------------------------------------------------------------------ callbacks

    /**
     * Installs the owner's hook (see {@link EvbufferOwnerHook}), replacing any before it; null removes it.
     * For the object that owns this buffer, such as a bufferevent, not for applications, which use
     * {@link #addCallback}. An owner with a hook also sizes the buffer's reads: an explicit count given to
     * {@link #prepareRead(int, IovecArray)}, {@link #prepareRead(int, ByteBuffer[])} or {@link #readFrom}
     * is then not capped again by {@link #maxRead()}.
     *
     * @param hook the hook, or null
     */
    public void setOwnerHook(final EvbufferOwnerHook hook)
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
        return EvbufferCallbacks.add(this, Objects.requireNonNull(cb, "cb"));
    }

    /**
     * As {@link #removeCallback(EvbufferCallback)}, for the one registration {@code entry}.
     *
     * @param entry a handle from {@link #addCallback}
     * @return 0, or -1 if it is not registered here (or is null)
     */
    public int removeCallback(final EvbufferCallbackEntry entry)
    {
        checkLive();
        return null == entry ? -1 : EvbufferCallbacks.remove(this, entry, null);
    }

    /**
     * Removes the first registration of {@code cb} (libevent {@code evbuffer_remove_cb}).
     *
     * @param cb the callback
     * @return 0, or -1 if none matches (or cb is null)
     */
    public int removeCallback(final EvbufferCallback cb)
    {
        checkLive();
        return null == cb ? -1 : EvbufferCallbacks.remove(this, null, cb);
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
        EvbufferCallbacks.defer(this, deferrer);
        return 0;
    }

    // ------------------------------------------------------------------ free

    /**
     * Frees the buffer (libevent {@code evbuffer_free}): every segment goes back to its pool and
     * every pending reference cleanup runs. Any later call except {@link #isFreed()},
     * {@link #owner()} and {@link #free()} throws {@link IllegalStateException}; extents, I/O
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
        callbacks = null;
        nAddForCb = 0;
        nDelForCb = 0;
        claim.clear();
        EvbufferChain.discardAll(this);
        EvbufferCallbacks.rethrow(EvbufferChain.releaseDead(this));
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
        try
        {
            checkOwner();
        }
        catch (final IllegalStateException ex)
        {
            return "Evbuffer(owned by another thread)";
        }
        return EvbufferText.describe(this);
    }

    // ================================================================== internals

    Segment dataHead()
    {
        return null == lastWithData ? null : first;
    }

    Segment next(final Segment s)
    {
        return s == lastWithData ? null : s.next;
    }

    Segment firstSpare()
    {
        return null == lastWithData ? first : lastWithData.next;
    }

    /**
     * Marks a change that may move, release or reuse memory: positions re-resolve, reservations,
     * extents and I/O preparations go stale, and the ByteBuffers of an I/O preparation are revoked.
     */
    void bump()
    {
        version++;
        claim.changed();
    }

    /**
     * The check every public method makes first: the owner's thread check (one null test and, with
     * an owner, one interface call), then use after free.
     */
    void checkLive()
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

    private int appendChecked(final Object base, final long offset, final int len)
    {
        if (frozenEnd)
        {
            return -1;
        }
        if (0 != len)
        {
            EvbufferChain.appendCopy(this, base, offset, len);
            EvbufferCallbacks.added(this, len);
        }
        return 0;
    }

    private int prependChecked(final Object base, final long offset, final int len)
    {
        if (frozenStart)
        {
            return -1;
        }
        if (0 != len)
        {
            EvbufferChain.prependCopy(this, base, offset, len);
            EvbufferCallbacks.added(this, len);
        }
        return 0;
    }

    private int copyoutChecked(final Object base, final long offset, final int len)
    {
        if (frozenStart)
        {
            return -1;
        }
        final int n = (int)Math.min(len, length);
        EvbufferChain.copyFrom(dataHead(), 0, base, offset, n);
        return n;
    }

    /**
     * Drains the n bytes a remove just copied out.
     *
     * @return n
     */
    private int drained(final int n)
    {
        if (n > 0)
        {
            EvbufferChain.drain(this, n);
            EvbufferCallbacks.deleted(this, n);
        }
        return n;
    }

    byte[] scratch()
    {
        if (null == scratch)
        {
            scratch = new byte[SCRATCH_SIZE];
        }
        return scratch;
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
}
