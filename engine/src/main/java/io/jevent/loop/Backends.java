package io.jevent.loop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds {@link IoBackendProvider}s through {@code META-INF/services/io.jevent.loop.IoBackendProvider}
 * (java.nio from this module; epoll when module native-epoll is on the class path; a shaded jar must
 * merge the service files) and picks one by name or by preference. The loop package thus names no
 * backend.
 */
public final class Backends
{
    private Backends()
    {
    }

    /**
     * @return every provider found, least preferred (nio) first
     */
    public static List<IoBackendProvider> providers()
    {
        final List<IoBackendProvider> list = new ArrayList<>();
        for (final IoBackendProvider p : ServiceLoader.load(IoBackendProvider.class, Backends.class.getClassLoader()))
        {
            list.add(p);
        }
        list.sort(Comparator.comparingInt(IoBackendProvider::preference));
        return list;
    }

    /**
     * @return the names of the backends that can run here
     */
    public static List<String> availableMethods()
    {
        final List<String> names = new ArrayList<>();
        for (final IoBackendProvider p : providers())
        {
            if (p.isAvailable())
            {
                names.add(p.method());
            }
        }
        return names;
    }

    static IoBackend create(final String name)
    {
        IoBackendProvider best = null;
        for (final IoBackendProvider p : providers())
        {
            if (null != name && !name.isEmpty())
            {
                if (p.method().equals(name))
                {
                    if (!p.isAvailable())
                    {
                        throw new IllegalStateException("backend " + name + " is not available here");
                    }
                    return p.create();
                }
            }
            else if (p.isAvailable() && (null == best || p.preference() > best.preference()))
            {
                best = p;
            }
        }
        if (null == best)
        {
            throw new IllegalArgumentException("unknown backend " + name + "; available: " + availableMethods());
        }
        return best.create();
    }
}
