package io.jevent.bench.soak;

/**
 * A soak connection went wrong: thrown by its role logic, caught by its client thread, which counts
 * it, reports it and closes the connection. Carries no stack trace.
 */
final class SoakFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final SoakErrorKind kind;

    SoakFailure(final SoakErrorKind kind, final String message)
    {
        super(message, null, false, false);
        this.kind = kind;
    }

    SoakErrorKind kind()
    {
        return kind;
    }
}
