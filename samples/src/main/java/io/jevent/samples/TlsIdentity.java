package io.jevent.samples;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server identity of the echo sample's {@code --tls}: the certificate chain and private key of PEM files
 * ({@code --cert}, {@code --key}; the key in PKCS#8, {@code BEGIN PRIVATE KEY}, RSA or EC), or a self-signed
 * certificate for localhost made at startup by the JDK's keytool.
 */
final class TlsIdentity
{
    private static final char[] PASSWORD = "jevent-echo".toCharArray();
    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private TlsIdentity()
    {
    }

    /**
     * @param certFile PEM certificate chain, or "" for a self-signed certificate
     * @param keyFile  PEM PKCS#8 private key, or "" with no certificate file
     * @return a server context with that identity
     * @throws IllegalArgumentException if the files cannot be read or do not hold what they should
     */
    static SSLContext serverContext(final String certFile, final String keyFile)
    {
        try
        {
            final KeyStore ks = certFile.isEmpty() ? selfSigned() : fromPem(Path.of(certFile), Path.of(keyFile));
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }
        catch (final IOException | GeneralSecurityException e)
        {
            throw new IllegalArgumentException("TLS identity: " + e.getMessage(), e);
        }
    }

    private static KeyStore fromPem(final Path certFile, final Path keyFile)
        throws IOException, GeneralSecurityException
    {
        final List<Certificate> chain = new ArrayList<>();
        final CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (final byte[] der : blocks(certFile, "CERTIFICATE"))
        {
            chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        if (chain.isEmpty())
        {
            throw new IOException(certFile + " holds no CERTIFICATE block");
        }
        final List<byte[]> keys = blocks(keyFile, "PRIVATE KEY");
        if (keys.isEmpty())
        {
            throw new IOException(keyFile + " holds no PKCS#8 PRIVATE KEY block (convert one with"
                + " openssl pkcs8 -topk8 -nocrypt)");
        }
        final PrivateKey key = privateKey(keys.get(0));
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, PASSWORD, chain.toArray(new Certificate[0]));
        return ks;
    }

    private static PrivateKey privateKey(final byte[] pkcs8) throws GeneralSecurityException
    {
        GeneralSecurityException first = null;
        for (final String algorithm : new String[] {"RSA", "EC", "Ed25519"})
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            }
            catch (final GeneralSecurityException e)
            {
                first = null == first ? e : first;
            }
        }
        throw first;
    }

    private static List<byte[]> blocks(final Path file, final String type) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final List<byte[]> out = new ArrayList<>();
        final Matcher m = PEM.matcher(text);
        while (m.find())
        {
            if (type.equals(m.group(1)))
            {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    private static KeyStore selfSigned() throws IOException, GeneralSecurityException
    {
        final Path dir = Files.createTempDirectory("jevent-echo-tls");
        final Path store = dir.resolve("self-signed.p12");
        try
        {
            final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            final Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=localhost", "-ext",
                "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true)
                .start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || 0 != p.exitValue())
            {
                throw new IOException("keytool failed: " + out);
            }
            final KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store))
            {
                ks.load(in, PASSWORD);
            }
            return ks;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a certificate", e);
        }
        finally
        {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }
}
