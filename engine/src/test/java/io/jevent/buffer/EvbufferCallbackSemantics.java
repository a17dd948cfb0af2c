package io.jevent.buffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.jevent.buffer.EvbufferSemanticsFixture.add;
import static io.jevent.buffer.EvbufferSemanticsFixture.bytes;
import static io.jevent.buffer.EvbufferSemanticsFixture.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * §1.5 change callbacks: which operations fire them, accumulated counts, enabling, order, removal,
 * nested invocation and deferral (statements 40–44).
 */
interface EvbufferCallbackSemantics extends EvbufferSemanticsFixture
{
    /**
     * libevent's log_change_callback: appends "old->new; " to an output buffer.
     */
    private static EvbufferCallback logChangeTo(final Evbuffer out)
    {
        return (buffer, orig, added, deleted) -> out.addFormat("%d->%d; ", orig, orig + added - deleted);
    }

    @Test
    @DisplayName("§1.5 st.40: add \"abc\" → (0,3,0); drain 10 → (3,0,3); add 0 bytes or drain empty → no call")
    default void shouldReportOriginalSizeAddedAndDeleted()
    {
        final Evbuffer b = newBuffer();
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        add(b, "abc");
        assertEquals(List.of("(0,3,0)"), log.take());
        assertEquals(0, b.drain(10));
        assertEquals(List.of("(3,0,3)"), log.take());
        assertEquals(0, b.add(new byte[0]));
        assertEquals(0, b.drain(10));
        assertEquals(List.of(), log.take());
    }

