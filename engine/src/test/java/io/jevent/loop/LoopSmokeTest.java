package io.jevent.loop;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoopSmokeTest
{
    @Test
    void shouldRunTimersAndIo() throws Exception
    {
        try (EventBase base = new EventBase(new EventBaseConfig().backend("nio")))
        {
            assertEquals("nio", base.getMethod());
            final List<String> log = new ArrayList<>();
            final Event t1 = base.newTimer(false, (e, fd, what) -> log.add("t1:" + what));
            final Event t2 = base.newTimer(false, (e, fd, what) -> log.add("t2:" + what));
            t2.add(20, TimeUnit.MILLISECONDS);
            t1.add(10, TimeUnit.MILLISECONDS);
            assertEquals(1, base.dispatch());
            assertEquals(List.of("t1:1", "t2:1"), log);

            final Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            final Event r = base.newEvent(pipe.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
            {
                try
                {
                    final ByteBuffer b = ByteBuffer.allocate(16);
                    pipe.source().read(b);
                    log.add("read:" + b.position());
                    e.del();
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            r.add();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(1, base.dispatch());
            assertEquals("read:3", log.get(2));

            final Thread other = new Thread(() -> base.execute(() -> log.add("remote")));
            final Event keep = base.newTimer(true, (e, fd, what) -> log.add("tick"));
            keep.add(1, TimeUnit.SECONDS);
            base.execute(() -> other.start());
            base.loopExit(200, TimeUnit.MILLISECONDS);
            assertEquals(0, base.dispatch());
            assertEquals("remote", log.get(3));
        }
    }
}
