package io.jevent.epoll;

import io.jevent.bufferevent.ColdStartEmfileScenario;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ColdStartEmfileScenario} on the epoll backend, for comparison with the nio one: its sockets are
 * raw fds driven through JNA, with no lazily initialised JDK socket class in the way.
 */
class ColdStartEmfileEpollTest
{
    @Test
    @Timeout(60)
    @DisplayName("issue 8 item 9: with the fd table full, an epoll server's first accept, write, read and close "
        + "on a connection work")
    void shouldServeFirstConnectionWithNoFdLeftOnEpoll() throws Exception
    {
        ColdStartEmfileScenario.runServer("epoll");
    }

    @Test
    @Timeout(60)
    @DisplayName("issue 8 item 9: with the fd table full, an epoll client's first connect, write, read and close "
        + "work")
    void shouldConnectFirstConnectionWithNoFdLeftOnEpoll() throws Exception
    {
        ColdStartEmfileScenario.runClient("epoll");
    }
}
