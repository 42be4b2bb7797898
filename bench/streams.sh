#!/usr/bin/env bash
# Many concurrent open streams through HPP Router (on 127.0.0.1, bounded, stops what it started): the fake upstream
# sends 20 chunks GAP_MS apart (default 2,000 ms, so each stream stays open ~40 s); streams start at RATE per second for
# SECONDS, so all RATE x SECONDS of them are open together for a while. Every stream must end with [DONE]. Reports errors, the most
# streams open at once, and the router's peak RSS. The streams are opened by OpenStreams.java over plain sockets.
#   bench/streams.sh [RATE=500] [SECONDS=10] [GAP_MS=2000]         (500 x 10 s = 5,000 open streams)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
RATE="${1:-500}"; SECS="${2:-10}"; GAP="${3:-2000}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18951; ROUTER=18952; ADMIN=bench-admin-token-0123456789
bench_work
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
for port in $UP $ROUTER; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use (an earlier run still going?)" >&2; exit 1; fi
done
[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)

"$JAVA" "$ROOT/bench/FastUpstream.java" $UP "$GAP" > "$WORK/up.log" 2>&1 & pids+=($!)
# the router as the launcher starts it (same JVM options), on a throw-away SQLite database
HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$ROUTER HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/router.db" HPP_ROUTER_ADMIN_TOKEN=$ADMIN \
  OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" OPENAI_API_KEY=sk-bench HPP_ROUTER_JAVA_OPTS="${BENCH_ROUTER_OPTS:-}" \
  "$ROOT/hpp-router" serve > "$WORK/router.log" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$ROUTER/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$UP/" && break; sleep 0.1; done
ROUTER_PID=$(pgrep -f "hpp-router.jar serve" -n)
KEY=$(bench_key $ROUTER $ADMIN)
echo "idle router RSS: $(awk '/VmRSS/ {print int($2/1024)}' /proc/$ROUTER_PID/status) MiB"
# at the peak, one more stream timed by curl: the first event through the router vs straight from the upstream
probe() { # url [auth]
  local t0; t0=$(date +%s%N)
  curl -sN "$1" ${2:+-H "$2"} -d '{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}' \
    | head -c 1 >/dev/null
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
( sleep $((SECS + 5)); echo "probe at the peak: first event in $(probe "http://127.0.0.1:$ROUTER/llm/v1/chat/completions" "Authorization: Bearer $KEY") ms through the router, $(probe "http://127.0.0.1:$UP/v1/chat/completions") ms direct; router RSS $(awk '/VmRSS/ {print int($2/1024)}' /proc/$ROUTER_PID/status) MiB, open descriptors $(ls /proc/$ROUTER_PID/fd | wc -l)" ) &
PROBE_PID=$!
"$JAVA" "$ROOT/bench/OpenStreams.java" "http://127.0.0.1:$ROUTER/llm/v1/chat/completions" "$KEY" $((RATE * SECS)) "$SECS" "$ROUTER_PID"
wait "$PROBE_PID"   # only the probe: the router and the upstream run until the cleanup stops them
grep -c '"status":200' "$WORK/router.log" | sed 's/^/access-log lines with status 200: /'
