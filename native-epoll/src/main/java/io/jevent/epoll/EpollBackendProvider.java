package io.jevent.epoll;

import io.jevent.loop.IoBackend;
import io.jevent.loop.IoBackendProvider;

/**
 * Provides {@link EpollBackend} when libc loads through JNA on Linux; preferred over nio.
 */
public final class EpollBackendProvider implements IoBackendProvider
{
    @Override
    public String method()
    {
        return "epoll";
    }

    @Override
    public boolean isAvailable()
    {
        return LibC.isAvailable();
    }

    @Override
    public int preference()
    {
        return 10;
    }

    @Override
    public IoBackend create()
    {
        return new EpollBackend();
    }
}
