#!/usr/bin/env bash
# Builds the C peers of the comparison (libevent 2.1 echo server) into bench/target/c/.
# Needs gcc and Debian's libevent-dev; with --install, installs libevent-dev with apt-get first.
# Exit 0 and prints the binary path when built; exit 3 with a reason when it cannot build here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../target/c"
if [ "${1:-}" = "--install" ]; then
  apt-get update -qq && apt-get install -y -qq libevent-dev >/dev/null
fi
if ! command -v gcc >/dev/null 2>&1; then
  echo "skip: gcc not found" >&2; exit 3
fi
if [ ! -f /usr/include/event2/event.h ]; then
  echo "skip: libevent headers not found (apt-get install libevent-dev, or run with --install)" >&2; exit 3
fi
mkdir -p "$out"
gcc -O2 -Wall -Wextra -o "$out/echo_server" "$here/echo_server.c" -levent_core -levent_extra 2>&1
echo "$out/echo_server"
