package io.jevent.bufferevent;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ColdStartEmfileScenario} on the nio backend.
 */
class ColdStartEmfileNioTest
{
    @Test
    @Timeout(60)
    @DisplayName("issue 8 item 9: with the fd table full, a nio server's first accept, write, read and close "
        + "on a connection work")
    void shouldServeFirstConnectionWithNoFdLeftOnNio() throws Exception
    {
        ColdStartEmfileScenario.runServer("nio");
    }

    @Test
    @Timeout(60)
    @DisplayName("issue 8 item 9: with the fd table full, a nio client's first connect, write, read and close "
        + "work")
    void shouldConnectFirstConnectionWithNoFdLeftOnNio() throws Exception
    {
        ColdStartEmfileScenario.runClient("nio");
    }

    @Test
    @Timeout(60)
    @DisplayName("issue 8 item 9: a first nio loop created out of fds, which breaks a JDK socket class for "
        + "good, fails with an explanation, then and later, instead of at a connection's first write")
    void shouldExplainWhenJdkSocketClassesBrokeBeforeTheFirstLoopOnNio() throws Exception
    {
        ColdStartEmfileScenario.runLateStart("nio");
    }
}
