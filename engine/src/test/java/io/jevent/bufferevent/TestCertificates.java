package io.jevent.bufferevent;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost made at test time by the JDK's {@code keytool} (a PKCS#12 keystore),
 * the same key and certificate as PEM by {@code openssl pkcs12} for {@code openssl s_server}, and the SSL
 * contexts that use them. Made once per JVM, in a temporary directory.
 */
public final class TestCertificates
{
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCertificates instance;

    private final Path dir;
    private final Path keystore;
    private final Path pem;

    private TestCertificates(final Path dir) throws IOException, InterruptedException
    {
        this.dir = dir;
        this.keystore = dir.resolve("localhost.p12");
        this.pem = dir.resolve("localhost.pem");
        final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048",
            "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
            "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
            "-keypass", new String(PASSWORD)));
        if (opensslAvailable())
        {
            run(List.of("openssl", "pkcs12", "-in", keystore.toString(), "-passin", "pass:" + new String(PASSWORD),
                "-nodes", "-out", pem.toString()));
        }
    }

    /**
     * @return the certificates, made on first use
     */
    public static synchronized TestCertificates get()
    {
        if (null == instance)
        {
            try
            {
                final Path dir = Files.createTempDirectory("jevent-tls");
                dir.toFile().deleteOnExit();
                instance = new TestCertificates(dir);
            }
            catch (final IOException e)
            {
                throw new java.io.UncheckedIOException(e);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    /**
     * @return true if the {@code openssl} command runs here
     */
    public static boolean opensslAvailable()
    {
        try
        {
            final Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && 0 == p.exitValue();
        }
        catch (final IOException e)
        {
            return false;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || 0 != p.exitValue())
        {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    /**
     * @return the PEM file with the private key and the certificate (for {@code openssl s_server})
     */
    public Path pem()
    {
        return pem;
    }

    /**
     * @return the directory of the files
     */
    public Path dir()
    {
        return dir;
    }

    private KeyStore load() throws Exception
    {
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore))
        {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /**
     * @return a context that serves the certificate
     */
    public SSLContext server()
    {
        try
        {
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(), PASSWORD);
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return a context that trusts the certificate (and nothing else)
     */
    public SSLContext client()
    {
        try
        {
            final TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load());
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }
}
