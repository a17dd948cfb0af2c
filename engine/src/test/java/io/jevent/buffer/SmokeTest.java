package io.jevent.buffer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest
{
    @Test
    void shouldDoBasics()
    {
        try (SegmentPool pool = new SegmentPool(16, 1024, 8))
        {
            final Evbuffer b = new Evbuffer(pool);
            assertEquals(0, b.add("hello world, this is a longer line\r\nnext".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(40, b.length());
            assertEquals(13, b.search("this".getBytes()));
            assertEquals("hello world, this is a longer line", b.readLine(EolStyle.CRLF));
            assertEquals("next", b.toString().replaceAll(".*\"(.*)\".*", "$1"));
            b.prepend("abc".getBytes());
            final byte[] out = new byte[100];
            assertEquals(7, b.remove(out, 0, 100));
            assertEquals("abcnext", new String(out, 0, 7));
            final Evbuffer c = new Evbuffer(pool);
            for (int i = 0; i < 100; i++)
            {
                b.add(new byte[] {(byte)i});
            }
            assertEquals(60, b.removeBuffer(c, 60));
            assertEquals(40, b.length());
            c.addBufferReference(b);
            assertEquals(100, c.length());
            b.free();
            assertEquals(100, c.pullup(-1) != 0 ? c.length() : -1);
            c.free();
            assertEquals(0, pool.outstandingSegments());
            assertEquals(0, pool.outstandingWrappers());
        }
    }
}
