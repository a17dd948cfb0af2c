package io.jevent.buffer;

import java.util.Arrays;

/**
 * A deliberately trivial reference model of an {@link Evbuffer}, written from the libevent 2.1
 * semantics (libevent-semantics.md §1.1–1.5) and the Javadoc contract, not from the
 * implementation: a growable byte array with a free gap at both ends, plus the two freeze flags.
 * <p>
 * Each byte also carries a tag: the id of the {@link Evbuffer#addReference reference} it came
 * from (0 for copied bytes) and a flag for bytes that arrived as a view
 * ({@link Evbuffer#addBufferReference}). A shared {@link Ledger} counts, per reference, how many
 * tagged bytes are still held by any model. Tags are conservative: a byte keeps its tag when the
 * implementation may have copied it (pullup, the partial segment of removeBuffer), so "no tagged
 * byte left" implies "the reference's cleanup must have run", never the other way round.
 */
final class EvbufferModel
{
    /** Tag bit: the byte may live in a view segment. */
    static final int VIEW_FLAG = 1 << 30;
    /** Tag bits holding the reference id. */
    static final int REF_MASK = VIEW_FLAG - 1;
    /** {@link #addBufferReference} result: either 0 or -1 is right (src may or may not still hold views). */
    static final int EITHER = Integer.MIN_VALUE;

    /**
     * Tagged bytes alive per reference id, across all models.
     */
    static final class Ledger
    {
        private int[] live = new int[64];

        void add(final int tag, final int delta)
        {
            final int id = tag & REF_MASK;
            if (0 == id)
            {
                return;
            }
            if (id >= live.length)
            {
                live = Arrays.copyOf(live, Math.max(id + 1, live.length * 2));
            }
            live[id] += delta;
        }

        int live(final int id)
        {
            return id < live.length ? live[id] : 0;
        }
    }

    private final Ledger ledger;
    private byte[] data = new byte[256];
    private int[] tags = new int[256];
    private int head = 128;
    private int tail = 128;

    boolean frozenStart;
    boolean frozenEnd;
    int maxRead;

    /** Bytes added / deleted since the driver last reset these (for callback checks). */
    long added;
    long deleted;

    EvbufferModel(final Ledger ledger, final int maxRead)
    {
        this.ledger = ledger;
        this.maxRead = maxRead;
    }

    int length()
    {
        return tail - head;
    }

    byte byteAt(final long i)
    {
        return data[head + (int)i];
    }

    /** The raw content array; valid bytes are [{@link #offset()}, offset() + length()). */
    byte[] array()
    {
        return data;
    }

    int offset()
    {
        return head;
    }

    byte[] copy(final long from, final int n)
    {
        return Arrays.copyOfRange(data, head + (int)from, head + (int)from + n);
    }

    boolean mayHoldViews()
    {
        for (int i = head; i < tail; i++)
        {
            if (0 != (tags[i] & VIEW_FLAG))
            {
                return true;
            }
        }
        return false;
    }

    void clearViewFlags()
    {
        for (int i = head; i < tail; i++)
        {
            tags[i] &= ~VIEW_FLAG;
        }
    }

    // ------------------------------------------------------------------ raw edits

    private void ensureTail(final int n)
    {
        if (tail + n <= data.length)
        {
            return;
        }
        final int len = length();
        final int room = Math.max(len + n, 64);
        final int newCap = len + 2 * room + 256;
        final byte[] d = new byte[newCap];
        final int[] t = new int[newCap];
        final int newHead = room / 2 + 64;
        System.arraycopy(data, head, d, newHead, len);
        System.arraycopy(tags, head, t, newHead, len);
        data = d;
        tags = t;
        head = newHead;
        tail = newHead + len;
    }

    private void ensureHead(final int n)
    {
        if (head >= n)
        {
            return;
        }
        final int len = length();
        final int room = Math.max(len + n, 64);
        final int newCap = len + 2 * room + 256;
        final byte[] d = new byte[newCap];
        final int[] t = new int[newCap];
        final int newHead = room + 128;
        System.arraycopy(data, head, d, newHead, len);
        System.arraycopy(tags, head, t, newHead, len);
        data = d;
        tags = t;
        head = newHead;
        tail = newHead + len;
    }

    void appendRaw(final byte[] src, final int off, final int n, final int tag)
    {
        ensureTail(n);
        System.arraycopy(src, off, data, tail, n);
        Arrays.fill(tags, tail, tail + n, tag);
        ledger.add(tag, n);
        tail += n;
        added += n;
    }

