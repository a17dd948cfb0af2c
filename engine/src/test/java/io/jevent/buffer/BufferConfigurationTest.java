package io.jevent.buffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link BufferConfiguration} property is checked when read: a bad value (such as
 * {@code readIovecs=0}, which made a server spin and echo nothing) is refused with an
 * {@link IllegalArgumentException} naming the property and the value, never replaced by the default
 * or clamped. The parsers take the raw property value, so no system property is touched here.
 */
class BufferConfigurationTest
{
    private static void refused(final String property, final String value, final Executable read)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, read,
            property + "=" + value + " must be refused");
        assertTrue(ex.getMessage().contains(property + "=" + value),
            "the message names the property and the value: " + ex.getMessage());
    }

    @Test
    void shouldUseTheDefaultsWhenNothingIsSet()
    {
        assertEquals(BufferConfiguration.SEGMENT_SIZE_DEFAULT, BufferConfiguration.segmentSize(null));
        assertEquals(BufferConfiguration.MAX_POOLED_SIZE_DEFAULT,
            BufferConfiguration.maxPooledSize(null, BufferConfiguration.SEGMENT_SIZE_DEFAULT));
        assertEquals(BufferConfiguration.MAX_FREE_PER_CLASS_DEFAULT, BufferConfiguration.maxFreePerClass(null));
        assertEquals(BufferConfiguration.MAX_SPARE_SIZE_DEFAULT, BufferConfiguration.maxSpareSize(null));
        assertEquals(BufferConfiguration.MAX_READ_DEFAULT, BufferConfiguration.maxRead(null));
        assertEquals(BufferConfiguration.READ_IOVECS_DEFAULT, BufferConfiguration.readIovecs(null));
        assertEquals(BufferConfiguration.WRITE_IOVECS_DEFAULT, BufferConfiguration.writeIovecs(null));
    }

    @Test
    void shouldAcceptValidValuesAtTheirBounds()
    {
        assertEquals(8, BufferConfiguration.segmentSize("8"));
        assertEquals(1 << 30, BufferConfiguration.segmentSize(Integer.toString(1 << 30)));
        assertEquals(0x4000, BufferConfiguration.segmentSize("0x4000"), "hex, as Integer.getInteger reads it");
        assertEquals(64, BufferConfiguration.segmentSize(" 64 "), "surrounding blanks");
        assertEquals(4096, BufferConfiguration.maxPooledSize("4096", 4096), "equal to the segment size");
        assertEquals(2 << 20, BufferConfiguration.maxPooledSize(null, 2 << 20),
            "the default follows a segment size above it");
        assertEquals(0, BufferConfiguration.maxFreePerClass("0"));
        assertEquals(0, BufferConfiguration.maxSpareSize("0"));
        assertEquals(1, BufferConfiguration.maxRead("1"));
        assertEquals(1, BufferConfiguration.readIovecs("1"));
        assertEquals(BufferConfiguration.IOV_MAX, BufferConfiguration.readIovecs("1024"));
        assertEquals(1, BufferConfiguration.writeIovecs("1"));
        assertEquals(BufferConfiguration.IOV_MAX, BufferConfiguration.writeIovecs("1024"));
    }

    @Test
    void shouldRefuseReadIovecsOutsideOneToIovMax()
    {
        final String p = BufferConfiguration.READ_IOVECS_PROP_NAME;
        assertAll(
            () -> refused(p, "0", () -> BufferConfiguration.readIovecs("0")),
            () -> refused(p, "-1", () -> BufferConfiguration.readIovecs("-1")),
            () -> refused(p, "1025", () -> BufferConfiguration.readIovecs("1025")),
            () -> refused(p, "four", () -> BufferConfiguration.readIovecs("four")),
            () -> refused(p, "", () -> BufferConfiguration.readIovecs("")));
    }

    @Test
    void shouldRefuseWriteIovecsOutsideOneToIovMaxInsteadOfClamping()
    {
        final String p = BufferConfiguration.WRITE_IOVECS_PROP_NAME;
        assertAll(
            () -> refused(p, "0", () -> BufferConfiguration.writeIovecs("0")),
            () -> refused(p, "2048", () -> BufferConfiguration.writeIovecs("2048")),
            () -> refused(p, "9999999999", () -> BufferConfiguration.writeIovecs("9999999999")));
    }

    @Test
    void shouldRefuseSegmentSizesThatAreNotPowersOfTwoOfAtLeastEight()
    {
        final String p = BufferConfiguration.SEGMENT_SIZE_PROP_NAME;
        assertAll(
            () -> refused(p, "4", () -> BufferConfiguration.segmentSize("4")),
            () -> refused(p, "0", () -> BufferConfiguration.segmentSize("0")),
            () -> refused(p, "-16", () -> BufferConfiguration.segmentSize("-16")),
            () -> refused(p, "1000", () -> BufferConfiguration.segmentSize("1000")),
            () -> refused(p, "16k", () -> BufferConfiguration.segmentSize("16k")),
            () -> refused(p, "2147483647", () -> BufferConfiguration.segmentSize("2147483647")));
    }

    @Test
    void shouldRefuseMaxPooledSizesBelowTheSegmentSizeOrNotPowersOfTwo()
    {
        final String p = BufferConfiguration.MAX_POOLED_SIZE_PROP_NAME;
        assertAll(
            () -> refused(p, "8192", () -> BufferConfiguration.maxPooledSize("8192", 16384)),
            () -> refused(p, "100000", () -> BufferConfiguration.maxPooledSize("100000", 16384)),
            () -> refused(p, "-1", () -> BufferConfiguration.maxPooledSize("-1", 16384)),
            () -> refused(p, "big", () -> BufferConfiguration.maxPooledSize("big", 16384)));
    }

    @Test
    void shouldRefuseNegativeCountsAndSizesAndAZeroMaxRead()
    {
        assertAll(
            () -> refused(BufferConfiguration.MAX_FREE_PER_CLASS_PROP_NAME, "-1",
                () -> BufferConfiguration.maxFreePerClass("-1")),
            () -> refused(BufferConfiguration.MAX_SPARE_SIZE_PROP_NAME, "-1",
                () -> BufferConfiguration.maxSpareSize("-1")),
            () -> refused(BufferConfiguration.MAX_SPARE_SIZE_PROP_NAME, "2147483647",
                () -> BufferConfiguration.maxSpareSize("2147483647")),
            () -> refused(BufferConfiguration.MAX_READ_PROP_NAME, "0", () -> BufferConfiguration.maxRead("0")),
            () -> refused(BufferConfiguration.MAX_READ_PROP_NAME, "-5", () -> BufferConfiguration.maxRead("-5")),
            () -> refused(BufferConfiguration.MAX_READ_PROP_NAME, "1.5", () -> BufferConfiguration.maxRead("1.5")));
    }

    @Test
    void shouldRefuseToMakeABufferOrAPoolWhileAPropertyIsBad()
    {
        final String p = BufferConfiguration.READ_IOVECS_PROP_NAME;
        final String before = System.getProperty(p);
        System.setProperty(p, "0");
        try (SegmentPool pool = new SegmentPool(16, 1024, 8))
        {
            refused(p, "0", () -> new Evbuffer(pool));
            refused(p, "0", BufferConfiguration::validate);
            assertEquals(0, pool.outstandingSegments());
        }
        finally
        {
            if (null == before)
            {
                System.clearProperty(p);
            }
            else
            {
                System.setProperty(p, before);
            }
        }
        final String q = BufferConfiguration.SEGMENT_SIZE_PROP_NAME;
        final String beforeQ = System.getProperty(q);
        System.setProperty(q, "1000");
        try
        {
            refused(q, "1000", SegmentPool::new);
        }
        finally
        {
            if (null == beforeQ)
            {
                System.clearProperty(q);
            }
            else
            {
                System.setProperty(q, beforeQ);
            }
        }
    }

    @Test
    void shouldValidateTheRunningConfiguration()
    {
        assertDoesNotThrow(BufferConfiguration::validate, "the configuration this test JVM runs with");
    }
}
