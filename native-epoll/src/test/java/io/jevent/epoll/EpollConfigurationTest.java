package io.jevent.epoll;

import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollConfigurationTest
{
    @Test
    void shouldReadEachPropertyAndFallBackToItsDefault()
    {
        check(EpollConfiguration.EVENTS_PROP_NAME, EpollConfiguration::events, EpollConfiguration.EVENTS_DEFAULT,
            "4096", 4096);
        check(EpollConfiguration.TIMER_SLACK_PROP_NAME, EpollConfiguration::timerSlackNanos,
            EpollConfiguration.TIMER_SLACK_DEFAULT, "0", 0);
    }

    @Test
    void shouldRefuseValuesOutOfRange()
    {
        refuse(EpollConfiguration.EVENTS_PROP_NAME, "0", EpollConfiguration::events);
        refuse(EpollConfiguration.TIMER_SLACK_PROP_NAME, "-1", EpollConfiguration::timerSlackNanos);
    }

    private static void check(final String name, final LongSupplier read, final long defaultValue,
        final String value, final long expected)
    {
        final String saved = System.getProperty(name);
        try
        {
            System.clearProperty(name);
            assertEquals(defaultValue, read.getAsLong(), name + " unset");
            System.setProperty(name, value);
            assertEquals(expected, read.getAsLong(), name + "=" + value);
        }
        finally
        {
            restore(name, saved);
        }
    }

    private static void refuse(final String name, final String value, final LongSupplier read)
    {
        final String saved = System.getProperty(name);
        try
        {
            System.setProperty(name, value);
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, read::getAsLong);
            assertTrue(ex.getMessage().contains(name), ex.getMessage());
        }
        finally
        {
            restore(name, saved);
        }
    }

    private static void restore(final String name, final String saved)
    {
        if (null == saved)
        {
            System.clearProperty(name);
        }
        else
        {
            System.setProperty(name, saved);
        }
    }
}
