package io.jevent.buffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static io.jevent.buffer.EvbufferSemanticsFixture.peekContents;
import static io.jevent.buffer.EvbufferSemanticsFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * §1.2 readln with every EOL style, on the example strings of libevent's test_evbuffer_readln
 * (statements 24–29).
 */
interface EvbufferReadLineSemantics extends EvbufferSemanticsFixture
{
    /**
     * Appends each piece with addBuffer from a scratch buffer, so each becomes its own segment(s).
     */
    private static void addPieces(final Evbuffer b, final Evbuffer tmp, final String... pieces)
    {
        for (final String p : pieces)
        {
            add(tmp, p);
            assertEquals(0, b.addBuffer(tmp));
        }
    }

    @Test
    @DisplayName("§1.2 st.24: a complete line is returned without its EOL and drained with it; " +
        "otherwise NULL and unchanged")
    default void shouldReadCompleteLinesOnly()
    {
        final Evbuffer b = newBuffer();
        add(b, "first\r\nsecond");
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        assertEquals("first", b.readLine(EolStyle.CRLF));
        assertEquals(List.of("(13,0,7)"), log.take(), "the line plus its EOL are drained");
        assertEquals("second", contents(b));
        assertNull(b.readLine(EolStyle.CRLF));
        assertEquals(-1, b.readLine(EolStyle.CRLF, new byte[20], 0, 20), "no complete line: -1 (n_out 0)");
        assertEquals("second", contents(b), "unchanged");
        assertEquals(List.of(), log.take());
        add(b, "\r\n");
        b.freeze(true);
        assertNull(b.readLine(EolStyle.CRLF), "a start-frozen buffer gives NULL");
        assertEquals("second\r\n", peekContents(b));
        b.unfreeze(true);
        final byte[] out = new byte[20];
        assertEquals(6, b.readLine(EolStyle.CRLF, out, 2, 18), "n_out = the line's length");
        assertEquals("second", text(out, 2, 6));
        assertEquals(0, b.length());
        assertNull(b.readLine(EolStyle.ANY), "empty buffer");
    }

    @Test
    @DisplayName("§1.2 st.25: EOL_LF: \"An\\rand a nl\\n\\nText\" gives \"An\\rand a nl\", \"\", NULL, then \"Text\"")
    default void shouldReadLfLines()
    {
        final Evbuffer b = newBuffer();
        add(b, "An\rand a nl\n\nText");
        assertEquals("An\rand a nl", b.readLine(EolStyle.LF));
        assertEquals("", b.readLine(EolStyle.LF));
        assertNull(b.readLine(EolStyle.LF));
        assertEquals("Text", contents(b));
        add(b, "\n");
        assertEquals("Text", b.readLine(EolStyle.LF));
        assertEquals(0, b.length());

        // memory problem test of libevent: lines in a segment moved in by addBuffer
        final Evbuffer tmp = newBuffer();
        addPieces(b, tmp, "one line\ntwo line\nblue line");
        assertEquals("one line", b.readLine(EolStyle.LF));
        assertEquals("two line", b.readLine(EolStyle.LF));
        assertNull(b.readLine(EolStyle.LF));
        add(b, "\n");
        assertEquals("blue line", b.readLine(EolStyle.LF));
        assertNull(b.readLine(EolStyle.LF));
        assertEquals(0, b.length());
    }

    @Test
    @DisplayName("§1.2 st.26: EOL_CRLF: LF with an optional CR before it; a lone CR is not an EOL")
    default void shouldReadCrlfLines()
    {
        final Evbuffer b = newBuffer();
        add(b, "a\r\r\nb");
        final byte[] out = new byte[16];
        assertEquals(2, b.readLine(EolStyle.CRLF, out, 0, 16));
        assertEquals("a\r", text(out, 0, 2));
        assertEquals("b", contents(b));
        b.drain(1);

        add(b, "\r\nx");
        assertEquals("", b.readLine(EolStyle.CRLF));
        assertEquals("x", contents(b));
        b.drain(1);

        add(b, "abc\r");
        assertNull(b.readLine(EolStyle.CRLF), "a trailing CR is not an EOL");
        assertEquals("abc\r", contents(b));
        b.drain(4);

        // libevent test_evbuffer_readln, EOL_CRLF part
        add(b, "Line with\rin the middle\n");
        add(b, "Line with good crlf\r\n\nfinal\n");
        assertEquals("Line with\rin the middle", b.readLine(EolStyle.CRLF));
        assertEquals("Line with good crlf", b.readLine(EolStyle.CRLF));
        assertEquals("", b.readLine(EolStyle.CRLF));
        assertEquals("final", b.readLine(EolStyle.CRLF));
        add(b, "x");
        assertNull(b.readLine(EolStyle.CRLF));
        assertEquals("x", contents(b));

        // CR and LF in different segments
        final Evbuffer c = newBuffer();
        final Evbuffer tmp = newBuffer();
        addPieces(c, tmp, "split\r", "\nrest");
        assertEquals("split", c.readLine(EolStyle.CRLF));
        assertEquals("rest", contents(c));
    }

