package io.jevent.epoll;

import io.jevent.loop.Event;
import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.EventFlags;
import io.jevent.loop.LoopErrorHandlers;
import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollSmokeTest
{
    @Test
    void shouldDispatchRawFdsTimersAndWakeups() throws Exception
    {
        try (EventBase base = new EventBase(new EventBaseConfig().backend("epoll")
            .errorHandler(LoopErrorHandlers.RETHROW)))
        {
            assertEquals("epoll", base.method());
            final long pair = LibC.socketPair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_NONBLOCK);
            final int a = LibC.firstFd(pair);
            final int b = LibC.secondFd(pair);
            final long buf = UnsafeApi.allocateMemory(16);
            final List<String> log = new ArrayList<>();
            final Event r = base.newEvent(a, EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
            {
                log.add("read:" + LibC.recv(fd, buf, 16, 0));
                if (log.size() == 3)
                {
                    e.del();
                }
            });
            r.add();
            final Event t = base.newTimer(true, (e, fd, what) -> LibC.send(b, buf, 1, LibC.MSG_NOSIGNAL));
            t.add(5, TimeUnit.MILLISECONDS);
            base.newEvent(-1, 0, (e, fd, what) -> t.del()).add(100, TimeUnit.MILLISECONDS);
            assertEquals(1, base.dispatch());
            assertEquals(List.of("read:1", "read:1", "read:1"), log);

            final Thread waker = new Thread(() ->
            {
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                base.execute(base::loopBreak);
            });
            base.newTimer(false, (e, fd, what) -> log.add("late")).add(10, TimeUnit.SECONDS);
            final long start = System.nanoTime();
            waker.start();
            assertEquals(0, base.dispatch());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertTrue(base.counters().wakeups() >= 1, base.counters().toString());
            LibC.close(a);
            LibC.close(b);
            UnsafeApi.freeMemory(buf);
        }
    }
}
