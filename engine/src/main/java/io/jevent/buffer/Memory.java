package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;

/**
 * Raw memory helpers shared by the buffer classes: copies between (base, offset) pairs, where a
 * null base means an absolute native address and a byte[] base means Unsafe array addressing,
 * and a word-at-a-time byte scan.
 */
final class Memory
{
    static final long BYTE_ARRAY_BASE = UnsafeApi.arrayBaseOffset(byte[].class);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Memory()
    {
    }

    static void copy(final Object srcBase, final long srcOffset, final Object dstBase, final long dstOffset,
        final long n)
    {
        if (n > 0)
        {
            UnsafeApi.copyMemory(srcBase, srcOffset, dstBase, dstOffset, n);
        }
    }

    static byte get(final long address)
    {
        return UnsafeApi.getByte(address);
    }

    /**
     * @return index of the first {@code b} in {@code [address, address + n)}, or -1
     */
    static int indexOf(final long address, final int n, final byte b)
    {
        int i = 0;
        final long pattern = (b & 0xFFL) * ONES;
        final int words = n & ~7;
        while (i < words)
        {
            final long x = UnsafeApi.getLong(address + i) ^ pattern;
            final long found = (x - ONES) & ~x & HIGHS;
            if (0 != found)
            {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        while (i < n)
        {
            if (UnsafeApi.getByte(address + i) == b)
            {
                return i;
            }
            i++;
        }
        return -1;
    }

    /**
     * @return index of the first CR or LF in {@code [address, address + n)}, or -1
     */
    static int indexOfCrOrLf(final long address, final int n)
    {
        final long cr = '\r' * ONES;
        final long lf = '\n' * ONES;
        int i = 0;
        final int words = n & ~7;
        while (i < words)
        {
            final long w = UnsafeApi.getLong(address + i);
            final long x = w ^ cr;
            final long y = w ^ lf;
            final long found = (((x - ONES) & ~x) | ((y - ONES) & ~y)) & HIGHS;
            if (0 != found)
            {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += 8;
        }
        while (i < n)
        {
            final byte c = UnsafeApi.getByte(address + i);
            if ('\r' == c || '\n' == c)
            {
                return i;
            }
            i++;
        }
        return -1;
    }

    /**
     * @return the base of a ByteBuffer for {@link #copy}: null for direct memory, the array otherwise
     */
    static Object baseOf(final ByteBuffer b)
    {
        return b.isDirect() ? null : b.array();
    }

    /**
     * @return the offset of a ByteBuffer's position for {@link #copy}: its address if direct, else
     *     the array offset
     * @throws IllegalArgumentException for a read-only heap buffer, whose array is not accessible
     */
    static long offsetOf(final ByteBuffer b)
    {
        if (b.isDirect())
        {
            return BufferUtil.address(b) + b.position();
        }
        if (b.isReadOnly())
        {
            throw new IllegalArgumentException("read-only heap ByteBuffer: its array is not accessible");
        }
        return BYTE_ARRAY_BASE + b.arrayOffset() + b.position();
    }
}
