package io.jevent.buffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Differential (model-based) test: random operations are applied to several {@link Evbuffer}s and
 * to their {@link EvbufferModel}s at once, and after every step content, length, contiguous space,
 * freeze state, callbacks, reference cleanups and every operation's return value are compared.
 * <p>
 * Runs with 16- and 64-byte segments (so every operation crosses segment boundaries) and with the
 * default 16 KiB. {@link #shouldMatchModelWithFixedSeed()} always uses the same seed;
 * {@link #shouldMatchModelWithRandomSeed()} uses {@code -Djevent.test.seed=...} or a fresh seed,
 * printed in any failure message.
 */
class EvbufferDifferentialTest
{
    private static final long FIXED_SEED = 0x5EED_1EB0_2021L;
    private static final String SEED_PROPERTY = "jevent.test.seed";

    /**
     * segmentSize, maxPooledSize, maxFreePerClass, operations, soft length cap, large size. The 8/8/0
     * pool makes every request above 8 bytes an exact (unpooled) block and keeps no free segments.
     */
    private static final int[][] CONFIGS =
    {
        {8, 8, 0, 15_000, 5_000, 3_000},
        {16, 1024, 8, 50_000, 12_000, 4_500},
        {64, 1024, 4, 30_000, 16_000, 9_000},
        {16 * 1024, 1024 * 1024, 16, 12_000, 96_000, 70_000},
    };

    @Test
    void shouldMatchModelWithFixedSeed()
    {
        runAllConfigs(FIXED_SEED);
    }

    @Test
    void shouldMatchModelWithRandomSeed()
    {
        final String prop = System.getProperty(SEED_PROPERTY);
        final long seed = null != prop ? Long.decode(prop) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        runAllConfigs(seed);
    }

    /**
     * Regression: prepareRead's Javadoc promises extents "totalling min(howmuch, maxRead) bytes", but
     * with a single iovec (an array of capacity 1, or readIovecs=1) fillTailExtents takes the free
     * tail of the last data segment as the only extent even when it is too small, so the read is
     * short. libevent's evbuffer_expand_fast_(buf, n, 1) allocates one chain big enough instead.
     */
    @Test
    void shouldPrepareTheWholeReadWithASingleIovec()
    {
        try (SegmentPool pool = new SegmentPool(16, 1024, 8); IovecArray iov = new IovecArray(1))
        {
            final Evbuffer b = new Evbuffer(pool);
            assertEquals(0, b.add(new byte[10]));
            assertEquals(1, b.prepareRead(40, iov));
            assertEquals(40, iov.length(0), "iovec length of prepareRead(40) into one iovec");
            final ByteBuffer[] one = new ByteBuffer[1];
            assertEquals(1, b.prepareRead(40, one));
            assertEquals(40, one[0].remaining(), "ByteBuffer of prepareRead(40) into one ByteBuffer");
            b.free();
            assertEquals(0, pool.outstandingSegments());
        }
    }

    /**
     * Regression: with k >= 2 extents, prepareRead used to release a spare too small to be the last
     * extent and allocate one big enough for the rest; since reads take pooled extents
     * (fillTailExtents(..., pooledOnly = true)) that check is skipped, so an existing small spare
     * becomes the last extent and the read is short of min(howmuch, maxRead).
     */
    @Test
    void shouldPrepareTheWholeReadWhenASmallSpareTakesTheLastIovec()
    {
        try (SegmentPool pool = new SegmentPool(16, 1024, 8); IovecArray iov = new IovecArray(2))
        {
            final Evbuffer b = new Evbuffer(pool);
            assertEquals(0, b.add(new byte[16]));
            assertEquals(0, b.add(new byte[1]));
            assertEquals(0, b.drain(16));
            assertEquals(1, b.spareSegments(), "the drained 16-byte segment is kept as a spare");
            final ByteBuffer[] two = new ByteBuffer[2];
            final int k = b.prepareRead(100, two);
            long total = 0;
            for (int i = 0; i < k; i++)
            {
                total += two[i].remaining();
            }
            assertEquals(100, total, "prepareRead(100) into two ByteBuffers");
            final int j = b.prepareRead(100, iov);
            total = 0;
            for (int i = 0; i < j; i++)
            {
                total += iov.length(i);
            }
            assertEquals(100, total, "prepareRead(100) into two iovecs");
            b.free();
            assertEquals(0, pool.outstandingSegments());
        }
    }

    private static void runAllConfigs(final long seed)
    {
        long totalOps = 0;
        for (int c = 0; c < CONFIGS.length; c++)
        {
            final long t0 = System.nanoTime();
            final Driver d = new Driver(seed, c, CONFIGS[c]);
            d.run();
            System.out.printf("EvbufferDifferentialTest seed=0x%x segmentSize=%d: %d operations in %d ms%n",
                seed, CONFIGS[c][0], d.stepsRun, (System.nanoTime() - t0) / 1_000_000);
            totalOps += d.stepsRun;
        }
        assertTrue(totalOps >= 100_000, "ran " + totalOps + " operations");
    }

    // ================================================================== the driver

    private static final class Slot
    {
        Evbuffer buf;
        EvbufferModel model;
        final List<long[]> calls = new ArrayList<>();
        long lengthAtStepStart;
    }

    private static final class PtrSlot
    {
        final EvbufferPtr ptr = new EvbufferPtr();
        Evbuffer owner;
        long pos = -1;

        void set(final Evbuffer owner, final long pos)
        {
            this.owner = owner;
            this.pos = pos;
        }

        void invalidate()
        {
            owner = null;
            pos = -1;
        }
    }

    private static final class Ref
    {
        final int id;
        final long address;
        final int len;
        final byte[] original;
        int cleanups;

        Ref(final int id, final long address, final int len, final byte[] original)
        {
            this.id = id;
            this.address = address;
            this.len = len;
            this.original = original;
        }
    }

    private static final class Driver
    {
        private static final int SLOTS = 4;
        private static final EolStyle[] STYLES = EolStyle.values();

        private final long seed;
        private final int configIndex;
        private final int seg;
        private final int maxPooled;
        private final int ops;
        private final int softCap;
        private final int large;
        private final SplittableRandom rnd;
        private final SegmentPool pool;
        private final EvbufferModel.Ledger ledger = new EvbufferModel.Ledger();
        private final Slot[] slots = new Slot[SLOTS];
        private final PtrSlot[] ptrs = new PtrSlot[6];
        private final IovecArray[] iovs;
        private final ArrayDeque<String> recent = new ArrayDeque<>();
        private final List<String> errors = new ArrayList<>();
        private final List<Ref> allRefs = new ArrayList<>();
        private final List<Ref> pendingRefs = new ArrayList<>();
        private final List<Ref> rejectedRefs = new ArrayList<>();
        private final List<ByteBuffer> arenas = new ArrayList<>();
        private final UnsafeBuffer fly = new UnsafeBuffer(0, 0);
        private ByteBuffer directScratch = ByteBuffer.allocateDirect(4 << 20);
        private long directScratchAddress = BufferUtil.address(directScratch);
        private int directScratchPos;
        private ByteBuffer arena;
        private long arenaAddress;
        private int arenaPos;
        private Extents checkExtents = new Extents(64);
        private byte[] checkBytes = new byte[1024];
        private int nextRefId = 1;
        int stepsRun;
        private String currentOp = "";

        Driver(final long seed, final int configIndex, final int[] cfg)
        {
            this.seed = seed;
            this.configIndex = configIndex;
            this.seg = cfg[0];
            this.maxPooled = cfg[1];
            this.ops = cfg[3];
            this.softCap = cfg[4];
            this.large = cfg[5];
            this.rnd = new SplittableRandom(seed * 31 + configIndex);
            this.pool = new SegmentPool(cfg[0], cfg[1], cfg[2]);
            for (int i = 0; i < SLOTS; i++)
            {
                slots[i] = new Slot();
                fresh(slots[i]);
            }
            for (int i = 0; i < ptrs.length; i++)
            {
                ptrs[i] = new PtrSlot();
            }
            iovs = new IovecArray[] {new IovecArray(1), new IovecArray(2), new IovecArray(4), new IovecArray(8)};
            newArena(1 << 20);
        }

        private String context()
        {
            return "seed=0x" + Long.toHexString(seed) + " (rerun: -D" + SEED_PROPERTY + "=0x" +
                Long.toHexString(seed) + "), config=" + configIndex + " segmentSize=" + seg + ", step=" +
                stepsRun + ", op=" + currentOp + "\nrecent ops (oldest first):\n  " + String.join("\n  ", recent);
        }

        void run()
        {
            try
            {
                for (int step = 0; step < ops; step++)
                {
                    stepsRun = step;
                    beginStep();
                    currentOp = "";
                    oneStep();
                    recent.addLast(step + ": " + currentOp);
                    if (recent.size() > 25)
                    {
                        recent.removeFirst();
                    }
                    verifyAll();
                }
                stepsRun = ops;
                finish();
            }
            catch (final Throwable t)
            {
                final AssertionError e = new AssertionError(context() + "\n" + t, t);
                try
                {
                    for (final Slot s : slots)
                    {
                        s.buf.free();
                    }
                    pool.close();
                    for (final IovecArray iov : iovs)
                    {
                        iov.close();
                    }
                }
                catch (final Throwable ignore)
                {
                    e.addSuppressed(ignore);
                }
                throw e;
            }
        }

        private void finish()
        {
            currentOp = "finish: free everything";
            for (final Slot s : slots)
            {
                s.buf.free();
                s.model.freeAll();
                assertTrue(s.buf.isFreed());
            }
            checkErrors();
            assertEquals(0, pool.outstandingSegments(), "outstanding segments after freeing every buffer");
            assertEquals(0, pool.outstandingWrappers(), "outstanding wrappers after freeing every buffer");
            for (final Ref r : allRefs)
            {
                assertEquals(0, ledger.live(r.id));
                assertEquals(1, r.cleanups, "cleanup count of reference " + r.id + " (len " + r.len + ")");
            }
            for (final Ref r : rejectedRefs)
            {
                assertEquals(0, r.cleanups, "cleanup of a reference rejected by a frozen end ran");
            }
            pool.close();
            for (final IovecArray iov : iovs)
            {
                iov.close();
            }
        }

        private void fresh(final Slot s)
        {
            s.buf = new Evbuffer(pool);
            s.model = new EvbufferModel(ledger, s.buf.maxRead());
            s.calls.clear();
            s.lengthAtStepStart = 0;
            final Slot self = s;
            s.buf.addCallback((b, orig, added, deleted) ->
            {
                if (b != self.buf)
                {
                    errors.add("callback got a foreign buffer");
                }
                self.calls.add(new long[] {orig, added, deleted});
            });
        }

        private void beginStep()
        {
            directScratchPos = 0;
            for (final Slot s : slots)
            {
                s.calls.clear();
                s.model.added = 0;
                s.model.deleted = 0;
                s.lengthAtStepStart = s.model.length();
            }
        }

        private void op(final String name)
        {
            currentOp = currentOp.isEmpty() ? name : currentOp + "; " + name;
        }

        // ------------------------------------------------------------------ random inputs

        private int size()
        {
            final int r = rnd.nextInt(100);
            if (r < 6)
            {
                return 0;
            }
            if (r < 12)
            {
                return 1;
            }
            if (r < 28)
            {
                return rnd.nextInt(17);
            }
            if (r < 33)
            {
                return seg - 1;
            }
            if (r < 38)
            {
                return seg;
            }
            if (r < 43)
            {
                return seg + 1;
            }
            if (r < 46)
            {
                return 2 * seg;
            }
            if (r < 48)
            {
                return 2 * seg + (rnd.nextBoolean() ? 1 : -1);
            }
            if (r < 50)
            {
                return maxPooled + rnd.nextInt(3) - 1;
            }
            if (r < 92)
            {
                return rnd.nextInt(3 * seg + 2);
            }
            return rnd.nextInt(large + 1);
        }

        private byte[] data(final int n)
        {
            final byte[] b = new byte[n];
            final int mode = rnd.nextInt(10);
            for (int i = 0; i < n; i++)
            {
                if (mode < 4)
                {
                    final int r = rnd.nextInt(100);
                    b[i] = r < 12 ? (byte)'\n' : r < 20 ? (byte)'\r' : r < 28 ? 0 : (byte)('a' + rnd.nextInt(26));
                }
                else if (mode < 7)
                {
                    b[i] = (byte)rnd.nextInt(256);
                }
                else
                {
                    final int r = rnd.nextInt(300);
                    b[i] = r == 0 ? (byte)'\n' : r == 1 ? (byte)'\r' : r == 2 ? 0 : (byte)('A' + rnd.nextInt(26));
                }
            }
            return b;
        }

        private Slot slot()
        {
            return slots[rnd.nextInt(SLOTS)];
        }

        private PtrSlot ptrSlot()
        {
            return ptrs[rnd.nextInt(ptrs.length)];
        }

        private static boolean valid(final PtrSlot p, final Slot s)
        {
            return p.owner == s.buf && p.pos >= 0 && p.pos <= s.model.length();
        }

        /** A ptr for s: freshly set (valid or past the end), or whatever a random ptr slot holds. */
        private PtrSlot somePtr(final Slot s)
        {
            final PtrSlot p = ptrSlot();
            if (rnd.nextInt(100) < 65)
            {
                final int len = s.model.length();
                final long pos = rnd.nextInt(10) == 0 ? len + 1 + rnd.nextInt(3) : rnd.nextInt(len + 1);
                doPtrSet(s, p, pos, Evbuffer.PTR_SET);
                if (rnd.nextInt(4) == 0)
                {
                    doPtrSet(s, p, rnd.nextInt(Math.max(1, len + 3 - (int)Math.max(0, p.pos))), Evbuffer.PTR_ADD);
                }
            }
            return p;
        }

        private void doPtrSet(final Slot s, final PtrSlot p, final long position, final int how)
        {
            op("ptrSet(" + position + (how == Evbuffer.PTR_SET ? ", SET)" : ", ADD)"));
            final long target;
            final boolean ok;
            if (how == Evbuffer.PTR_SET)
            {
                target = position;
                ok = target <= s.model.length();
            }
            else
            {
                final boolean wasValid = p.owner == s.buf && p.pos >= 0;
                target = p.pos + position;
                ok = wasValid && target <= s.model.length();
            }
            final int r = s.buf.ptrSet(p.ptr, position, how);
            if (ok)
            {
                assertEquals(0, r, "ptrSet");
                p.set(s.buf, target);
            }
            else
            {
                assertEquals(-1, r, "ptrSet");
                p.invalidate();
            }
            assertEquals(p.pos, p.ptr.position(), "ptr position after ptrSet");
        }

        private void newArena(final int size)
        {
            arena = ByteBuffer.allocateDirect(size);
            arenas.add(arena);
            arenaAddress = BufferUtil.address(arena);
            arenaPos = 0;
        }

        private long arenaAlloc(final int n)
        {
            if (arenaPos + n + 8 > arena.capacity())
            {
                newArena(Math.max(1 << 20, n + 16));
            }
            final long a = arenaAddress + arenaPos;
            arenaPos += n + 8;
            return a;
        }

        private void forceDrain(final Slot s)
        {
            if (s.model.frozenStart)
            {
                op("unfreeze(start) for the soft cap");
                assertEquals(0, s.buf.unfreeze(true));
                s.model.frozenStart = false;
            }
            final long n = s.model.length() - softCap / 2 + rnd.nextInt(softCap / 2);
            op("drain(" + n + ") for the soft cap");
            assertEquals(s.model.drain(n), s.buf.drain(n));
        }

        // ------------------------------------------------------------------ one step

        private void oneStep()
        {
            for (final Slot s : slots)
            {
                if (s.model.length() > softCap)
                {
                    forceDrain(s);
                    return;
                }
            }
            final int r = rnd.nextInt(1000);
            final Slot s = slot();
            if (r < 400)
            {
                addOrTakeStep(r, s);
            }
            else if (r < 655)
            {
                moveOrReshapeStep(r, s);
            }
            else
            {
                readOrIoStep(r, s);
            }
        }

        /** r in [0, 400): adds, prepends, drains, removes, copyouts, ptr. */
        private void addOrTakeStep(final int r, final Slot s)
        {
            if (r < 70)
            {
                addArray(s);
            }
            else if (r < 100)
            {
                addByteBuffer(s);
            }
            else if (r < 125)
            {
                addAgrona(s);
            }
            else if (r < 145)
            {
                addAll(s);
            }
            else if (r < 175)
            {
                addText(s);
            }
            else if (r < 225)
            {
                prepend(s);
            }
            else if (r < 285)
            {
                drain(s);
            }
            else if (r < 325)
            {
                removeOrCopyout(s, true);
            }
            else if (r < 355)
            {
                removeOrCopyout(s, false);
            }
            else if (r < 385)
            {
                copyoutFrom(s);
            }
            else
            {
                ptrOp(s);
            }
        }

        /** r in [400, 655): moves between buffers, references, pullup, expand, reserve/commit. */
        private void moveOrReshapeStep(final int r, final Slot s)
        {
            if (r < 430)
            {
                addBuffer(s, slot());
            }
            else if (r < 450)
            {
                prependBuffer(s, slot());
            }
            else if (r < 490)
            {
                removeBuffer(s, slot());
            }
            else if (r < 530)
            {
                addReference(s);
            }
            else if (r < 555)
            {
                addBufferReference(s, slot());
            }
            else if (r < 585)
            {
                pullup(s);
            }
            else if (r < 605)
            {
                expand(s);
            }
            else
            {
                reserveCommit(s);
            }
        }

        /** r in [655, 1000): peek, search, readLine, freeze, prepare/commit, I/O, maxRead, free, queries. */
        private void readOrIoStep(final int r, final Slot s)
        {
            if (r < 685)
            {
                peek(s);
            }
            else if (r < 725)
            {
                search(s);
            }
            else if (r < 755)
            {
                searchEol(s);
            }
            else if (r < 815)
            {
                readLine(s);
            }
            else if (r < 855)
            {
                freeze(s);
            }
            else if (r < 895)
            {
                prepareCommitRead(s);
            }
            else if (r < 935)
            {
                prepareCommitWrite(s);
            }
            else if (r < 955)
            {
                readFrom(s);
            }
            else if (r < 975)
            {
                writeTo(s);
            }
            else if (r < 985)
            {
                maxRead(s);
            }
            else if (r < 993)
            {
                freeAndReplace(s);
            }
            else
            {
                queries(s);
            }
        }

        // ------------------------------------------------------------------ add

        private void addArray(final Slot s)
        {
            final int n = size();
            final byte[] d = data(n);
            if (rnd.nextBoolean())
            {
                op("add(byte[" + n + "])");
                assertEquals(s.model.add(d, 0, n), s.buf.add(d));
            }
            else
            {
                final int pad = rnd.nextInt(5);
                final byte[] big = new byte[n + pad + rnd.nextInt(5)];
                System.arraycopy(d, 0, big, pad, n);
                op("add(byte[], " + pad + ", " + n + ")");
                assertEquals(s.model.add(d, 0, n), s.buf.add(big, pad, n));
            }
        }

        private void addByteBuffer(final Slot s)
        {
            final int n = size();
            final byte[] d = data(n);
            final int kind = rnd.nextInt(5);
            final ByteBuffer bb = byteBuffer(d, kind);
            op("add(" + describe(bb) + " " + n + ")");
            final int pos = bb.position();
            final int expected = s.model.add(d, 0, n);
            assertEquals(expected, s.buf.add(bb));
            assertEquals(0 == expected ? bb.limit() : pos, bb.position(), "ByteBuffer position after add");
        }

        /** kind: 0 heap, 1 heap slice (array offset), 2 direct, 3 read-only heap, 4 read-only direct. */
        private ByteBuffer byteBuffer(final byte[] d, final int kind)
        {
            final int n = d.length;
            final int pad = rnd.nextInt(7);
            final ByteBuffer bb;
            switch (kind)
            {
                case 0:
                case 3:
                {
                    final byte[] arr = new byte[pad + n + rnd.nextInt(4)];
                    System.arraycopy(d, 0, arr, pad, n);
                    bb = ByteBuffer.wrap(arr);
                    bb.position(pad).limit(pad + n);
                    return 3 == kind ? bb.asReadOnlyBuffer() : bb;
                }
                case 1:
                {
                    final byte[] arr = new byte[pad + n + 3];
                    System.arraycopy(d, 0, arr, pad + 1, n);
                    final ByteBuffer sl = ByteBuffer.wrap(arr, pad, n + 2).slice();
                    sl.position(1).limit(1 + n);
                    return sl;
                }
                default:
                {
                    final int at = scratchRegion(n + pad);
                    final ByteBuffer dup = directScratch.duplicate();
                    dup.position(at).limit(at + pad + n);
                    dup.position(at + pad);
                    dup.put(d);
                    dup.position(at + pad);
                    return 4 == kind ? dup.asReadOnlyBuffer() : dup;
                }
            }
        }

        /**
         * @return the start of a region of directScratch not used by any other source of this step
         *     (a random gap keeps alignment varied)
         */
        private int scratchRegion(final int n)
        {
            int at = directScratchPos + rnd.nextInt(8);
            if (at + n > directScratch.capacity())
            {
                directScratch = ByteBuffer.allocateDirect(Math.max(4 << 20, n + 16));
                directScratchAddress = BufferUtil.address(directScratch);
                at = 0;
            }
            directScratchPos = at + n;
            return at;
        }

        private static String describe(final ByteBuffer bb)
        {
            return (bb.isDirect() ? "direct" : "heap") + (bb.isReadOnly() ? " read-only" : "") + " ByteBuffer";
        }

        private UnsafeBuffer agronaBuffer(final byte[] d, final int pad, final boolean offHeap)
        {
            final int cap = pad + d.length + rnd.nextInt(4);
            if (offHeap)
            {
                final int at = scratchRegion(cap);
                final UnsafeBuffer u = new UnsafeBuffer(directScratchAddress + at, cap);
                u.putBytes(pad, d);
                return u;
            }
            final UnsafeBuffer u = new UnsafeBuffer(new byte[cap]);
            u.putBytes(pad, d);
            return u;
        }

        private void addAgrona(final Slot s)
        {
            final int n = size();
            final byte[] d = data(n);
            final int pad = rnd.nextInt(6);
            final boolean offHeap = rnd.nextBoolean();
            final UnsafeBuffer u = agronaBuffer(d, pad, offHeap);
            op("add(" + (offHeap ? "off-heap" : "heap") + " UnsafeBuffer, " + pad + ", " + n + ")");
            assertEquals(s.model.add(d, 0, n), s.buf.add(u, pad, n));
        }

        private void addAll(final Slot s)
        {
            final int count = rnd.nextInt(5);
            final int off = rnd.nextInt(3);
            final ByteBuffer[] arr = new ByteBuffer[off + count + rnd.nextInt(2)];
            final ByteBuffer[] used = new ByteBuffer[count];
            int total = 0;
            final List<byte[]> parts = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final byte[] d = data(rnd.nextInt(4) == 0 ? size() : rnd.nextInt(seg + 2));
                final int kind = new int[] {0, 1, 2, 4}[rnd.nextInt(4)];
                arr[off + i] = byteBuffer(d, kind);
                used[i] = arr[off + i];
                parts.add(d);
                total += d.length;
            }
            final byte[] all = new byte[total];
            int at = 0;
            for (final byte[] p : parts)
            {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            op("addAll(" + count + " buffers, " + total + " bytes)");
            final int[] positions = new int[count];
            for (int i = 0; i < count; i++)
            {
                positions[i] = used[i].position();
            }
            final int expected = s.model.addCounted(all);
            assertEquals(expected, s.buf.addAll(arr, off, count));
            for (int i = 0; i < count; i++)
            {
                assertEquals(expected >= 0 ? used[i].limit() : positions[i], used[i].position());
            }
        }

        private String randomText()
        {
            final int n = rnd.nextInt(10) == 0 ? 200 + rnd.nextInt(400) : rnd.nextInt(20);
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                final int r = rnd.nextInt(100);
                if (r < 50)
                {
                    sb.append((char)(rnd.nextInt(10) == 0 ? "\r\n\0".charAt(rnd.nextInt(3)) : 'a' + rnd.nextInt(26)));
                }
                else if (r < 65)
                {
                    sb.append((char)(0x80 + rnd.nextInt(0x780)));
                }
                else if (r < 78)
                {
                    sb.append((char)(0x800 + rnd.nextInt(0xD000)));
                }
                else if (r < 90)
                {
                    sb.appendCodePoint(0x10000 + rnd.nextInt(0xFFFFF));
                }
                else if (r < 95)
                {
                    sb.append((char)(0xD800 + rnd.nextInt(0x400)));
                }
                else
                {
                    sb.append((char)(0xDC00 + rnd.nextInt(0x400)));
                }
            }
            return sb.toString();
        }

        private void addText(final Slot s)
        {
            final String text = randomText();
            final CharSequence cs = rnd.nextBoolean() ? text : new StringBuilder(text);
            final int which = rnd.nextInt(3);
            if (0 == which)
            {
                final byte[] ascii = new byte[text.length()];
                for (int i = 0; i < ascii.length; i++)
                {
                    final char c = text.charAt(i);
                    ascii[i] = c < 128 ? (byte)c : (byte)'?';
                }
                op("addAscii(" + text.length() + " chars)");
                assertEquals(s.model.addCounted(ascii), s.buf.addAscii(cs));
            }
            else if (1 == which)
            {
                op("addUtf8(" + text.length() + " chars)");
                assertEquals(s.model.addCounted(text.getBytes(StandardCharsets.UTF_8)), s.buf.addUtf8(cs));
            }
            else
            {
                final int num = rnd.nextInt();
                op("addFormat(%s|%d)");
                final byte[] expected = String.format("%s|%d\n", text, num).getBytes(StandardCharsets.UTF_8);
                assertEquals(s.model.addCounted(expected), s.buf.addFormat("%s|%d\n", text, num));
            }
        }

        // ------------------------------------------------------------------ prepend

        private void prepend(final Slot s)
        {
            final int n = size();
            final byte[] d = data(n);
            final int variant = rnd.nextInt(6);
            switch (variant)
            {
                case 0:
                    op("prepend(byte[" + n + "])");
                    assertEquals(s.model.prepend(d, 0, n), s.buf.prepend(d));
                    break;
                case 1:
                {
                    final int pad = rnd.nextInt(4);
                    final byte[] big = new byte[pad + n + 2];
                    System.arraycopy(d, 0, big, pad, n);
                    op("prepend(byte[], " + pad + ", " + n + ")");
                    assertEquals(s.model.prepend(d, 0, n), s.buf.prepend(big, pad, n));
                    break;
                }
                case 2:
                case 3:
                {
                    // Read-only heap ByteBuffers are left out: prepend rejects them (see EvbufferBadInputTest).
                    final ByteBuffer bb = byteBuffer(d, new int[] {0, 1, 2, 4}[rnd.nextInt(4)]);
                    final int pos = bb.position();
                    op("prepend(" + describe(bb) + " " + n + ")");
                    final int expected = s.model.prepend(d, 0, n);
                    assertEquals(expected, s.buf.prepend(bb));
                    assertEquals(0 == expected ? bb.limit() : pos, bb.position());
                    break;
                }
                default:
                {
                    final int pad = rnd.nextInt(5);
                    final boolean offHeap = 4 == variant;
                    op("prepend(" + (offHeap ? "off-heap" : "heap") + " UnsafeBuffer, " + pad + ", " + n + ")");
                    assertEquals(s.model.prepend(d, 0, n), s.buf.prepend(agronaBuffer(d, pad, offHeap), pad, n));
                    break;
                }
            }
        }

        // ------------------------------------------------------------------ drain, remove, copyout

        private void drain(final Slot s)
        {
            final int len = s.model.length();
            final int r = rnd.nextInt(10);
            final long n = r == 0 ? len : r == 1 ? len + 1 : r == 2 ? Long.MAX_VALUE : r == 3 ? 0 :
                r < 6 ? rnd.nextInt(len + 1) : size();
            op("drain(" + n + ")");
            assertEquals(s.model.drain(n), s.buf.drain(n));
        }

        private void removeOrCopyout(final Slot s, final boolean remove)
        {
            final String name = remove ? "remove" : "copyout";
            final int len = s.model.length();
            final int n = rnd.nextInt(4) == 0 ? len + rnd.nextInt(3) : size();
            final int pad = rnd.nextInt(5);
            final int variant = rnd.nextInt(5);
            final byte[] expectedBytes = s.model.copy(0, Math.min(n, len));
            final int expected = remove ? s.model.remove(n) : s.model.copyoutCount(n);
            final byte sentinel = (byte)0xA5;
            final byte[] got;
            switch (variant)
            {
                case 0:
                {
                    final byte[] dst = new byte[pad + n + 3];
                    Arrays.fill(dst, sentinel);
                    op(name + "(byte[], " + pad + ", " + n + ")");
                    assertEquals(expected, remove ? s.buf.remove(dst, pad, n) : s.buf.copyout(dst, pad, n));
                    checkSentinels(dst, pad, Math.max(0, expected), sentinel);
                    got = Arrays.copyOfRange(dst, pad, pad + Math.max(0, expected));
                    break;
                }
                case 1:
                case 2:
                {
                    final ByteBuffer dst;
                    if (1 == variant)
                    {
                        dst = ByteBuffer.wrap(new byte[pad + n + 2]);
                    }
                    else
                    {
                        final int at = scratchRegion(n + pad + 2);
                        final ByteBuffer dup = directScratch.duplicate();
                        dup.position(at).limit(at + pad + n + 2);
                        dst = dup.slice();
                    }
                    dst.position(pad).limit(pad + n);
                    op(name + "(" + describe(dst) + " remaining " + n + ")");
                    assertEquals(expected, remove ? s.buf.remove(dst) : s.buf.copyout(dst));
                    assertEquals(pad + Math.max(0, expected), dst.position(), "destination position");
                    got = new byte[Math.max(0, expected)];
                    dst.get(pad, got, 0, got.length);
                    break;
                }
                default:
                {
                    final boolean offHeap = 3 == variant;
                    final UnsafeBuffer dst = agronaBuffer(new byte[n + 2], 0, offHeap);
                    dst.setMemory(0, dst.capacity(), sentinel);
                    op(name + "(" + (offHeap ? "off-heap" : "heap") + " UnsafeBuffer, " + pad + ", " + n + ")");
                    final int index = Math.min(pad, dst.capacity() - n);
                    assertEquals(expected, remove ? s.buf.remove(dst, index, n) :
                        s.buf.copyout(dst, index, n));
                    got = new byte[Math.max(0, expected)];
                    dst.getBytes(index, got);
                    for (int i = 0; i < dst.capacity(); i++)
                    {
                        if (i < index || i >= index + got.length)
                        {
                            assertEquals(sentinel, dst.getByte(i), "byte outside the copied range changed");
                        }
                    }
                    break;
                }
            }
            if (expected > 0)
            {
                assertArrayEquals(expectedBytes, got, name + " content");
            }
        }

        private static void checkSentinels(final byte[] dst, final int from, final int n, final byte sentinel)
        {
            for (int i = 0; i < dst.length; i++)
            {
                if (i < from || i >= from + n)
                {
                    assertEquals(sentinel, dst[i], "byte " + i + " outside the copied range changed");
                }
            }
        }

        private void copyoutFrom(final Slot s)
        {
            final PtrSlot p = somePtr(s);
            final int n = rnd.nextInt(3) == 0 ? s.model.length() + 2 : size();
            final int pad = rnd.nextInt(4);
            final byte[] dst = new byte[pad + n + 2];
            Arrays.fill(dst, (byte)0x5A);
            op("copyoutFrom(ptr " + p.pos + (p.owner == s.buf ? "" : " foreign") + ", " + n + ")");
            final boolean ok = !s.model.frozenStart && valid(p, s);
            final int expected = ok ? (int)Math.min(n, s.model.length() - p.pos) : -1;
            assertEquals(expected, s.buf.copyoutFrom(p.ptr, dst, pad, n));
            checkSentinels(dst, pad, Math.max(0, expected), (byte)0x5A);
            if (expected > 0)
            {
                assertArrayEquals(s.model.copy(p.pos, expected), Arrays.copyOfRange(dst, pad, pad + expected));
            }
        }

        private void ptrOp(final Slot s)
        {
            final PtrSlot p = ptrSlot();
            final int len = s.model.length();
            if (rnd.nextBoolean())
            {
                doPtrSet(s, p, rnd.nextInt(len + 3), Evbuffer.PTR_SET);
            }
            else
            {
                doPtrSet(s, p, rnd.nextInt(Math.max(1, len / 2 + 2)), Evbuffer.PTR_ADD);
            }
        }

        // ------------------------------------------------------------------ moves

        private void addBuffer(final Slot dst, final Slot src)
        {
            op("addBuffer(" + src.model.length() + " bytes" + (dst == src ? ", same buffer" : "") + ")");
            assertEquals(EvbufferModel.addBuffer(dst.model, src.model), dst.buf.addBuffer(src.buf));
        }

        private void prependBuffer(final Slot dst, final Slot src)
        {
            op("prependBuffer(" + src.model.length() + " bytes" + (dst == src ? ", same buffer" : "") + ")");
            assertEquals(EvbufferModel.prependBuffer(dst.model, src.model), dst.buf.prependBuffer(src.buf));
        }

        private void removeBuffer(final Slot src, final Slot dst)
        {
            final int len = src.model.length();
            final int r = rnd.nextInt(8);
            final long n = r == 0 ? 0 : r == 1 ? len : r == 2 ? Long.MAX_VALUE : r < 5 ? rnd.nextInt(len + 1) : size();
            op("removeBuffer(" + n + " of " + len + (dst == src ? ", same buffer" : "") + ")");
            assertEquals(EvbufferModel.removeBuffer(src.model, dst.model, n), src.buf.removeBuffer(dst.buf, n));
        }

        // ------------------------------------------------------------------ references

        private void addReference(final Slot s)
        {
            final int n = rnd.nextInt(12) == 0 ? 0 : size();
            final byte[] d = data(n);
            final long address = arenaAlloc(n);
            new UnsafeBuffer(address, n + 8).putBytes(0, d);
            final int id = nextRefId++;
            final Ref ref = new Ref(id, address, n, d);
            final ReferenceCleanup cleanup = (a, l) -> onCleanup(ref, a, l);
            final int variant = rnd.nextInt(3);
            final int r;
            if (0 == variant)
            {
                op("addReference(address, " + n + ") #" + id);
                r = s.buf.addReference(address, n, cleanup);
            }
            else if (1 == variant)
            {
                final ByteBuffer bb = arena.duplicate();
                final int at = (int)(address - arenaAddress);
                bb.limit(at + n).position(at);
                op("addReference(direct ByteBuffer, " + n + ") #" + id);
                r = s.buf.addReference(bb, cleanup);
                assertEquals(at, bb.position(), "addReference must not move the ByteBuffer");
            }
            else
            {
                final int index = (int)Math.min(address - arenaAddress, rnd.nextInt(5));
                final UnsafeBuffer u = new UnsafeBuffer(address - index, index + n + 8);
                op("addReference(off-heap UnsafeBuffer, " + index + ", " + n + ") #" + id);
                r = s.buf.addReference(u, index, n, cleanup);
            }
            final int expected = s.model.addReference(d, id);
            assertEquals(expected, r, "addReference");
            if (expected < 0)
            {
                rejectedRefs.add(ref);
                assertEquals(0, ref.cleanups, "cleanup of a rejected reference ran");
            }
            else if (0 == n)
            {
                assertEquals(1, ref.cleanups, "cleanup of a zero-length reference must run at once");
                allRefs.add(ref);
            }
            else
            {
                allRefs.add(ref);
                pendingRefs.add(ref);
            }
        }

        private void onCleanup(final Ref ref, final long address, final int len)
        {
            ref.cleanups++;
            if (ref.cleanups > 1)
            {
                errors.add("cleanup of reference " + ref.id + " ran " + ref.cleanups + " times");
                return;
            }
            if (address != ref.address || len != ref.len)
            {
                errors.add("cleanup of reference " + ref.id + " got (" + address + ", " + len + "), expected (" +
                    ref.address + ", " + ref.len + ")");
                return;
            }
            if (0 == len)
            {
                return;
            }
            final UnsafeBuffer mem = new UnsafeBuffer(address, len);
            for (int i = 0; i < len; i++)
            {
                if (mem.getByte(i) != ref.original[i])
                {
                    errors.add("referenced memory of #" + ref.id + " was written at " + i);
                    break;
                }
                // poison: any later read of this memory through a buffer shows up as a content mismatch
                mem.putByte(i, (byte)~ref.original[i]);
            }
        }

        private void addBufferReference(final Slot dst, final Slot src)
        {
            op("addBufferReference(" + src.model.length() + " bytes" + (dst == src ? ", same buffer" : "") + ")");
            final int expected = EvbufferModel.addBufferReferenceExpected(dst.model, src.model);
            final int r = dst.buf.addBufferReference(src.buf);
            if (EvbufferModel.EITHER == expected)
            {
                assertTrue(0 == r || -1 == r, "addBufferReference returned " + r);
            }
            else
            {
                assertEquals(expected, r, "addBufferReference");
            }
            if (0 == r)
            {
                EvbufferModel.applyBufferReference(dst.model, src.model);
            }
        }

        // ------------------------------------------------------------------ pullup, expand

        private void pullup(final Slot s)
        {
            final int len = s.model.length();
            final int r = rnd.nextInt(12);
            final long n = r == 0 ? -1 : r == 1 ? 0 : r == 2 ? 1 : r == 3 ? len : r == 4 ? len + 1 :
                r == 5 ? Long.MAX_VALUE : r == 6 ? Long.MIN_VALUE : r == 7 ? seg + rnd.nextInt(3) - 1 :
                rnd.nextInt(len + 1);
            final long want = n < 0 ? len : n;
            final boolean expectNull = 0 == want || want > len;
            final UnsafeBuffer view;
            if (rnd.nextBoolean())
            {
                op("pullup(" + n + ")");
                final long address = s.buf.pullup(n);
                if (expectNull)
                {
                    assertEquals(0, address, "pullup must return NULL");
                    return;
                }
                assertNotEquals(0, address, "pullup returned NULL");
                view = new UnsafeBuffer(address, (int)want);
            }
            else
            {
                op("pullup(" + n + ", UnsafeBuffer)");
                view = new UnsafeBuffer(0, 0);
                final boolean ok = s.buf.pullup(n, view);
                assertEquals(!expectNull, ok, "pullup(n, into)");
                if (expectNull)
                {
                    return;
                }
                assertEquals(want, view.capacity(), "pulled-up flyweight capacity");
            }
            final byte[] got = new byte[(int)want];
            view.getBytes(0, got);
            assertArrayEquals(s.model.copy(0, (int)want), got, "pulled-up bytes");
            assertTrue(s.buf.contiguousSpace() >= want, "contiguous space after pullup(" + want + ")");
        }

        private void expand(final Slot s)
        {
            final int n = size();
            op("expand(" + n + ")");
            assertEquals(0, s.buf.expand(n));
            if (n > 0 && !s.model.frozenEnd && rnd.nextInt(10) < 6)
            {
                final long before = pool.outstandingSegments();
                final byte[] d = data(n);
                op("add(byte[" + n + "]) after expand");
                assertEquals(s.model.add(d, 0, n), s.buf.add(d));
                assertEquals(before, pool.outstandingSegments(), "add after expand(" + n + ") allocated a segment");
                final int segs = s.buf.segmentCount();
                final Extents e = new Extents(segs);
                assertEquals(segs, s.buf.peek(-1, null, e));
                assertTrue(e.length(segs - 1) >= n, "the " + n + " bytes appended after expand are not in one segment");
            }
        }

        // ------------------------------------------------------------------ reserve / commit

        private void writeExtents(final Extents e, final int count, final byte[][] written)
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] d = data(e.length(i));
                written[i] = d;
                if (rnd.nextBoolean())
                {
                    final ByteBuffer bb = e.buffer(i);
                    assertEquals(e.length(i), bb.remaining());
                    bb.put(d);
                }
                else
                {
                    e.wrap(i, fly);
                    assertEquals(e.length(i), fly.capacity());
                    fly.putBytes(0, d);
                }
            }
        }

        /**
         * Between reserveSpace and commitSpace: at random, reserves again, queries, changes the buffer
         * (add, drain, prepend), freezes its end for a refused commit, or adds to another slot.
         *
         * @return whether the reservation is still valid after what was done
         */
        private boolean interveneBeforeCommitSpace(final Slot s, final Extents e, final int k, final int r,
            final int size)
        {
            boolean stillValid = true;
            final int intervention = rnd.nextInt(20);
            if (intervention < 2)
            {
                final Extents again = new Extents(k);
                op("reserve again");
                assertEquals(r, s.buf.reserveSpace(size, again), "second reserveSpace");
                for (int i = 0; i < r; i++)
                {
                    assertEquals(e.address(i), again.address(i), "second reservation, extent " + i);
                    assertEquals(e.length(i), again.length(i), "second reservation, extent " + i);
                }
            }
            else if (intervention < 4)
            {
                queries(s);
            }
            else if (intervention < 6)
            {
                final byte[] d = data(1 + rnd.nextInt(seg + 1));
                op("add(" + d.length + ") before commit");
                assertEquals(s.model.add(d, 0, d.length), s.buf.add(d));
                stillValid = false;
            }
            else if (intervention < 7)
            {
                if (s.model.length() > 0 && !s.model.frozenStart)
                {
                    op("drain(1) before commit");
                    stillValid = false;
                }
                else
                {
                    op("no-op drain(1) before commit");
                }
                assertEquals(s.model.drain(1), s.buf.drain(1));
            }
            else if (intervention < 8)
            {
                final byte[] d = data(1 + rnd.nextInt(3));
                op("prepend(" + d.length + ") before commit");
                stillValid = s.model.frozenStart;
                assertEquals(s.model.prepend(d, 0, d.length), s.buf.prepend(d));
            }
            else if (intervention < 9)
            {
                op("freeze(end) before commit");
                assertEquals(0, s.buf.freeze(false));
                assertEquals(-1, s.buf.commitSpace(e, r), "commitSpace on a frozen end");
                assertEquals(0, s.buf.unfreeze(false));
            }
            else if (intervention < 11)
            {
                final Slot other = slot();
                if (other != s)
                {
                    addArray(other);
                }
            }
            return stillValid;
        }

        private void reserveCommit(final Slot s)
        {
            final int k = new int[] {0, 1, 1, 1, 2, 2, 3, 4, 6}[rnd.nextInt(9)];
            final int size = size();
            final Extents e = new Extents(k);
            op("reserveSpace(" + size + ", " + k + " extents)");
            final int r = s.buf.reserveSpace(size, e);
            if (s.model.frozenEnd || k < 1)
            {
                assertEquals(-1, r, "reserveSpace");
                return;
            }
            assertTrue(r >= 1 && r <= k, "reserveSpace returned " + r + " for " + k + " extents");
            assertEquals(r, e.count());
            assertEquals(s.model.length(), s.buf.length(), "reserveSpace changed the length");
            if (1 == r)
            {
                assertTrue(e.length(0) >= size, "one extent smaller than the size reserved");
            }
            assertTrue(e.totalLength() >= size, "extents smaller than the size reserved: " + e.totalLength());
            final byte[][] written = new byte[r][];
            writeExtents(e, r, written);

            final boolean stillValid = interveneBeforeCommitSpace(s, e, k, r, size);

            final int c = rnd.nextInt(20) == 0 ? r + 1 : rnd.nextInt(r + 1);
            boolean overgrown = false;
            final int limit = Math.min(c, r);
            final int[] lens = new int[limit];
            long total = 0;
            for (int i = 0; i < limit; i++)
            {
                final int len = written[i].length;
                final int pick = rnd.nextInt(10);
                final int newLen = pick < 3 ? len : pick < 5 ? 0 : rnd.nextInt(len + 1);
                setLength(e, i, newLen, stillValid);
                lens[i] = newLen;
                total += newLen;
            }
            if (limit > 0 && rnd.nextInt(20) == 0)
            {
                final int i = rnd.nextInt(limit);
                setLength(e, i, written[i].length + 1, stillValid);
                overgrown = true;
            }
            op("commitSpace(" + c + " of " + r + ", " + total + " bytes" + (overgrown ? ", one overgrown" : "") + ")");
            final int expected;
            if (0 == c)
            {
                expected = 0;
            }
            else if (!stillValid || c > r || overgrown)
            {
                expected = -1;
            }
            else
            {
                expected = 0;
            }
            assertEquals(expected, s.buf.commitSpace(e, c), "commitSpace");
            if (0 == expected && c > 0)
            {
                for (int i = 0; i < c; i++)
                {
                    s.model.appendRaw(written[i], 0, lens[i], 0);
                }
                if (total > 0 && rnd.nextInt(5) == 0)
                {
                    op("commit again");
                    assertEquals(-1, s.buf.commitSpace(e, c), "second commit of the same reservation");
                    assertThrows(IllegalStateException.class, () -> e.length(0), "extents after their commit");
                }
            }
        }

        /**
         * Shrinks a reserved extent; once the buffer changed since the reservation, the extents refuse.
         */
        private void setLength(final Extents e, final int i, final int len, final boolean stillValid)
        {
            if (stillValid)
            {
                e.setLength(i, len);
            }
            else
            {
                assertThrows(IllegalStateException.class, () -> e.setLength(i, len), "stale extents, setLength");
                assertThrows(IllegalStateException.class, () -> e.length(i), "stale extents, length");
                assertThrows(IllegalStateException.class, () -> e.address(i), "stale extents, address");
            }
        }

        // ------------------------------------------------------------------ peek

        private void peek(final Slot s)
        {
            final int len = s.model.length();
            final int k = rnd.nextInt(6);
            final int r0 = rnd.nextInt(8);
            final long n = r0 == 0 ? -1 : r0 == 1 ? 0 : r0 == 2 ? len : r0 == 3 ? Long.MAX_VALUE : rnd.nextInt(len + 2);
            PtrSlot p = null;
            long start = 0;
            if (rnd.nextBoolean())
            {
                p = ptrSlot();
                final long pos = rnd.nextInt(len + 1);
                doPtrSet(s, p, pos, Evbuffer.PTR_SET);
                start = pos;
            }
            final Extents e = new Extents(k);
            op("peek(" + n + ", " + (null == p ? "null" : "ptr " + start) + ", " + k + " extents)");
            final int r = s.buf.peek(n, null == p ? null : p.ptr, e);
            final long avail = len - start;
            if (0 == avail)
            {
                assertEquals(0, r, "peek at the end or of an empty buffer");
                assertEquals(0, e.count());
                return;
            }
            final int filled = Math.min(r, k);
            assertEquals(filled, e.count(), "extents filled by peek");
            long sum = 0;
            int lastLen = 0;
            for (int i = 0; i < filled; i++)
            {
                lastLen = e.length(i);
                assertTrue(lastLen > 0, "empty extent from peek");
                final byte[] got = new byte[lastLen];
                e.wrap(i, fly);
                fly.getBytes(0, got);
                assertArrayEquals(s.model.copy(start + sum, lastLen), got, "peek extent " + i);
                final ByteBuffer bb = e.buffer(i);
                assertEquals(lastLen, bb.remaining());
                assertEquals(got[0], bb.get(bb.position()));
                sum += lastLen;
            }
            assertTrue(sum <= avail);
            if (n < 0)
            {
                if (0 == k)
                {
                    if (null == p)
                    {
                        assertEquals(s.buf.segmentCount(), r, "peek(-1, null, 0 extents) must count the segments");
                    }
                    assertTrue(r >= 1);
                }
                else
                {
                    assertTrue(r <= k, "peek(-1) returned more than its capacity");
                    if (r < k)
                    {
                        assertEquals(avail, sum, "peek(-1) did not cover everything");
                    }
                }
            }
            else if (n > 0)
            {
                if (r <= k)
                {
                    assertTrue(sum >= Math.min(n, avail), "peek extents do not cover " + n);
                    assertTrue(sum - lastLen < n, "peek returned more extents than needed for " + n);
                }
                else
                {
                    assertTrue(sum < n, "peek needs more extents although the filled ones cover " + n);
                }
            }
            else if (null == p)
            {
                assertEquals(0, r, "peek(0, null)");
            }
        }

        // ------------------------------------------------------------------ search, eol, lines

        private byte[] pattern(final Slot s)
        {
            final int len = s.model.length();
            final int r = rnd.nextInt(10);
            if (r < 5 && len > 0)
            {
                final int at = rnd.nextInt(len);
                final int n = 1 + rnd.nextInt(Math.min(len - at, 2 * seg + 3));
                return s.model.copy(at, n);
            }
            if (r < 8)
            {
                final byte[] p = new byte[1 + rnd.nextInt(3)];
                for (int i = 0; i < p.length; i++)
                {
                    p[i] = (byte)"\r\n\0ab".charAt(rnd.nextInt(5));
                }
                return p;
            }
            if (r < 9)
            {
                return new byte[0];
            }
            return data(1 + rnd.nextInt(len + 2));
        }

        private void search(final Slot s)
        {
            final byte[] what = pattern(s);
            final int len = s.model.length();
            final int variant = rnd.nextInt(4);
            if (0 == variant)
            {
                op("search(" + what.length + " bytes)");
                assertEquals(s.model.search(what, 0, what.length, 0, len), s.buf.search(what));
            }
            else if (1 == variant)
            {
                final long start = rnd.nextInt(len + 3);
                op("search(" + what.length + " bytes, " + start + ")");
                final long expected = start > len ? -1 : s.model.search(what, 0, what.length, start, len);
                assertEquals(expected, s.buf.search(what, start));
            }
            else if (2 == variant)
            {
                final long start = rnd.nextInt(len + 3);
                final long end = rnd.nextInt(4) == 0 ? len : rnd.nextInt(len + 3);
                op("searchRange(" + what.length + " bytes, " + start + ", " + end + ")");
                final long expected = start > len || end > len ? -1 : s.model.search(what, 0, what.length, start, end);
                assertEquals(expected, s.buf.searchRange(what, start, end));
            }
            else
            {
                final int pad = rnd.nextInt(4);
                final byte[] arr = new byte[pad + what.length + rnd.nextInt(3)];
                Arrays.fill(arr, (byte)'\n');
                System.arraycopy(what, 0, arr, pad, what.length);
                final PtrSlot start = rnd.nextBoolean() ? somePtr(s) : null;
                final PtrSlot end = rnd.nextInt(3) == 0 ? somePtr(s) : null;
                final PtrSlot result = rnd.nextBoolean() ? ptrSlot() : null;
                op("search(" + what.length + " bytes, start " + (null == start ? "null" : start.pos) + ", end " +
                    (null == end ? "null" : end.pos) + ", result " + (null != result) + ")");
                long expected;
                if ((null != start && !valid(start, s)) || (null != end && !valid(end, s)))
                {
                    expected = -1;
                }
                else
                {
                    final long from = null == start ? 0 : start.pos;
                    final long limit = null == end ? len : end.pos;
                    expected = s.model.search(what, 0, what.length, from, limit);
                }
                assertEquals(expected, s.buf.search(arr, pad, what.length, null == start ? null : start.ptr,
                    null == end ? null : end.ptr, null == result ? null : result.ptr));
                if (null != result)
                {
                    if (expected >= 0)
                    {
                        result.set(s.buf, expected);
                    }
                    else
                    {
                        result.invalidate();
                    }
                    assertEquals(expected, result.ptr.position(), "search result ptr");
                }
            }
        }

        private void searchEol(final Slot s)
        {
            final EolStyle style = STYLES[rnd.nextInt(STYLES.length)];
            final PtrSlot start = rnd.nextInt(3) > 0 ? somePtr(s) : null;
            final PtrSlot result = rnd.nextInt(4) > 0 ? ptrSlot() : null;
            op("searchEol(" + style + ", start " + (null == start ? "null" : start.pos) + ")");
            final long[] expected;
            if (null != start && !valid(start, s))
            {
                expected = new long[] {-1, 0};
            }
            else
            {
                expected = s.model.searchEol(null == start ? 0 : start.pos, style);
            }
            assertEquals(expected[1], s.buf.searchEol(null == start ? null : start.ptr, style,
                null == result ? null : result.ptr), "searchEol length");
            if (null != result)
            {
                if (expected[0] >= 0)
                {
                    result.set(s.buf, expected[0]);
                }
                else
                {
                    result.invalidate();
                }
                assertEquals(expected[0], result.ptr.position(), "searchEol position");
            }
        }

        private void readLine(final Slot s)
        {
            final EolStyle style = STYLES[rnd.nextInt(STYLES.length)];
            final int variant = rnd.nextInt(4);
            if (variant < 2)
            {
                op("readLine(" + style + (0 == variant ? ")" : ", UTF-8)"));
                final byte[] line = s.model.readLine(style);
                final String got = 0 == variant ? s.buf.readLine(style) :
                    s.buf.readLine(style, StandardCharsets.UTF_8);
                if (null == line)
                {
                    assertNull(got, "readLine");
                }
                else
                {
                    assertEquals(new String(line, 0 == variant ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8),
                        got, "readLine");
                }
                return;
            }
            final long[] eol = s.model.searchEol(0, style);
            final int cap = eol[0] >= 0 && rnd.nextBoolean() ?
                (int)Math.max(0, eol[0] + rnd.nextInt(5) - 2) : rnd.nextInt(2 * seg + 2);
            final int pad = rnd.nextInt(4);
            final byte[] line = new byte[cap];
            final int expected = s.model.readLineInto(style, cap, line);
            final byte sentinel = (byte)0xC3;
            final byte[] got;
            if (2 == variant)
            {
                final byte[] dst = new byte[pad + cap + 2];
                Arrays.fill(dst, sentinel);
                op("readLine(" + style + ", byte[], " + pad + ", " + cap + ")");
                assertEquals(expected, s.buf.readLine(style, dst, pad, cap), "readLine into byte[]");
                checkSentinels(dst, pad, Math.max(0, expected), sentinel);
                got = Arrays.copyOfRange(dst, pad, pad + Math.max(0, expected));
            }
            else
            {
                final UnsafeBuffer dst = agronaBuffer(new byte[pad + cap + 2], 0, rnd.nextBoolean());
                dst.setMemory(0, dst.capacity(), sentinel);
                op("readLine(" + style + ", UnsafeBuffer, " + pad + ", " + cap + ")");
                assertEquals(expected, s.buf.readLine(style, dst, pad, cap),
                    "readLine into UnsafeBuffer");
                got = new byte[Math.max(0, expected)];
                dst.getBytes(pad, got);
                for (int i = 0; i < dst.capacity(); i++)
                {
                    if (i < pad || i >= pad + got.length)
                    {
                        assertEquals(sentinel, dst.getByte(i));
                    }
                }
            }
            if (expected > 0)
            {
                assertArrayEquals(Arrays.copyOf(line, expected), got, "line read");
            }
        }

        // ------------------------------------------------------------------ freeze, maxRead, free

        private void freeze(final Slot s)
        {
            final boolean atFront = rnd.nextBoolean();
            final boolean frozen = rnd.nextInt(100) < 35;
            op((frozen ? "freeze(" : "unfreeze(") + (atFront ? "start)" : "end)"));
            assertEquals(0, frozen ? s.buf.freeze(atFront) : s.buf.unfreeze(atFront));
            if (atFront)
            {
                s.model.frozenStart = frozen;
            }
            else
            {
                s.model.frozenEnd = frozen;
            }
        }

        private void maxRead(final Slot s)
        {
            final int v = new int[] {1, 7, seg, seg + 1, 4096, 16 * 1024, 40_000}[rnd.nextInt(7)];
            op("maxRead(" + v + ")");
            assertEquals(0, s.buf.setMaxRead(v));
            assertEquals(v, s.buf.maxRead());
            s.model.maxRead = v;
        }

        private void freeAndReplace(final Slot s)
        {
            op("free and replace (" + s.model.length() + " bytes)");
            if (rnd.nextBoolean())
            {
                s.buf.free();
            }
            else
            {
                s.buf.close();
            }
            assertTrue(s.buf.isFreed());
            s.model.freeAll();
            fresh(s);
        }

        private void queries(final Slot s)
        {
            op("queries");
            final int len = s.model.length();
            assertEquals(s.model.copyoutCount(len), s.buf.copyout(new byte[len], 0, len));
            assertEquals(len, s.buf.length());
            assertTrue(s.buf.segmentCount() <= len);
            assertTrue(s.buf.spareSegments() >= 0);
            assertFalse(s.buf.isFreed());
            assertSame(pool, s.buf.pool());
            assertTrue(s.buf.toString().startsWith("Evbuffer(length=" + len));
        }

        // ------------------------------------------------------------------ scatter / gather

        private void prepareCommitRead(final Slot s)
        {
            final int r0 = rnd.nextInt(10);
            final int howmuch = r0 == 0 ? -1 : r0 == 1 ? 0 : r0 == 2 ? Integer.MAX_VALUE : size();
            final boolean useIov = rnd.nextBoolean();
            final ByteBuffer[] bufs = useIov ? null : new ByteBuffer[1 + rnd.nextInt(6)];
            final IovecArray iov = useIov ? iovs[rnd.nextInt(iovs.length)] : null;
            final int arrayLen = useIov ? iov.capacity() : bufs.length;
            op("prepareRead(" + howmuch + ", " + (useIov ? "iovec[" : "ByteBuffer[") + arrayLen + "])");
            final int k = useIov ? s.buf.prepareRead(howmuch, iov) : s.buf.prepareRead(howmuch, bufs);
            if (s.model.frozenEnd)
            {
                assertEquals(-1, k, "prepareRead on a frozen end");
                return;
            }
            final long want = howmuch < 0 ? s.model.maxRead : Math.min(howmuch, s.model.maxRead);
            if (0 == want)
            {
                assertEquals(0, k, "prepareRead of 0 bytes");
                return;
            }
            assertTrue(k >= 1 && k <= Math.min(arrayLen, BufferConfiguration.readIovecs()),
                "prepareRead returned " + k);
            assertEquals(s.model.length(), s.buf.length(), "prepareRead changed the length");
            final byte[][] written = new byte[k][];
            long total = 0;
            for (int i = 0; i < k; i++)
            {
                final int len;
                if (useIov)
                {
                    assertEquals(k, iov.count());
                    len = (int)iov.length(i);
                    written[i] = data(len);
                    fly.wrap(iov.base(i), len);
                    fly.putBytes(0, written[i]);
                }
                else
                {
                    len = bufs[i].remaining();
                    written[i] = data(len);
                    bufs[i].put(written[i]);
                }
                assertTrue(len > 0, "empty read extent");
                total += len;
            }
            // The Javadoc promises exactly want; known bugs (shouldPrepareTheWholeReadWithASingleIovec,
            // shouldPrepareTheWholeReadWhenASmallSpareTakesTheLastIovec) make reads short, which is
            // harmless for the content, so the model only requires a non-empty read of at most want.
            assertTrue(total >= 1 && total <= want, "prepared read total " + total + " for " + want);
            final boolean stillValid = interveneBeforeCommit(s);
            if (!stillValid)
            {
                assertRevoked(useIov, iov, bufs, k, "read prepared before a change");
            }
            final int r1 = rnd.nextInt(20);
            final long n = r1 == 0 ? total + 1 : r1 == 1 ? -1 : r1 < 4 ? total : rnd.nextLong(total + 1);
            op("commitRead(" + n + " of " + total + ")");
            final boolean ok = stillValid && n >= 0 && n <= total;
            assertEquals(ok ? 0 : -1, s.buf.commitRead(n), "commitRead");
            if (ok)
            {
                assertRevoked(useIov, iov, bufs, k, "read after its commit");
                appendWritten(s, written, n);
                if (rnd.nextInt(6) == 0)
                {
                    op("commitRead again");
                    assertEquals(-1, s.buf.commitRead(0), "second commitRead");
                }
            }
        }

        /**
         * An ended I/O preparation hands out nothing: its ByteBuffers have no room, its iovecs no length.
         */
        private void assertRevoked(final boolean useIov, final IovecArray iov, final ByteBuffer[] bufs, final int k,
            final String what)
        {
            for (int i = 0; i < k; i++)
            {
                if (useIov)
                {
                    assertEquals(0, iov.length(i), what + ": iovec " + i + " still has a length");
                }
                else
                {
                    assertEquals(0, bufs[i].capacity(), what + ": ByteBuffer " + i + " still points at memory");
                }
            }
        }

        private void appendWritten(final Slot s, final byte[][] written, final long n)
        {
            long left = n;
            for (int i = 0; i < written.length && left > 0; i++)
            {
                final int take = (int)Math.min(left, written[i].length);
                s.model.appendRaw(written[i], 0, take, 0);
                left -= take;
            }
        }

        /** @return false if the buffer was changed (so a pending read/write/commit is invalid) */
        private boolean interveneBeforeCommit(final Slot s)
        {
            final int r = rnd.nextInt(20);
            if (r < 2)
            {
                final byte[] d = data(1 + rnd.nextInt(4));
                op("add(" + d.length + ") before commit");
                final int expected = s.model.add(d, 0, d.length);
                assertEquals(expected, s.buf.add(d));
                return expected < 0;
            }
            if (r < 3)
            {
                op("drain(1) before commit");
                final boolean changes = s.model.length() > 0 && !s.model.frozenStart;
                assertEquals(s.model.drain(1), s.buf.drain(1));
                return !changes;
            }
            if (r < 5)
            {
                queries(s);
            }
            if (r < 6)
            {
                final Slot other = slot();
                if (other != s)
                {
                    addArray(other);
                }
            }
            return true;
        }

        private void prepareCommitWrite(final Slot s)
        {
            final int len = s.model.length();
            final int r0 = rnd.nextInt(10);
            final long howmuch = r0 == 0 ? -1 : r0 == 1 ? 0 : r0 == 2 ? Long.MAX_VALUE : r0 == 3 ? len : size();
            final boolean useIov = rnd.nextBoolean();
            final ByteBuffer[] bufs = useIov ? null : new ByteBuffer[1 + rnd.nextInt(6)];
            final IovecArray iov = useIov ? iovs[rnd.nextInt(iovs.length)] : null;
            final int arrayLen = useIov ? iov.capacity() : bufs.length;
            op("prepareWrite(" + howmuch + ", " + (useIov ? "iovec[" : "ByteBuffer[") + arrayLen + "])");
            final int k = useIov ? s.buf.prepareWrite(howmuch, iov) : s.buf.prepareWrite(howmuch, bufs);
            if (s.model.frozenStart)
            {
                assertEquals(-1, k, "prepareWrite on a frozen start");
                return;
            }
            final long want = howmuch < 0 ? len : Math.min(howmuch, len);
            if (0 == want)
            {
                assertEquals(0, k, "prepareWrite of 0 bytes");
                return;
            }
            final int cap = Math.min(arrayLen, BufferConfiguration.writeIovecs());
            assertTrue(k >= 1 && k <= cap, "prepareWrite returned " + k);
            long total = 0;
            for (int i = 0; i < k; i++)
            {
                final byte[] got;
                if (useIov)
                {
                    assertEquals(k, iov.count());
                    got = new byte[(int)iov.length(i)];
                    fly.wrap(iov.base(i), got.length);
                    fly.getBytes(0, got);
                }
                else
                {
                    got = new byte[bufs[i].remaining()];
                    bufs[i].get(bufs[i].position(), got, 0, got.length);
                }
                assertTrue(got.length > 0, "empty write extent");
                assertArrayEquals(s.model.copy(total, got.length), got, "write extent " + i);
                total += got.length;
            }
            assertTrue(total <= want, "prepared more than asked");
            if (k < cap)
            {
                assertEquals(want, total, "prepared write total");
            }
            final boolean stillValid = interveneBeforeCommit(s);
            if (!stillValid)
            {
                assertRevoked(useIov, iov, bufs, k, "write prepared before a change");
            }
            final int r1 = rnd.nextInt(20);
            final long n = r1 == 0 ? total + 1 : r1 < 4 ? total : rnd.nextLong(total + 1);
            op("commitWrite(" + n + " of " + total + ")");
            final boolean ok = stillValid && n <= total;
            assertEquals(ok ? 0 : -1, s.buf.commitWrite(n), "commitWrite");
            if (ok)
            {
                assertRevoked(useIov, iov, bufs, k, "write after its commit");
                s.model.drainRaw((int)n);
            }
        }

        private void readFrom(final Slot s)
        {
            final int howmuch = rnd.nextInt(5) == 0 ? -1 : size();
            final FakeInput in = new FakeInput();
            final int mode = rnd.nextInt(10);
            in.eof = 0 == mode;
            op("readFrom(" + howmuch + (in.eof ? ", EOF)" : ")"));
            final long r;
            try
            {
                r = s.buf.readFrom(in, howmuch);
            }
            catch (final java.io.IOException ex)
            {
                throw new AssertionError(ex);
            }
            if (s.model.frozenEnd)
            {
                assertEquals(Evbuffer.FROZEN, r);
                assertEquals(0, in.calls, "readFrom on a frozen end called the channel");
                return;
            }
            final long want = howmuch < 0 ? s.model.maxRead : Math.min(howmuch, s.model.maxRead);
            if (0 == want)
            {
                assertEquals(0, r);
                return;
            }
            assertEquals(1, in.calls, "readFrom must read once");
            assertTrue(in.offered >= 1 && in.offered <= want, "readFrom offered " + in.offered + " for " + want);
            if (in.eof)
            {
                assertEquals(Evbuffer.EOF, r);
                return;
            }
            assertEquals(in.produced.length, r);
            s.model.appendRaw(in.produced, 0, in.produced.length, 0);
        }

        private void writeTo(final Slot s)
        {
            final int len = s.model.length();
            final long howmuch = rnd.nextInt(4) == 0 ? -1 : size();
            final FakeOutput out = new FakeOutput();
            op("writeTo(" + howmuch + ")");
            final long r;
            try
            {
                r = s.buf.writeTo(out, howmuch);
            }
            catch (final java.io.IOException ex)
            {
                throw new AssertionError(ex);
            }
            if (s.model.frozenStart)
            {
                assertEquals(Evbuffer.FROZEN, r);
                assertEquals(0, out.calls);
                return;
            }
            final long want = howmuch < 0 ? len : Math.min(howmuch, len);
            if (0 == want)
            {
                assertEquals(0, r);
                assertEquals(0, out.calls, "writeTo of nothing made a call");
                return;
            }
            assertEquals(1, out.calls);
            assertTrue(out.offered <= want);
            assertEquals(out.taken.length, r);
            assertArrayEquals(s.model.copy(0, out.taken.length), out.taken, "bytes written");
            s.model.drainRaw(out.taken.length);
        }

        /** An in-memory ScatteringByteChannel: no syscalls. */
        private final class FakeInput implements ScatteringByteChannel
        {
            boolean eof;
            int calls;
            long offered;
            byte[] produced = new byte[0];

            @Override
            public long read(final ByteBuffer[] dsts, final int offset, final int length)
            {
                calls++;
                for (int i = offset; i < offset + length; i++)
                {
                    offered += dsts[i].remaining();
                }
                if (eof)
                {
                    return -1;
                }
                final long n = rnd.nextInt(4) == 0 ? offered : rnd.nextLong(offered + 1);
                produced = data((int)n);
                int at = 0;
                for (int i = offset; i < offset + length && at < n; i++)
                {
                    final int take = (int)Math.min(dsts[i].remaining(), n - at);
                    dsts[i].put(produced, at, take);
                    at += take;
                }
                return n;
            }

            @Override
            public long read(final ByteBuffer[] dsts)
            {
                return read(dsts, 0, dsts.length);
            }

            @Override
            public int read(final ByteBuffer dst)
            {
                return (int)read(new ByteBuffer[] {dst}, 0, 1);
            }

            @Override
            public boolean isOpen()
            {
                return true;
            }

            @Override
            public void close()
            {
            }
        }

        /** An in-memory GatheringByteChannel that accepts a random prefix of what it is offered. */
        private final class FakeOutput implements GatheringByteChannel
        {
            int calls;
            long offered;
            byte[] taken = new byte[0];

            @Override
            public long write(final ByteBuffer[] srcs, final int offset, final int length)
            {
                calls++;
                for (int i = offset; i < offset + length; i++)
                {
                    offered += srcs[i].remaining();
                }
                final long n = rnd.nextInt(3) == 0 ? offered : rnd.nextLong(offered + 1);
                taken = new byte[(int)n];
                int at = 0;
                for (int i = offset; i < offset + length && at < n; i++)
                {
                    final int take = (int)Math.min(srcs[i].remaining(), n - at);
                    srcs[i].get(taken, at, take);
                    at += take;
                }
                return n;
            }

            @Override
            public long write(final ByteBuffer[] srcs)
            {
                return write(srcs, 0, srcs.length);
            }

            @Override
            public int write(final ByteBuffer src)
            {
                return (int)write(new ByteBuffer[] {src}, 0, 1);
            }

            @Override
            public boolean isOpen()
            {
                return true;
            }

            @Override
            public void close()
            {
            }
        }

        // ------------------------------------------------------------------ verification

        private void checkErrors()
        {
            if (!errors.isEmpty())
            {
                fail(String.join("\n", errors));
            }
        }

        private void verifyAll()
        {
            checkErrors();
            for (int i = 0; i < SLOTS; i++)
            {
                verify(slots[i], i);
            }
            for (final Iterator<Ref> it = pendingRefs.iterator(); it.hasNext(); )
            {
                final Ref r = it.next();
                if (1 == r.cleanups)
                {
                    it.remove();
                }
                else if (0 == ledger.live(r.id))
                {
                    fail("reference #" + r.id + " (" + r.len + " bytes): none of its bytes is left in any buffer, " +
                        "but its cleanup has not run");
                }
            }
            for (final PtrSlot p : ptrs)
            {
                assertEquals(p.pos, p.ptr.position(), "a ptr's position changed without being set");
            }
        }

        private void verify(final Slot s, final int index)
        {
            final String who = "buffer " + index + ": ";
            final EvbufferModel m = s.model;
            final int len = m.length();
            assertFalse(s.buf.isFreed(), who + "freed");
            assertEquals(len, s.buf.length(), who + "length");
            assertEquals(m.frozenStart, s.buf.isFrozen(true), who + "frozen start");
            assertEquals(m.frozenEnd, s.buf.isFrozen(false), who + "frozen end");
            final int cs = s.buf.contiguousSpace();
            if (len > 0)
            {
                assertTrue(cs > 0 && cs <= len, who + "contiguousSpace " + cs + " with length " + len);
            }
            else
            {
                assertEquals(0, cs, who + "contiguousSpace of an empty buffer");
            }
            final int segs = s.buf.segmentCount();
            assertEquals(len > 0, segs > 0, who + "segmentCount " + segs + " with length " + len);
            if (checkExtents.capacity() < segs)
            {
                checkExtents = new Extents(Math.max(segs, 2 * checkExtents.capacity()));
            }
            assertEquals(segs, s.buf.peek(-1, null, checkExtents), who + "peek(-1) count");
            if (checkBytes.length < len)
            {
                checkBytes = new byte[Math.max(len, 2 * checkBytes.length)];
            }
            int total = 0;
            for (int i = 0; i < segs; i++)
            {
                final int l = checkExtents.length(i);
                assertTrue(l > 0, who + "empty data segment " + i);
                assertTrue(total + l <= len, who + "segments hold more than the length");
                checkExtents.wrap(i, fly);
                fly.getBytes(0, checkBytes, total, l);
                total += l;
            }
            assertEquals(len, total, who + "sum of segment lengths");
            if (len > 0)
            {
                assertEquals(cs, checkExtents.length(0), who + "contiguousSpace vs first extent");
            }
            final int mismatch = Arrays.mismatch(checkBytes, 0, len, m.array(), m.offset(), m.offset() + len);
            if (mismatch >= 0)
            {
                fail(who + "content differs at " + mismatch + " of " + len + ": got " + checkBytes[mismatch] +
                    ", expected " + m.byteAt(mismatch));
            }
            long orig = s.lengthAtStepStart;
            long added = 0;
            long deleted = 0;
            for (final long[] c : s.calls)
            {
                assertEquals(orig, c[0], who + "callback orig_size");
                assertTrue(c[1] > 0 || c[2] > 0, who + "callback with nothing changed");
                orig = c[0] + c[1] - c[2];
                added += c[1];
                deleted += c[2];
            }
            assertEquals(m.added, added, who + "bytes added reported to callbacks");
            assertEquals(m.deleted, deleted, who + "bytes deleted reported to callbacks");
        }
    }
}
