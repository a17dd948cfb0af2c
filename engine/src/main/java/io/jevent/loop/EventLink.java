package io.jevent.loop;

/**
 * An {@link Event}'s place in a list of events (its fd's or signal's, or a common timeout's queue), made
 * with the event and kept for its life.
 */
final class EventLink extends ListLink
{
    final Event event;

    EventLink(final Event event)
    {
        this.event = event;
    }
}
