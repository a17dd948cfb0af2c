package io.jevent.loop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behavioural suite of {@link EventBase} against libevent 2.1's {@code event_base_loop}
 * (libevent-semantics.md §1.15, statements 102–120), plus readiness on real channels, many idle
 * channels, fd reuse, cross-thread work and Agent hosting. The tests live in the interfaces it
 * implements, one topic each; a concrete subclass per backend (nio, nio busy-spin, epoll, epoll
 * busy-spin) supplies {@link #config()}.
 * <p>
 * Timing assertions are behavioural with generous tolerances (2-core noisy machines): "not before
 * T" and "well before a much larger bound". Every base and channel is freed after each test.
 */
@Timeout(30)
public abstract class EventBaseSuite implements
    EventBaseLoopControlSemantics,
    EventBasePrioritySemantics,
    EventBaseEventSemantics,
    EventBaseTimerSemantics,
    EventBaseSignalSemantics,
    EventBaseIoSemantics,
    EventBaseThreadingSemantics,
    EventBaseSafetySemantics
{
    private final List<EventBase> bases = new ArrayList<>();
    private final List<Closeable> closeables = new ArrayList<>();
    private EventBase base;

    /**
     * @return a fresh configuration naming the backend under test (and busy-spin if wanted)
     */
    protected abstract EventBaseConfig config();

    /**
     * The backend's configuration with {@link LoopErrorHandlers#RETHROW}, so an assertion failing inside
     * a callback fails the test instead of being logged by the default handler.
     */
    @Override
    public EventBaseConfig backendConfig()
    {
        return config().errorHandler(LoopErrorHandlers.RETHROW);
    }

    @Override
    public EventBase base()
    {
        if (null == base)
        {
            base = newBase(backendConfig());
        }
        return base;
    }

    @Override
    public EventBase newBase(final EventBaseConfig config)
    {
        final EventBase b = new EventBase(config);
        bases.add(b);
        return b;
    }

    @Override
    public <T extends Closeable> T closeAfter(final T c)
    {
        closeables.add(c);
        return c;
    }

    @Test
    @DisplayName("setup: the base runs the configured backend")
    void shouldUseTheConfiguredBackend()
    {
        final EventBaseConfig c = config();
        final String expected = c.backend() + (c.busySpin() ? "-busy-spin" : "");
        assertEquals(expected, base().method());
        assertTrue(Backends.availableMethods().contains(c.backend()), Backends.availableMethods().toString());
    }

    @AfterEach
    void freeEverything() throws IOException
    {
        try
        {
            for (final EventBase b : bases)
            {
                b.free();
            }
        }
        finally
        {
            bases.clear();
            base = null;
            IOException first = null;
            for (int i = closeables.size() - 1; i >= 0; i--)
            {
                try
                {
                    closeables.get(i).close();
                }
                catch (final IOException ex)
                {
                    first = null == first ? ex : first;
                }
            }
            closeables.clear();
            if (null != first)
            {
                throw first;
            }
        }
    }
}
