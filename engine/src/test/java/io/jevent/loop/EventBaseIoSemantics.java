package io.jevent.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.jevent.loop.EventBaseFixture.drain;
import static io.jevent.loop.EventBaseFixture.fill;
import static io.jevent.loop.EventBaseFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness on real channels: pipes, UNIX-domain and TCP loopback socket pairs, persistent versus
 * not, many idle channels with a few active, and fd numbers reused after a close.
 */
public interface EventBaseIoSemantics extends EventBaseFixture
{
    @Test
    @DisplayName("I/O: a pipe's READ event fires only when data is there; persistent READ is level-triggered")
    default void shouldReportPipeReadability()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> calls = new ArrayList<>();
        final Event r = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> calls.add(what));
        assertEquals(0, r.add());
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(List.of(), calls, "nothing to read");
        write(p.sink(), 3);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.READ), calls);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.READ, EventFlags.READ), calls, "still unread: fires again");
        assertEquals(3, drain(p.source()));
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(2, calls.size(), "drained: quiet");
    }

    @Test
    @DisplayName("I/O: a non-persistent READ event fires once, then is no longer pending (dispatch returns 1)")
    default void shouldFireNonPersistentReadOnce()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> calls = new ArrayList<>();
        final Event r = b.newEvent(p.source(), EventFlags.READ, (e, fd, what) -> calls.add(what));
        assertEquals(0, r.add());
        write(p.sink(), 1);
        assertEquals(1, b.dispatch());
        assertEquals(List.of(EventFlags.READ), calls);
        assertEquals(0, r.pending(EventFlags.READ));
        assertEquals(0, r.add());
        assertEquals(1, b.dispatch(), "still readable: fires again after re-add");
        assertEquals(2, calls.size());
    }

    @Test
    @DisplayName("I/O: a pipe's WRITE event fires while there is space, stops when full, resumes when drained")
    default void shouldReportPipeWritability()
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<Integer> calls = new ArrayList<>();
        final Event w = b.newEvent(p.sink(), EventFlags.WRITE | EventFlags.PERSIST, (e, fd, what) -> calls.add(what));
        assertEquals(0, w.add());
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.WRITE), calls);
        assertTrue(fill(p.sink()) > 0);
        calls.clear();
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(List.of(), calls, "full: not writable");
        while (drain(p.source()) > 0)
        {
            Thread.onSpinWait();
        }
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.WRITE), calls);
        w.del();
    }

    @Test
    @DisplayName("I/O: UNIX-domain socket pair: READ on data, WRITE on space, READ|WRITE in one call, READ at EOF")
    default void shouldReportUnixSocketReadiness() throws IOException
    {
        checkSocketPair(unixPair());
    }

    @Test
    @DisplayName("I/O: TCP loopback socket pair: READ on data, WRITE on space, READ|WRITE in one call, READ at EOF")
    default void shouldReportTcpSocketReadiness() throws IOException
    {
        checkSocketPair(tcpPair());
    }

    private void checkSocketPair(final SocketChannel[] pair) throws IOException
    {
        final EventBase b = base();
        final List<Integer> calls = new ArrayList<>();
        final Event rw = b.newEvent(pair[0], EventFlags.READ | EventFlags.WRITE | EventFlags.PERSIST,
            (e, fd, what) -> calls.add(what));
        assertEquals(0, rw.add());
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.WRITE), calls, "empty socket: writable only");
        write(pair[1], 10);
        EventBaseFixture.sleepMs(20);
        calls.clear();
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of(EventFlags.READ | EventFlags.WRITE), calls, "one call with both");
        rw.del();
        assertEquals(10, drain(pair[0]));

        final List<String> seen = new ArrayList<>();
        final Event r = b.newEvent(pair[0], EventFlags.READ, (e, fd, what) -> seen.add("read:" + what));
        final Event w = b.newEvent(pair[0], EventFlags.WRITE, (e, fd, what) -> seen.add("write:" + what));
        assertEquals(0, r.add());
        assertEquals(0, w.add());
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of("write:" + EventFlags.WRITE), seen, "two events on one channel: only the ready one");
        assertTrue(0 != r.pending(EventFlags.READ));
        pair[1].close();
        EventBaseFixture.sleepMs(20);
        assertEquals(1, b.dispatch());
        assertEquals(List.of("write:" + EventFlags.WRITE, "read:" + EventFlags.READ), seen, "EOF is readable");
        assertEquals(-1, drain(pair[0]));
    }

    @Test
    @DisplayName("I/O: 10,000 registered channels (5,000 UNIX pairs) with 10 active: exactly the active ones fire")
    default void shouldFireOnlyTheActiveOnesOfManyChannels()
    {
        final int pairs = 5000;
        final EventBase b = base();
        final SocketChannel[][] p = unixPairs(pairs);
        final Set<Integer> fired = new TreeSet<>();
        final int[] calls = {0};
        for (int i = 0; i < pairs; i++)
        {
            for (int side = 0; side < 2; side++)
            {
                final int id = 2 * i + side;
                final SocketChannel ch = p[i][side];
                assertEquals(0, b.newEvent(ch, EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
                {
                    calls[0]++;
                    fired.add(id);
                    drain(ch);
                }).add());
            }
        }
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(0, calls[0], "nothing readable yet");
        final Set<Integer> expected = new TreeSet<>();
        for (int k = 0; k < 10; k++)
        {
            final int i = k * (pairs / 10) + 7;
            final int side = k & 1;
            write(p[i][1 - side], 1);
            expected.add(2 * i + side);
        }
        EventBaseFixture.sleepMs(20);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(expected, fired);
        assertEquals(10, calls[0]);
        assertEquals(0, b.loop(LoopFlags.NONBLOCK));
        assertEquals(10, calls[0], "drained: all quiet again");
    }

    @Test
    @DisplayName("I/O: an fd number reused after close works with a new event and no stale event fires")
    default void shouldHandleFdReuseAfterClose() throws IOException
    {
        final EventBase b = base();
        final Pipe old = pipe();
        final int oldFd = ChannelFds.fdOf(old.source());
        final List<String> seen = new ArrayList<>();
        final Event stale = b.newEvent(old.source(), EventFlags.READ | EventFlags.PERSIST,
            (e, fd, what) -> seen.add("stale"));
        assertEquals(0, stale.add());
        write(old.sink(), 1);
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of("stale"), seen);
        seen.clear();
        stale.del();
        old.source().close();
        old.sink().close();
        final Event keeper = b.newTimer(false, (e, fd, what) -> seen.add("keeper"));
        keeper.add(1, java.util.concurrent.TimeUnit.HOURS);
        assertEquals(0, b.loop(LoopFlags.NONBLOCK), "one poll lets a selector release the closed channel's fd");

        Pipe reuse = null;
        for (int attempt = 0; attempt < 20 && null == reuse; attempt++)
        {
            final Pipe candidate = pipe();
            if (ChannelFds.fdOf(candidate.source()) == oldFd)
            {
                reuse = candidate;
            }
            else if (ChannelFds.fdOf(candidate.sink()) == oldFd)
            {
                reuse = candidate;
            }
        }
        assertTrue(null != reuse, "the closed fd number " + oldFd + " was handed out again");
        final boolean sourceReused = ChannelFds.fdOf(reuse.source()) == oldFd;
        final Pipe fresh = reuse;
        final Event ev = sourceReused ?
            b.newEvent(fresh.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) ->
            {
                seen.add("fresh:" + what);
                drain(fresh.source());
            }) :
            b.newEvent(fresh.sink(), EventFlags.WRITE | EventFlags.PERSIST, (e, fd, what) ->
            {
                seen.add("fresh:" + what);
                e.del();
            });
        assertEquals(oldFd, ev.fd());
        assertEquals(0, ev.add());
        if (sourceReused)
        {
            assertEquals(0, b.loop(LoopFlags.NONBLOCK));
            assertEquals(List.of(), seen, "no stale readiness on the reused fd");
            write(fresh.sink(), 1);
        }
        assertEquals(0, b.loop(LoopFlags.ONCE | LoopFlags.NONBLOCK));
        assertEquals(List.of("fresh:" + (sourceReused ? EventFlags.READ : EventFlags.WRITE)), seen);
        ev.del();
    }

    @Test
    @DisplayName("I/O: closing a channel whose event is still added, then deleting the event, keeps the loop healthy")
    default void shouldSurviveCloseBeforeDelete() throws IOException
    {
        final EventBase b = base();
        final Pipe p = pipe();
        final List<String> seen = new ArrayList<>();
        final Event ev = b.newEvent(p.source(), EventFlags.READ | EventFlags.PERSIST, (e, fd, what) -> seen.add("x"));
        assertEquals(0, ev.add());
        p.source().close();
        assertTrue(b.loop(LoopFlags.NONBLOCK) >= 0);
        ev.del();
        final Pipe q = pipe();
        final Event ok = b.newEvent(q.source(), EventFlags.READ, (e, fd, what) -> seen.add("ok"));
        assertEquals(0, ok.add());
        write(q.sink(), 1);
        assertEquals(1, b.dispatch());
        assertTrue(seen.contains("ok"), "loop still works: " + seen);
    }
}
