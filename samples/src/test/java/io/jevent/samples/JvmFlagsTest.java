package io.jevent.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagsTest
{
    private static final String BASE = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    @Test
    void shouldCarryTheParentPomFlags()
    {
        final String flags = JvmFlags.forCurrentJdk();
        assertTrue(flags.contains(BASE), flags);
        assertFalse(flags.contains("${"), "resource was not filtered: " + flags);
        assertEquals(Runtime.version().feature() >= 22, flags.contains(NATIVE), flags);
        assertEquals(JvmFlags.forFeature(Runtime.version().feature()), flags);
    }

    @Test
    void shouldAddNativeAccessFromFeature22On()
    {
        for (final int feature : new int[] {17, 21})
        {
            assertEquals(BASE, JvmFlags.forFeature(feature), "JDK " + feature + " does not know the flag");
        }
        for (final int feature : new int[] {22, 25, 26})
        {
            final String flags = JvmFlags.forFeature(feature);
            assertTrue(flags.startsWith(BASE) && flags.endsWith(NATIVE), "JDK " + feature + ": " + flags);
        }
    }

    @Test
    void shouldReadTheFeatureFromAJdksReleaseFile(@TempDir final Path home) throws Exception
    {
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"\n" +
            "JAVA_VERSION_DATE=\"2025-10-21\"\n");
        assertEquals("25.0.1", JvmFlags.javaVersion(home));
        assertEquals(JvmFlags.forFeature(25), JvmFlags.forJdk(home));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        assertEquals(BASE, JvmFlags.forJdk(home));
        assertEquals(8, JvmFlags.feature("1.8.0_412"));
        assertEquals(26, JvmFlags.feature("26-ea"));
        assertEquals(22, JvmFlags.feature("22"));
        assertEquals(Runtime.version().feature(), JvmFlags.feature(System.getProperty("java.version")));
    }

    @Test
    void shouldNameTheFileWhenAReleaseFileIsMissingOrHasNoVersion(@TempDir final Path home) throws Exception
    {
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> JvmFlags.forJdk(home));
        assertTrue(missing.getMessage().contains(home.resolve("release").toString()), missing.getMessage());
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"nobody\"\n");
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> JvmFlags.forJdk(home));
        assertTrue(none.getMessage().contains("no JAVA_VERSION"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JvmFlags.feature("abc"));
    }
}
