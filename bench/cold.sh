#!/usr/bin/env bash
# A router started cold and loaded at once: RATE/s for SECONDS with no warm-up, then twice RATE for 10 s; prints the
# load driver's lines (achieved rate, errors by kind, latency, CPU) and the full collections in the router's GC log.
# What it shows is whether the router sheds what it cannot serve yet, or falls over. Bodies with LOAD_TURNS=N.
# Fake upstream (2 ms between stream chunks) and router on 127.0.0.1; bounded; stops what it started.
#   LOAD_TURNS=20 bench/cold.sh [JAR=target/hpp-router.jar] [RATE=500] [SECONDS=15] [stream]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
JAR="$(realpath "${1:-$ROOT/target/hpp-router.jar}")"; RATE="${2:-500}"; SECS="${3:-15}"; MODE="${4:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18981; ROUTER=18982; ADMIN=bench-admin-token-0123456789
bench_work
[ -f "$JAR" ] || { echo "no jar: $JAR (build with ./hpp-router --version)" >&2; exit 1; }

start_router "$JAR" $UP $ROUTER -Xlog:gc:file="$WORK/gc.log"
KEY=$(bench_key $ROUTER $ADMIN)
for load in "$RATE $SECS" "$((RATE * 2)) 10"; do
  read -r rate secs <<< "$load"
  WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "http://127.0.0.1:$ROUTER/llm/v1/chat/completions" "$rate" "$secs" \
    "$KEY" "$ROUTER_PID" $MODE | tr '\n' ' '; echo
done
echo "full collections: $(grep -c 'Pause Full' "$WORK/gc.log" || true) ($(grep 'Pause Full' "$WORK/gc.log" | awk '{s += $NF + 0} END {printf "%.0f", s}') ms)"
