package io.jevent.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMainTest
{
    @Test
    void shouldAppendFlagsToEveryFork()
    {
        assertArrayEquals(new String[] {"-jvmArgsAppend", "-Xa", "Foo", "-f", "1"},
            BenchMain.withFlags(new String[] {"Foo", "-f", "1"}, "-Xa"));
        assertArrayEquals(new String[] {"Foo", "-jvmArgsAppend", "-Xa -Xb"},
            BenchMain.withFlags(new String[] {"Foo", "-jvmArgsAppend", "-Xb"}, "-Xa"));
    }

    @Test
    void shouldHaveTheBenchmarkListJmhGenerates() throws IOException
    {
        try (InputStream in = BenchMainTest.class.getResourceAsStream("/META-INF/BenchmarkList"))
        {
            assertNotNull(in, "no META-INF/BenchmarkList: JMH's annotation processor did not run (JDK 23+ needs " +
                "-proc:full)");
            final String list = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(list.contains("LoopDispatchBenchmark"), list);
        }
    }
}
