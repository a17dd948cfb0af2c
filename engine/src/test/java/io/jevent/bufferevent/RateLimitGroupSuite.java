package io.jevent.bufferevent;

import io.jevent.loop.EventBase;
import io.jevent.loop.EventFlags;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.jevent.bufferevent.BufferEventFixture.peerSend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behavioural suite of {@link RateLimitGroup} against libevent 2.1 (libevent-semantics.md §1.14, statements
 * 100–101) over loopback TCP, with the fixture of {@link LoopbackSuite}: shares, suspension and refill, totals,
 * members' own limits, membership changes while the loop runs, and frees in any order.
 */
public abstract class RateLimitGroupSuite extends LoopbackSuite
{
    private static final long HOUR = 3_600_000;

    /** The peers of the members made by {@link #member}, by index. */
    private final Conn[] lastConns = new Conn[2];

    /** A member reading everything it may into {@code count[i]}; its peer goes to {@code lastConns[i]}. */
    private SocketBufferEvent member(final long[] count, final int i)
    {
        lastConns[i] = connect();
        final SocketBufferEvent bev = bev(lastConns[i], 0);
        final byte[] sink = new byte[65536];
        bev.setCallbacks(b ->
        {
            int n;
            while ((n = b.read(sink, 0, sink.length)) > 0)
            {
                count[i] += n;
            }
        }, null, null);
        bev.enable(EventFlags.READ);
        return bev;
    }

