package io.jevent.buffer;

/**
 * Positions, search and peek over an {@link Evbuffer}'s chain (libevent's {@code evbuffer_ptr_set},
 * {@code evbuffer_search_range} and {@code evbuffer_peek}): matches may span segments, nothing is
 * allocated. Stateless: static methods; arguments and state were checked by the public method of
 * {@link Evbuffer} that calls them.
 */
final class EvbufferSearch
{
    private EvbufferSearch()
    {
    }

    /**
     * The body of {@link Evbuffer#ptrSet} once ptr is known non-null and position non-negative.
     *
     * @return 0, or -1 (and ptr set to -1) if the result would be past the end or ptr was invalid
     */
    static int ptrSet(final Evbuffer b, final EvbufferPtr ptr, final long position, final int how)
    {
        final long target;
        if (Evbuffer.PTR_SET == how)
        {
            target = position;
        }
        else if (Evbuffer.PTR_ADD == how)
        {
            if (ptr.pos < 0 || ptr.owner != b)
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
        if (target < 0 || target > b.length)
        {
            ptr.invalidate();
            return -1;
        }
        locate(b, ptr, target);
        return 0;
    }

    /**
     * The body of {@link Evbuffer#search(byte[], int, int, EvbufferPtr, EvbufferPtr, EvbufferPtr)}.
     *
     * @return offset of the match, or -1
     */
    static long search(final Evbuffer b, final byte[] what, final int off, final int len, final EvbufferPtr start,
        final EvbufferPtr end, final EvbufferPtr result)
    {
        long from = 0;
        if (null != start)
        {
            if (!resolve(b, start))
            {
                return fail(result);
            }
            from = start.pos;
        }
        long limit = b.length;
        if (null != end)
        {
            if (!resolve(b, end))
            {
                return fail(result);
            }
            limit = end.pos;
        }
        if (0 == len)
        {
            return found(b, result, from);
        }
        if (from + len > limit)
        {
            return fail(result);
        }
        final long lastStart = limit - len;
        final byte b0 = what[off];
        final EvbufferPtr p = b.tmpPtr2 == end ? b.tmpPtr : b.tmpPtr2;
        locate(b, p, from);
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
                s = b.next(s);
                so = 0;
                continue;
            }
            pos += i;
            so += i;
            if (matchesAt(b, s, so, what, off, len))
            {
                return found(b, result, pos);
            }
            pos++;
            so++;
            if (so == s.length)
            {
                s = b.next(s);
                so = 0;
            }
        }
        return fail(result);
    }

    /**
     * The body of {@link Evbuffer#peek(long, EvbufferPtr, Extents)}, after {@code extents} was cleared.
     *
     * @return extents needed to cover n bytes
     */
    static int peek(final Evbuffer b, final long n, final EvbufferPtr start, final Extents extents)
    {
        final int k = extents.capacity();
        Segment s;
        long got = 0;
        int idx = 0;
        long want = n;
        if (null != start)
        {
            if (!resolve(b, start) || null == start.seg)
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
            s = b.next(s);
        }
        else
        {
            s = b.dataHead();
        }
        if (0 == k && want < 0)
        {
            want = b.length - (null == start ? 0 : start.pos);
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
            s = b.next(s);
        }
        extents.stamp(b, b.version);
        return idx;
    }

    /**
     * Sets {@code result}, if any, to "not found".
     *
     * @return -1
     */
    static long fail(final EvbufferPtr result)
    {
        if (null != result)
        {
            result.invalidate();
        }
        return -1;
    }

    /**
     * Sets {@code result}, if any, to {@code pos}.
     *
     * @return pos
     */
    static long found(final Evbuffer b, final EvbufferPtr result, final long pos)
    {
        if (null != result)
        {
            locate(b, result, pos);
        }
        return pos;
    }

    /**
     * Points {@code p} at offset {@code target} (0 to length) of {@code b}, caching its segment.
     */
    static void locate(final Evbuffer b, final EvbufferPtr p, final long target)
    {
        Segment s = b.dataHead();
        long base = 0;
        while (null != s && base + s.length <= target)
        {
            base += s.length;
            s = b.next(s);
        }
        p.pos = target;
        p.seg = s;
        p.segOff = null == s ? 0 : (int)(target - base);
        p.version = b.version;
        p.owner = b;
    }

    /**
     * @return true if p is a valid position of b, its segment cache made current
     */
    static boolean resolve(final Evbuffer b, final EvbufferPtr p)
    {
        if (p.pos < 0 || p.owner != b || p.pos > b.length)
        {
            return false;
        }
        if (p.version != b.version)
        {
            locate(b, p, p.pos);
        }
        return true;
    }

    private static boolean matchesAt(final Evbuffer b, final Segment seg, final int segOff, final byte[] what,
        final int off, final int len)
    {
        Segment s = seg;
        int so = segOff;
        for (int i = 0; i < len; i++)
        {
            while (so == s.length)
            {
                s = b.next(s);
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

    /**
     * The body of {@link Evbuffer#segmentCount()} (libevent {@code evbuffer_peek(buf, -1, NULL, NULL, 0)}).
     *
     * @return how many segments hold data
     */
    static int segmentCount(final Evbuffer b)
    {
        int n = 0;
        for (Segment s = b.dataHead(); s != null; s = b.next(s))
        {
            n++;
        }
        return n;
    }

    /**
     * The body of {@link Evbuffer#copyoutFrom} once the start is known not frozen.
     *
     * @return bytes copied (at most {@code length - from}), or -1 if the position is invalid
     */
    static int copyoutFrom(final Evbuffer b, final EvbufferPtr from, final byte[] dst, final int off, final int len)
    {
        if (!resolve(b, from))
        {
            return -1;
        }
        final int n = (int)Math.min(len, b.length - from.pos);
        EvbufferChain.copyFrom(from.seg, from.segOff, dst, Memory.BYTE_ARRAY_BASE + off, n);
        return n;
    }
}
