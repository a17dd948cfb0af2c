package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the parts of {@link EvbufferSemanticsSuite} share: buffers and references made through the
 * fixture are freed and checked after each test, plus small helpers for exact byte strings.
 */
interface EvbufferSemanticsFixture
{
    /**
     * @return the pool of the running test
     */
    SegmentPool pool();

    /**
     * @return a buffer of {@link #pool()}, freed by the suite after the test
     */
    Evbuffer newBuffer();

    /**
     * @param content bytes of the referenced region (ISO-8859-1)
     * @return off-heap memory with guard bytes on both sides, whose cleanup calls are recorded and
     *     checked after the test
     */
    Ref newRef(String content);

    /**
     * ISO-8859-1 bytes of a string (one byte per char, NULs and CRs kept).
     */
    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * ISO-8859-1 text of bytes.
     */
    static String text(final byte[] b, final int off, final int len)
    {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * Appends a string, asserting success.
     */
    static void add(final Evbuffer b, final String s)
    {
        assertEquals(0, b.add(bytes(s)), "add(\"" + s + "\")");
    }

    /**
     * The whole content read through copyout (the buffer must not be start-frozen).
     */
    static String contents(final Evbuffer b)
    {
        final byte[] out = new byte[(int)b.length()];
        assertEquals(out.length, b.copyout(out, 0, out.length), "copyout of the whole buffer");
        return text(out, 0, out.length);
    }

    /**
     * The whole content read through peek extents (works on frozen buffers too), checking that the
     * extents add up to the length.
     */
    static String peekContents(final Evbuffer b)
    {
        final int needed = b.peek(-1, null, new Extents(0));
        final Extents ext = new Extents(needed);
        assertEquals(needed, b.peek(-1, null, ext));
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ext.count(); i++)
        {
            sb.append(memory(ext.address(i), ext.length(i)));
        }
        assertEquals(b.length(), sb.length(), "peek extents add up to the length");
        return sb.toString();
    }

    /**
     * ISO-8859-1 text of off-heap memory.
     */
    static String memory(final long address, final int len)
    {
        final byte[] out = new byte[len];
        new UnsafeBuffer(address, Math.max(len, 0)).getBytes(0, out);
        return text(out, 0, len);
    }

    /**
     * A string of n bytes cycling through the alphabet, starting at letter {@code from}.
     */
    static String letters(final int n, final int from)
    {
        final StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            sb.append((char)('a' + (from + i) % 26));
        }
        return sb.toString();
    }

    /**
     * Records callback invocations as "(orig,added,deleted)" strings.
     */
    final class CallbackLog implements EvbufferCallback
    {
        final List<String> calls = new ArrayList<>();

        @Override
        public void onChange(final Evbuffer buffer, final long origSize, final long added, final long deleted)
        {
            calls.add("(" + origSize + "," + added + "," + deleted + ")");
        }

        List<String> take()
        {
            final List<String> copy = new ArrayList<>(calls);
            calls.clear();
            return copy;
        }
    }

    /**
     * Caller memory handed to {@link Evbuffer#addReference}: {@link #GUARD} bytes of '#' on each
     * side of the content, so a write just outside the region is detected too.
     */
    final class Ref implements ReferenceCleanup
    {
        static final int GUARD = 8;

        final String content;
        final ByteBuffer memory;
        final long address;
        final int length;
        final List<long[]> calls = new ArrayList<>();
        boolean accepted;

        Ref(final String content)
        {
            this.content = content;
            this.length = content.length();
            memory = ByteBuffer.allocateDirect(length + 2 * GUARD);
            final byte[] all = bytes("#".repeat(GUARD) + content + "#".repeat(GUARD));
            memory.put(0, all);
            address = BufferUtil.address(memory) + GUARD;
        }

        /**
         * Adds this region to a buffer and remembers whether it was accepted.
         *
         * @return what addReference returned
         */
        int addTo(final Evbuffer b)
        {
            final int rc = b.addReference(address, length, this);
            accepted |= 0 == rc;
            return rc;
        }

        @Override
        public void release(final long address, final int length)
        {
            calls.add(new long[] {address, length});
        }

        int cleanups()
        {
            return calls.size();
        }

        /**
         * Asserts that the memory (content and guards) was never written.
         */
        void assertUntouched()
        {
            assertEquals("#".repeat(GUARD) + content + "#".repeat(GUARD), memory(address - GUARD, length + 2 * GUARD),
                "referenced memory and its surroundings must never be written");
        }

        /**
         * Asserts exactly one cleanup, with the original address and full length.
         */
        void assertCleanedOnce()
        {
            assertEquals(1, calls.size(), "cleanup calls of reference \"" + content + "\"");
            assertEquals(address, calls.get(0)[0], "cleanup gets the original address");
            assertEquals(length, calls.get(0)[1], "cleanup gets the full length");
        }

        void assertNotCleaned()
        {
            assertTrue(calls.isEmpty(), "cleanup of reference \"" + content + "\" must not have run yet");
        }
    }
}
