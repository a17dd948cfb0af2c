package io.jevent.loop;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend discovery through {@code META-INF/services}: the engine's own service file names the nio
 * backend, so it is found like any other, and the loop package names no backend class.
 */
class BackendsTest
{
    @Test
    void shouldFindNioThroughItsServiceFileAndListItFirst()
    {
        final List<IoBackendProvider> providers = Backends.providers();
        assertTrue(!providers.isEmpty(), "at least the nio provider");
        assertEquals("nio", providers.get(0).method(), "least preferred first: " + providers);
        assertTrue(Backends.availableMethods().contains("nio"), Backends.availableMethods().toString());
        for (int i = 1; i < providers.size(); i++)
        {
            assertTrue(providers.get(i - 1).preference() <= providers.get(i).preference(), "sorted by preference");
        }
    }

    @Test
    void shouldCreateTheNamedBackendAndRefuseAnUnknownOne()
    {
        try (IoBackend b = Backends.create("nio"))
        {
            assertEquals("nio", b.method());
        }
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Backends.create("kqueue"));
        assertTrue(ex.getMessage().contains("nio"), "names what is available: " + ex.getMessage());
    }
}