    @Test
    void shouldStartAtTheRateAndShareItAmongMembers()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(1000, 1000, 1000, 1000,
            HOUR));
        final long[] got = new long[2];
        final Conn[] conns = {connect(), connect()};
        final SocketBufferEvent[] bevs = new SocketBufferEvent[2];
        for (int i = 0; i < 2; i++)
        {
            final int k = i;
            bevs[i] = bev(conns[i], 0);
            final byte[] sink = new byte[4096];
            bevs[i].setCallbacks(b ->
            {
                int n;
                while ((n = b.read(sink, 0, sink.length)) > 0)
                {
                    got[k] += n;
                }
            }, null, null);
            group.add(bevs[i]);
            bevs[i].enable(EventFlags.READ);
        }
        assertEquals(2, group.members());
        assertSame(group, bevs[0].rateLimit().group());
        assertEquals(1000, group.readLimit(), "the bucket starts at the rate");
        peerSend(conns[0], new byte[3000]);
        peerSend(conns[1], new byte[3000]);
        awaitLoop(() -> group.readLimit() <= 0, 5000, "the group bucket spent");
        runFor(200);
        final long total = got[0] + got[1];
        assertTrue(total >= 1000 && total <= 1000 + RateLimitGroup.DEFAULT_MIN_SHARE,
            "the rate, overshot by at most one minimum share: " + total);
        assertTrue(got[0] >= 400 && got[1] >= 400, "each member about half: " + got[0] + "/" + got[1]);
        assertEquals(total, group.totalRead());
        group.resetTotals();
        assertEquals(0, group.totalRead());
        group.free();
    }

    @Test
    void shouldSuspendEveryMemberWhenEmptyAndResumeThemFairlyOnRefill()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(2000, 2000, 2000, 2000,
            20));
        final int members = 3;
        final long[] got = new long[members];
        final long[] atHalf = new long[members];
        final boolean[] half = {false};
        final Conn[] conns = new Conn[members];
        final long each = 20_000;
        for (int i = 0; i < members; i++)
        {
            final int k = i;
            conns[i] = connect();
            final SocketBufferEvent bev = bev(conns[i], 0);
            final byte[] sink = new byte[4096];
            bev.setCallbacks(b ->
            {
                int n;
                while ((n = b.read(sink, 0, sink.length)) > 0)
                {
                    got[k] += n;
                }
                if (!half[0] && got[0] + got[1] + got[2] >= each * members / 2)
                {
                    half[0] = true;
                    System.arraycopy(got, 0, atHalf, 0, members);
                }
            }, null, null);
            group.add(bev);
            bev.enable(EventFlags.READ);
            peerSend(conns[i], new byte[(int)each]);
        }
        final long start = System.nanoTime();
        awaitLoop(() -> got[0] + got[1] + got[2] == each * members, 30_000, "every byte, tick by tick");
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= 300, "60 KB at 2 KB per 20 ms tick cannot take less than ~580 ms: " + ms);
        for (int i = 0; i < members; i++)
        {
            assertTrue(atHalf[i] >= each / 4, "member " + i + " had a fair part when half had arrived: " +
                java.util.Arrays.toString(atHalf));
        }
        assertEquals(each * members, group.totalRead());
        group.free();
    }

    @Test
    void shouldStillApplyAMembersOwnLimit()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(100_000, 100_000,
            100_000, 100_000, HOUR));
        final long[] got = new long[2];
        final SocketBufferEvent limited = member(got, 0);
        final SocketBufferEvent free = member(got, 1);
        limited.rateLimit().set(TokenBucketConfig.create(300, 300, 300, 300, HOUR));
        group.add(limited);
        group.add(free);
        peerSend(lastConns[0], new byte[5000]);
        peerSend(lastConns[1], new byte[5000]);
        awaitLoop(() -> 5000 == got[1], 5000, "the unlimited member's bytes");
        runFor(100);
        assertTrue(got[0] >= 300 && got[0] <= 300 + 16 * 1024, "its own 300-byte bucket first: " + got[0]);
        assertTrue(got[0] < 5000, "and no more than it: " + got[0]);
        group.free();
    }

    @Test
    void shouldLetMembersJoinAndLeaveWhileTheLoopRuns()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(1000, 1000, 1000, 1000,
            HOUR));
        group.decrementRead(5000);
        assertEquals(-4000, group.readLimit());
        final long[] got = new long[1];
        final Conn c = connect();
        final SocketBufferEvent bev = bev(c, 0);
        final byte[] sink = new byte[4096];
        bev.setCallbacks(b ->
        {
            int n;
            while ((n = b.read(sink, 0, sink.length)) > 0)
            {
                got[0] += n;
            }
        }, null, null);
        bev.enable(EventFlags.READ);
        final io.jevent.loop.Event join = base().newTimer(false, (e, fd, what) -> group.add(bev));
        join.add(1, TimeUnit.MILLISECONDS);
        runFor(50);
        assertEquals(1, group.members(), "joined from a timer callback");
        peerSend(c, new byte[2000]);
        runFor(150);
        assertEquals(0, got[0], "an empty group holds its new member");
        final io.jevent.loop.Event leave = base().newTimer(false, (e, fd, what) -> group.remove(bev));
        leave.add(1, TimeUnit.MILLISECONDS);
        awaitLoop(() -> 2000 == got[0], 5000, "leaving the group resumes it");
        assertEquals(0, group.members());
        assertNull(bev.rateLimit().group());
        assertEquals(-1, group.remove(bev), "not a member any more");
        join.free();
        leave.free();
        group.free();
    }

    @Test
    void shouldMoveAMemberToItsNewGroup()
    {
        final TokenBucketConfig cfg = TokenBucketConfig.create(1000, 1000, 1000, 1000, HOUR);
        final RateLimitGroup first = RateLimitGroup.create(base(), cfg);
        final RateLimitGroup second = RateLimitGroup.create(base(), cfg);
        final SocketBufferEvent bev = bev(connect(), 0);
        first.add(bev);
        second.add(bev);
        assertEquals(0, first.members());
        assertEquals(1, second.members());
        assertSame(second, bev.rateLimit().group());
        first.free();
        second.free();
    }

    @Test
    void shouldRefuseAMemberOfAnotherLoop()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(1000, 1000, 1000, 1000,
            HOUR));
        final EventBase other = new EventBase(configWithPool());
        try
        {
            final SocketBufferEvent stranger = track(SocketBufferEvent.create(other, connect().local(), 0));
            assertThrows(IllegalArgumentException.class, () -> group.add(stranger));
            assertEquals(0, group.members());
        }
        finally
        {
            other.free();
            group.free();
        }
    }

    @Test
    void shouldLeaveOnFreeAndResumeMembersWhenTheGroupIsFreed()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(100, 100, 100, 100,
            HOUR));
        final long[] got = new long[2];
        final SocketBufferEvent a = member(got, 0);
        final SocketBufferEvent b = member(got, 1);
        group.add(a);
        group.add(b);
        a.free();
        assertEquals(1, group.members(), "a freed member leaves");
        group.decrementRead(1000);
        peerSend(lastConns[1], new byte[3000]);
        runFor(100);
        assertEquals(0, got[1], "held by the empty group");
        group.free();
        awaitLoop(() -> 3000 == got[1], 5000, "freeing the group resumes its members");
        assertNull(b.rateLimit().group());
        assertThrows(IllegalStateException.class, () -> group.add(b));
        group.free();
    }

    @Test
    void shouldCapTheMinimumShareAtTheRate()
    {
        final RateLimitGroup group = RateLimitGroup.create(base(), TokenBucketConfig.create(10, 10, 40, 40, HOUR));
        assertEquals(10, group.minShare(), "64 by default, capped at the smaller rate");
        group.setMinShare(5);
        assertEquals(5, group.minShare());
        assertThrows(IllegalArgumentException.class, () -> group.setMinShare(-1));
        group.setConfig(TokenBucketConfig.create(1000, 2000, 1000, 2000, HOUR));
        assertEquals(10, group.readLimit(), "a new configuration keeps the tokens, capped at the new burst");
        group.free();
    }
}
