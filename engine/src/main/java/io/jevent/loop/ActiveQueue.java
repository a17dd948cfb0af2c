package io.jevent.loop;

/**
 * A FIFO of {@link CallbackNode}s linked through their own fields: O(1) append and removal, no
 * allocation. Used for the per-priority active queues and the active-later queue.
 */
final class ActiveQueue
{
    private CallbackNode head;
    private CallbackNode tail;
    private int size;

    boolean isEmpty()
    {
        return null == head;
    }

    int size()
    {
        return size;
    }

    CallbackNode first()
    {
        return head;
    }

    void append(final CallbackNode n)
    {
        n.activeNext = null;
        n.activePrev = tail;
        if (null == tail)
        {
            head = n;
        }
        else
        {
            tail.activeNext = n;
        }
        tail = n;
        size++;
    }

    void remove(final CallbackNode n)
    {
        final CallbackNode p = n.activePrev;
        final CallbackNode q = n.activeNext;
        if (null == p)
        {
            head = q;
        }
        else
        {
            p.activeNext = q;
        }
        if (null == q)
        {
            tail = p;
        }
        else
        {
            q.activePrev = p;
        }
        n.activeNext = null;
        n.activePrev = null;
        size--;
    }
}
