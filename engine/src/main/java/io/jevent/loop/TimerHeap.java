package io.jevent.loop;

import java.util.Arrays;

/**
 * A binary min-heap of pending timeouts keyed by (absolute monotonic deadline, insertion sequence),
 * with each event's index stored in the event so removal is O(log n). The sequence makes equal
 * deadlines fire in insertion order (libevent leaves that order undefined). A heap rather than
 * Agrona's DeadlineTimerWheel: it gives the exact earliest deadline for the poll timeout and exact
 * ordering, where the wheel advances one tick per poll and orders nothing within a tick.
 */
final class TimerHeap
{
    private Event[] heap = new Event[64];
    private int size;
    private long sequence;

    int size()
    {
        return size;
    }

    Event peek()
    {
        return 0 == size ? null : heap[0];
    }

    void add(final Event e, final long deadline)
    {
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
        }
        e.deadline = deadline;
        e.timerSeq = sequence++;
        e.heapIndex = size;
        heap[size++] = e;
        siftUp(e.heapIndex);
    }

    void remove(final Event e)
    {
        final int i = e.heapIndex;
        e.heapIndex = -1;
        final int lastIndex = --size;
        if (i == lastIndex)
        {
            heap[lastIndex] = null;
            return;
        }
        final Event moved = heap[lastIndex];
        heap[lastIndex] = null;
        heap[i] = moved;
        moved.heapIndex = i;
        siftUp(i);
        siftDown(moved.heapIndex);
    }

    private static boolean less(final Event a, final Event b)
    {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.timerSeq < b.timerSeq);
    }

    private void siftUp(final int index)
    {
        int i = index;
        final Event e = heap[i];
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final Event p = heap[parent];
            if (!less(e, p))
            {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(final int index)
    {
        int i = index;
        final Event e = heap[i];
        final int half = size >>> 1;
        while (i < half)
        {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < size && less(heap[right], heap[child]))
            {
                child = right;
            }
            if (!less(heap[child], e))
            {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}
