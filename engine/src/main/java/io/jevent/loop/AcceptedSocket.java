package io.jevent.loop;

import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;

/**
 * A connection just accepted by a {@link ListenSocket}: a reusable holder, valid only during the
 * accept callback, so accepting allocates nothing on backends with raw fds (the peer address stays
 * in native memory until {@link #remoteAddress()} decodes it).
 */
public final class AcceptedSocket
{
    /**
     * Decodes a kernel-written sockaddr.
     */
    @FunctionalInterface
    public interface SockaddrDecoder
    {
        /**
         * @param address native address of the sockaddr
         * @return the socket address
         */
        InetSocketAddress decode(long address);
    }

    private int fd = -1;
    private SelectableChannel channel;
    private InetSocketAddress peer;
    private long rawPeer;
    private SockaddrDecoder decoder;

    /**
     * @return the accepted socket's fd
     */
    public int fd()
    {
        return fd;
    }

    /**
     * @return the accepted SocketChannel on channel backends (nio), else null
     */
    public SelectableChannel channel()
    {
        return channel;
    }

    /**
     * @return the peer's address; on raw-fd backends decoded on demand (allocates)
     */
    public InetSocketAddress remoteAddress()
    {
        if (null == peer && 0 != rawPeer && null != decoder)
        {
            peer = decoder.decode(rawPeer);
        }
        return peer;
    }

    /**
     * Filled by a channel backend.
     *
     * @param fd      fd number
     * @param channel the accepted channel
     * @param peer    its remote address
     */
    public void set(final int fd, final SelectableChannel channel, final InetSocketAddress peer)
    {
        this.fd = fd;
        this.channel = channel;
        this.peer = peer;
        this.rawPeer = 0;
    }

    /**
     * Called by a raw-fd listening socket before it frees the native memory {@code sockaddr}: if this
     * holder still points there, the peer address is decoded now (allocates) and the pointer dropped,
     * so {@link #remoteAddress()} stays right after the listener is freed inside its accept callback.
     *
     * @param sockaddr the native memory about to be freed
     */
    public void detach(final long sockaddr)
    {
        if (0 != rawPeer && rawPeer == sockaddr)
        {
            remoteAddress();
            rawPeer = 0;
        }
    }

    /**
     * Filled by a raw-fd backend.
     *
     * @param fd       fd number
     * @param sockaddr native address of the peer sockaddr (valid until the next accept)
     * @param decoder  how to decode it
     */
    public void setRaw(final int fd, final long sockaddr, final SockaddrDecoder decoder)
    {
        this.fd = fd;
        this.channel = null;
        this.peer = null;
        this.rawPeer = sockaddr;
        this.decoder = decoder;
    }
}
