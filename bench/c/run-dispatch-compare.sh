#!/usr/bin/env bash
# run-dispatch-compare.sh - libevent's classic dispatch benchmarks (bench.c, bench_cascade.c), C on
# the system libevent 2.1 against jevent's Java ports, on one machine in one go.
#
# Programs: C-epoll (bench/c/bench.c, bench_cascade.c, -m epoll), jevent-epoll, jevent-nio and
# their busy-spin variants (io.jevent.bench.loop.DispatchBench / CascadeBench in benchmarks.jar).
# jevent-epoll uses the libc binding the JDK picks (ffm on JDK 22+ with a jar built on 22+, else jna);
# when that is ffm, jevent-epoll-jna (-Djevent.native=jna) runs too, so both bindings stand side by side.
# Every program prints 25 runs in microseconds; the first WARMUP (5) are dropped for all alike,
# then min / median / mean / max of the rest are reported, with median ratios jevent/C and
# jevent-epoll/jevent-nio, as a table and as CSV.
#
# Usage: bench/c/run-dispatch-compare.sh [--install] [--build] [--full] [--java-warmup K] [--out DIR]
#   --install        apt-get install libevent-dev (and gcc) first, if missing (needs root)
#   --build          (re)build benchmarks.jar with Maven even if it exists
#   --full           the suggested grid of libevent-semantics.md §3 instead of the reduced one
#   --java-warmup K  give the Java ports K extra silent runs (-W K) before their 25 printed ones,
#                    to see JIT-warm figures; default 0 = the same rule as C (drop the first 5 of 25)
#   --out DIR        where to keep raw outputs, logs and results.csv (default: a new dir under /tmp)
# Environment: JAVA (default: java on PATH), JAR (default: bench/target/benchmarks.jar),
#   MVN_ARGS (extra Maven arguments, e.g. -o), WARMUP (default 5).
#
# Reduced grid (default; under a minute on 2 cores, ~90 s with --java-warmup 200): bench -n 100/1000/10000 x -a 1/100, -w 1000;
# cascade -n 100/1000. N is capped to what RLIMIT_NOFILE allows (bench.c needs 2N+50 fds).
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAVA="${JAVA:-java}"
JAR="${JAR:-$ROOT/bench/target/benchmarks.jar}"
WARMUP="${WARMUP:-5}"
INSTALL=0
BUILD=0
FULL=0
JWARM="${JAVA_WARMUP:-0}"
OUT=""

while [ $# -gt 0 ]; do
    case "$1" in
        --install) INSTALL=1 ;;
        --build) BUILD=1 ;;
        --full) FULL=1 ;;
        --java-warmup) JWARM="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

OUT="${OUT:-${TMPDIR:-/tmp}/jevent-dispatch-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT/raw" || exit 1
CSV="$OUT/results.csv"
TABLE="$OUT/table.txt"

# ---------------------------------------------------------------- C programs
have_c() { command -v gcc >/dev/null 2>&1 && [ -f /usr/include/event2/event.h ]; }
if ! have_c && [ "$INSTALL" = 1 ]; then
    echo "== installing libevent-dev and gcc (apt-get)"
    apt-get update -qq && apt-get install -y -qq gcc libevent-dev >"$OUT/apt.log" 2>&1 \
        || echo "apt-get install failed, see $OUT/apt.log"
fi
C_OK=0
if have_c; then
    mkdir -p "$OUT/cbin"
    if gcc -O2 -Wall -o "$OUT/cbin/bench" "$HERE/bench.c" -levent_core \
        && gcc -O2 -Wall -o "$OUT/cbin/bench_cascade" "$HERE/bench_cascade.c" -levent_core; then
        C_OK=1
        echo "== C: built with gcc -O2 against libevent $(dpkg-query -W -f='${Version}' libevent-dev 2>/dev/null || echo '?')"
    else
        echo "== C: build FAILED; C rows skipped"
    fi
else
    echo "== C: SKIPPED - gcc or the libevent 2.1 headers (/usr/include/event2) are missing."
    echo "   Install them with: apt-get install -y gcc libevent-dev   (or re-run with --install)"
fi