    @Test
    @DisplayName("§1.2 st.27: EOL_CRLF_STRICT: only CR LF; a bare LF stays in the line, also across segments")
    default void shouldReadCrlfStrictLines()
    {
        final Evbuffer b = newBuffer();
        add(b, "x");
        add(b, " and a bad crlf\nand a good one\r\n\r\nMore\r");
        assertEquals("x and a bad crlf\nand a good one", b.readLine(EolStyle.CRLF_STRICT));
        assertEquals("", b.readLine(EolStyle.CRLF_STRICT));
        assertNull(b.readLine(EolStyle.CRLF_STRICT));
        add(b, "\n");
        assertEquals("More", b.readLine(EolStyle.CRLF_STRICT));
        assertEquals(0, b.length());

        add(b, "An internal CR\r is not an eol\r\nNor is a lack of one");
        assertEquals("An internal CR\r is not an eol", b.readLine(EolStyle.CRLF_STRICT));
        assertNull(b.readLine(EolStyle.CRLF_STRICT));
        add(b, "\r\n");
        assertEquals("Nor is a lack of one", b.readLine(EolStyle.CRLF_STRICT));
        assertEquals(0, b.length());

        // across segment boundaries
        final Evbuffer tmp = newBuffer();
        addPieces(b, tmp, " and a bad crlf\nand a good one\r", "\n\r", "\nMore\r");
        assertEquals(" and a bad crlf\nand a good one", b.readLine(EolStyle.CRLF_STRICT));
        assertEquals("", b.readLine(EolStyle.CRLF_STRICT));
        assertNull(b.readLine(EolStyle.CRLF_STRICT));
        add(b, "\n");
        assertEquals("More", b.readLine(EolStyle.CRLF_STRICT));
        assertEquals(0, b.length());
    }

    @Test
    @DisplayName("§1.2 st.28: EOL_ANY: the whole run of CR/LF bytes is consumed; lines may contain NULs")
    default void shouldReadAnyLines()
    {
        final Evbuffer b = newBuffer();
        final byte[] s = bytes("complex silly newline\r\n\n\r\n\n\rmore\0\n\0");
        assertEquals(0, b.add(s, 0, s.length - 1));
        assertEquals("complex silly newline", b.readLine(EolStyle.ANY));
        final byte[] out = new byte[16];
        assertEquals(5, b.readLine(EolStyle.ANY, out, 0, 16), "n = 5 for \"more\\0\"");
        assertEquals("more\0", text(out, 0, 5));
        assertEquals(0, b.length(), "everything read");
        assertNull(b.readLine(EolStyle.ANY));

        add(b, "\nno newline");
        assertEquals("", b.readLine(EolStyle.ANY));
        assertNull(b.readLine(EolStyle.ANY));
        assertEquals("no newline", contents(b));
        b.drain(b.length());

        // the String form keeps the NUL too
        add(b, "a\0b\r\n");
        assertEquals("a\0b", b.readLine(EolStyle.ANY));
    }

    @Test
    @DisplayName("§1.2 st.28: EOL_ANY: a CR and an LF arriving separately give an extra empty line")
    default void shouldYieldExtraEmptyLineForSeparatedCrLfWithAny()
    {
        final Evbuffer b = newBuffer();
        add(b, "abc\r");
        assertEquals("abc", b.readLine(EolStyle.ANY));
        assertEquals(0, b.length());
        add(b, "\ndef\n");
        assertEquals("", b.readLine(EolStyle.ANY));
        assertEquals("def", b.readLine(EolStyle.ANY));

        // a run split across segments is still one EOL
        final Evbuffer c = newBuffer();
        final Evbuffer tmp = newBuffer();
        addPieces(c, tmp, "line\r", "\n\r", "\nnext\n");
        assertEquals("line", c.readLine(EolStyle.ANY));
        assertEquals("next", c.readLine(EolStyle.ANY));
        assertEquals(0, c.length());
    }

    @Test
    @DisplayName("§1.2 st.29: EOL_NUL: one 0 byte ends a line (libevent's \"NUL\\n\\0\\0The all-zeros…\" example)")
    default void shouldReadNulLines()
    {
        final Evbuffer b = newBuffer();
        add(b, "NUL\n\0\0" +
            "The all-zeros character which may serve\0" +
            "to accomplish time fill\0and media fill");
        assertEquals("NUL\n", b.readLine(EolStyle.NUL));
        assertEquals("", b.readLine(EolStyle.NUL));
        assertEquals("The all-zeros character which may serve", b.readLine(EolStyle.NUL));
        assertEquals("to accomplish time fill", b.readLine(EolStyle.NUL));
        assertNull(b.readLine(EolStyle.NUL));
        assertEquals("and media fill", contents(b));
        add(b, "\0");
        assertEquals("and media fill", b.readLine(EolStyle.NUL));
        assertEquals(0, b.length());
    }

    @Test
    @DisplayName("§1.2 st.24: readLine into a too small array reports LINE_TOO_LONG and leaves the buffer unchanged")
    default void shouldLeaveBufferUnchangedWhenLineTooLong()
    {
        final Evbuffer b = newBuffer();
        add(b, "abcdef\nxyz");
        assertEquals(Evbuffer.LINE_TOO_LONG, b.readLine(EolStyle.LF, new byte[5], 0, 5));
        assertEquals("abcdef\nxyz", contents(b));
        final byte[] out = new byte[6];
        assertEquals(6, b.readLine(EolStyle.LF, out, 0, 6));
        assertEquals("abcdef", text(out, 0, 6));
        assertEquals("xyz", contents(b));
    }
}
