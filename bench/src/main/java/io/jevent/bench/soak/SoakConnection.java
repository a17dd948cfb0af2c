package io.jevent.bench.soak;

import io.jevent.samples.StreamPattern;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One soak connection: its {@link SoakRole}'s behaviour as a state machine, driven by its
 * {@link SoakClientThread}. It sends its {@link StreamPattern} stream and checks every byte that comes
 * back at its stream offset; anything wrong throws a {@link SoakFailure}.
 */
final class SoakConnection
{
    static final int CONNECTING = 0;
    static final int ACTIVE = 1;
    /** Half-close: all sent and shutdownOutput done; the rest of the echo and EOF are due. */
    static final int OUTPUT_SHUT = 2;
    /** Reset: all sent; closes with SO_LINGER 0 at the deadline. */
    static final int RESET_PENDING = 3;
    static final int CLOSED = 4;

    private static final int MAX_WINDOW = 16;
    private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    final long id;
    final SoakRole role;
    final int slot;
    final SocketChannel channel;
    final long openedNanos;
    SelectionKey key;
    int state = CONNECTING;
    long sent;
    long received;

    private final SoakClientThread owner;
    private final SoakTally tally;
    private final SplittableRandom random;
    private final int phase;
    private final int r;
    private final long[] ends = new long[MAX_WINDOW];
    private int head;
    private int count;
    private int window;
    private int messagesLeft;
    private long sendLimit;
    private long total;
    private long lastProgressNanos;
    private long deadlineNanos;
    private boolean writeInterest;
    private boolean blockedNoted;

    SoakConnection(final SoakClientThread owner, final long id, final SoakRole role, final int slot,
        final SocketChannel channel, final long now)
    {
        this.owner = owner;
        this.tally = owner.tally;
        this.id = id;
        this.role = role;
        this.r = role.ordinal();
        this.slot = slot;
        this.channel = channel;
        this.openedNanos = now;
        this.lastProgressNanos = now;
        this.random = new SplittableRandom(owner.options.seed() * 0x9E3779B97F4A7C15L + id);
        this.phase = StreamPattern.phase(id);
    }

