package io.jevent.bench;

import io.jevent.samples.JvmFlags;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A JDK a child JVM runs on: the one running now ({@link #current()}) or another installed one
 * ({@link #at(Path)}, e.g. {@code compare --jdk PATH}), with its version and the jevent flags for it.
 *
 * @param home    the JDK's home directory
 * @param version its version, {@code java.version} or the {@code JAVA_VERSION} of its {@code release} file
 * @param feature its feature version, e.g. 17 or 25
 * @param given   true when it was given ({@link #at(Path)}), false for the running JDK
 */
public record Jdk(Path home, String version, int feature, boolean given)
{
    /** The oldest JDK jevent runs on. */
    public static final int MIN_FEATURE = 17;
    /** The oldest JDK with java.lang.foreign, where the ffm binding runs. */
    public static final int FFM_FEATURE = 22;
    /** The ffm binding's class, as the JVM looks it up in a directory. */
    private static final String FFM_CLASS = "io/jevent/epoll/FfmCalls.class";

    /**
     * @return the JDK of this JVM
     */
    public static Jdk current()
    {
        return new Jdk(Path.of(System.getProperty("java.home")), System.getProperty("java.version"),
            Runtime.version().feature(), false);
    }

    /**
     * @param home a JDK's home directory, the one holding {@code bin/java} and {@code release}
     * @return that JDK
     * @throws IllegalArgumentException with a one-line reason if there is no runnable {@code bin/java}, no
     *                                  version in its {@code release} file, or it is older than JDK 17
     */
    public static Jdk at(final Path home)
    {
        final Path java = home.resolve("bin").resolve("java");
        if (!Files.isRegularFile(java))
        {
            throw new IllegalArgumentException(home + " is not a JDK: " + java + " does not exist");
        }
        if (!Files.isExecutable(java))
        {
            throw new IllegalArgumentException(home + " is not a usable JDK: " + java + " is not executable");
        }
        final String version = JvmFlags.javaVersion(home);
        final int feature = JvmFlags.feature(version);
        if (feature < MIN_FEATURE)
        {
            throw new IllegalArgumentException(home + " is JDK " + version + ", jevent needs " + MIN_FEATURE +
                " or later");
        }
        return new Jdk(home.toAbsolutePath().normalize(), version, feature, true);
    }

    /**
     * @return its {@code bin/java}
     */
    public Path java()
    {
        return home.resolve("bin").resolve("java");
    }

    /**
     * @return jevent's JVM flags for this JDK's version ({@link JvmFlags#forFeature(int)})
     */
    public String flags()
    {
        return JvmFlags.forFeature(feature);
    }

    /**
     * Tells whether a JVM on {@code classPath} finds the ffm binding's classes when it runs on JDK 22+:
     * in a directory holding them directly, or in a multi-release jar's {@code META-INF/versions/22} (a
     * JDK 17 build has none; a directory's {@code META-INF/versions} is not looked into).
     *
     * @param classPath a class path, e.g. {@code System.getProperty("java.class.path")}
     * @return true if the ffm classes are on it
     */
    public static boolean ffmOnClassPath(final String classPath)
    {
        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (entry.isEmpty())
            {
                continue;
            }
            final Path p = Path.of(entry);
            if (Files.isDirectory(p))
            {
                if (Files.isRegularFile(p.resolve(FFM_CLASS)))
                {
                    return true;
                }
            }
            else if (Files.isRegularFile(p) && multiReleaseJarHasFfm(p))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean multiReleaseJarHasFfm(final Path jar)
    {
        try (JarFile j = new JarFile(jar.toFile()))
        {
            final Manifest m = j.getManifest();
            final boolean multiRelease = null != m &&
                "true".equalsIgnoreCase(m.getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
            return multiRelease && null != j.getEntry("META-INF/versions/" + FFM_FEATURE + "/" + FFM_CLASS);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
