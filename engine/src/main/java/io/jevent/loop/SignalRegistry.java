package io.jevent.loop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes OS signals to the event bases that watch them (their {@link SignalMap}s). signalfd cannot
 * work inside a JVM (the JVM's own threads would receive the signal), so the JVM's signal handling is
 * used: the handler, run on the JVM's "Signal Dispatcher" thread once per delivered signal, counts the
 * signal in every interested base and wakes it; the loop then runs each signal event once per count,
 * as libevent does. The previous handler is restored when the last base stops watching a signal.
 * <p>
 * {@code sun.misc.Signal} is reached through method handles, so that compiling against
 * {@code --release 17} raises no proprietary-API warning. Signals the JVM reserves (e.g. SIGQUIT,
 * SIGSEGV) cannot be watched: registering them fails with IllegalArgumentException.
 */
final class SignalRegistry
{
    static final int MAX_SIGNAL = 64;

    private static final MethodHandle NEW_SIGNAL;
    private static final MethodHandle HANDLE;
    private static final MethodHandle GET_NUMBER;
    private static final MethodHandle RAISE;
    private static final Class<?> HANDLER_TYPE;
    private static final Throwable UNAVAILABLE;

    private static final List<List<SignalMap>> WATCHERS = new ArrayList<>();
    private static final Object[] PREVIOUS = new Object[MAX_SIGNAL + 1];
    private static final Object[] HANDLERS = new Object[MAX_SIGNAL + 1];

    static
    {
        MethodHandle newSignal = null;
        MethodHandle handle = null;
        MethodHandle getNumber = null;
        MethodHandle raise = null;
        Class<?> handlerType = null;
        Throwable unavailable = null;
        try
        {
            final Class<?> signal = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            newSignal = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class));
            handle = lookup.findStatic(signal, "handle", MethodType.methodType(handlerType, signal, handlerType));
            getNumber = lookup.findVirtual(signal, "getNumber", MethodType.methodType(int.class));
            raise = lookup.findStatic(signal, "raise", MethodType.methodType(void.class, signal));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            unavailable = ex;
        }
        NEW_SIGNAL = newSignal;
        HANDLE = handle;
        GET_NUMBER = getNumber;
        RAISE = raise;
        HANDLER_TYPE = handlerType;
        UNAVAILABLE = unavailable;
        for (int i = 0; i <= MAX_SIGNAL; i++)
        {
            WATCHERS.add(new ArrayList<>());
        }
    }

    private SignalRegistry()
    {
    }

    /**
     * @param name a signal name without "SIG", e.g. "USR2"
     * @return its number on this OS
     */
    static int number(final String name)
    {
        checkAvailable();
        try
        {
            return (int)GET_NUMBER.invoke(NEW_SIGNAL.invoke(name));
        }
        catch (final Throwable ex)
        {
            throw new IllegalArgumentException("unknown signal " + name, ex);
        }
    }

    /**
     * Sends a signal to this process (for tests and self-signalling).
     *
     * @param signum the signal number
     */
    static void raise(final int signum)
    {
        checkAvailable();
        try
        {
            RAISE.invoke(NEW_SIGNAL.invoke(nameOf(signum)));
        }
        catch (final Throwable ex)
        {
            throw new IllegalArgumentException("cannot raise signal " + signum, ex);
        }
    }

    static synchronized void watch(final int signum, final SignalMap base)
    {
        checkAvailable();
        final List<SignalMap> bases = WATCHERS.get(signum);
        if (bases.contains(base))
        {
            return;
        }
        if (bases.isEmpty())
        {
            install(signum);
        }
        bases.add(base);
    }

    static synchronized void unwatch(final int signum, final SignalMap base)
    {
        final List<SignalMap> bases = WATCHERS.get(signum);
        if (bases.remove(base) && bases.isEmpty())
        {
            try
            {
                HANDLE.invoke(NEW_SIGNAL.invoke(nameOf(signum)), PREVIOUS[signum]);
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException("cannot restore handler of signal " + signum, ex);
            }
            PREVIOUS[signum] = null;
        }
    }

    private static void install(final int signum)
    {
        final Object handler = null != HANDLERS[signum] ? HANDLERS[signum] : Proxy.newProxyInstance(
            SignalRegistry.class.getClassLoader(), new Class<?>[] {HANDLER_TYPE},
            (proxy, method, args) ->
            {
                if ("handle".equals(method.getName()))
                {
                    deliver(signum);
                    return null;
                }
                if ("toString".equals(method.getName()))
                {
                    return "jevent-signal-" + signum;
                }
                if ("hashCode".equals(method.getName()))
                {
                    return signum;
                }
                return "equals".equals(method.getName()) ? proxy == args[0] : null;
            });
        HANDLERS[signum] = handler;
        try
        {
            PREVIOUS[signum] = HANDLE.invoke(NEW_SIGNAL.invoke(nameOf(signum)), handler);
        }
        catch (final Throwable ex)
        {
            throw new IllegalArgumentException("signal " + signum + " cannot be watched: " + ex.getMessage(), ex);
        }
    }

    private static void deliver(final int signum)
    {
        final SignalMap[] bases;
        synchronized (SignalRegistry.class)
        {
            bases = WATCHERS.get(signum).toArray(new SignalMap[0]);
        }
        for (final SignalMap b : bases)
        {
            b.arrived(signum);
        }
    }

    private static String nameOf(final int signum)
    {
        final String[] names = {"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
            "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
            "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        if (signum < 1 || signum > names.length)
        {
            throw new IllegalArgumentException("unsupported signal number " + signum);
        }
        return names[signum - 1];
    }

    private static void checkAvailable()
    {
        if (null != UNAVAILABLE)
        {
            throw new UnsupportedOperationException("JVM signal handling unavailable", UNAVAILABLE);
        }
    }
}
