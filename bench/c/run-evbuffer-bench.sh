#!/usr/bin/env bash
# Builds bench/c/evbuffer_bench.c (benchmark-cases.md §1) against Debian's libevent-dev with
# gcc -O2 and runs it pinned to one CPU: first all cases with default glibc, then pullup_64k with
# heap trimming off (-T). Output: the CASE lines the report quotes.
# Usage: bench/c/run-evbuffer-bench.sh [case-substring]   (BUILD_DIR defaults to bench/target/c)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${BUILD_DIR:-$here/../target/c}"
mkdir -p "$build"

if [ ! -f /usr/include/event2/buffer.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq libevent-dev >/dev/null
    else
        echo "libevent-dev is missing: apt-get install -y libevent-dev" >&2
        exit 1
    fi
fi

gcc -O2 -Wall -Wextra -Werror -o "$build/evbuffer_bench" "$here/evbuffer_bench.c" -levent_core

pin=()
if command -v taskset >/dev/null; then
    pin=(taskset -c "${CPU:-0}")
fi
echo "# $(date -u +%FT%TZ) $(uname -r) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-) nproc=$(nproc)"
echo "# libevent-dev $(dpkg-query -W -f='${Version}' libevent-dev 2>/dev/null || echo '?'), $(gcc --version | head -1)"
"${pin[@]}" "$build/evbuffer_bench" "$@"
if [ $# -eq 0 ]; then
    "${pin[@]}" "$build/evbuffer_bench" -T pullup_64k
fi
