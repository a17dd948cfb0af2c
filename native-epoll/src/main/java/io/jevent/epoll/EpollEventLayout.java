package io.jevent.epoll;

/**
 * The layout of {@code struct epoll_event {uint32_t events; epoll_data_t data;}} on this machine.
 * glibc packs it on x86_64 ({@code __EPOLL_PACKED}): 12 bytes with data at offset 4; aarch64 keeps
 * natural alignment: 16 bytes with data at offset 8. A test compiles a C probe with gcc to check.
 */
public final class EpollEventLayout
{
    /** Size of one struct epoll_event in bytes. */
    public static final int SIZE;
    /** Offset of the {@code events} mask. */
    public static final int EVENTS_OFFSET = 0;
    /** Offset of the 64-bit {@code data} union. */
    public static final int DATA_OFFSET;

    static
    {
        final String arch = System.getProperty("os.arch", "");
        final boolean packed = "amd64".equals(arch) || "x86_64".equals(arch);
        SIZE = packed ? 12 : 16;
        DATA_OFFSET = packed ? 4 : 8;
    }

    private EpollEventLayout()
    {
    }
}
