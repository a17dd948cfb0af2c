package io.jevent.bench.soak;

/**
 * What went wrong on a soak connection. Every kind fails the run.
 */
public enum SoakErrorKind
{
    /** An echoed byte differs from the byte sent at that stream offset. */
    MISMATCH("mismatch"),
    /** The server closed before echoing everything (EOF or reset before the last byte). */
    LOST("lost"),
    /** More bytes came back than were sent. */
    EXTRA("extra"),
    /** A reset or broken pipe from the server on a connection that did not reset. */
    RESET("reset"),
    /** No progress for the stall timeout while echo was due, or still open when the run ended. */
    STALL("stall"),
    /** A connect failed or did not complete. */
    CONNECT("connect");

    private final String label;

    SoakErrorKind(final String label)
    {
        this.label = label;
    }

    /**
     * @return the name in reports
     */
    public String label()
    {
        return label;
    }
}
