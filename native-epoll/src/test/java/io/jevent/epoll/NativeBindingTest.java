package io.jevent.epoll;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How {@link NativeBinding} chooses between ffm and jna, and what the unbound binding does: odd property
 * values, a forced ffm on JDK 17, auto without the versions/22 classes, JDK 22+ without
 * {@code --enable-native-access}, and JDK 24+ with native access denied (unavailable, the cause naming it).
 * The child JVMs run {@link LibCTest.AvailabilityProbe}, which prints {@code available cause binding}.
 */
class NativeBindingTest
{
    private static final String PROBE = LibCTest.AvailabilityProbe.class.getName();
    private static final String ADD_EXPORTS = "java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    private static final String VERSIONS_22 = "META-INF" + File.separator + "versions" + File.separator + "22";
    private static final Path JDK17 = Path.of(System.getProperty("jevent.test.jdk17",
        "/usr/lib/jvm/java-17-openjdk-amd64"));

    @Test
    void shouldTrimTheBindingPropertyButTakeOnlyItsExactNames()
    {
        final String saved = System.getProperty(EpollConfiguration.NATIVE_PROP_NAME);
        try
        {
            System.clearProperty(EpollConfiguration.NATIVE_PROP_NAME);
            assertEquals(EpollConfiguration.NATIVE_AUTO, EpollConfiguration.nativeBinding());
            System.setProperty(EpollConfiguration.NATIVE_PROP_NAME, " ffm ");
            assertEquals(EpollConfiguration.NATIVE_FFM, EpollConfiguration.nativeBinding());
            System.setProperty(EpollConfiguration.NATIVE_PROP_NAME, "\tjna\n");
            assertEquals(EpollConfiguration.NATIVE_JNA, EpollConfiguration.nativeBinding());
            for (final String odd : List.of("", " ", "FFM", " FFM ", "Jna", "AUTO", "ffm,jna"))
            {
                System.setProperty(EpollConfiguration.NATIVE_PROP_NAME, odd);
                final IllegalArgumentException ex =
                    assertThrows(IllegalArgumentException.class, EpollConfiguration::nativeBinding, "'" + odd + "'");
                assertTrue(ex.getMessage().contains(EpollConfiguration.NATIVE_PROP_NAME), ex.getMessage());
            }
        }
        finally
        {
            if (null == saved)
            {
                System.clearProperty(EpollConfiguration.NATIVE_PROP_NAME);
            }
            else
            {
                System.setProperty(EpollConfiguration.NATIVE_PROP_NAME, saved);
            }
        }
    }

    @Test
    void shouldLeaveLibcUnavailableForAnOddValueInsteadOfGuessing() throws IOException, InterruptedException
    {
        assertEquals("false IllegalArgumentException none",
            probe(currentJava(), classPath(), List.of(NATIVE_ACCESS, "-Djevent.native= FFM ")));
        assertEquals("false IllegalArgumentException none",
            probe(currentJava(), classPath(), List.of(NATIVE_ACCESS, "-Djevent.native=")));
        final String expected = Runtime.version().feature() >= 22 ? "true null ffm" : "true null jna";
        assertEquals(expected, probe(currentJava(), classPath(), List.of(NATIVE_ACCESS, "-Djevent.native= auto ")));
    }

