package io.jevent.epoll;

import io.jevent.loop.AdversarialRound2Child;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Second adversarial round (issue 8): what only the epoll backend has.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AdversarialRound2EpollTest
{
    /**
     * Failed before the second round of issue-8 fixes: a listener made with ConnListener.wrap without CLOSE_ON_FREE
     * (the caller keeps its socket, as libevent's evconnlistener_new without LEV_OPT_CLOSE_ON_FREE) never frees the
     * 144 bytes of native scratch its NativeListenSocket mallocs in its constructor: only
     * NativeListenSocket.close() frees it, and ConnListener.free() calls close() only with
     * CLOSE_ON_FREE. A server that pauses accepting by freeing and re-wrapping its listening socket
     * leaks native memory on every cycle. Measured with Native Memory Tracking in a child JVM: about
     * 14 MB over 100,000 wrap/free cycles. Every run.
     */
    @Test
    void shouldReturnTheNativeScratchOfAListenerFreedWithoutCloseOnFree() throws Exception
    {
        assertEquals("ok", AdversarialRound2Child.run("epoll", "listener-scratch", 20_000,
            "-XX:NativeMemoryTracking=summary"));
    }
}
