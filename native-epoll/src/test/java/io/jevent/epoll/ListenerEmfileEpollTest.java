package io.jevent.epoll;

import io.jevent.listener.ListenerEmfileScenario;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ListenerEmfileScenario} on the epoll backend.
 */
class ListenerEmfileEpollTest
{
    @Test
    @Timeout(120)
    @DisplayName("125 (issue 71): out of fds, the epoll listener reports EMFILE a few times without spinning, "
        + "then accepts the backlog")
    void shouldBackOffOnEmfileAndRecoverOnEpoll() throws Exception
    {
        ListenerEmfileScenario.run("epoll");
    }
}