    @Test
    void shouldRefuseAForcedFfmOnJdk17EvenWithItsClassesOnTheClassPath() throws IOException, InterruptedException
    {
        assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "no JDK 17 at " + JDK17);
        assumeTrue(classPath().contains(VERSIONS_22), "the ffm classes are on the class path only on JDK 22+");
        final String java17 = JDK17.resolve("bin/java").toString();
        assertEquals("false UnsupportedOperationException none",
            probe(java17, classPath(), List.of(NATIVE_ACCESS, "-Djevent.native=ffm")));
        assertEquals("true null jna", probe(java17, classPath(), List.of(NATIVE_ACCESS)));
    }

    @Test
    void shouldFallBackToJnaWhenTheFfmClassesAreMissing() throws IOException, InterruptedException
    {
        assumeTrue(Runtime.version().feature() >= 22, "ffm needs JDK 22+");
        final String without = Stream.of(classPath().split(File.pathSeparator))
            .filter(e -> !e.endsWith(VERSIONS_22) && !e.endsWith(VERSIONS_22 + File.separator))
            .collect(Collectors.joining(File.pathSeparator));
        assertFalse(without.contains(VERSIONS_22));
        assertEquals("true null jna", probe(currentJava(), without, List.of(NATIVE_ACCESS)));
        assertEquals("false UnsupportedOperationException none",
            probe(currentJava(), without, List.of(NATIVE_ACCESS, "-Djevent.native=ffm")));
    }

    @Test
    void shouldBindFfmWithOnlyAWarningWithoutEnableNativeAccess() throws IOException, InterruptedException
    {
        assumeTrue(Runtime.version().feature() >= 22, "ffm needs JDK 22+");
        final List<String> lines = run(currentJava(), classPath(), List.of());
        assertEquals("true null ffm", lines.get(lines.size() - 1), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("WARNING") && l.contains("FfmCalls")),
            () -> "the JDK warns once, naming FfmCalls:\n" + String.join("\n", lines));
    }

    @Test
    void shouldReportDeniedNativeAccessAsUnavailableWithTheReason() throws IOException, InterruptedException
    {
        assumeTrue(Runtime.version().feature() >= 24, "--illegal-native-access is JDK 24+");
        final List<String> deny = List.of("--illegal-native-access=deny");
        for (final String binding : List.of("auto", "ffm", "jna"))
        {
            final List<String> flags = new ArrayList<>(deny);
            flags.add("-Djevent.native=" + binding);
            assertEquals("false IllegalCallerException none", probe(currentJava(), classPath(), flags), binding);
        }
        final List<String> lines = run(currentJava(), classPath(), deny, ReasonProbe.class.getName());
        final String reason = lines.get(lines.size() - 1);
        assertTrue(reason.startsWith("libc unavailable: java.lang.IllegalCallerException: Illegal native access"),
            reason);
        assertTrue(reason.contains("jna") && reason.endsWith("ffm failed first: IllegalCallerException"),
            () -> "auto names JNA's failure and keeps ffm's: " + reason);
    }

    /**
     * Prints what {@link LibC#ensureAvailable()} says, and the first failure auto mode had (ffm's).
     */
    static final class ReasonProbe
    {
        public static void main(final String[] args)
        {
            try
            {
                LibC.ensureAvailable();
                System.out.print("available");
            }
            catch (final UnsatisfiedLinkError ex)
            {
                final Throwable[] suppressed = ex.getCause().getSuppressed();
                System.out.print(ex.getMessage().replace('\n', ' ') + (0 == suppressed.length ? "" :
                    "; ffm failed first: " + suppressed[0].getClass().getSimpleName()));
            }
        }
    }

    @Test
    void shouldThrowFromEveryCallOfTheUnboundBindingWithItsCause() throws IllegalAccessException
    {
        final NativeCalls unbound = new NativeCalls("the reason why");
        assertEquals(NativeCalls.NONE, unbound.name());
        assertFalse(unbound.hasPwait2());
        int calls = 0;
        for (final Method m : callsOf(NativeCalls.class))
        {
            final Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++)
            {
                args[i] = int.class == m.getParameterTypes()[i] ? (Object)0 : (Object)0L;
            }
            final InvocationTargetException ex =
                assertThrows(InvocationTargetException.class, () -> m.invoke(unbound, args), m.getName());
            assertTrue(ex.getCause() instanceof UnsatisfiedLinkError, m.getName() + ": " + ex.getCause());
            assertTrue(ex.getCause().getMessage().contains("the reason why"), ex.getCause().getMessage());
            calls++;
        }
        assertTrue(calls >= 27, "calls found: " + calls);
    }

    @Test
    void shouldOverrideEveryCallInEachBinding() throws ClassNotFoundException
    {
        final List<Class<?>> bindings = new ArrayList<>(List.of(JnaCalls.class));
        if (Runtime.version().feature() >= 22)
        {
            bindings.add(Class.forName("io.jevent.epoll.FfmCalls", false, NativeBindingTest.class.getClassLoader()));
        }
        for (final Class<?> binding : bindings)
        {
            for (final Method m : callsOf(NativeCalls.class))
            {
                try
                {
                    binding.getDeclaredMethod(m.getName(), m.getParameterTypes());
                }
                catch (final NoSuchMethodException ex)
                {
                    throw new AssertionError(binding.getSimpleName() + " does not override " + m.getName() +
                        ": the call would throw 'libc is not bound'", ex);
                }
            }
            for (final String name : List.of("name", "hasPwait2"))
            {
                assertTrue(Stream.of(binding.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name)),
                    binding.getSimpleName() + "." + name);
            }
        }
    }

    private static List<Method> callsOf(final Class<?> type)
    {
        final List<Method> calls = new ArrayList<>();
        for (final Method m : type.getDeclaredMethods())
        {
            if (!Modifier.isPrivate(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic() &&
                !"name".equals(m.getName()) && !"hasPwait2".equals(m.getName()))
            {
                m.setAccessible(true);
                calls.add(m);
            }
        }
        return calls;
    }

    private static String currentJava()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath()
    {
        return System.getProperty("java.class.path");
    }

    /**
     * @return the probe's one line (available, cause's simple name, binding)
     */
    private static String probe(final String java, final String classPath, final List<String> flags)
        throws IOException, InterruptedException
    {
        final List<String> lines = run(java, classPath, flags);
        return lines.get(lines.size() - 1);
    }

    /**
     * @return the child's output lines, stderr merged, the probe's line last
     */
    private static List<String> run(final String java, final String classPath, final List<String> flags)
        throws IOException, InterruptedException
    {
        return run(java, classPath, flags, PROBE);
    }

    private static List<String> run(final String java, final String classPath, final List<String> flags,
        final String main) throws IOException, InterruptedException
    {
        final List<String> cmd = new ArrayList<>(List.of(java, "--add-exports", ADD_EXPORTS, "-cp", classPath));
        cmd.addAll(flags);
        cmd.add(main);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        return List.of(out.split("\n"));
    }
}
