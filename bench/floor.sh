#!/usr/bin/env bash
# What the serving design costs, apart from what the gateway does: the same load against nginx (the floor), the plain-JDK
# floor proxy in its three designs (bench/FloorProxy.java: `nio` event loop, `vt` virtual thread per connection,
# `hybrid` event loop for the requests and a virtual thread per request for the upstream exchange; no gateway work at
# all) and HPP Router with everything on (FLOOR_TARGETS="nginx java-nio ..." picks some). Prints, per target and load, the latency and the target's
# CPU per request; ROUNDS alternated rounds, since whole runs on this machine vary by ±15%.
# Everything on 127.0.0.1, bounded in time (about 3.5 minutes a round), stops only what it started.
#   bench/floor.sh [RATE=1000] [SECONDS=10] [ROUNDS=2]
set -uo pipefail
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
RATE="${1:-1000}"; SECS="${2:-10}"; ROUNDS="${3:-2}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18961; NGINX=18962; NIO=18963; VT=18964; ROUTER=18965; HYB=18966; ADMIN=bench-admin-token-0123456789
bench_work
[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }

"$JAVA" "$ROOT/bench/FastUpstream.java" $UP 2 > "$WORK/up.log" 2>&1 & pids+=($!)
nginx_conf "$WORK/nginx" $UP $NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" & NGINX_PID=$!; pids+=($NGINX_PID)
# the floor proxies run with the router's JVM options, so the runtime is the same
"$JAVA" @"$ROOT/jvm.options" "$ROOT/bench/FloorProxy.java" nio $NIO $UP > "$WORK/nio.log" 2>&1 & NIO_PID=$!; pids+=($NIO_PID)
"$JAVA" @"$ROOT/jvm.options" "$ROOT/bench/FloorProxy.java" vt $VT $UP > "$WORK/vt.log" 2>&1 & VT_PID=$!; pids+=($VT_PID)
"$JAVA" @"$ROOT/jvm.options" "$ROOT/bench/FloorProxy.java" hybrid $HYB $UP > "$WORK/hyb.log" 2>&1 & HYB_PID=$!; pids+=($HYB_PID)
HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$ROUTER HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/router.db" HPP_ROUTER_ADMIN_TOKEN=$ADMIN \
  OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" OPENAI_API_KEY=sk-bench \
  "$JAVA" @"$ROOT/jvm.options" -jar "$ROOT/target/hpp-router.jar" serve > "$WORK/router.log" 2>&1 & ROUTER_PID=$!; pids+=($ROUTER_PID)
wait_up "http://127.0.0.1:$UP/"; wait_up "http://127.0.0.1:$NGINX/"; wait_up "http://127.0.0.1:$ROUTER/healthz"
for _ in $(seq 1 150); do grep -q 'floor proxy' "$WORK/nio.log" && grep -q 'floor proxy' "$WORK/vt.log" && grep -q 'floor proxy' "$WORK/hyb.log" && break; sleep 0.1; done
sleep 1
NGINX_PIDS="$NGINX_PID,$(pgrep -d, -P "$NGINX_PID" || true)"; NGINX_PIDS="${NGINX_PIDS%,}"
KEY=$(bench_key $ROUTER $ADMIN)
PATH_NGINX=/v1/chat/completions; PATH_ROUTER=/llm/v1/chat/completions

target() { # name -> "url|pids|key"
  case $1 in
    nginx) echo "http://127.0.0.1:$NGINX$PATH_NGINX|$NGINX_PIDS|-" ;;
    java-nio) echo "http://127.0.0.1:$NIO$PATH_NGINX|$NIO_PID|-" ;;
    java-vt) echo "http://127.0.0.1:$VT$PATH_NGINX|$VT_PID|-" ;;
    java-hybrid) echo "http://127.0.0.1:$HYB$PATH_NGINX|$HYB_PID|-" ;;
    hpp-router) echo "http://127.0.0.1:$ROUTER$PATH_ROUTER|$ROUTER_PID|$KEY" ;;
  esac
}
TARGETS="${FLOOR_TARGETS:-nginx java-nio java-vt java-hybrid hpp-router}"
for t in $TARGETS; do # warm each the same way (JSON, then streams), so JIT compilation is not measured
  IFS='|' read -r url _ key <<< "$(target $t)"
  for mode in "" stream; do WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "$url" 500 15 "$key" - $mode > /dev/null 2>&1; done
done
printf '\n%-6s %-10s %-8s %9s %8s %8s %7s %7s\n' round target mode achieved p50_ms p99_ms cpu_us rss_mb
for round in $(seq 1 "$ROUNDS"); do
  for mode in nonstream stream; do
    flag=""; [ $mode = stream ] && flag=stream
    for t in $TARGETS; do
      IFS='|' read -r url tpids key <<< "$(target $t)"
      out=$("$JAVA" "$ROOT/bench/LoadDriver.java" "$url" "$RATE" "$SECS" "$key" "$tpids" $flag 2>/dev/null | tr '\n' ' ')
      pick() { v=$(echo "$out" | sed -nE "s|.*$1.*|\\1|p" | head -1); echo "${v:-n/a}"; }
      lat=latency_ms; [ $mode = stream ] && lat=ttfb_ms
      printf '%-6s %-10s %-8s %9s %8s %8s %7s %7s  errors=%s\n' "$round" $t $mode "$(pick 'achieved=([0-9]+)/s')" \
        "$(pick "$lat p50=([0-9.]+)")" "$(pick "$lat p50=[^ ]+ p90=[^ ]+ p99=([0-9.]+)")" "$(pick 'cpu_us_per_request=([0-9]+)')" \
        "$(pick 'peak_rss_mib=([0-9]+)')" "$(pick ' errors=([0-9]+)')"
    done
  done
done
echo "(stream rows: p50/p99 are time to first byte; cpu and rss of the target's own processes; rate $RATE/s, $SECS s a run)"
