package io.jevent.epoll;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventBaseConfig;
import io.jevent.loop.LoopErrorHandlers;
import io.jevent.loop.LoopFlags;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimerSlackTest
{
    @Test
    void shouldSetTheLoopThreadsTimerSlackToOneNanosecond() throws Exception
    {
        final AtomicInteger before = new AtomicInteger();
        final AtomicInteger after = new AtomicInteger();
        final Thread loop = new Thread(() ->
        {
            LibC.prctl(LibC.PR_SET_TIMERSLACK, 50_000, 0, 0, 0);
            before.set(LibC.prctl(LibC.PR_GET_TIMERSLACK, 0, 0, 0, 0));
            try (EventBase base = new EventBase(new EventBaseConfig().backend("epoll")
                .errorHandler(LoopErrorHandlers.RETHROW)))
            {
                base.loop(LoopFlags.NONBLOCK | LoopFlags.NO_EXIT_ON_EMPTY | LoopFlags.ONCE);
            }
            after.set(LibC.prctl(LibC.PR_GET_TIMERSLACK, 0, 0, 0, 0));
        });
        loop.start();
        loop.join();
        assertEquals(50_000, before.get(), "threads inherit their creator's slack, so the test sets one first");
        assertEquals(1, after.get(), "the thread that polled has 1 ns slack");
    }
}
