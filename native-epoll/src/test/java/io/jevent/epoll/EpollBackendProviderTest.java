package io.jevent.epoll;

import io.jevent.loop.Backends;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With native-epoll on the class path, both service files are found: epoll and nio are listed, and a
 * base made without naming a backend runs on epoll, the preferred one.
 */
class EpollBackendProviderTest
{
    @Test
    void shouldFindEpollAndNioAndPreferEpoll()
    {
        assertTrue(Backends.availableMethods().containsAll(java.util.List.of("nio", "epoll")),
            Backends.availableMethods().toString());
        final String configured = System.getProperty("jevent.backend");
        if (null == configured || configured.isEmpty())
        {
            final EventBase base = new EventBase(new EventBaseConfig());
            try
            {
                assertEquals("epoll", base.method());
            }
            finally
            {
                base.free();
            }
        }
    }
}
