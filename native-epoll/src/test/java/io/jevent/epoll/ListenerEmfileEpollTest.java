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

    @Test
    @Timeout(120)
    @DisplayName("issue 8: out of fds with no error callback, the epoll listener's log announces the pause it "
        + "really schedules (100, 200, 400, 800, 1000 ms)")
    void shouldLogTheBackOffItSchedulesOnEpoll() throws Exception
    {
        ListenerEmfileScenario.runLoggingToStderr("epoll");
    }
}
