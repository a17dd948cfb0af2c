package io.jevent.buffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * §1.2 positions, search, search_range and search_eol (statements 21, 22, 23, 30).
 */
interface EvbufferSearchSemantics extends EvbufferSemanticsFixture
{
    /**
     * "hellofoocatattack" in four segments moved in with addBuffer, as libevent's test_evbuffer_search.
     */
    private Evbuffer helloFooCatAttack()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer tmp = newBuffer();
        for (final String s : new String[] {"hello", "foo", "cat", "attack"})
        {
            add(tmp, s);
            assertEquals(0, b.addBuffer(tmp));
        }
        assertEquals("hellofoocatattack", contents(b));
        return b;
    }

    private static long search(final Evbuffer b, final String what, final EvbufferPtr start, final EvbufferPtr end,
        final EvbufferPtr result)
    {
        final byte[] w = bytes(what);
        final long pos = b.search(w, 0, w.length, start, end, result);
        assertEquals(pos, result.position(), "the result ptr agrees with the returned offset");
        return pos;
    }

    @Test
    @DisplayName("§1.2 st.21: ptrSet accepts 0..len (len is one past the end); beyond gives -1 and pos -1")
    default void shouldSetPositionsUpToOnePastEnd()
    {
        final Evbuffer b = newBuffer();
        add(b, "0123456789");
        final EvbufferPtr p = new EvbufferPtr();
        for (int k = 0; k <= 10; k++)
        {
            assertEquals(0, b.ptrSet(p, k, Evbuffer.PTR_SET), "PTR_SET " + k);
            assertEquals(k, p.position());
        }
        assertEquals(-1, b.ptrSet(p, 11, Evbuffer.PTR_SET));
        assertEquals(-1, p.position());

        assertEquals(0, b.ptrSet(p, 4, Evbuffer.PTR_SET));
        assertEquals(0, b.ptrSet(p, 3, Evbuffer.PTR_ADD));
        assertEquals(7, p.position());
        assertEquals(0, b.ptrSet(p, 3, Evbuffer.PTR_ADD), "PTR_ADD to exactly len");
        assertEquals(10, p.position());
        assertEquals(-1, b.ptrSet(p, 1, Evbuffer.PTR_ADD), "PTR_ADD beyond len");
        assertEquals(-1, p.position());

        assertEquals(0, b.ptrSet(p, 9, Evbuffer.PTR_SET));
        assertEquals(-1, b.ptrSet(p, 5, Evbuffer.PTR_ADD));
        assertEquals(-1, p.position());

        final Evbuffer empty = newBuffer();
        assertEquals(0, empty.ptrSet(p, 0, Evbuffer.PTR_SET), "0 is one past the end of an empty buffer");
        assertEquals(0, p.position());
        assertEquals(-1, empty.ptrSet(p, 1, Evbuffer.PTR_SET));
        assertEquals(-1, p.position());
    }

    @Test
    @DisplayName("§1.2 st.21: positions across segment boundaries address the right bytes")
    default void shouldAddressBytesAcrossSegmentsWithPtrAdd()
    {
        final Evbuffer b = helloFooCatAttack();
        final EvbufferPtr p = new EvbufferPtr();
        final byte[] out = new byte[3];
        assertEquals(0, b.ptrSet(p, 0, Evbuffer.PTR_SET));
        final String s = "hellofoocatattack";
        for (int k = 0; k < s.length(); k++)
        {
            assertEquals(k, p.position());
            assertEquals(1, b.copyoutFrom(p, out, 0, 1));
            assertEquals(s.charAt(k), (char)out[0], "byte at " + k);
            assertEquals(0, b.ptrSet(p, 1, Evbuffer.PTR_ADD));
        }
        assertEquals(17, p.position());
        assertEquals(-1, b.ptrSet(p, 1, Evbuffer.PTR_ADD));
    }

    @Test
    @DisplayName("§1.2 st.22 (libevent test_evbuffer_search): first occurrence at or after start, across segments")
    default void shouldSearchFirstOccurrenceFromStart()
    {
        final Evbuffer b = helloFooCatAttack();
        final EvbufferPtr pos = new EvbufferPtr();
        assertEquals(11, search(b, "attack", null, null, pos));
        assertEquals(-1, search(b, "attacker", null, null, pos));

        // continuing search
        assertEquals(7, search(b, "oc", null, null, pos));
        assertEquals(8, search(b, "cat", pos, null, pos));
        assertEquals(-1, search(b, "tacking", pos, null, pos));

        assertEquals(0, b.ptrSet(pos, 5, Evbuffer.PTR_SET));
        assertEquals(5, search(b, "foo", pos, null, pos));
        assertEquals(0, b.ptrSet(pos, 2, Evbuffer.PTR_ADD));
        assertEquals(10, search(b, "tat", pos, null, pos));

        // convenience overloads
        assertEquals(11, b.search(bytes("attack")));
        assertEquals(0, b.search(bytes("hello")));
        assertEquals(-1, b.search(bytes("hello"), 1));
        assertEquals(12, b.search(bytes("tt"), 0));
        assertEquals(16, b.search(bytes("k"), 16));
        assertEquals(-1, b.search(bytes("k"), 17));
        assertEquals(-1, b.search(bytes("z")));
    }

    @Test
    @DisplayName("§1.2 st.22: matches may span segments, including after a failed partial match")
    default void shouldFindMatchesSpanningSegments()
    {
        final Evbuffer b = newBuffer();
        final Ref r1 = newRef("xfofo");
        final Ref r2 = newRef("ob");
        assertEquals(0, r1.addTo(b));
        assertEquals(0, r2.addTo(b));
        add(b, "ar!");
        assertTrue(b.segmentCount() >= 3, "references are separate segments");
        assertEquals(3, b.search(bytes("foob")));
        assertEquals(1, b.search(bytes("fofoobar")));
        assertEquals(4, b.search(bytes("oobar!")));
        assertEquals(-1, b.search(bytes("oobar!?")));
        assertEquals(0, b.search(bytes("xfofoobar!")));
        assertEquals(2, b.search(bytes("ofo")));
        assertEquals(4, b.search(bytes("o"), 4));

        final Evbuffer big = newBuffer();
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            sb.append("ab");
            add(big, "ab");
        }
        sb.append("abc");
        add(big, "abc");
        assertEquals(sb.indexOf("abc"), big.search(bytes("abc")));
        assertEquals(sb.indexOf("babc"), big.search(bytes("babc")));
    }

    @Test
    @DisplayName("§1.2 st.22: quirk: an empty pattern finds the start position, not -1")
    default void shouldReturnStartPositionForEmptyPattern()
    {
        final Evbuffer b = newBuffer();
        add(b, "abcdef");
        final EvbufferPtr result = new EvbufferPtr();
        assertEquals(0, search(b, "", null, null, result));
        assertEquals(0, b.search(new byte[0]));
        final EvbufferPtr start = new EvbufferPtr();
        assertEquals(0, b.ptrSet(start, 3, Evbuffer.PTR_SET));
        assertEquals(3, search(b, "", start, null, result));
        assertEquals(0, b.ptrSet(start, 6, Evbuffer.PTR_SET));
        assertEquals(6, search(b, "", start, null, result), "even at the end");
        assertEquals(-1, search(b, "f", start, null, result), "a non-empty pattern from the end is not found");
        final Evbuffer empty = newBuffer();
        assertEquals(0, empty.search(new byte[0]));
    }

    @Test
    @DisplayName("§1.2 st.23 (libevent test_evbuffer_search): search_range counts a match only if it ends by end.pos")
    default void shouldSearchRangeOnlyMatchesEndingBeforeEnd()
    {
        final Evbuffer b = helloFooCatAttack();
        final EvbufferPtr pos = new EvbufferPtr();
        final EvbufferPtr end = new EvbufferPtr();
        // end at the first t in "attack"
        assertEquals(0, b.ptrSet(end, 12, Evbuffer.PTR_SET));
        assertEquals(5, search(b, "foo", null, end, pos));
        assertEquals(5, search(b, "foocata", null, end, pos), "ends exactly at end");
        assertEquals(-1, search(b, "foocatat", null, end, pos), "ends one past end");
        assertEquals(-1, search(b, "ack", null, end, pos));

        // end after the last byte of the buffer
        assertEquals(0, b.ptrSet(end, 17, Evbuffer.PTR_SET));
        assertEquals(11, search(b, "attack", null, end, pos));
        assertEquals(0, b.ptrSet(pos, 11, Evbuffer.PTR_SET));
        assertEquals(11, search(b, "attack", pos, end, pos));
        assertEquals(0, b.ptrSet(pos, 17, Evbuffer.PTR_SET));
        assertEquals(-1, search(b, "attack", pos, end, pos));
        assertEquals(0, b.ptrSet(pos, 17, Evbuffer.PTR_SET));
        assertEquals(-1, search(b, "attack", pos, null, pos));

        // offset overload
        assertEquals(5, b.searchRange(bytes("foocata"), 0, 12));
        assertEquals(-1, b.searchRange(bytes("foocatat"), 0, 12));
        assertEquals(11, b.searchRange(bytes("attack"), 0, 17));
        assertEquals(-1, b.searchRange(bytes("attack"), 0, 16));
    }

    @Test
    @DisplayName("§1.2 st.30 (libevent test_search_eol): EOL position and length for \"string! \\r\\n\\r\\nx\\n\"")
    default void shouldFindEolPositionsAndLengths()
    {
        final Evbuffer b = newBuffer();
        add(b, "string! \r\n\r\nx\n");
        final EvbufferPtr start = new EvbufferPtr();
        final EvbufferPtr r = new EvbufferPtr();

        assertEquals(2, b.searchEol(null, EolStyle.CRLF, r), "CRLF from the start: eol_len");
        assertEquals(8, r.position());

        assertEquals(0, b.ptrSet(start, 9, Evbuffer.PTR_SET));
        assertEquals(1, b.searchEol(start, EolStyle.CRLF, r), "CRLF from 9 does not back up over the \\r");
        assertEquals(9, r.position());

        assertEquals(2, b.searchEol(start, EolStyle.CRLF_STRICT, r), "STRICT from 9");
        assertEquals(10, r.position());

        assertEquals(1, b.searchEol(null, EolStyle.LF, r), "LF from the start");
        assertEquals(9, r.position());

        assertEquals(0, b.ptrSet(start, 10, Evbuffer.PTR_SET));
        assertEquals(1, b.searchEol(start, EolStyle.LF, r), "LF from 10");
        assertEquals(11, r.position());

        assertEquals(4, b.searchEol(null, EolStyle.ANY, r), "ANY: the whole CR/LF run");
        assertEquals(8, r.position());

        assertEquals(0, b.ptrSet(start, 14, Evbuffer.PTR_SET));
        for (final EolStyle style : EolStyle.values())
        {
            assertEquals(0, b.searchEol(start, style, r), "from a ptr at len: " + style);
            assertEquals(-1, r.position());
        }
        assertEquals("string! \r\n\r\nx\n", contents(b), "search_eol changes nothing");
    }

    @Test
    @DisplayName("§1.2 st.30: search_eol finds a CRLF split across segments")
    default void shouldFindEolSplitAcrossSegments()
    {
        final Evbuffer b = newBuffer();
        final Ref r1 = newRef("abc\r");
        assertEquals(0, r1.addTo(b));
        add(b, "\ndef");
        final EvbufferPtr r = new EvbufferPtr();
        assertEquals(2, b.searchEol(null, EolStyle.CRLF_STRICT, r));
        assertEquals(3, r.position());
        assertEquals(2, b.searchEol(null, EolStyle.CRLF, r));
        assertEquals(3, r.position());
        assertEquals(1, b.searchEol(null, EolStyle.LF, r));
        assertEquals(4, r.position());
        assertEquals(0, b.searchEol(null, EolStyle.NUL, r));
        assertEquals(-1, r.position());
    }
}
