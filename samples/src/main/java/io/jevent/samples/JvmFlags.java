package io.jevent.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The JVM flags jevent needs, read from {@code jevent-jvm.properties}, which Maven filters from the
 * parent pom's {@code jevent.jvm.*} properties: the single place they are defined. Benchmarks and
 * launchers pass them to every JVM they fork: {@link #forCurrentJdk()} for a JVM of the running JDK,
 * {@link #forFeature(int)} or {@link #forJdk(Path)} for one of another JDK (the flags depend on its
 * version: an older JDK refuses a flag it does not know).
 */
public final class JvmFlags
{
    /** The feature version from which the native-access flag is added. */
    public static final int NATIVE_ACCESS_FEATURE = 22;

    private JvmFlags()
    {
    }

    /**
     * @return the flags for the running JDK: the base flags, plus native access on JDK 22+
     */
    public static String forCurrentJdk()
    {
        return forFeature(Runtime.version().feature());
    }

    /**
     * @param feature a JDK's feature version, e.g. 17 or 25
     * @return the flags for a JVM of that version: the base flags, plus native access from 22 on
     */
    public static String forFeature(final int feature)
    {
        final Properties p = properties();
        final String base = p.getProperty("base", "").trim();
        final String jdk22 = p.getProperty("jdk22", "").trim();
        return feature >= NATIVE_ACCESS_FEATURE ? (base + " " + jdk22).trim() : base;
    }

    /**
     * @param javaHome a JDK's home directory (the one holding {@code bin/java} and {@code release})
     * @return the flags for a JVM of that JDK, by the {@code JAVA_VERSION} of its {@code release} file
     * @throws IllegalArgumentException if the release file is missing or names no version
     */
    public static String forJdk(final Path javaHome)
    {
        return forFeature(feature(javaVersion(javaHome)));
    }

    /**
     * @param javaHome a JDK's home directory
     * @return the {@code JAVA_VERSION} of its {@code release} file, e.g. {@code 25.0.1} or {@code 1.8.0_412}
     * @throws IllegalArgumentException if the file is missing, unreadable or names no version
     */
    public static String javaVersion(final Path javaHome)
    {
        final Path release = javaHome.resolve("release");
        try
        {
            for (final String line : Files.readAllLines(release, StandardCharsets.UTF_8))
            {
                if (line.startsWith("JAVA_VERSION="))
                {
                    final String v = line.substring("JAVA_VERSION=".length()).trim().replace("\"", "");
                    if (!v.isEmpty())
                    {
                        return v;
                    }
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new IllegalArgumentException(release + " does not exist: not a JDK home");
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + release + ": " + ex.getMessage());
        }
        throw new IllegalArgumentException(release + " has no JAVA_VERSION");
    }

    /**
     * @param javaVersion a {@code JAVA_VERSION} or {@code java.version}, e.g. {@code 25.0.1}, {@code 22},
     *                    {@code 26-ea} or the old style {@code 1.8.0_412}
     * @return its feature version: 25, 22, 26, 8
     * @throws IllegalArgumentException if it does not start with a number
     */
    public static int feature(final String javaVersion)
    {
        final String[] parts = javaVersion.trim().split("[^0-9]", -1);
        try
        {
            final int first = Integer.parseInt(parts[0]);
            return 1 == first && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not a Java version: \"" + javaVersion + "\"");
        }
    }

    private static Properties properties()
    {
        final Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("/jevent-jvm.properties"))
        {
            if (null == in)
            {
                throw new IllegalStateException("jevent-jvm.properties missing from the classpath");
            }
            p.load(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return p;
    }
}
