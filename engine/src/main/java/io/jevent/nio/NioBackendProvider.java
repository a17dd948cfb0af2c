package io.jevent.nio;

import io.jevent.loop.IoBackend;
import io.jevent.loop.IoBackendProvider;

/**
 * Provides {@link NioBackend}: always available, least preferred.
 */
public final class NioBackendProvider implements IoBackendProvider
{
    @Override
    public String method()
    {
        return "nio";
    }

    @Override
    public boolean isAvailable()
    {
        return true;
    }

    @Override
    public int preference()
    {
        return 0;
    }

    @Override
    public IoBackend create()
    {
        return new NioBackend();
    }
}
