#!/usr/bin/env bash
# Re-measures every committed report's raw data, one benchmark at a time (they must not overlap on a
# 2-core machine), into a results directory; the markdown reports quote these files.
#   perf-reports/measure-all.sh [OUT_DIR]      (default: perf-reports/raw/<date>)
# Needs: the bench jar (built here if missing), gcc + libevent-dev for the C columns
# (bench/c/build-peers.sh --install fetches libevent-dev). Takes about 25 minutes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/perf-reports/raw/$(date -u +%Y%m%d-%H%M)}
mkdir -p "$out"
jar="$top/bench/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$top" && mvn -B -q -DskipTests package)
flags=$(java -cp "$jar" io.jevent.samples.PrintFlags)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "kernel: $(uname -r)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
  echo "java: $(java -version 2>&1 | sed -n 1p)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"
step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }

step "C evbuffer_bench"
"$top/bench/c/run-evbuffer-bench.sh" > "$out/c-evbuffer.txt" 2>&1 || echo "C evbuffer bench skipped" >&2

step "JMH Evbuffer vs ByteBuffer baseline (-prof gc)"
java -jar "$jar" 'EvbufferBenchmark|ByteBufferBaselineBenchmark' -prof gc -f 2 -wi 3 -i 5 -w 1s -r 1s \
  -rf json -rff "$out/jmh-evbuffer.json" > "$out/jmh-evbuffer.txt" 2>&1

step "JMH loop: dispatch (-prof gc), wakeup and ping-pong latency"
java -jar "$jar" 'LoopDispatchBenchmark' -prof gc -rf json -rff "$out/jmh-loop-dispatch.json" \
  > "$out/jmh-loop-dispatch.txt" 2>&1
java -jar "$jar" 'WakeupLatencyBenchmark|PingPongLatencyBenchmark' -rf json -rff "$out/jmh-loop-latency.json" \
  > "$out/jmh-loop-latency.txt" 2>&1

step "timer accuracy"
# shellcheck disable=SC2086
java $flags -cp "$jar" io.jevent.bench.loop.TimerAccuracy -n 2000 > "$out/timer-accuracy.txt" 2>&1

step "bench.c / bench_cascade.c: C against jevent"
"$top/bench/c/run-dispatch-compare.sh" --java-warmup 200 --out "$out/dispatch" > "$out/dispatch-compare.txt" 2>&1 \
  || echo "dispatch compare failed" >&2

step "echo: every server, default cases, pinned (server CPU 1, client CPU 0)"
# shellcheck disable=SC2086
java $flags -cp "$jar" io.jevent.bench.echo.EchoBench --rounds 2 --out "$out/echo" > "$out/echo.txt" 2>&1 \
  || echo "echo bench failed" >&2
# shellcheck disable=SC2086
java $flags -cp "$jar" io.jevent.bench.echo.EchoBench --rounds 2 --cases pingpong-1x64 --client-spin \
  --out "$out/echo-spin" > "$out/echo-spin.txt" 2>&1 || echo "echo spin bench failed" >&2
java -jar "$jar" 'EchoRoundTripBenchmark' -prof gc -rf json -rff "$out/jmh-echo.json" > "$out/jmh-echo.txt" 2>&1

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
step "done: $out"
