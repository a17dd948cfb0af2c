package io.jevent.bufferevent;

import io.jevent.buffer.SegmentPool;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopFlags;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenarios of {@link AdversarialBufferEventSuite} that may corrupt the native heap, run in a child
 * JVM so that a crash (glibc's abort on a corrupted heap, a SIGSEGV) fails the one test instead of
 * killing the surefire fork. The child prints {@code RESULT ok} or {@code RESULT <what went wrong>}
 * and exits 0; any other exit is a crash, reported with the child's output.
 */
public final class AdversarialChild
{
    private AdversarialChild()
    {
    }

    /**
     * Runs a scenario in a child JVM and returns its verdict: "ok", what went wrong, or the crash.
     *
     * @param backend  "nio" or "epoll"
     * @param scenario a scenario name of {@link #main}
     * @param rounds   how many times to repeat it
     * @return "ok" or a description of the failure
     * @throws Exception if the child cannot be started
     */
    public static String run(final String backend, final String scenario, final int rounds) throws Exception
    {
        final String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java, "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 22)
        {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-Xshare:auto", "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            AdversarialChild.class.getName(), backend, scenario, Integer.toString(rounds)));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final BlockingQueue<String> out = new LinkedBlockingQueue<>();
        final StringBuilder transcript = new StringBuilder();
        final Thread pump = new Thread(() ->
        {
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())))
            {
                String line;
                while (null != (line = r.readLine()))
                {
                    synchronized (transcript)
                    {
                        transcript.append(line).append('\n');
                    }
                    out.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child died
            }
        });
        pump.setDaemon(true);
        pump.start();
        if (!p.waitFor(25, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return "child hung\n" + transcript;
        }
        pump.join(2000);
        final String text;
        synchronized (transcript)
        {
            text = transcript.toString();
        }
        if (0 != p.exitValue())
        {
            return "child JVM died with exit code " + p.exitValue() + (134 == p.exitValue() ? " (SIGABRT)" : "") +
                ":\n" + text;
        }
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("RESULT "))
            {
                return line.substring("RESULT ".length());
            }
        }
        return "no result\n" + text;
    }

    /**
     * @param args backend, scenario, rounds
     * @throws Exception on failure
     */
    public static void main(final String[] args) throws Exception
    {
        final String backend = args[0];
        final String scenario = args[1];
        final int rounds = Integer.parseInt(args[2]);
        String verdict = "ok";
        for (int r = 0; r < rounds && "ok".equals(verdict); r++)
        {
            verdict = switch (scenario)
            {
                case "writes-before-loop" -> writesBeforeLoop(backend);
                case "writes-after-base-free" -> writesAfterBaseFree(backend, false);
                case "writes-racing-free" -> writesAfterBaseFree(backend, true);
                default -> throw new IllegalArgumentException(scenario);
            };
            if (!"ok".equals(verdict))
            {
                verdict = "round " + r + ": " + verdict;
            }
        }
        System.out.println("RESULT " + verdict);
        System.out.flush();
        System.exit(0);
    }

    private static void stopWriters(final Thread[] ws, final BufferEvent bev) throws InterruptedException
    {
        bev.free();
        for (final Thread w : ws)
        {
            w.join(5000);
        }
    }

    private static SocketChannel[] pair() throws IOException
    {
        try (ServerSocketChannel s = ServerSocketChannel.open())
        {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final SocketChannel peer = SocketChannel.open(s.getLocalAddress());
            final SocketChannel local = s.accept();
            peer.configureBlocking(false);
            return new SocketChannel[] {local, peer};
        }
    }

    /**
     * 4 threads write 20,000 16-byte records each to a THREADSAFE bufferevent whose loop has not
     * started; then the loop runs until the peer has everything.
     */
    private static String writesBeforeLoop(final String backend) throws Exception
    {
        final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend).pool(pool));
        final SocketChannel[] pair = pair();
        final BufferEvent bev = SocketBufferEvent.create(base, pair[0],
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final int writers = 4;
        final int records = 20_000;
        final int size = 16;
        final CyclicBarrier go = new CyclicBarrier(writers);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread[] ts = new Thread[writers];
        for (int w = 0; w < writers; w++)
        {
            final int id = w;
            ts[w] = new Thread(() ->
            {
                try
                {
                    go.await();
                    final byte[] rec = new byte[size];
                    for (int i = 0; i < records; i++)
                    {
                        ByteBuffer.wrap(rec).putInt(id).putLong(i).putInt(~i);
                        if (0 != bev.write(rec, 0, size))
                        {
                            throw new IllegalStateException("write refused");
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    thrown.compareAndSet(null, ex);
                }
            });
            ts[w].start();
        }
        for (final Thread t : ts)
        {
            t.join();
        }
        final int expected = writers * records * size;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        final ByteBuffer buf = ByteBuffer.allocate(65536);
        final io.jevent.loop.Event tick = base.newTimer(true, (e, fd, what) ->
        {
            try
            {
                int n;
                do
                {
                    buf.clear();
                    n = pair[1].read(buf);
                    if (n > 0)
                    {
                        got.write(buf.array(), 0, n);
                    }
                }
                while (n > 0);
            }
            catch (final IOException ex)
            {
                base.loopBreak();
            }
            if (got.size() >= expected || System.nanoTime() > deadline)
            {
                base.loopBreak();
            }
        });
        tick.add(1, TimeUnit.MILLISECONDS);
        base.loop(LoopFlags.NO_EXIT_ON_EMPTY);
        tick.free();
        bev.free();
        base.free();
        pair[1].close();
        if (null != thrown.get())
        {
            return "a writer threw " + thrown.get();
        }
        if (got.size() != expected)
        {
            return "the peer received " + got.size() + " of " + expected + " bytes accepted with 0";
        }
        final String badRecord = firstBadRecord(got.toByteArray(), writers, size);
        if (null != badRecord)
        {
            return badRecord;
        }
        if (0 != pool.outstandingSegments())
        {
            return pool.outstandingSegments() + " segments never returned";
        }
        pool.close();
        return "ok";
    }

    /**
     * Checks the records of {@link #writesBeforeLoop} as the peer received them: each writer's
     * (id, seq, ~seq) records intact and in its own order.
     *
     * @return a description of the first garbled or out-of-order record, or null if there is none
     */
    private static String firstBadRecord(final byte[] received, final int writers, final int size)
    {
        final long[] next = new long[writers];
        final ByteBuffer in = ByteBuffer.wrap(received);
        while (in.hasRemaining())
        {
            final int id = in.getInt();
            final long seq = in.getLong();
            final int check = in.getInt();
            if (id < 0 || id >= writers || check != ~(int)seq || next[id] != seq)
            {
                return "record " + (in.position() / size - 1) + " garbled or out of order (writer " + id + ", seq " +
                    seq + ")";
            }
            next[id]++;
        }
        return null;
    }

    /**
     * 4 threads write to a THREADSAFE bufferevent while this thread frees it and its base: the base
     * first, then the bufferevent (bevFirst false), or the bufferevent (handed to the loop) then at once
     * the base (bevFirst true). Writes after the base is gone must be refused, the bufferevent must end
     * up freed, and nothing may be left.
     */
    private static String writesAfterBaseFree(final String backend, final boolean bevFirst) throws Exception
    {
        final SegmentPool pool = new SegmentPool(4096, 1 << 20, 64);
        final EventBase base = new EventBase(new EventBaseConfig().backend(backend).pool(pool));
        final SocketChannel[] pair = pair();
        final BufferEvent bev = SocketBufferEvent.create(base, pair[0],
            BevOptions.CLOSE_ON_FREE | BevOptions.THREADSAFE);
        final Thread loop = new Thread(() -> base.loop(LoopFlags.NO_EXIT_ON_EMPTY));
        loop.start();
        while (!base.isRunning())
        {
            Thread.onSpinWait();
        }
        final AtomicBoolean baseFreed = new AtomicBoolean();
        final AtomicLong acceptedAfterFree = new AtomicLong();
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final Thread[] ws = new Thread[4];
        for (int w = 0; w < ws.length; w++)
        {
            ws[w] = new Thread(() ->
            {
                final byte[] chunk = new byte[700];
                while (true)
                {
                    try
                    {
                        final boolean after = baseFreed.get();
                        if (0 == bev.write(chunk) && after)
                        {
                            acceptedAfterFree.addAndGet(chunk.length);
                        }
                    }
                    catch (final IllegalStateException | java.util.concurrent.RejectedExecutionException ex)
                    {
                        if (bev.isFreed())
                        {
                            return;
                        }
                    }
                    catch (final Throwable ex)
                    {
                        unexpected.compareAndSet(null, ex);
                        return;
                    }
                }
            });
            ws[w].start();
        }
        Thread.sleep(2);
        if (bevFirst)
        {
            bev.free();
            base.free();
            baseFreed.set(true);
            if (!bev.isFreed())
            {
                stopWriters(ws, bev);
                return "free() of the bufferevent, handed to the loop before base.free(), never happened";
            }
        }
        else
        {
            base.free();
            baseFreed.set(true);
            Thread.sleep(2);
            bev.free();
        }
        for (final Thread w : ws)
        {
            w.join(5000);
            if (w.isAlive())
            {
                return "a writer never stopped";
            }
        }
        loop.join(5000);
        pair[1].close();
        if (null != unexpected.get())
        {
            return "a writer threw " + unexpected.get();
        }
        if (0 != pool.outstandingSegments())
        {
            return pool.outstandingSegments() + " segments never returned";
        }
        if (acceptedAfterFree.get() > 0)
        {
            return acceptedAfterFree.get() + " bytes accepted with 0 after the base was freed (never sent)";
        }
        pool.close();
        return "ok";
    }
}