# ---------------------------------------------------------------- Java jar
if [ "$BUILD" = 1 ] || [ ! -f "$JAR" ]; then
    echo "== building benchmarks.jar (mvn -DskipTests package)"
    (cd "$ROOT" && mvn -B -q ${MVN_ARGS:-} -DskipTests package) >"$OUT/mvn.log" 2>&1 \
        || { echo "Maven build failed, see $OUT/mvn.log"; exit 1; }
fi
[ -f "$JAR" ] || { echo "no $JAR"; exit 1; }
# The one source of jevent's JVM flags (JvmFlags, filtered from the parent pom).
JFLAGS="$("$JAVA" -cp "$JAR" io.jevent.samples.PrintFlags)" || { echo "cannot read JVM flags from $JAR"; exit 1; }
JAVA_CMD=("$JAVA" $JFLAGS -cp "$JAR")
JAVA_METHODS="$("${JAVA_CMD[@]}" io.jevent.bench.loop.DispatchBench -l 2>/dev/null)"
BINDING="$("${JAVA_CMD[@]}" io.jevent.samples.PrintBinding 2>/dev/null)"

# ---------------------------------------------------------------- fd limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE="$(ulimit -n)"
if [ "$NOFILE" = unlimited ]; then NOFILE=1048576; fi
MAXN=$(( (NOFILE - 50) / 2 ))
echo "== RLIMIT_NOFILE soft=$(ulimit -n) hard=$(ulimit -Hn): largest N = $MAXN (2N+50 fds)"

# ---------------------------------------------------------------- programs
PROGRAMS=()
[ "$C_OK" = 1 ] && PROGRAMS+=("C-epoll")
if grep -q epoll <<<"$JAVA_METHODS"; then
    PROGRAMS+=("jevent-epoll" "jevent-epoll-busy-spin")
    [ "$BINDING" = ffm ] && PROGRAMS+=("jevent-epoll-jna")
else
    echo "== jevent-epoll: SKIPPED - the epoll backend is not in $JAR ($JAVA_METHODS)"
fi
PROGRAMS+=("jevent-nio" "jevent-nio-busy-spin")
echo "== programs: ${PROGRAMS[*]}; Java extra warm-up runs: $JWARM"
{
    echo "machine: nproc=$(nproc), CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "kernel: $(uname -r); JDK: $("$JAVA" -version 2>&1 | head -2 | tail -1); jevent-epoll's libc binding: $BINDING"
    echo "libevent: $(dpkg-query -W -f='${Version}' libevent-dev 2>/dev/null || echo '?'); date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); java warm-up runs: $JWARM; runs kept: $((25 - WARMUP)) of 25"
} | tee "$OUT/machine.txt"
echo "== output: $OUT (first $WARMUP of 25 runs dropped for every program)"

# command line for (kind, program, n, a, w)
cmd_for() {
    local kind="$1" prog="$2" n="$3" a="$4" w="$5"
    if [ "$prog" = C-epoll ]; then
        if [ "$kind" = bench ]; then echo "$OUT/cbin/bench -n $n -a $a -w $w -m epoll"
        else echo "$OUT/cbin/bench_cascade -n $n -m epoll"; fi
    else
        local m="${prog#jevent-}"
        local wu="" java="${JAVA_CMD[*]}"
        [ "$JWARM" != 0 ] && wu=" -W $JWARM"
        if [ "${m%-jna}" != "$m" ]; then m="${m%-jna}"; java="$JAVA $JFLAGS -Djevent.native=jna -cp $JAR"; fi
        if [ "$kind" = bench ]; then echo "$java io.jevent.bench.loop.DispatchBench -n $n -a $a -w $w -m $m$wu"
        else echo "$java io.jevent.bench.loop.CascadeBench -n $n -m $m$wu"; fi
    fi
}

# stats of lines WARMUP+1..25: min median mean max count
stats() {
    tail -n +"$((WARMUP + 1))" "$1" | grep -E '^[0-9]+$' | sort -n | awk '
        { v[NR] = $1; s += $1 }
        END {
            if (NR == 0) { print "NA NA NA NA 0"; exit }
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%d %.1f %.1f %d %d\n", v[1], med, s / NR, v[NR], NR
        }'
}

echo "kind,n,a,w,program,min_us,median_us,mean_us,max_us,runs_kept,xcount_lines,command" >"$CSV"

