package io.jevent.listener;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ListenerEmfileScenario} on the nio backend.
 */
class ListenerEmfileTest
{
    @Test
    @Timeout(120)
    @DisplayName("125 (issue 71): out of fds, the nio listener reports EMFILE a few times without spinning, "
        + "then accepts the backlog")
    void shouldBackOffOnEmfileAndRecoverOnNio() throws Exception
    {
        ListenerEmfileScenario.run("nio");
    }

    @Test
    @Timeout(120)
    @DisplayName("issue 8: out of fds with no error callback, the listener's log announces the pause it "
        + "really schedules (100, 200, 400, 800, 1000 ms)")
    void shouldLogTheBackOffItSchedulesOnNio() throws Exception
    {
        ListenerEmfileScenario.runLoggingToStderr("nio");
    }
}
