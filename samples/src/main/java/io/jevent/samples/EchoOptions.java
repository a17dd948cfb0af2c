package io.jevent.samples;

/**
 * The echo server's options, each a named command-line option with its default here and nowhere
 * else.
 * <ul>
 *   <li>{@code --backend epoll|nio|busy-spin|epoll-busy-spin|nio-busy-spin} (default: the best
 *       available backend, blocking)</li>
 *   <li>{@code --host H} (default {@value #HOST_DEFAULT}), {@code --port P} (default 0: any free port)</li>
 *   <li>{@code --loops N} (default {@value #LOOPS_DEFAULT}): the loops that serve connections. Without
 *       {@code --acceptor} each has its own listener on the port (SO_REUSEPORT, the kernel spreads
 *       connections); with {@code --acceptor} they are the workers of one acceptor loop.</li>
 *   <li>{@code --acceptor}: one more loop accepts every connection and hands each to a worker loop,
 *       round-robin</li>
 *   <li>{@code --high-watermark BYTES} (default {@value #HIGH_WATERMARK_DEFAULT}): a connection stops
 *       reading once this much echo waits unsent</li>
 *   <li>{@code --low-watermark BYTES} (default: half the high watermark): it reads again once the
 *       unsent echo has fallen to this</li>
 *   <li>{@code --idle-timeout MS} (default 0: none): close a connection that neither reads nor gets
 *       its echo out for this long</li>
 *   <li>{@code --backlog N} (default {@value #BACKLOG_DEFAULT}): the listen backlog</li>
 *   <li>{@code --send-buffer BYTES} (default 0: the kernel's autotuned size, up to tcp_wmem's 4 MiB):
 *       SO_SNDBUF of each connection, which bounds the kernel memory of a peer that never reads</li>
 *   <li>{@code --tls}: TLS on every connection (the JDK's SSLEngine), with a self-signed certificate for
 *       localhost made at startup, or {@code --cert FILE --key FILE}: a PEM certificate chain and a PEM
 *       PKCS#8 private key ({@code openssl s_client -connect 127.0.0.1:P} talks to it)</li>
 * </ul>
 *
 * @param backend       the backend name as given ("" for the best available)
 * @param host          address to listen on
 * @param port          port, 0 for any
 * @param loops         serving loops (workers in acceptor mode)
 * @param acceptor      true for one acceptor loop handing connections to the workers
 * @param highWatermark unsent echo bytes at which a connection stops reading
 * @param lowWatermark  unsent echo bytes at which it reads again
 * @param idleTimeoutMs idle timeout in milliseconds, 0 for none
 * @param backlog       listen backlog
 * @param sendBuffer    SO_SNDBUF of each connection, 0 for the kernel's default
 * @param tls           true for TLS on every connection
 * @param certFile      PEM certificate chain for TLS, "" for a self-signed certificate
 * @param keyFile       PEM PKCS#8 private key for TLS, "" with no certificate file
 */
public record EchoOptions(String backend, String host, int port, int loops, boolean acceptor, long highWatermark,
    long lowWatermark, long idleTimeoutMs, int backlog, int sendBuffer, boolean tls, String certFile,
    String keyFile)
{
    /** Default {@code --host}. */
    public static final String HOST_DEFAULT = "127.0.0.1";
    /** Default {@code --loops}. */
    public static final int LOOPS_DEFAULT = 1;
    /** Default {@code --high-watermark}: 256 KiB. */
    public static final long HIGH_WATERMARK_DEFAULT = 256 * 1024;
    /** Default {@code --backlog}. */
    public static final int BACKLOG_DEFAULT = 1024;

    /**
     * Checks the values.
     *
     * @param backend       see the record
     * @param host          see the record
     * @param port          see the record
     * @param loops         see the record
     * @param acceptor      see the record
     * @param highWatermark see the record
     * @param lowWatermark  see the record
     * @param idleTimeoutMs see the record
     * @param backlog       see the record
     * @param sendBuffer    see the record
     * @param tls           see the record
     * @param certFile      see the record
     * @param keyFile       see the record
     */
    public EchoOptions
    {
        if (certFile.isEmpty() != keyFile.isEmpty() || (!certFile.isEmpty() && !tls))
        {
            throw new IllegalArgumentException("--cert and --key go together, with --tls");
        }
        if (loops < 1 || highWatermark < 1 || lowWatermark < 0 || lowWatermark >= highWatermark || idleTimeoutMs < 0 ||
            backlog < 1 || port < 0 || port > 65535 || sendBuffer < 0)
        {
            throw new IllegalArgumentException("bad echo options: loops " + loops + ", watermarks " + lowWatermark +
                "/" + highWatermark + ", idle timeout " + idleTimeoutMs + ", backlog " + backlog + ", port " + port +
                ", send buffer " + sendBuffer);
        }
    }

    /**
     * @param args options as listed in the class comment
     * @return the options, defaults for those not given
     * @throws IllegalArgumentException on an unknown option or a bad value
     */
    public static EchoOptions parse(final String... args)
    {
        String backend = "";
        String host = HOST_DEFAULT;
        int port = 0;
        int loops = LOOPS_DEFAULT;
        boolean acceptor = false;
        long high = HIGH_WATERMARK_DEFAULT;
        long low = -1;
        long idle = 0;
        int backlog = BACKLOG_DEFAULT;
        int sendBuffer = 0;
        boolean tls = false;
        String cert = "";
        String key = "";
        for (int i = 0; i < args.length; i++)
        {
            final String name = args[i];
            if ("--acceptor".equals(name))
            {
                acceptor = true;
                continue;
            }
            if ("--tls".equals(name))
            {
                tls = true;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            final String value = args[++i];
            switch (name)
            {
                case "--backend" -> backend = value;
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--loops" -> loops = Integer.parseInt(value);
                case "--high-watermark" -> high = Long.parseLong(value);
                case "--low-watermark" -> low = Long.parseLong(value);
                case "--idle-timeout" -> idle = Long.parseLong(value);
                case "--backlog" -> backlog = Integer.parseInt(value);
                case "--send-buffer" -> sendBuffer = Integer.parseInt(value);
                case "--cert" -> cert = value;
                case "--key" -> key = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new EchoOptions(backend, host, port, loops, acceptor, high, low < 0 ? high / 2 : low, idle, backlog,
            sendBuffer, tls, cert, key);
    }

    /**
     * @return true for a busy-spinning backend ({@code busy-spin} or {@code *-busy-spin})
     */
    public boolean busySpin()
    {
        return backend.endsWith("busy-spin");
    }

    /**
     * @return the I/O method for {@code EventBaseConfig.backend}: "" (best available), epoll or nio
     */
    public String method()
    {
        return "busy-spin".equals(backend) ? "" : backend.replace("-busy-spin", "");
    }
}
