package io.jevent.bufferevent;

import io.jevent.loop.EventFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.jevent.bufferevent.BufferEventFixture.bytes;
import static io.jevent.bufferevent.BufferEventFixture.patternByte;
import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Behavioural suite of {@link TlsBufferEvent} over loopback TCP, against itself and against programs no one here
 * wrote: {@code openssl s_server} and {@code openssl s_client} (Debian's openssl), TLS 1.2 and 1.3, every byte
 * verified; with a certificate made at test time by keytool ({@link TestCertificates}); and the ways it must
 * fail: an untrusted certificate, a name the certificate does not carry, garbage instead of a handshake, a peer
 * that never answers, a truncated stream.
 */
public abstract class TlsSuite extends LoopbackSuite
{
    private static final int R = EventFlags.READ;
    private static final int W = EventFlags.WRITE;

    private static SSLEngine serverEngine(final String protocol)
    {
        final SSLEngine e = TestCertificates.get().server().createSSLEngine();
        e.setUseClientMode(false);
        e.setEnabledProtocols(new String[] {protocol});
        final SSLParameters p = e.getSSLParameters();
        p.setApplicationProtocols(new String[] {"jevent/1", "http/1.1"});
        e.setSSLParameters(p);
        return e;
    }

    private static SSLEngine clientEngine(final SSLContext ctx, final String host, final String protocol)
    {
        final SSLEngine e = ctx.createSSLEngine(host, 443);
        e.setUseClientMode(true);
        e.setEnabledProtocols(new String[] {protocol});
        final SSLParameters p = e.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setApplicationProtocols(new String[] {"jevent/1"});
        e.setSSLParameters(p);
        return e;
    }

    /** A TLS client and server over one loopback connection, both on the test's loop. */
    private TlsBufferEvent[] pair(final SSLEngine client, final SSLEngine server) throws IOException
    {
        final Conn c = connect();
        final TlsBufferEvent s = track(BufferEvent.tls(bev(c, 0), server, 0));
        final TlsBufferEvent k = track(BufferEvent.tls(track(SocketBufferEvent.create(base(), c.peer(),
            BevOptions.CLOSE_ON_FREE)), client, 0));
        return new TlsBufferEvent[] {k, s};
    }

    private static List<Integer> events(final BufferEvent bev)
    {
        final List<Integer> seen = new ArrayList<>();
        bev.setCallbacks(bev.readCallback(), bev.writeCallback(), (b, what) -> seen.add(what));
        return seen;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void shouldHandshakeThenEchoAStreamWithEveryByteIntact(final String protocol) throws IOException
    {
        final TlsBufferEvent[] p = pair(clientEngine(TestCertificates.get().client(), "localhost", protocol),
            serverEngine(protocol));
        final TlsBufferEvent client = p[0];
        final TlsBufferEvent server = p[1];
        final List<Integer> clientEvents = new ArrayList<>();
        final List<Integer> serverEvents = new ArrayList<>();
        server.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) -> serverEvents.add(what));
        server.enable(R);
        final long total = 2L << 20;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicReference<String> bad = new AtomicReference<>();
        final byte[] chunk = new byte[10_000];
        final byte[] sink = new byte[7000];
        final DataCallback writer = b ->
        {
            while (sent.get() < total && b.output().length() < 100_000)
            {
                final int n = (int)Math.min(chunk.length, total - sent.get());
                for (int i = 0; i < n; i++)
                {
                    chunk[i] = patternByte(9, sent.get() + i);
                }
                b.write(chunk, 0, n);
                sent.addAndGet(n);
            }
        };
        client.setCallbacks(b ->
        {
            int n;
            while ((n = b.read(sink, 0, sink.length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    if (sink[i] != patternByte(9, received.get() + i) && null == bad.get())
                    {
                        bad.set("byte " + (received.get() + i));
                    }
                }
                received.addAndGet(n);
            }
        }, writer, (b, what) -> clientEvents.add(what));
        client.enable(R);
        client.setWatermark(W, 50_000, 0);
        assertFalse(client.isHandshaken());
        writer.onData(client);
        awaitLoop(() -> received.get() == total, 30_000, "the echo of every byte");
        assertNull(bad.get(), "every byte in order");
        assertEquals(List.of(BevFlags.CONNECTED), clientEvents, "CONNECTED once, after the handshake");
        assertEquals(List.of(BevFlags.CONNECTED), serverEvents);
        assertEquals(protocol, client.engine().getSession().getProtocol());
        assertEquals("jevent/1", client.engine().getApplicationProtocol(), "ALPN");
        client.flush(W, BufferEvent.FLUSH_FINISHED);
        awaitLoop(() -> serverEvents.size() == 2, 5000, "close_notify at the server");
        assertEquals(BevFlags.READING | BevFlags.EOF, serverEvents.get(1), "a clean EOF");
        assertNull(server.sslError());
    }

    @Test
    void shouldReportATruncatedStreamUnlessDirtyShutdownIsAllowed() throws IOException
    {
        for (final boolean allow : new boolean[] {false, true})
        {
            final TlsBufferEvent[] p = pair(clientEngine(TestCertificates.get().client(), "localhost", "TLSv1.3"),
                serverEngine("TLSv1.3"));
            final List<Integer> serverEvents = new ArrayList<>();
            p[1].setCallbacks(null, null, (b, what) -> serverEvents.add(what));
            p[1].setAllowDirtyShutdown(allow);
            p[1].enable(R);
            p[0].enable(R);
            awaitLoop(() -> !serverEvents.isEmpty() && p[0].isHandshaken(), 5000, "handshake");
            runFor(50);
            p[0].underlying().free();
            awaitLoop(() -> serverEvents.size() == 2, 5000, "the end of the stream");
            assertEquals(allow ? BevFlags.READING | BevFlags.EOF : BevFlags.READING | BevFlags.ERROR,
                serverEvents.get(1), "allowDirtyShutdown " + allow + " (the client read everything before its TCP"
                + " close, so a FIN, not a reset): " + p[1].sslError());
        }
    }

    @Test
    void shouldFailOnAnUntrustedCertificate() throws Exception
    {
        final SSLContext trustsNothingHere = SSLContext.getInstance("TLS");
        trustsNothingHere.init(null, null, null);
        final TlsBufferEvent[] p = pair(clientEngine(trustsNothingHere, "localhost", "TLSv1.3"),
            serverEngine("TLSv1.3"));
        final List<Integer> seen = events(p[0]);
        p[1].enable(R);
        awaitLoop(() -> !seen.isEmpty(), 5000, "the client's refusal");
        assertEquals(BevFlags.ERROR, seen.get(0) & BevFlags.ERROR, "an error, not CONNECTED: " + seen);
        assertNotNull(p[0].sslError());
        assertFalse(p[0].isHandshaken());
    }

    @Test
    void shouldFailOnANameTheCertificateDoesNotCarry()
    {
        final TlsBufferEvent[] p;
        try
        {
            p = pair(clientEngine(TestCertificates.get().client(), "wrong.example", "TLSv1.3"),
                serverEngine("TLSv1.3"));
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        final List<Integer> seen = events(p[0]);
        p[1].enable(R);
        awaitLoop(() -> !seen.isEmpty(), 5000, "hostname verification");
        assertEquals(BevFlags.ERROR, seen.get(0) & BevFlags.ERROR, "got " + seen);
        assertTrue(p[0].sslError().toLowerCase().contains("wrong.example") ||
            p[0].sslError().toLowerCase().contains("name"), p[0].sslError());
    }

    @Test
    void shouldFailOnGarbageInsteadOfAHandshake() throws IOException
    {
        final Conn c = connect();
        final TlsBufferEvent server = track(BufferEvent.tls(bev(c, 0), serverEngine("TLSv1.3"), 0));
        final List<Integer> seen = events(server);
        server.enable(R);
        peerSend(c, bytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        awaitLoop(() -> !seen.isEmpty(), 5000, "garbage refused");
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR), seen);
        assertNotNull(server.sslError());
    }

    @Test
    void shouldTimeOutAHandshakeThePeerNeverAnswers() throws IOException
    {
        final Conn c = connect();
        final TlsBufferEvent server = track(BufferEvent.tls(bev(c, 0), serverEngine("TLSv1.3"), 0));
        server.setHandshakeTimeout(150, TimeUnit.MILLISECONDS);
        final List<Integer> seen = events(server);
        server.enable(R);
        awaitLoop(() -> !seen.isEmpty(), 5000, "the handshake timeout");
        assertEquals(List.of(BevFlags.READING | BevFlags.ERROR | BevFlags.TIMEOUT), seen);
        assertEquals("handshake timed out", server.sslError());
    }

    // ------------------------------------------------------------------ openssl

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void shouldTalkToOpensslSServer(final String protocol) throws Exception
    {
        assumeTrue(TestCertificates.opensslAvailable(), "openssl is not installed (Debian package openssl)");
        final int port = freePort();
        final Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-naccept",
            "1", "-cert", TestCertificates.get().pem().toString(), "-key", TestCertificates.get().pem().toString(),
            "1.3".equals(protocol.substring(4)) ? "-tls1_3" : "-tls1_2", "-rev").redirectErrorStream(true).start();
        try
        {
            final java.nio.channels.SocketChannel ch = connectWithRetry(port);
            final TlsBufferEvent client = track(BufferEvent.tls(track(SocketBufferEvent.create(base(), ch,
                BevOptions.CLOSE_ON_FREE)), clientEngine(TestCertificates.get().client(), "localhost", protocol), 0));
            final StringBuilder got = new StringBuilder();
            final List<Integer> seen = new ArrayList<>();
            client.setCallbacks(b ->
            {
                final byte[] buf = new byte[(int)b.input().length()];
                b.read(buf, 0, buf.length);
                got.append(new String(buf, StandardCharsets.US_ASCII));
            }, null, (b, what) -> seen.add(what));
            client.enable(R);
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < 2000; i++)
            {
                line.append((char)('a' + i % 26));
            }
            client.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            final String expected = line.reverse().toString();
            awaitLoop(() -> got.toString().contains(expected), 10_000, "openssl's reversed line");
            assertEquals(List.of(BevFlags.CONNECTED), seen);
            assertEquals(protocol, client.engine().getSession().getProtocol());
        }
        finally
        {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static java.nio.channels.SocketChannel connectWithRetry(final int port) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            try
            {
                return java.nio.channels.SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            }
            catch (final IOException e)
            {
                if (System.nanoTime() > deadline)
                {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void shouldServeOpensslSClient(final String protocol) throws Exception
    {
        assumeTrue(TestCertificates.opensslAvailable(), "openssl is not installed (Debian package openssl)");
        final int port = serverAddress().getPort();
        final Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
            "-servername", "localhost", "-CAfile", TestCertificates.get().pem().toString(), "-verify_return_error",
            "1.3".equals(protocol.substring(4)) ? "-tls1_3" : "-tls1_2", "-quiet", "-no_ign_eof", "-nocommands")
            .start();
        try
        {
            final Conn c = acceptPending();
            final TlsBufferEvent server = track(BufferEvent.tls(track(SocketBufferEvent.create(base(), c.peer(),
                0)), serverEngine(protocol), 0));
            final List<Integer> seen = new ArrayList<>();
            server.setCallbacks(b -> b.writeBuffer(b.input()), null, (b, what) -> seen.add(what));
            server.enable(R);
            final byte[] message = new byte[100_000];
            for (int i = 0; i < message.length; i++)
            {
                message[i] = (byte)(0 == (i + 1) % 80 ? '\n' : 'A' + i % 26);
            }
            final ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            final Thread reader = background("s_client-reader", () ->
            {
                final InputStream in = client.getInputStream();
                final byte[] b = new byte[8192];
                int n;
                while (echoed.size() < message.length && (n = in.read(b)) > 0)
                {
                    synchronized (echoed)
                    {
                        echoed.write(b, 0, n);
                    }
                }
            });
            background("s_client-writer", () ->
            {
                final OutputStream out = client.getOutputStream();
                out.write(message);
                out.flush();
            });
            awaitLoop(() -> !reader.isAlive(), 20_000, "the echo through openssl s_client");
            synchronized (echoed)
            {
                assertEquals(new String(message, StandardCharsets.US_ASCII),
                    echoed.toString(StandardCharsets.US_ASCII));
            }
            assertEquals(List.of(BevFlags.CONNECTED), seen);
            assertEquals(protocol, server.engine().getSession().getProtocol());
            client.getOutputStream().close();
            awaitLoop(() -> seen.size() > 1, 10_000, "s_client's close");
            assertEquals(BevFlags.READING | BevFlags.EOF, seen.get(1), "s_client's close_notify, a clean EOF: " +
                seen + " " + server.sslError());
        }
        finally
        {
            client.destroy();
            client.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseRenegotiationByOpensslSClient() throws Exception
    {
        assumeTrue(TestCertificates.opensslAvailable(), "openssl is not installed (Debian package openssl)");
        final int port = serverAddress().getPort();
        final Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
            "-servername", "localhost", "-CAfile", TestCertificates.get().pem().toString(), "-tls1_2", "-quiet",
            "-no_ign_eof").redirectErrorStream(true).start();
        try
        {
            final Conn c = acceptPending();
            final TlsBufferEvent server = track(BufferEvent.tls(track(SocketBufferEvent.create(base(), c.peer(),
                0)), serverEngine("TLSv1.2"), 0));
            final List<Integer> seen = new ArrayList<>();
            final StringBuilder got = new StringBuilder();
            server.setCallbacks(b ->
            {
                final byte[] buf = new byte[(int)b.input().length()];
                b.read(buf, 0, buf.length);
                got.append(new String(buf, StandardCharsets.US_ASCII));
            }, null, (b, what) -> seen.add(what));
            server.enable(R);
            final OutputStream out = client.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitLoop(() -> got.toString().equals("hello\n"), 10_000, "data before the renegotiation");
            out.write("R\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitLoop(() -> seen.size() > 1, 10_000, "the renegotiation refused");
            assertEquals(BevFlags.CONNECTED, seen.get(0));
            assertEquals(BevFlags.ERROR, seen.get(1) & BevFlags.ERROR, "an error: " + seen);
            assertEquals("renegotiation refused", server.sslError());
            assertTrue(server.isHandshaken());
        }
        finally
        {
            client.destroy();
            client.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
