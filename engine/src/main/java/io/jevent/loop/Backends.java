package io.jevent.loop;

import io.jevent.nio.NioBackendProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds {@link IoBackendProvider}s (java.nio always; epoll when module native-epoll is on the class
 * path) and picks one by name or by preference.
 */
public final class Backends
{
    private Backends()
    {
    }

    /**
     * @return every provider found, nio first
     */
    public static List<IoBackendProvider> providers()
    {
        final List<IoBackendProvider> list = new ArrayList<>();
        list.add(new NioBackendProvider());
        for (final IoBackendProvider p : ServiceLoader.load(IoBackendProvider.class, Backends.class.getClassLoader()))
        {
            if (!"nio".equals(p.method()))
            {
                list.add(p);
            }
        }
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

    static IoBackend create(final String name, final FdTable fds)
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
                    return p.create(fds);
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
        return best.create(fds);
    }
}