    /** The connect completed: the role begins. */
    void start(final long now) throws IOException
    {
        state = ACTIVE;
        lastProgressNanos = now;
        tally.started[r]++;
        final SoakOptions o = owner.options;
        switch (role)
        {
            case PING_PONG ->
            {
                messagesLeft = 1 + random.nextInt(100);
                interest();
                nextPingPong(now);
            }
            case STREAMING ->
            {
                window = 2 + random.nextInt(MAX_WINDOW - 1);
                messagesLeft = 10 + random.nextInt(491);
                interest();
                fillWindow(now);
            }
            case HALF_CLOSE -> sendAll(logUniform(o.halfCloseMax()), now);
            case RESET -> sendAll(1 + random.nextLong(o.resetMax()), now);
            case NON_READING ->
            {
                deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2500));
                sendAll(o.nonReaderBytes(), now);
            }
            default -> throw new IllegalStateException(role.toString());
        }
    }

    private void sendAll(final long bytes, final long now) throws IOException
    {
        total = bytes;
        sendLimit = bytes;
        interest();
        pump(now);
    }

    /** Writes what the role allows until the socket takes no more; then reacts to having sent it all. */
    void pump(final long now) throws IOException
    {
        while (sent < sendLimit)
        {
            final int len = (int)Math.min(StreamPattern.MAX_SLICE, sendLimit - sent);
            final int n = channel.write(StreamPattern.slice(owner.view, phase, sent, len));
            if (n > 0)
            {
                sent += n;
                tally.bytesSent[r] += n;
                lastProgressNanos = now;
            }
            if (n < len)
            {
                setWriteInterest(true);
                return;
            }
        }
        setWriteInterest(false);
        if (ACTIVE == state && sent == total && total > 0)
        {
            if (SoakRole.HALF_CLOSE == role)
            {
                channel.shutdownOutput();
                state = OUTPUT_SHUT;
            }
            else if (SoakRole.RESET == role)
            {
                state = RESET_PENDING;
                deadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(random.nextInt(20));
            }
        }
    }

    /** Checks bytes that came back (from buf's position to its limit) and moves the role on. */
    void onData(final ByteBuffer buf, final long now) throws IOException
    {
        final int n = buf.remaining();
        if (received + n > sent)
        {
            throw new SoakFailure(SoakErrorKind.EXTRA, (received + n) + " bytes came back, only " + sent +
                " were sent");
        }
        final int m = StreamPattern.mismatch(buf, owner.view, phase, received);
        if (m >= 0)
        {
            throw new SoakFailure(SoakErrorKind.MISMATCH, String.format(
                "at stream offset %d: expected 0x%02x, got 0x%02x (byte %d of a %d-byte read; %d sent)",
                received + m, StreamPattern.expected(phase, received + m) & 0xff, buf.get(buf.position() + m) & 0xff,
                m, n, sent));
        }
        received += n;
        tally.bytesVerified[r] += n;
        lastProgressNanos = now;
        if (SoakRole.PING_PONG == role && received == sent)
        {
            tally.messages[r]++;
            nextPingPong(now);
        }
        else if (SoakRole.STREAMING == role)
        {
            while (count > 0 && received >= ends[head])
            {
                head = (head + 1) % MAX_WINDOW;
                count--;
                tally.messages[r]++;
            }
            fillWindow(now);
        }
    }

    /** The server closed its side. */
    void onEof()
    {
        if (OUTPUT_SHUT == state && received == total)
        {
            tally.messages[r]++;
            finish();
            return;
        }
        throw new SoakFailure(SoakErrorKind.LOST, "EOF from the server with " + (sent - received) + " of " + sent +
            " bytes sent not echoed" + (SoakRole.HALF_CLOSE == role ? " (half-close of " + total + " bytes)" : ""));
    }

    /** Timed transitions and the stall check; every few milliseconds. */
    void sweep(final long now)
    {
        final long stall = TimeUnit.SECONDS.toNanos(owner.options.stallSec());
        if (CONNECTING == state)
        {
            if (now - openedNanos > stall)
            {
                throw new SoakFailure(SoakErrorKind.CONNECT, "connect not completed in " + owner.options.stallSec() +
                    " s");
            }
        }
        else if (RESET_PENDING == state)
        {
            if (now - deadlineNanos >= 0)
            {
                tally.completed[r]++;
                owner.close(this, true);
            }
        }
        else if (SoakRole.NON_READING == role)
        {
            if (now - deadlineNanos >= 0)
            {
                finish();
            }
            else if (!blockedNoted && sent < total && now - lastProgressNanos > BLOCKED_NANOS)
            {
                blockedNoted = true;
                tally.nonReadersBlocked++;
                tally.nonReaderMinBlockedAt = Math.min(tally.nonReaderMinBlockedAt, sent);
            }
        }
        else if ((sent > received || sent < sendLimit || OUTPUT_SHUT == state) && now - lastProgressNanos > stall)
        {
            throw new SoakFailure(SoakErrorKind.STALL, "no progress for " + owner.options.stallSec() + " s: sent " +
                sent + " of " + sendLimit + ", " + received + " echoed" + (OUTPUT_SHUT == state ? ", EOF due" : ""));
        }
    }

    /** The run's duration is over: stop starting messages; a non-reader closes now. */
    void windDown()
    {
        if (SoakRole.NON_READING == role && CONNECTING != state)
        {
            finish();
        }
    }

    private void nextPingPong(final long now) throws IOException
    {
        if (0 == messagesLeft || owner.windingDown)
        {
            finish();
            return;
        }
        messagesLeft--;
        sendLimit = sent + logUniform(owner.options.messageMax());
        pump(now);
    }

    private void fillWindow(final long now) throws IOException
    {
        while (count < window && messagesLeft > 0 && !owner.windingDown)
        {
            sendLimit += logUniform(owner.options.messageMax());
            ends[(head + count) % MAX_WINDOW] = sendLimit;
            count++;
            messagesLeft--;
        }
        if (0 == count)
        {
            finish();
            return;
        }
        pump(now);
    }

    private void finish()
    {
        if (SoakRole.NON_READING == role)
        {
            tally.nonReaderMaxSent = Math.max(tally.nonReaderMaxSent, sent);
        }
        tally.completed[r]++;
        owner.close(this, false);
    }

    private void interest()
    {
        final int ops = (SoakRole.NON_READING == role ? 0 : SelectionKey.OP_READ) |
            (writeInterest ? SelectionKey.OP_WRITE : 0);
        key.interestOps(ops);
    }

    private void setWriteInterest(final boolean on)
    {
        if (on != writeInterest)
        {
            writeInterest = on;
            interest();
        }
    }

    /** Log-uniform in [1, max]: small sizes are as common as large ones, per doubling. */
    private long logUniform(final long max)
    {
        return Math.max(1, Math.min(max, (long)Math.exp(random.nextDouble() * Math.log(max + 1.0))));
    }
}
