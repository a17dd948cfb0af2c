package io.jevent.samples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagsTest
{
    @Test
    void shouldCarryTheParentPomFlags()
    {
        final String flags = JvmFlags.forCurrentJdk();
        assertTrue(flags.contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), flags);
        assertFalse(flags.contains("${"), "resource was not filtered: " + flags);
        assertEquals(Runtime.version().feature() >= 22, flags.contains("--enable-native-access=ALL-UNNAMED"), flags);
    }
}
