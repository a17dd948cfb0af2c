package io.jevent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JDK given by its home: a runnable bin/java and a release file's JAVA_VERSION, its flags by that version;
 * and where the ffm binding's classes are found on a class path.
 */
class JdkTest
{
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    @Test
    void shouldReadTheVersionAndFlagsOfAJdkHome(@TempDir final Path dir) throws Exception
    {
        final Jdk jdk25 = Jdk.at(fakeJdk(dir.resolve("a"), "25.0.1"));
        assertEquals(25, jdk25.feature());
        assertEquals("25.0.1", jdk25.version());
        assertTrue(jdk25.given());
        assertEquals(dir.resolve("a").resolve("bin").resolve("java"), jdk25.java());
        assertTrue(jdk25.flags().contains(NATIVE_ACCESS), jdk25.flags());
        final Jdk jdk17 = Jdk.at(fakeJdk(dir.resolve("b"), "17.0.15"));
        assertEquals(17, jdk17.feature());
        assertFalse(jdk17.flags().contains(NATIVE_ACCESS), "JDK 17 refuses the flag: " + jdk17.flags());
        assertTrue(jdk17.flags().contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"), jdk17.flags());
        final Jdk running = Jdk.at(Path.of(System.getProperty("java.home")));
        assertEquals(Runtime.version().feature(), running.feature());
        assertEquals(Jdk.current().flags(), running.flags());
        assertFalse(Jdk.current().given());
    }

    @Test
    void shouldSayInOneLineWhyAPathIsNotAUsableJdk(@TempDir final Path dir) throws Exception
    {
        final Path none = dir.resolve("nowhere");
        assertEquals(none + " is not a JDK: " + none.resolve("bin").resolve("java") + " does not exist",
            assertThrows(IllegalArgumentException.class, () -> Jdk.at(none)).getMessage());
        final Path noRelease = fakeJdk(dir.resolve("c"), "25");
        Files.delete(noRelease.resolve("release"));
        final String msg = assertThrows(IllegalArgumentException.class, () -> Jdk.at(noRelease)).getMessage();
        assertTrue(msg.contains(noRelease.resolve("release").toString()) && !msg.contains("\n"), msg);
        final Path old = fakeJdk(dir.resolve("d"), "11.0.2");
        assertEquals(old + " is JDK 11.0.2, jevent needs 17 or later",
            assertThrows(IllegalArgumentException.class, () -> Jdk.at(old)).getMessage());
        final Path notExecutable = fakeJdk(dir.resolve("e"), "21.0.1");
        Files.setPosixFilePermissions(notExecutable.resolve("bin").resolve("java"),
            PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Jdk.at(notExecutable)).getMessage()
            .endsWith("is not executable"));
    }

    @Test
    void shouldFindTheFfmClassesInADirectoryOrAMultiReleaseJarOnly(@TempDir final Path dir) throws Exception
    {
        final Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("io/jevent/epoll"));
        Files.write(classes.resolve("io/jevent/epoll/FfmCalls.class"), new byte[] {1});
        assertTrue(Jdk.ffmOnClassPath(dir.resolve("other") + java.io.File.pathSeparator + classes));
        final Path exploded = dir.resolve("exploded");
        Files.createDirectories(exploded.resolve("META-INF/versions/22/io/jevent/epoll"));
        Files.write(exploded.resolve("META-INF/versions/22/io/jevent/epoll/FfmCalls.class"), new byte[] {1});
        assertFalse(Jdk.ffmOnClassPath(exploded.toString()), "a JVM does not look into a directory's versions");
        assertTrue(Jdk.ffmOnClassPath(jar(dir.resolve("mr.jar"), true).toString()));
        assertFalse(Jdk.ffmOnClassPath(jar(dir.resolve("plain.jar"), false).toString()),
            "without Multi-Release: true the versioned classes are never loaded");
        assertFalse(Jdk.ffmOnClassPath(""));
    }

    private static Path fakeJdk(final Path home, final String version) throws IOException
    {
        Files.createDirectories(home.resolve("bin"));
        final Path java = home.resolve("bin").resolve("java");
        Files.writeString(java, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private static Path jar(final Path jar, final boolean multiRelease) throws IOException
    {
        final Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (multiRelease)
        {
            m.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m))
        {
            j.putNextEntry(new JarEntry("META-INF/versions/22/io/jevent/epoll/FfmCalls.class"));
            j.write(1);
            j.closeEntry();
        }
        return jar;
    }
}
