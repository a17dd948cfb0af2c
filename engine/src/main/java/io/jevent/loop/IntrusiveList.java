package io.jevent.loop;

/**
 * A doubly linked list threaded through its members' own {@link ListLink}s (libevent's {@code queue.h}
 * TAILQ): O(1) insertion at either end or after a member, O(1) removal of any member, no allocation. The one
 * list discipline of the loop: the active queues, the events of an fd (libevent's evmap_io) or of a signal
 * (evmap_signal), and a common timeout's queue.
 * <p>
 * A link is on at most one list at a time, and the caller knows which (a flag or a field of the member says
 * so): the list does not check.
 */
final class IntrusiveList
{
    private ListLink head;
    private ListLink tail;

    boolean isEmpty()
    {
        return null == head;
    }

    /**
     * @return the first member, or null
     */
    ListLink first()
    {
        return head;
    }

    /**
     * @return the last member, or null
     */
    ListLink last()
    {
        return tail;
    }

    void addLast(final ListLink n)
    {
        n.next = null;
        n.prev = tail;
        if (null == tail)
        {
            head = n;
        }
        else
        {
            tail.next = n;
        }
        tail = n;
    }

    void addFirst(final ListLink n)
    {
        n.prev = null;
        n.next = head;
        if (null == head)
        {
            tail = n;
        }
        else
        {
            head.prev = n;
        }
        head = n;
    }

    /**
     * @param after a member, or null to insert at the head
     * @param n     the link to insert
     */
    void insertAfter(final ListLink after, final ListLink n)
    {
        if (null == after)
        {
            addFirst(n);
            return;
        }
        final ListLink q = after.next;
        n.prev = after;
        n.next = q;
        after.next = n;
        if (null == q)
        {
            tail = n;
        }
        else
        {
            q.prev = n;
        }
    }

    void remove(final ListLink n)
    {
        final ListLink p = n.prev;
        final ListLink q = n.next;
        if (null == p)
        {
            head = q;
        }
        else
        {
            p.next = q;
        }
        if (null == q)
        {
            tail = p;
        }
        else
        {
            q.prev = p;
        }
        n.next = null;
        n.prev = null;
    }

    /**
     * Forgets every member at once, leaving their links as they are (for a base being freed).
     */
    void clear()
    {
        head = null;
        tail = null;
    }
}
