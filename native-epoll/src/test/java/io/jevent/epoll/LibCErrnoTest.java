package io.jevent.epoll;

import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * errno is per thread on every binding: threads failing at the same time with different errors each read
 * their own, through blocking and critical ffm handles alike; a new thread reads none of another's; and
 * virtual threads (JDK 21+) read their own right after the call (ffm: even after the thread was unmounted).
 */
class LibCErrnoTest
{
    private static final int ROUNDS = 20_000;

    private long scratch;
    private int emptyRead;
    private int write;
    private int epfd;

    @BeforeAll
    static void requireLibC()
    {
        LibC.ensureAvailable();
    }

    @BeforeEach
    void open()
    {
        scratch = UnsafeApi.allocateMemory(64);
        final long pair = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        assertNotEquals(-1L, pair, () -> Errno.name(LibC.errno()));
        emptyRead = LibC.firstFd(pair);
        write = LibC.secondFd(pair);
        epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        assertTrue(epfd >= 0);
    }

    @AfterEach
    void close()
    {
        LibC.close(emptyRead);
        LibC.close(write);
        LibC.close(epfd);
        UnsafeApi.freeMemory(scratch);
    }

    @Test
    void shouldGiveEachThreadItsOwnErrnoWhenThreadsFailConcurrently() throws Exception
    {
        final List<IntSupplier> failures = List.of(
            () -> -1 == LibC.read(emptyRead, scratch, 16) ? LibC.errno() : -2,
            () -> -1 == LibC.close(-1) ? LibC.errno() : -2,
            () -> -1 == LibC.epoll_ctl(epfd, LibC.EPOLL_CTL_DEL, emptyRead, 0) ? LibC.errno() : -2,
            () -> -1 == LibC.shutdown(write, 99) ? LibC.errno() : -2);
        final List<Integer> expected = List.of(Errno.EAGAIN, Errno.EBADF, Errno.ENOENT, Errno.ENOTSOCK);
        final CyclicBarrier start = new CyclicBarrier(failures.size());
        final AtomicReference<String> wrong = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < failures.size(); t++)
        {
            final IntSupplier failure = failures.get(t);
            final int want = expected.get(t);
            threads.add(new Thread(() ->
            {
                await(start);
                for (int i = 0; i < ROUNDS && null == wrong.get(); i++)
                {
                    final int errno = failure.getAsInt();
                    if (want != errno)
                    {
                        wrong.compareAndSet(null, "round " + i + ": " + Errno.name(errno) + " instead of " +
                            Errno.name(want));
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertNull(wrong.get(), LibC.binding());
    }

    @Test
    void shouldGiveANewThreadNoErrnoOfAnotherAndItsOwnAfterItsFirstCall() throws Exception
    {
        assertEquals(-1, LibC.close(-1));
        assertEquals(Errno.EBADF, LibC.errno());
        final AtomicReference<String> seen = new AtomicReference<>();
        final Thread fresh = new Thread(() ->
        {
            final int before = LibC.errno();
            final long rc = LibC.read(emptyRead, scratch, 16);
            seen.set(before + " " + rc + " " + Errno.name(LibC.errno()));
        });
        fresh.start();
        fresh.join(TimeUnit.MINUTES.toMillis(1));
        assertEquals("0 -1 EAGAIN", seen.get(), LibC.binding());
        assertEquals(Errno.EBADF, LibC.errno(), "this thread's errno is untouched by the other's");
    }

    @Test
    void shouldReuseTheErrnoSegmentOfAnEndedThreadOnFfmWithoutItsErrno() throws Exception
    {
        assumeTrue("ffm".equals(LibC.binding()), "ffm's capture segments");
        final java.lang.reflect.Method count = Class.forName("io.jevent.epoll.FfmCalls")
            .getDeclaredMethod("captureSegments");
        count.setAccessible(true);
        final int segmentsBefore = (int)count.invoke(null);
        final AtomicReference<String> wrong = new AtomicReference<>();
        for (int i = 0; i < 500; i++)
        {
            final Thread t = new Thread(() ->
            {
                final int before = LibC.errno();
                final int rc = LibC.close(-1);
                final int after = LibC.errno();
                if (0 != before || -1 != rc || Errno.EBADF != after)
                {
                    wrong.set(before + " " + rc + " " + after);
                }
            });
            t.start();
            t.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertNull(wrong.get(), "a new thread saw another's errno, or not its own");
        final int added = (int)count.invoke(null) - segmentsBefore;
        assertTrue(added <= 32, "500 threads one after another added " + added + " segments to " + segmentsBefore);
    }

    @Test
    void shouldGiveEachVirtualThreadItsOwnErrnoRightAfterTheCall() throws Exception
    {
        assertEquals(0, virtualThreads(false), LibC.binding());
    }

    @Test
    void shouldKeepAVirtualThreadsErrnoAcrossAnUnmountOnFfm() throws Exception
    {
        assumeTrue("ffm".equals(LibC.binding()), "jna keeps errno per carrier thread, not per virtual thread");
        assertEquals(0, virtualThreads(true));
    }

    /**
     * Runs 2000 virtual threads on a pool of carriers, half of them failing with EAGAIN and half with EBADF.
     *
     * @param yield whether to yield (unmount) between the call and reading errno
     * @return how many read another's errno
     */
    private int virtualThreads(final boolean yield) throws Exception
    {
        final ExecutorService executor;
        try
        {
            executor = (ExecutorService)java.util.concurrent.Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
        catch (final NoSuchMethodException ex)
        {
            assumeTrue(false, "virtual threads need JDK 21+");
            return 0;
        }
        final AtomicInteger wrong = new AtomicInteger();
        final List<Future<?>> done = new ArrayList<>();
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                final boolean eagain = 0 == (i & 1);
                done.add(executor.submit(() ->
                {
                    for (int k = 0; k < 20; k++)
                    {
                        final long rc = eagain ? LibC.read(emptyRead, scratch, 16) : LibC.close(-1);
                        if (yield)
                        {
                            Thread.yield();
                        }
                        final int errno = LibC.errno();
                        if (-1 != rc || errno != (eagain ? Errno.EAGAIN : Errno.EBADF))
                        {
                            wrong.incrementAndGet();
                        }
                    }
                }));
            }
            for (final Future<?> f : done)
            {
                f.get(1, TimeUnit.MINUTES);
            }
        }
        finally
        {
            executor.shutdown();
            assertTrue(executor.awaitTermination(1, TimeUnit.MINUTES));
        }
        return wrong.get();
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await(1, TimeUnit.MINUTES);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
