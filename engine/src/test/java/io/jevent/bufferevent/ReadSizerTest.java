package io.jevent.bufferevent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReadSizer}'s rule (grow 4x after a full read, halve after two reads of less than half, a capped
 * read changes nothing) and {@link BufferEventConfiguration}'s checked properties.
 */
class ReadSizerTest
{
    @Test
    void shouldGrowFourfoldAfterAFullReadUpToTheMax()
    {
        final ReadSizer s = new ReadSizer(2048, 16384, 256 * 1024);
        assertEquals(16384, s.guess());
        s.record(16384, 16384);
        assertEquals(65536, s.guess());
        s.record(65536, 65536);
        assertEquals(262144, s.guess());
        s.record(262144, 262144);
        assertEquals(262144, s.guess(), "never past the max");
    }

    @Test
    void shouldHalveOnlyAfterTwoShortReadsInARow()
    {
        final ReadSizer s = new ReadSizer(2048, 16384, 256 * 1024);
        s.record(16384, 100);
        assertEquals(16384, s.guess(), "one short read is not enough");
        s.record(16384, 12000);
        s.record(16384, 100);
        assertEquals(16384, s.guess(), "a read above half in between resets the count");
        s.record(16384, 100);
        assertEquals(8192, s.guess());
        for (int i = 0; i < 20; i++)
        {
            s.record(s.guess(), 1);
        }
        assertEquals(2048, s.guess(), "never below the min");
    }

    @Test
    void shouldKeepAGuessThatReadsFillExactlyHalfOf()
    {
        final ReadSizer s = new ReadSizer(2048, 65536, 256 * 1024);
        for (int i = 0; i < 10; i++)
        {
            s.record(65536, 32768);
        }
        assertEquals(65536, s.guess(), "a 32 KiB burst per wakeup never shrinks 64 KiB to a guess it would fill");
    }

    @Test
    void shouldIgnoreAReadCappedBelowTheGuess()
    {
        final ReadSizer s = new ReadSizer(2048, 16384, 256 * 1024);
        s.record(100, 100);
        s.record(100, 100);
        s.record(100, 100);
        assertEquals(16384, s.guess(), "a watermark or rate limit capped the read; the socket may hold more");
    }

    @Test
    void shouldClampTheGuessToANewMax()
    {
        final ReadSizer s = new ReadSizer(2048, 16384, 256 * 1024);
        s.max(1000);
        assertEquals(1000, s.guess());
        s.record(1000, 1000);
        assertEquals(1000, s.guess());
        s.max(1 << 20);
        s.record(1000, 1000);
        assertEquals(4000, s.guess());
        final ReadSizer tiny = new ReadSizer(4096, 16384, 100);
        assertEquals(100, tiny.guess(), "a max below min and initial wins");
    }

    @Test
    void shouldCheckEveryProperty()
    {
        assertEquals(BufferEventConfiguration.MAX_SINGLE_READ_DEFAULT, BufferEventConfiguration.maxSingleRead(null));
        assertEquals(BufferEventConfiguration.MAX_SINGLE_WRITE_DEFAULT, BufferEventConfiguration.maxSingleWrite(null));
        assertEquals(BufferEventConfiguration.INITIAL_READ_DEFAULT, BufferEventConfiguration.initialRead(null));
        assertEquals(BufferEventConfiguration.MIN_READ_DEFAULT, BufferEventConfiguration.minRead(null));
        assertEquals(0, BufferEventConfiguration.maxSpareSize(null));
        assertEquals(65536, BufferEventConfiguration.maxSingleRead("65536"));
        assertEquals(0, BufferEventConfiguration.maxSpareSize("0"));
        for (final String bad : new String[] {"0", "-1", "lots", "2147483648"})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> BufferEventConfiguration.maxSingleRead(bad));
            assertTrue(ex.getMessage().contains(BufferEventConfiguration.MAX_SINGLE_READ_PROP_NAME + "=" + bad),
                ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BufferEventConfiguration.readsPerWakeup("0"));
        assertThrows(IllegalArgumentException.class, () -> BufferEventConfiguration.maxSpareSize("-1"));
        BufferEventConfiguration.validate();
    }
}
