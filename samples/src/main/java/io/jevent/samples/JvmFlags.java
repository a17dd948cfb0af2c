package io.jevent.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The JVM flags jevent needs, read from {@code jevent-jvm.properties}, which Maven filters from the
 * parent pom's {@code jevent.jvm.*} properties: the single place they are defined. Benchmarks and
 * launchers pass them to every JVM they fork.
 */
public final class JvmFlags
{
    private JvmFlags()
    {
    }

    /**
     * @return the flags for the running JDK: the base flags, plus native access on JDK 22+
     */
    public static String forCurrentJdk()
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
        final String base = p.getProperty("base", "").trim();
        final String jdk22 = p.getProperty("jdk22", "").trim();
        return Runtime.version().feature() >= 22 ? (base + " " + jdk22).trim() : base;
    }
}
