package io.jevent.bench.loop;

import io.jevent.epoll.LibC;
import io.jevent.loop.Errno;
import org.agrona.UnsafeApi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of single libc calls through {@link LibC}, on whichever binding this JVM has: run it once as
 * is (ffm on JDK 22+) and once with {@code -jvmArgsAppend -Djevent.native=jna} to see what the binding
 * adds to the syscall ({@code binding} in the output's first line of each fork is printed by the state).
 * <ul>
 *   <li>{@code eagainRead}: read from an empty non-blocking pipe, -1 and errno EAGAIN (the cheapest
 *       syscall the loop makes often);</li>
 *   <li>{@code eventfdWriteRead}: add 1 to an eventfd and read it back, two syscalls that succeed;</li>
 *   <li>{@code epollWaitEmpty}: epoll_wait with timeout 0 on an epoll fd watching nothing;</li>
 *   <li>{@code getsockopt}: SO_ERROR of a socket (a {@code critical} downcall on ffm).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NativeCallBenchmark
{
    /**
     * An empty pipe, an eventfd, an empty epoll set and a socket, with 64 bytes of scratch.
     */
    @State(Scope.Thread)
    public static class Fds
    {
        int pipeRead;
        int pipeWrite;
        int eventFd;
        int epfd;
        int socket;
        long scratch;

        @Setup
        public void setUp()
        {
            LibC.ensureAvailable();
            System.out.println("binding " + LibC.binding());
            final long pipe = LibC.pipe(LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            pipeRead = LibC.firstFd(pipe);
            pipeWrite = LibC.secondFd(pipe);
            eventFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
            epfd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
            socket = LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            scratch = UnsafeApi.allocateMemory(64);
            UnsafeApi.putLong(scratch, 1);
            if (pipeRead < 0 || eventFd < 0 || epfd < 0 || socket < 0)
            {
                throw new IllegalStateException("setup failed: " + Errno.name(LibC.errno()));
            }
        }

        @TearDown
        public void tearDown()
        {
            LibC.close(pipeRead);
            LibC.close(pipeWrite);
            LibC.close(eventFd);
            LibC.close(epfd);
            LibC.close(socket);
            UnsafeApi.freeMemory(scratch);
        }
    }

    @Benchmark
    public int eagainRead(final Fds s)
    {
        return -1 == LibC.read(s.pipeRead, s.scratch + 16, 16) ? LibC.errno() : -1;
    }

    @Benchmark
    public long eventfdWriteRead(final Fds s)
    {
        LibC.write(s.eventFd, s.scratch, 8);
        return LibC.read(s.eventFd, s.scratch + 8, 8);
    }

    @Benchmark
    public int epollWaitEmpty(final Fds s)
    {
        return LibC.epoll_wait(s.epfd, s.scratch + 16, 1, 0);
    }

    @Benchmark
    public int getsockopt(final Fds s)
    {
        UnsafeApi.putInt(s.scratch + 32, 4);
        return LibC.getsockopt(s.socket, LibC.SOL_SOCKET, LibC.SO_ERROR, s.scratch + 40, s.scratch + 32);
    }
}
