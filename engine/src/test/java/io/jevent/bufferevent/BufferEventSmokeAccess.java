package io.jevent.bufferevent;

/**
 * Lets other modules' tests run the smoke scenarios on their backend.
 */
public final class BufferEventSmokeAccess
{
    private BufferEventSmokeAccess()
    {
    }

    public static void echo(final String backend) throws Exception
    {
        BufferEventSmokeTest.echo(backend);
    }

    public static void refused(final String backend) throws Exception
    {
        BufferEventSmokeTest.refused(backend);
    }
}
