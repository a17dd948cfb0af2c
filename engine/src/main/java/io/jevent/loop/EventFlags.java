package io.jevent.loop;

/**
 * Event kinds and modifiers, with libevent's values ({@code EV_TIMEOUT} … {@code EV_CLOSED}).
 */
public final class EventFlags
{
    /** The event's timeout expired. */
    public static final int TIMEOUT = 0x01;
    /** The fd is readable. */
    public static final int READ = 0x02;
    /** The fd is writable. */
    public static final int WRITE = 0x04;
    /** A signal arrived; the event's fd is the signal number. */
    public static final int SIGNAL = 0x08;
    /** The event stays pending after it runs. */
    public static final int PERSIST = 0x10;
    /** Edge-triggered readiness (epoll backend only). */
    public static final int ET = 0x20;
    /** The peer closed its side (EPOLLRDHUP on epoll; not reported by the nio backend). */
    public static final int CLOSED = 0x80;

    static final int IO_MASK = READ | WRITE | CLOSED;

    private EventFlags()
    {
    }

    /**
     * @param what a combination of flags
     * @return a readable form such as {@code READ|PERSIST}, for messages and logs
     */
    public static String toString(final int what)
    {
        final StringBuilder sb = new StringBuilder();
        append(sb, what, TIMEOUT, "TIMEOUT");
        append(sb, what, READ, "READ");
        append(sb, what, WRITE, "WRITE");
        append(sb, what, SIGNAL, "SIGNAL");
        append(sb, what, PERSIST, "PERSIST");
        append(sb, what, ET, "ET");
        append(sb, what, CLOSED, "CLOSED");
        return sb.length() == 0 ? "0" : sb.toString();
    }

    private static void append(final StringBuilder sb, final int what, final int flag, final String name)
    {
        if (0 != (what & flag))
        {
            if (sb.length() > 0)
            {
                sb.append('|');
            }
            sb.append(name);
        }
    }
}
