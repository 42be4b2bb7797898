#!/usr/bin/env bash
# System calls and CPU per request of one proxy (HPP Router, nginx, or bench/FloorProxy.java as java-nio or java-vt) under the same load (on 127.0.0.1, bounded,
# stops what it started): the fake upstream (2 ms between stream chunks), the proxy, 15 s at 500 req/s to warm the JIT,
# then the load driver at RATE req/s (8 s warm-up, 14 s measured), of which `perf stat` counts the proxy's system calls
# for 6 s in the measured part; prints them per request, with the driver's report.
#   bench/syscalls.sh [hpp-router|nginx|java-nio|java-vt] [RATE=1000] [stream]
# Needs: perf (apt-get install linux-perf; run as root or with kernel.perf_event_paranoid <= 1), nginx for "nginx".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
TARGET="${1:-hpp-router}"; RATE="${2:-1000}"; MODE="${3:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18961; PROXY=18962; ADMIN=bench-admin-token-0123456789; WINDOW=6
bench_work
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }

"$JAVA" "$ROOT/bench/FastUpstream.java" $UP 2 > "$WORK/up.log" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$UP/" && break; sleep 0.1; done
KEY=-
case "$TARGET" in
  nginx)
    nginx_conf "$WORK/nginx" $UP $PROXY
    nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" & NGINX_PID=$!; pids+=($NGINX_PID)
    for _ in $(seq 1 50); do PID=$(pgrep -P "$NGINX_PID" | head -1 || true); [ -n "$PID" ] && break; sleep 0.1; done
    URL="http://127.0.0.1:$PROXY/v1/chat/completions" ;;
  hpp-router)
    [ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)
    HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$PROXY HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/router.db" \
      HPP_ROUTER_ADMIN_TOKEN=$ADMIN OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" OPENAI_API_KEY=sk-bench \
      "$JAVA" @"$ROOT/jvm.options" -jar "$ROOT/target/hpp-router.jar" serve > "$WORK/router.log" 2>&1 & PID=$!; pids+=($PID)
    for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PROXY/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    KEY=$(bench_key $PROXY $ADMIN)
    URL="http://127.0.0.1:$PROXY/llm/v1/chat/completions" ;;
  java-nio|java-vt)
    "$JAVA" @"$ROOT/jvm.options" "$ROOT/bench/FloorProxy.java" "${TARGET#java-}" $PROXY $UP > "$WORK/floor.log" 2>&1 & PID=$!; pids+=($PID)
    for _ in $(seq 1 150); do grep -q 'floor proxy' "$WORK/floor.log" && break; sleep 0.1; done
    URL="http://127.0.0.1:$PROXY/v1/chat/completions" ;;
  *) echo "usage: bench/syscalls.sh [hpp-router|nginx|java-nio|java-vt] [RATE] [stream]" >&2; exit 2 ;;
esac

WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" 500 15 "$KEY" - $MODE > /dev/null
"$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" "$RATE" 14 "$KEY" "$PID" $MODE > "$WORK/driver.txt" &
DRIVER=$!; pids+=($DRIVER)
sleep 12
events=read,write,readv,writev,recvfrom,sendto,epoll_ctl,epoll_wait,futex,pwrite64
perf stat -x, -e "$(echo "$events" | sed -E 's/([a-z0-9_]+)/syscalls:sys_enter_\1/g'),context-switches" \
  -p "$PID" -o "$WORK/perf.csv" -- sleep $WINDOW >/dev/null 2>&1 || true
wait $DRIVER
echo "$TARGET ${MODE:-json} at $RATE/s, per request over ${WINDOW} s (~$((RATE * WINDOW)) requests):"
awk -F, -v n=$((RATE * WINDOW)) '$1 ~ /^[0-9]+$/ && $1 > 0 { name = $3; sub(/^syscalls:sys_enter_/, "", name); printf "  %-16s %6.2f\n", name, $1 / n }' "$WORK/perf.csv"
grep -E "latency|ttfb|cpu_us" "$WORK/driver.txt"
