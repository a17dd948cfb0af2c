#!/usr/bin/env bash
# Measures the two libc bindings of the epoll backend (issue 11) on JDK 25, one benchmark at a time, into
# OUT_DIR (default perf-reports/raw/bindings-<date>); perf-reports/bindings.md quotes these files.
#   perf-reports/measure-bindings.sh [OUT_DIR]        (about 10 minutes)
# Builds the jars on JDK 25 (so they carry the ffm classes), then:
#   JMH NativeCallBenchmark and LoopDispatchBenchmark (-prof gc), once on ffm and once on jna, nio in both;
#   bench/c/run-dispatch-compare.sh (bench.c / bench_cascade.c: C libevent, jevent-epoll on ffm and on jna);
#   compare with its default servers (jevent-epoll on ffm, jevent-epoll-jna beside it), 2 rounds.
# Env: JEVENT_JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/perf-reports/raw/bindings-$(date -u +%Y%m%d-%H%M)}
jdk=${JEVENT_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
java="$jdk/bin/java"
mkdir -p "$out"
jar="$top/bench/target/benchmarks.jar"
step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }
step "build on JDK 25"
(cd "$top" && JAVA_HOME="$jdk" mvn -B -q -DskipTests clean package) > "$out/build.log" 2>&1
flags=$("$java" -cp "$jar" io.jevent.samples.PrintFlags)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "kernel: $(uname -r)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
  echo "java: $("$java" -version 2>&1 | sed -n 1p)"
  # shellcheck disable=SC2086
  echo "binding (auto): $("$java" $flags -cp "$jar" io.jevent.samples.PrintBinding)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

for b in ffm jna; do
  step "JMH NativeCallBenchmark + LoopDispatchBenchmark on $b (-prof gc)"
  "$java" -jar "$jar" 'NativeCallBenchmark|LoopDispatchBenchmark' -jvmArgsAppend "-Djevent.native=$b" -prof gc \
    -rf json -rff "$out/jmh-$b.json" > "$out/jmh-$b.txt" 2>&1
done

step "bench.c / bench_cascade.c: C against jevent (ffm and jna)"
JAVA="$java" JAR="$jar" "$top/bench/c/run-dispatch-compare.sh" --java-warmup 200 --out "$out/dispatch" \
  > "$out/dispatch-compare.txt" 2>&1 || echo "dispatch compare failed" >&2

step "compare: default cases and servers, 2 rounds"
(cd "$top" && "$java" -jar "$jar" compare --rounds 2 --out "$out/compare") > "$out/compare.txt" 2> "$out/compare.err" \
  || echo "compare failed" >&2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
step "done: $out"
