package io.jevent.listener;

import io.jevent.loop.AcceptedSocket;
import io.jevent.loop.Errno;
import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import io.jevent.loop.ListenSocket;
import io.jevent.loop.TransportFactory;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * libevent's {@code evconnlistener}: accepts connections on a listening socket and hands each to a
 * callback, on the base's loop thread.
 * <ul>
 *   <li>On readability it accepts in a loop (at most {@link #ACCEPTS_PER_WAKEUP_DEFAULT} per wakeup,
 *       so other fds get a turn) until none is pending; the loop stops if the callback disables or
 *       frees the listener. With no callback set, accepted sockets are closed.</li>
 *   <li>EAGAIN, EINTR and ECONNABORTED are ignored. Other errors go to the error callback and the
 *       listener stays enabled, as in libevent. Without an error callback each is logged as a WARNING
 *       through {@link System.Logger} {@value #LOGGER_NAME}, naming the fd, the error and the pause.</li>
 *   <li><b>Out of fds does not spin</b> (libevent issue 71): on EMFILE, ENFILE, ENOBUFS or ENOMEM the
 *       listener stops watching the socket, reports the error once, and retries
 *       {@link #RETRY_DELAY_DEFAULT_MS} ms after the report (doubling to at most 1 s while the error
 *       persists), however long the report took. Pending
 *       connections wait in the kernel's backlog meanwhile.</li>
 *   <li>Several loops can each {@link #bind} with {@link ListenerFlags#REUSEABLE_PORT} on one port,
 *       and the kernel spreads connections across them.</li>
 * </ul>
 * Belongs to its base (see {@link EventBase}, "Threads"): enable, disable, the callbacks and free are
 * for the loop thread while the loop runs ({@link io.jevent.loop.WrongThreadException} otherwise; a
 * listener made from another thread while the loop runs must be made {@link ListenerFlags#DISABLED}
 * and enabled on the loop, or the creation throws before any socket is opened);
 * {@link #localAddress()} and {@link #fd()} may be read from any thread. After {@link #free()},
 * every call but {@code free()} and {@link #isEnabled()} throws {@link IllegalStateException}.
 */
public final class ConnListener
{
    /** Most accepts per readable wakeup. */
    public static final int ACCEPTS_PER_WAKEUP_DEFAULT = 64;
    /** First back-off after running out of fds, in milliseconds. */
    public static final long RETRY_DELAY_DEFAULT_MS = 100;
    /** The {@link System.Logger} that reports accept errors when no error callback is set. */
    public static final String LOGGER_NAME = "io.jevent.listener";
    private static final long RETRY_DELAY_MAX_MS = 1000;
    private static final System.Logger LOGGER = readyLogger();

    private final EventBase base;
    private final ListenSocket socket;
    private final int flags;
    private final Event acceptEvent;
    private final Event retryTimer;
    private final AcceptedSocket accepted = new AcceptedSocket();
    private AcceptCallback callback;
    private ListenerErrorCallback errorCallback;
    private boolean enabled;
    private boolean paused;
    private boolean freed;
    private long retryDelayMs = RETRY_DELAY_DEFAULT_MS;
    private Object attachment;

    private ConnListener(final EventBase base, final ListenSocket socket, final int flags, final AcceptCallback cb)
    {
        this.base = base;
        this.socket = socket;
        this.flags = flags;
        this.callback = cb;
        try
        {
            this.acceptEvent = null != socket.channel() ?
                base.newEvent(socket.channel(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> acceptReady()) :
                base.newEvent(socket.fd(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> acceptReady());
            this.retryTimer = base.newTimer(false, (e, fd, what) -> retry());
            if (0 == (flags & ListenerFlags.DISABLED))
            {
                enable();
            }
        }
        catch (final RuntimeException ex)
        {
            letGoOfSocket();
            throw ex;
        }
    }

    /**
     * The logger of accept errors, made ready when the first listener is made rather than at the first
     * report: a report comes when the process may be out of fds (EMFILE), and a logger that initialises
     * then cannot open what it needs (java.util.logging's default formatter reads the time-zone data
     * file). So the logger's level is read now, which sets up its backend, and the default time zone's
     * rules are loaded.
     */
    private static System.Logger readyLogger()
    {
        final System.Logger logger = System.getLogger(LOGGER_NAME);
        if (logger.isLoggable(System.Logger.Level.WARNING))
        {
            ZoneId.systemDefault().getRules();
        }
        return logger;
    }

    /**
     * Refuses, before any socket is made, a base that is freed or (for an enabled listener) a thread
     * that may not use it now.
     */
    private static void checkBase(final EventBase base, final int flags)
    {
        if (base.isFreeing())
        {
            throw new IllegalStateException("event base is freed");
        }
        if (0 == (flags & ListenerFlags.DISABLED))
        {
            base.checkThread();
        }
    }

    /**
     * Creates a socket, binds and listens (libevent {@code evconnlistener_new_bind}).
     *
     * @param base     the loop
     * @param address  where to listen (port 0 picks one; see {@link #localAddress()})
     * @param flags    {@link ListenerFlags}
     * @param backlog  listen backlog; negative means 128
     * @param callback receives connections, or null to close them
     * @return the listener, or null if backlog is 0 (as libevent)
     * @throws UncheckedIOException if the socket cannot be created, bound or listened on
     */
    public static ConnListener bind(final EventBase base, final InetSocketAddress address, final int flags,
        final int backlog, final AcceptCallback callback)
    {
        Objects.requireNonNull(address, "address");
        if (0 == backlog)
        {
            return null;
        }
        checkBase(base, flags);
        int f = 0;
        if (0 != (flags & ListenerFlags.REUSEABLE))
        {
            f |= TransportFactory.LISTEN_REUSEADDR;
        }
        if (0 != (flags & ListenerFlags.REUSEABLE_PORT))
        {
            f |= TransportFactory.LISTEN_REUSEPORT;
        }
        if (0 != (flags & ListenerFlags.BIND_IPV6ONLY))
        {
            f |= TransportFactory.LISTEN_IPV6ONLY;
        }
        final ListenSocket s = base.transports().listen(address, f, backlog > 0 ? backlog : 128);
        return new ConnListener(base, s, flags | ListenerFlags.CLOSE_ON_FREE, callback);
    }

    /**
     * Listens on a bound ServerSocketChannel (any backend).
     *
     * @param base     the loop
     * @param channel  bound and listening
     * @param flags    {@link ListenerFlags}
     * @param callback receives connections
     * @return the listener
     */
    public static ConnListener wrap(final EventBase base, final ServerSocketChannel channel, final int flags,
        final AcceptCallback callback)
    {
        checkBase(base, flags);
        return new ConnListener(base, base.transports().listener(channel), flags, callback);
    }

    /**
     * Listens on a raw fd (epoll backend; libevent {@code evconnlistener_new}).
     *
     * @param base     the loop
     * @param fd       a bound socket
     * @param flags    {@link ListenerFlags}
     * @param backlog  above 0: listen(backlog); below 0: listen(128); 0: already listening
     * @param callback receives connections
     * @return the listener
     */
    public static ConnListener wrap(final EventBase base, final int fd, final int flags, final int backlog,
        final AcceptCallback callback)
    {
        checkBase(base, flags);
        return new ConnListener(base, base.transports().listener(fd, backlog), flags, callback);
    }

    /**
     * @return the loop
     */
    public EventBase base()
    {
        return base;
    }

    /**
     * @return what {@link #setAttachment(Object)} set, or null
     */
    public Object attachment()
    {
        return attachment;
    }

    /**
     * Keeps whatever the callbacks need with the listener, so they need not capture it.
     *
     * @param attachment anything, or null
     */
    public void setAttachment(final Object attachment)
    {
        this.attachment = attachment;
    }

    /**
     * @return the listening fd, or -1 once freed with {@link ListenerFlags#CLOSE_ON_FREE}
     */
    public int fd()
    {
        return socket.fd();
    }

    /**
     * @return the bound address (with the port the kernel picked); any thread
     * @throws IllegalStateException after {@link #free()}
     */
    public InetSocketAddress localAddress()
    {
        if (freed)
        {
            throw new IllegalStateException("listener used after free");
        }
        return socket.localAddress();
    }

    /**
     * Starts watching for connections.
     *
     * @return 0, or -1 if the backend refused
     */
    public int enable()
    {
        checkLive();
        enabled = true;
        return paused ? 0 : acceptEvent.add();
    }

    /**
     * Stops watching; pending connections wait in the kernel.
     *
     * @return 0
     */
    public int disable()
    {
        checkLive();
        enabled = false;
        return acceptEvent.del();
    }

    /**
     * @return true if enabled
     */
    public boolean isEnabled()
    {
        return enabled;
    }

    /**
     * @param callback the new accept callback, or null to close incoming connections
     */
    public void setCallback(final AcceptCallback callback)
    {
        checkLive();
        this.callback = callback;
    }

    /**
     * @param errorCallback receives accept errors; null logs them (see {@link #LOGGER_NAME})
     */
    public void setErrorCallback(final ListenerErrorCallback errorCallback)
    {
        checkLive();
        this.errorCallback = errorCallback;
    }

    /**
     * Frees the listener (libevent {@code evconnlistener_free}): callbacks cleared, event removed, the
     * socket closed with {@link ListenerFlags#CLOSE_ON_FREE}. Safe inside the accept callback.
     */
    public void free()
    {
        if (freed)
        {
            return;
        }
        if (!base.isFreed())
        {
            base.checkThread();
        }
        freed = true;
        callback = null;
        errorCallback = null;
        acceptEvent.free();
        retryTimer.free();
        letGoOfSocket();
    }

    /**
     * Closes the socket with {@link ListenerFlags#CLOSE_ON_FREE}, else releases what wraps it and
     * leaves the fd to its owner.
     */
    private void letGoOfSocket()
    {
        if (0 != (flags & ListenerFlags.CLOSE_ON_FREE))
        {
            socket.close();
        }
        else
        {
            socket.release();
        }
    }

    private void acceptReady()
    {
        final boolean nonBlocking = 0 == (flags & ListenerFlags.LEAVE_SOCKETS_BLOCKING);
        for (int i = 0; i < ACCEPTS_PER_WAKEUP_DEFAULT && enabled && !freed && !paused; i++)
        {
            final int r = socket.accept(accepted, nonBlocking);
            if (0 == r)
            {
                retryDelayMs = RETRY_DELAY_DEFAULT_MS;
                return;
            }
            if (r < 0)
            {
                acceptFailed(socket.lastError());
                return;
            }
            final AcceptCallback cb = callback;
            if (null == cb)
            {
                socket.reject(accepted);
            }
            else
            {
                cb.onAccept(this, accepted);
            }
        }
    }

    private void acceptFailed(final int err)
    {
        if (Errno.EAGAIN == err || Errno.EINTR == err || Errno.ECONNABORTED == err)
        {
            return;
        }
        final boolean outOfResources =
            Errno.EMFILE == err || Errno.ENFILE == err || Errno.ENOBUFS == err || Errno.ENOMEM == err;
        final long pauseMs = outOfResources ? retryDelayMs : 0;
        if (outOfResources)
        {
            paused = true;
            acceptEvent.del();
            retryDelayMs = Math.min(RETRY_DELAY_MAX_MS, retryDelayMs * 2);
        }
        final ListenerErrorCallback ecb = errorCallback;
        if (null != ecb)
        {
            ecb.onError(this, err);
        }
        else
        {
            LOGGER.log(System.Logger.Level.WARNING, "jevent listener on fd " + socket.fd() + ": accept failed: " +
                Errno.name(err) + (outOfResources ? ", pausing " + pauseMs + " ms" : ""));
        }
        if (outOfResources && !freed)
        {
            retryTimer.add(pauseMs, TimeUnit.MILLISECONDS);
        }
    }

    private void retry()
    {
        paused = false;
        if (enabled && !freed)
        {
            acceptEvent.add();
            acceptReady();
        }
    }

    /**
     * @return true while accepting is paused after running out of fds
     */
    public boolean isPaused()
    {
        return paused;
    }

    private void checkLive()
    {
        if (freed)
        {
            throw new IllegalStateException("listener used after free");
        }
        base.checkUsable();
    }
}
