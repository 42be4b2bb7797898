#!/usr/bin/env bash
# A/B measure of one router build: the router's CPU per thread group, in clock ticks (10 ms) from
# /proc/<pid>/task/*/stat, over RUNS identical load runs. Whole runs on this machine vary by ±15%, so compare two
# builds by alternating them (A B A B) and reading the TOTAL and ForkJoinPool (virtual-thread carriers) columns.
# Fake upstream (2 ms between stream chunks) and router on 127.0.0.1, warmed 15 s at 500/s; bounded; stops what it started.
#   bench/threads.sh [JAR=target/hpp-router.jar] [RATE=1000] [SECONDS=10] [RUNS=2] [stream]
#   ROUTER_OPTS="-D..." bench/threads.sh ...   (JVM options added after jvm.options, to A/B a setting)
#   (a JAR copied for A/B must stay in target/, next to target/lib/, which its manifest points to)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
JAR="$(realpath "${1:-$ROOT/target/hpp-router.jar}")"; RATE="${2:-1000}"; SECS="${3:-10}"; RUNS="${4:-2}"; MODE="${5:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18951; ROUTER=18952; ADMIN=bench-admin-token-0123456789
bench_work
[ -f "$JAR" ] || { echo "no jar: $JAR (build with ./hpp-router --version)" >&2; exit 1; }

start_router "$JAR" $UP $ROUTER ${ROUTER_OPTS:-}
KEY=$(bench_key $ROUTER $ADMIN)
URL="http://127.0.0.1:$ROUTER/llm/v1/chat/completions"

# ticks per thread group (thread names without their trailing number)
ticks() {
  for t in /proc/$ROUTER_PID/task/*; do
    n=$(sed -E 's/[0-9]+$//; s/ /_/g' "$t/comm"); s=($(sed -E 's/^.*\) //' "$t/stat")); echo "$n $((s[11] + s[12]))"
  done | awk '{c[$1] += $2} END {for (k in c) print k, c[k]}' | sort
}
WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" 500 15 "$KEY" - $MODE > /dev/null
for i in $(seq 1 "$RUNS"); do
  ticks > "$WORK/before"
  "$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" "$RATE" "$SECS" "$KEY" "$ROUTER_PID" $MODE | grep -E "latency|ttfb|cpu_us" | tr '\n' ' '; echo
  ticks > "$WORK/after"
  join -a2 -e0 -o 0,1.2,2.2 "$WORK/before" "$WORK/after" | awk '{d = $3 - $2; t += d; if (d > 0) printf "%s=%d ", $1, d} END {print "TOTAL=" t}'
done
