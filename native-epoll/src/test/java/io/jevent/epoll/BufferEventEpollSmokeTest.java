package io.jevent.epoll;

import org.junit.jupiter.api.Test;

class BufferEventEpollSmokeTest
{
    @Test
    void shouldEchoOverLoopbackOnEpoll() throws Exception
    {
        io.jevent.bufferevent.BufferEventSmokeAccess.echo("epoll");
    }

    @Test
    void shouldReportRefusedConnectOnceOnEpoll() throws Exception
    {
        io.jevent.bufferevent.BufferEventSmokeAccess.refused("epoll");
    }
}
