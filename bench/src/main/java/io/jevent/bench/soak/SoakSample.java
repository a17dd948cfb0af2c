package io.jevent.bench.soak;

/**
 * The soak at one moment, for the report's timeline.
 *
 * @param seconds        since the first connect
 * @param clientOpen     connections the client had open
 * @param started        connections started so far
 * @param bytesVerified  echoed bytes checked so far
 * @param errors         failed connections so far
 * @param server         the server's probe, or null when it is not forked
 */
public record SoakSample(double seconds, long clientOpen, long started, long bytesVerified, long errors,
    SoakProbe server)
{
}
