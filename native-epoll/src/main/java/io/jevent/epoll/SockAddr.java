package io.jevent.epoll;

import org.agrona.UnsafeApi;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Encodes and decodes {@code struct sockaddr_in} / {@code sockaddr_in6} in native memory. The
 * primitive accessors ({@link #family}, {@link #port}, {@link #ipv4}) read a peer address written by
 * accept4 without allocating; {@link #read} builds an {@link InetSocketAddress} for cold paths.
 */
public final class SockAddr
{
    /** Room for any socket address ({@code sizeof(struct sockaddr_storage)}). */
    public static final int STORAGE_SIZE = 128;
    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int IN6_SIZE = 28;

    private SockAddr()
    {
    }

    /**
     * Writes {@code address} as a sockaddr at {@code addr}.
     *
     * @param address an IPv4 or IPv6 socket address, resolved
     * @param addr    native memory of at least {@link #IN6_SIZE} bytes
     * @return the sockaddr's length
     */
    public static int write(final InetSocketAddress address, final long addr)
    {
        final InetAddress ip = address.getAddress();
        if (null == ip)
        {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        final int port = address.getPort();
        UnsafeApi.setMemory(addr, IN6_SIZE, (byte)0);
        final byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address)
        {
            UnsafeApi.putShort(addr, (short)LibC.AF_INET);
            putPort(addr + 2, port);
            for (int i = 0; i < 4; i++)
            {
                UnsafeApi.putByte(addr + 4 + i, raw[i]);
            }
            return IN_SIZE;
        }
        UnsafeApi.putShort(addr, (short)LibC.AF_INET6);
        putPort(addr + 2, port);
        for (int i = 0; i < 16; i++)
        {
            UnsafeApi.putByte(addr + 8 + i, raw[i]);
        }
        UnsafeApi.putInt(addr + 24, ((Inet6Address)ip).getScopeId());
        return IN6_SIZE;
    }

    /**
     * @param addr a sockaddr
     * @return its family ({@link LibC#AF_INET}, {@link LibC#AF_INET6}, …)
     */
    public static int family(final long addr)
    {
        return UnsafeApi.getShort(addr) & 0xFFFF;
    }

    /**
     * @param addr an AF_INET or AF_INET6 sockaddr
     * @return its port in host order
     */
    public static int port(final long addr)
    {
        return ((UnsafeApi.getByte(addr + 2) & 0xFF) << 8) | (UnsafeApi.getByte(addr + 3) & 0xFF);
    }

    /**
     * @param addr an AF_INET sockaddr
     * @return its IPv4 address as an int in network order (127.0.0.1 is 0x7F000001)
     */
    public static int ipv4(final long addr)
    {
        return ((UnsafeApi.getByte(addr + 4) & 0xFF) << 24) | ((UnsafeApi.getByte(addr + 5) & 0xFF) << 16) |
            ((UnsafeApi.getByte(addr + 6) & 0xFF) << 8) | (UnsafeApi.getByte(addr + 7) & 0xFF);
    }

    /**
     * Decodes a sockaddr. Allocates.
     *
     * @param addr a sockaddr written by the kernel
     * @return the address, or null for a family other than IPv4/IPv6
     */
    public static InetSocketAddress read(final long addr)
    {
        final int family = family(addr);
        final byte[] raw;
        if (LibC.AF_INET == family)
        {
            raw = new byte[4];
            for (int i = 0; i < 4; i++)
            {
                raw[i] = UnsafeApi.getByte(addr + 4 + i);
            }
        }
        else if (LibC.AF_INET6 == family)
        {
            raw = new byte[16];
            for (int i = 0; i < 16; i++)
            {
                raw[i] = UnsafeApi.getByte(addr + 8 + i);
            }
        }
        else
        {
            return null;
        }
        try
        {
            final int scope = LibC.AF_INET6 == family ? UnsafeApi.getInt(addr + 24) : 0;
            final InetAddress ip = 0 != scope ?
                Inet6Address.getByAddress(null, raw, scope) : InetAddress.getByAddress(raw);
            return new InetSocketAddress(ip, port(addr));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void putPort(final long at, final int port)
    {
        UnsafeApi.putByte(at, (byte)(port >>> 8));
        UnsafeApi.putByte(at + 1, (byte)port);
    }
}