    private void appendTagged(final byte[] src, final int[] srcTags, final int n, final int extraFlag,
        final boolean count)
    {
        ensureTail(n);
        System.arraycopy(src, 0, data, tail, n);
        for (int i = 0; i < n; i++)
        {
            tags[tail + i] = srcTags[i] | extraFlag;
            if (count)
            {
                ledger.add(srcTags[i], 1);
            }
        }
        tail += n;
        added += n;
    }

    private void prependTagged(final byte[] src, final int[] srcTags, final int n)
    {
        ensureHead(n);
        head -= n;
        System.arraycopy(src, 0, data, head, n);
        System.arraycopy(srcTags, 0, tags, head, n);
        added += n;
    }

    void prependRaw(final byte[] src, final int off, final int n)
    {
        ensureHead(n);
        head -= n;
        System.arraycopy(src, off, data, head, n);
        Arrays.fill(tags, head, head + n, 0);
        added += n;
    }

    void drainRaw(final int n)
    {
        for (int i = head; i < head + n; i++)
        {
            ledger.add(tags[i], -1);
        }
        head += n;
        deleted += n;
        if (head == tail)
        {
            head = data.length / 2;
            tail = head;
        }
    }

    /** Removes the first n bytes without touching the ledger (they move to another model). */
    private int[] takeTags(final int n)
    {
        return Arrays.copyOfRange(tags, head, head + n);
    }

    private void dropForMove(final int n)
    {
        head += n;
        deleted += n;
        if (head == tail)
        {
            head = data.length / 2;
            tail = head;
        }
    }

    /** The buffer was freed: every reference byte it held is released. */
    void freeAll()
    {
        for (int i = head; i < tail; i++)
        {
            ledger.add(tags[i], -1);
        }
        head = data.length / 2;
        tail = head;
    }

    // ------------------------------------------------------------------ spec-level operations

    /** evbuffer_add and friends returning 0: -1 on a frozen end, even for 0 bytes. */
    int add(final byte[] src, final int off, final int n)
    {
        if (frozenEnd)
        {
            return -1;
        }
        appendRaw(src, off, n, 0);
        return 0;
    }

    /** add_printf / add_iovec style: the byte count, or -1 on a frozen end. */
    int addCounted(final byte[] src)
    {
        if (frozenEnd)
        {
            return -1;
        }
        appendRaw(src, 0, src.length, 0);
        return src.length;
    }

    int prepend(final byte[] src, final int off, final int n)
    {
        if (frozenStart)
        {
            return -1;
        }
        prependRaw(src, off, n);
        return 0;
    }

    int drain(final long n)
    {
        if (0 == length())
        {
            return 0;
        }
        if (frozenStart)
        {
            return -1;
        }
        drainRaw((int)Math.min(n, length()));
        return 0;
    }

    /** @return the count copyout must return; the bytes are in {@link #copy(long, int)} */
    int copyoutCount(final long n)
    {
        if (frozenStart)
        {
            return -1;
        }
        return (int)Math.min(n, length());
    }

    int remove(final long n)
    {
        final int k = copyoutCount(n);
        if (k > 0)
        {
            drainRaw(k);
        }
        return k;
    }

    static int addBuffer(final EvbufferModel dst, final EvbufferModel src)
    {
        final int n = src.length();
        if (0 == n || dst == src)
        {
            return 0;
        }
        if (dst.frozenEnd || src.frozenStart)
        {
            return -1;
        }
        move(src, dst, n, false);
        return 0;
    }

    static int prependBuffer(final EvbufferModel dst, final EvbufferModel src)
    {
        final int n = src.length();
        if (0 == n || dst == src)
        {
            return 0;
        }
        if (dst.frozenStart || src.frozenStart)
        {
            return -1;
        }
        move(src, dst, n, true);
        return 0;
    }

    static long removeBuffer(final EvbufferModel src, final EvbufferModel dst, final long n)
    {
        if (0 == n || dst == src)
        {
            return 0;
        }
        if (dst.frozenEnd || src.frozenStart)
        {
            return -1;
        }
        final int k = (int)Math.min(n, src.length());
        move(src, dst, k, false);
        return k;
    }