    @Test
    @DisplayName("§1.5 st.40: every operation that changes the length fires callbacks; pullup and no-ops do not")
    default void shouldFireForEveryLengthChangingOperation()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer o = newBuffer();
        final CallbackLog log = new CallbackLog();
        final CallbackLog oLog = new CallbackLog();
        b.addCallback(log);
        o.addCallback(oLog);
        add(b, "0123456789");
        assertEquals(List.of("(0,10,0)"), log.take());
        assertEquals(0, b.prepend(bytes("ab")));
        assertEquals(List.of("(10,2,0)"), log.take(), "prepend");
        final byte[] out = new byte[4];
        assertEquals(4, b.remove(out, 0, 4));
        assertEquals(List.of("(12,0,4)"), log.take(), "remove");
        assertEquals(4, b.copyout(out, 0, 4));
        assertNotEquals(0, b.pullup(-1));
        assertEquals(0, b.expand(100));
        assertEquals(1, b.reserveSpace(10, new Extents(1)));
        assertEquals(List.of(), log.take(), "copyout, pullup, expand and reserve change nothing");
        assertEquals(3, b.removeBuffer(o, 3));
        assertEquals(List.of("(8,0,3)"), log.take(), "removeBuffer, source");
        assertEquals(List.of("(0,3,0)"), oLog.take(), "removeBuffer, destination");
        assertEquals(0, b.prependBuffer(o));
        assertEquals(List.of("(5,3,0)"), log.take(), "prependBuffer, destination");
        assertEquals(List.of("(3,0,3)"), oLog.take(), "prependBuffer, source");
        assertEquals(0, o.addBuffer(b));
        assertEquals(List.of("(8,0,8)"), log.take(), "addBuffer, source");
        assertEquals(List.of("(0,8,0)"), oLog.take(), "addBuffer, destination");
        assertEquals("23456789", contents(o));
        add(b, "line\nx");
        log.take();
        assertEquals("line", b.readLine(EolStyle.LF));
        assertEquals(List.of("(6,0,5)"), log.take(), "readLine");
        assertEquals(7, b.addFormat("%s", "printf!"));
        assertEquals(List.of("(1,7,0)"), log.take(), "addFormat");
    }

    @Test
    @DisplayName("§1.5 st.41 (libevent test_evbuffer_callbacks): disabled callbacks miss changes; exact cb1/cb2 logs")
    default void shouldReproduceLibeventCallbackLogs()
    {
        final Evbuffer buf = newBuffer();
        final Evbuffer bufOut1 = newBuffer();
        final Evbuffer bufOut2 = newBuffer();
        final EvbufferCallback log1 = logChangeTo(bufOut1);
        final EvbufferCallback log2 = logChangeTo(bufOut2);
        final EvbufferCallbackEntry cb1 = buf.addCallback(log1);
        final EvbufferCallbackEntry cb2 = buf.addCallback(log2);
        assertEquals(EvbufferCallbackEntry.ENABLED, cb1.flags() & EvbufferCallbackEntry.ENABLED);
        assertSame(log1, cb1.callback());
        assertSame(log2, cb2.callback());

        // size: 0 -> 36
        assertEquals(36, buf.addFormat("The %d magic words are spotty pudding", 2));
        cb2.clearFlags(EvbufferCallbackEntry.ENABLED);
        assertEquals(0, buf.drain(10)); // 36 -> 26
        assertEquals(0, buf.prepend(bytes("Hello"))); // 26 -> 31
        cb2.setFlags(EvbufferCallbackEntry.ENABLED);
        final Ref goodbye = newRef("Goodbye");
        assertEquals(0, goodbye.addTo(buf)); // 31 -> 38
        assertEquals(0, buf.removeCallback(cb1));
        assertEquals(0, buf.drain(buf.length())); // 38 -> 0
        assertEquals(-1, buf.removeCallback(logChangeTo(bufOut1)), "no registration of that callback");
        assertEquals(-1, buf.removeCallback(log1), "already removed");
        assertEquals(-1, buf.removeCallback(cb1), "already removed");
        add(buf, "X"); // 0 -> 1
        assertEquals(0, buf.removeCallback(log2));
        add(buf, "Y");

        assertEquals("0->36; 36->26; 26->31; 31->38; ", contents(bufOut1));
        assertEquals("0->36; 31->38; 38->0; 0->1; ", contents(bufOut2));
    }

    @Test
    @DisplayName("§1.5 st.42: the most recently added callback runs first; " +
        "removeCallback removes the first match or returns -1")
    default void shouldRunMostRecentCallbackFirst()
    {
        final Evbuffer b = newBuffer();
        final List<String> order = new ArrayList<>();
        final EvbufferCallback a = (buf, o, ad, d) -> order.add("A");
        final EvbufferCallback bb = (buf, o, ad, d) -> order.add("B");
        final EvbufferCallback c = (buf, o, ad, d) -> order.add("C");
        b.addCallback(a);
        b.addCallback(bb);
        b.addCallback(c);
        add(b, "x");
        assertEquals(List.of("C", "B", "A"), order);
        order.clear();

        b.addCallback(a); // registered twice now
        add(b, "y");
        assertEquals(List.of("A", "C", "B", "A"), order);
        order.clear();
        assertEquals(0, b.removeCallback(a), "removes the first match (the most recent registration)");
        add(b, "z");
        assertEquals(List.of("C", "B", "A"), order);
        order.clear();
        assertEquals(0, b.removeCallback(a));
        assertEquals(-1, b.removeCallback(a), "no match left");
        add(b, "w");
        assertEquals(List.of("C", "B"), order);
    }

    @Test
    @DisplayName("§1.5 st.43: a callback that drains on every growth leaves the buffer empty " +
        "after an add (nested call)")
    default void shouldAllowNestedDrainFromCallback()
    {
        final Evbuffer b = newBuffer();
        final Evbuffer out = newBuffer();
        final EvbufferCallback log = logChangeTo(out);
        b.addCallback((buf, orig, added, deleted) ->
        {
            log.onChange(buf, orig, added, deleted);
            final long newLen = orig + added - deleted;
            if (newLen > orig)
            {
                assertEquals(0, buf.drain(newLen));
            }
        });
        assertEquals(35, b.addFormat("This should get drained right away."));
        assertEquals(0, b.length());
        assertEquals("0->35; 35->0; ", contents(out));
        assertEquals(0, b.prepend(bytes("again")));
        assertEquals(0, b.length());
        assertEquals("0->35; 35->0; 0->5; 5->0; ", contents(out));
    }

    @Test
    @DisplayName("§1.5 st.44: deferred callbacks run later from the loop with the accumulated counts; " +
        "NODEFER runs at once")
    default void shouldDeferCallbacks()
    {
        final Evbuffer b = newBuffer();
        final ArrayDeque<Runnable> loop = new ArrayDeque<>();
        assertEquals(0, b.deferCallbacks(loop::add));
        final CallbackLog deferred = new CallbackLog();
        final CallbackLog immediate = new CallbackLog();
        b.addCallback(deferred);
        b.addCallback(immediate).setFlags(EvbufferCallbackEntry.NODEFER);

        add(b, "abc");
        add(b, "de");
        assertEquals(List.of(), deferred.take(), "nothing runs synchronously");
        assertEquals(List.of("(0,3,0)", "(0,5,0)"), immediate.take(), "NODEFER runs at once, counts not reset");
        assertEquals(1, loop.size(), "one deferred run is scheduled");
        loop.poll().run();
        assertEquals(List.of("(0,5,0)"), deferred.take());
        assertEquals(List.of(), immediate.take(), "NODEFER does not run again from the loop");
        assertEquals(0, loop.size());

        assertEquals(0, b.drain(2));
        add(b, "xyz");
        assertEquals(List.of("(5,0,2)", "(5,3,2)"), immediate.take());
        assertEquals(1, loop.size());
        loop.poll().run();
        assertEquals(List.of("(5,3,2)"), deferred.take());
        assertEquals("cdexyz", contents(b));

        // nothing changed: nothing is scheduled
        assertEquals(0, b.add(new byte[0]));
        assertEquals(0, loop.size());

        // synchronous again
        assertEquals(0, b.deferCallbacks(null));
        add(b, "!");
        assertEquals(List.of("(6,1,0)"), deferred.take());
        assertEquals(List.of("(6,1,0)"), immediate.take());
        assertEquals(0, loop.size());
    }

    @Test
    @DisplayName("§1.5 st.44: a deferred run after the buffer was freed does nothing")
    default void shouldIgnoreDeferredRunAfterFree()
    {
        final Evbuffer b = newBuffer();
        final ArrayDeque<Runnable> loop = new ArrayDeque<>();
        b.deferCallbacks(loop::add);
        final CallbackLog log = new CallbackLog();
        b.addCallback(log);
        add(b, "abc");
        b.free();
        assertEquals(1, loop.size());
        loop.poll().run();
        assertEquals(List.of(), log.take());
    }
}
