package io.jevent.listener;

/**
 * Flags of a {@link ConnListener}, with libevent's values ({@code LEV_OPT_*}).
 */
public final class ListenerFlags
{
    /** Leave accepted sockets blocking. */
    public static final int LEAVE_SOCKETS_BLOCKING = 0x01;
    /** Close the listening socket when the listener is freed. */
    public static final int CLOSE_ON_FREE = 0x02;
    /** Accepted sockets are close-on-exec (jevent always does this). */
    public static final int CLOSE_ON_EXEC = 0x04;
    /** SO_REUSEADDR. */
    public static final int REUSEABLE = 0x08;
    /** Start disabled. */
    public static final int DISABLED = 0x20;
    /** SO_REUSEPORT: several loops can each own a listener on the same port. */
    public static final int REUSEABLE_PORT = 0x80;
    /** IPV6_V6ONLY. */
    public static final int BIND_IPV6ONLY = 0x100;

    private ListenerFlags()
    {
    }
}