    private static void move(final EvbufferModel src, final EvbufferModel dst, final int n, final boolean toFront)
    {
        final byte[] b = src.copy(0, n);
        final int[] t = src.takeTags(n);
        src.dropForMove(n);
        if (toFront)
        {
            dst.prependTagged(b, t, n);
        }
        else
        {
            dst.appendTagged(b, t, n, 0, false);
        }
    }

    /** evbuffer_add_reference of bytes tagged with reference {@code id}. */
    int addReference(final byte[] bytes, final int id)
    {
        if (frozenEnd)
        {
            return -1;
        }
        if (bytes.length > 0)
        {
            appendRaw(bytes, 0, bytes.length, id);
        }
        return 0;
    }

    /**
     * @return the expected result: 0, -1, or {@link #EITHER} when only the implementation knows
     *     whether src still holds view segments
     */
    static int addBufferReferenceExpected(final EvbufferModel dst, final EvbufferModel src)
    {
        if (0 == src.length())
        {
            return 0;
        }
        if (dst.frozenEnd || dst == src)
        {
            return -1;
        }
        return src.mayHoldViews() ? EITHER : 0;
    }

    /** Applies a successful addBufferReference: dst gets a view (copy) of src's bytes. */
    static void applyBufferReference(final EvbufferModel dst, final EvbufferModel src)
    {
        final int n = src.length();
        if (0 == n)
        {
            return;
        }
        src.clearViewFlags();
        dst.appendTagged(src.copy(0, n), src.takeTags(n), n, VIEW_FLAG, true);
    }

    // ------------------------------------------------------------------ search and lines

    /**
     * @return the first match of pattern[off, off + n) starting at or after from and ending at or
     *     before limit; from itself for an empty pattern; -1 if none
     */
    long search(final byte[] pattern, final int off, final int n, final long from, final long limit)
    {
        if (0 == n)
        {
            return from;
        }
        outer:
        for (long i = from; i + n <= limit; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (byteAt(i + j) != pattern[off + j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * libevent's evbuffer_search_eol, written from the spec (§1.2 items 25–30).
     *
     * @return {position, eolLength}, or {-1, 0}
     */
    long[] searchEol(final long from, final EolStyle style)
    {
        final int len = length();
        for (long i = from; i < len; i++)
        {
            final byte c = byteAt(i);
            switch (style)
            {
                case LF:
                    if ('\n' == c)
                    {
                        return new long[] {i, 1};
                    }
                    break;
                case NUL:
                    if (0 == c)
                    {
                        return new long[] {i, 1};
                    }
                    break;
                case CRLF:
                    if ('\n' == c)
                    {
                        return new long[] {i, 1};
                    }
                    if ('\r' == c && i + 1 < len && '\n' == byteAt(i + 1))
                    {
                        return new long[] {i, 2};
                    }
                    break;
                case CRLF_STRICT:
                    if ('\r' == c && i + 1 < len && '\n' == byteAt(i + 1))
                    {
                        return new long[] {i, 2};
                    }
                    break;
                case ANY:
                    if ('\r' == c || '\n' == c)
                    {
                        long j = i;
                        while (j < len && ('\r' == byteAt(j) || '\n' == byteAt(j)))
                        {
                            j++;
                        }
                        return new long[] {i, j - i};
                    }
                    break;
                default:
                    throw new AssertionError(style);
            }
        }
        return new long[] {-1, 0};
    }

    /**
     * evbuffer_readln: the line without its EOL (and drains line plus EOL), or null.
     */
    byte[] readLine(final EolStyle style)
    {
        if (frozenStart)
        {
            return null;
        }
        final long[] eol = searchEol(0, style);
        if (eol[0] < 0)
        {
            return null;
        }
        final byte[] line = copy(0, (int)eol[0]);
        drainRaw((int)(eol[0] + eol[1]));
        return line;
    }

    /**
     * readLine into caller memory: the line length, -1 (none or frozen), or
     * {@link Evbuffer#LINE_TOO_LONG}; the line is copied to out[0, n).
     */
    int readLineInto(final EolStyle style, final int cap, final byte[] out)
    {
        if (frozenStart)
        {
            return -1;
        }
        final long[] eol = searchEol(0, style);
        if (eol[0] < 0)
        {
            return -1;
        }
        if (eol[0] > cap)
        {
            return Evbuffer.LINE_TOO_LONG;
        }
        final int n = (int)eol[0];
        System.arraycopy(data, head, out, 0, n);
        drainRaw((int)(eol[0] + eol[1]));
        return n;
    }
}
