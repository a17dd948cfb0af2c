package io.jevent.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
