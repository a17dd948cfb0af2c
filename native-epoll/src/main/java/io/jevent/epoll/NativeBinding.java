package io.jevent.epoll;

import java.lang.reflect.InvocationTargetException;

/**
 * Chooses the binding behind {@link LibC} once, when it initialises: java.lang.foreign on JDK 22+
 * (the class {@code FfmCalls} exists only in the jar's {@code META-INF/versions/22}), JNA otherwise,
 * or the one {@link EpollConfiguration#NATIVE_PROP_NAME} forces. A forced binding that cannot load is
 * not replaced by the other: libc is then unavailable, with the reason. The reason is the failure itself,
 * unwrapped from class initialisation and reflection; when auto tried ffm, then jna, and both failed, it is
 * jna's failure with ffm's attached as suppressed.
 */
final class NativeBinding
{
    private static final String FFM_CLASS = "io.jevent.epoll.FfmCalls";

    private final NativeCalls calls;
    private final Throwable cause;

    private NativeBinding(final NativeCalls calls, final Throwable cause)
    {
        this.calls = calls;
        this.cause = cause;
    }

    /**
     * @return the bound calls, or the unbound ones if nothing could be bound
     */
    NativeCalls calls()
    {
        return calls;
    }

    /**
     * @return why nothing is bound, or null
     */
    Throwable cause()
    {
        return cause;
    }

    /**
     * Binds libc as configured.
     *
     * @return the binding, never null; it carries the cause when nothing could be bound
     */
    static NativeBinding choose()
    {
        try
        {
            final Throwable platform = unsupportedPlatform();
            if (null != platform)
            {
                return unbound(platform);
            }
            final String wanted = EpollConfiguration.nativeBinding();
            if (EpollConfiguration.NATIVE_JNA.equals(wanted))
            {
                return new NativeBinding(new JnaCalls(), null);
            }
            Throwable ffmFailure = null;
            if (EpollConfiguration.NATIVE_FFM.equals(wanted) || Runtime.version().feature() >= 22)
            {
                try
                {
                    return new NativeBinding(ffm(), null);
                }
                catch (final Throwable t)
                {
                    if (EpollConfiguration.NATIVE_FFM.equals(wanted))
                    {
                        return unbound(reason(t));
                    }
                    ffmFailure = reason(t);
                }
            }
            try
            {
                return new NativeBinding(new JnaCalls(), null);
            }
            catch (final Throwable t)
            {
                final Throwable jna = reason(t);
                if (null != ffmFailure && jna != ffmFailure)
                {
                    jna.addSuppressed(ffmFailure);
                }
                return unbound(jna);
            }
        }
        catch (final Throwable t)
        {
            return unbound(reason(t));
        }
    }

    /**
     * The failure itself rather than its wrapper: a class initialiser's exception comes wrapped in an
     * {@link ExceptionInInitializerError} (whose message is null, so "libc unavailable:
     * java.lang.ExceptionInInitializerError" would be all a user sees, e.g. of native access denied on
     * JDK 24+), a constructor's called by reflection in an {@link InvocationTargetException}.
     */
    static Throwable reason(final Throwable t)
    {
        Throwable r = t;
        while ((r instanceof ExceptionInInitializerError || r instanceof InvocationTargetException) &&
            null != r.getCause())
        {
            r = r.getCause();
        }
        return r;
    }

    private static NativeBinding unbound(final Throwable cause)
    {
        return new NativeBinding(new NativeCalls(String.valueOf(cause)), cause);
    }

    private static NativeCalls ffm() throws ReflectiveOperationException
    {
        if (Runtime.version().feature() < 22)
        {
            throw new UnsupportedOperationException("the ffm binding needs JDK 22 or later, this is " +
                Runtime.version());
        }
        final Class<?> type;
        try
        {
            type = Class.forName(FFM_CLASS);
        }
        catch (final ClassNotFoundException e)
        {
            throw new UnsupportedOperationException(FFM_CLASS + " is not on the class path: run from the " +
                "multi-release jar built on JDK 22+ (a JDK 17 build has no META-INF/versions/22)", e);
        }
        return (NativeCalls)type.getDeclaredConstructor().newInstance();
    }

    private static Throwable unsupportedPlatform()
    {
        final String os = System.getProperty("os.name", "");
        final String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux"))
        {
            return new UnsupportedOperationException("not Linux: " + os);
        }
        if (!"amd64".equals(arch) && !"x86_64".equals(arch) && !"aarch64".equals(arch))
        {
            return new UnsupportedOperationException("unsupported architecture: " + arch);
        }
        return null;
    }
}