run_case() {
    local kind="$1" n="$2" a="$3" w="$4" prog cmd raw st
    for prog in "${PROGRAMS[@]}"; do
        cmd="$(cmd_for "$kind" "$prog" "$n" "$a" "$w")"
        raw="$OUT/raw/$kind-n$n-a$a-w$w-$prog"
        timeout 300 $cmd >"$raw.out" 2>"$raw.err"
        local rc=$?
        st="$(stats "$raw.out")"
        local xl
        xl="$(grep -c '^Xcount' "$raw.err")"
        [ "$rc" != 0 ] && echo "   ! $prog $kind n=$n a=$a w=$w exited $rc: $(grep -v '^Xcount' "$raw.err" | head -2)"
        [ -s "$raw.err" ] || rm -f "$raw.err"   # keep stderr only when the run wrote some
        set -- $st
        echo "$kind,$n,$a,$w,$prog,$1,$2,$3,$4,$5,$xl,\"$cmd\"" >>"$CSV"
        printf '   %-7s n=%-5s a=%-4s w=%-5s %-24s min %8s  median %9s us\n' "$kind" "$n" "$a" "$w" "$prog" "$1" "$2"
    done
}

cap() { [ "$1" -gt "$MAXN" ] && echo "$MAXN" || echo "$1"; }

if [ "$FULL" = 1 ]; then
    BENCH_N="100 1000 10000 50000"; BENCH_A="1 100 1000"; BENCH_W="1000 10000"; CASCADE_N="100 1000 10000"
else
    BENCH_N="100 1000 10000"; BENCH_A="1 100"; BENCH_W="1000"; CASCADE_N="100 1000"
fi

START=$(date +%s)
declare -A SEEN
for n0 in $BENCH_N; do
    n=$(cap "$n0"); [ "$n" != "$n0" ] && echo "   (n=$n0 needs $((2 * n0 + 50)) fds; running n=$n instead)"
    for a in $BENCH_A; do
        [ "$a" -gt "$n" ] && continue
        for w in $BENCH_W; do
            [ -n "${SEEN[bench-$n-$a-$w]:-}" ] && continue
            SEEN[bench-$n-$a-$w]=1
            run_case bench "$n" "$a" "$w"
        done
    done
done
for n0 in $CASCADE_N; do
    n=$(cap "$n0")
    [ -n "${SEEN[cascade-$n]:-}" ] && continue
    SEEN[cascade-$n]=1
    run_case cascade "$n" 1 "$((n - 1))"
done
echo "== grid took $(( $(date +%s) - START )) s; load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

# ---------------------------------------------------------------- table
awk -F, -v progs="${PROGRAMS[*]}" '
    NR == 1 { next }
    {
        key = $1 " n=" $2 " a=" $3 " w=" $4
        if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
        mn[key, $5] = $6; md[key, $5] = $7
    }
    function ratio(x, y) { return (x == "NA" || y == "NA" || y == 0 || x == "") ? "-" : sprintf("%.2f", x / y) }
    END {
        np = split(progs, p, " ")
        printf "%-32s", "case (us, min/median)"
        for (i = 1; i <= np; i++) printf " | %22s", p[i]
        printf " | %9s | %9s | %9s | %10s\n", "epoll/C", "jna/C", "nio/C", "epoll/nio"
        for (k = 1; k <= nk; k++) {
            key = order[k]
            printf "%-32s", key
            for (i = 1; i <= np; i++) printf " | %22s", (((key, p[i]) in md) ? mn[key, p[i]] " / " md[key, p[i]] : "-")
            c = md[key, "C-epoll"]; e = md[key, "jevent-epoll"]; o = md[key, "jevent-nio"]; j = md[key, "jevent-epoll-jna"]
            printf " | %9s | %9s | %9s | %10s\n", ratio(e, c), ratio(j, c), ratio(o, c), ratio(e, o)
        }
        print ""
        print "ratios are of medians (time: below 1 is faster than C): jevent-epoll/C-epoll, jevent-epoll-jna/C-epoll (- when not run), jevent-nio/C-epoll, jevent-epoll/jevent-nio (busy-spin columns: see CSV)"
    }' "$CSV" >"$TABLE.body"
cat "$OUT/machine.txt" "$TABLE.body" >"$TABLE"; rm -f "$TABLE.body"
cat "$TABLE"
echo
echo "CSV: $CSV"
cat "$CSV"
