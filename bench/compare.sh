#!/usr/bin/env bash
# One run, one table: the same open-model load against the fake upstream directly, nginx as a plain reverse proxy
# (the floor), the Portkey AI gateway (the peer) and HPP Router with everything on (auth, quota hold and settle,
# request log, metrics, access log). Everything on 127.0.0.1, bounded in time; stops only what it started.
#   bench/compare.sh                 full matrix: non-streaming 200, 1000, 3000 req/s; streaming 200, 1000 streams/s
#   RATES="200 1000" STREAM_RATES="200" SECONDS_PER_RUN=10 bench/compare.sh     a smaller one
#   MESSAGES_RATES="1000" (default: STREAM_RATES): rows for Anthropic's Messages API, streams to an Anthropic-format
#   upstream directly and relayed by HPP Router's /v1/messages (Portkey and nginx have no such row: nginx's would be the
#   chat one, Portkey does not serve it as a relay)
#   RESPONSES_RATES="1000" (default: STREAM_RATES): rows for OpenAI's Responses API, streams translated from a chat upstream
#   (moonshotai/kimi-k2.6 on the fake upstream) by HPP Router's /llm/v1/responses, beside the direct chat stream
#   WARM_SECONDS=30, WARM_RATE=1000 (defaults): every target first serves WARM_RATE req/s of JSON, then of streams, this
#   long each, so the table shows steady state (HPP Router's and Portkey's JIT compilers are done — the jit_us column
#   shows it; 15 s at 500/s left the router's C2 compiling through the 200 req/s rows), not start-up
# Needs: nginx (apt-get install nginx-light), Node.js + npm (Portkey is installed into bench/.portkey on first use).
set -uo pipefail
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
RATES="${RATES:-200 1000 3000}"; STREAM_RATES="${STREAM_RATES:-200 1000}"; MESSAGES_RATES="${MESSAGES_RATES:-$STREAM_RATES}"; RESPONSES_RATES="${RESPONSES_RATES:-$STREAM_RATES}"; SECS="${SECONDS_PER_RUN:-10}"; WARM="${WARM_SECONDS:-30}"; WARM_RATE="${WARM_RATE:-1000}"
UP=18991; NGINX=18992; PORTKEY=18993; ROUTER=18994; ADMIN=bench-admin-token-0123456789
bench_work

[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
if [ ! -f "$ROOT/bench/.portkey/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  mkdir -p "$ROOT/bench/.portkey" && (cd "$ROOT/bench/.portkey" && npm install --silent --no-audit --no-fund @portkey-ai/gateway@1.15.2 >/dev/null)
fi

# the fake upstream (20 chunks + usage chunk for streams; 2 ms between chunks)
"$JAVA" "$ROOT/bench/FastUpstream.java" $UP 2 > "$WORK/up.log" 2>&1 & UP_PID=$!; pids+=($UP_PID)
# nginx: plain reverse proxy with upstream keep-alive and no buffering (so SSE streams through)
nginx_conf "$WORK/nginx" $UP $NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" & NGINX_PID=$!; pids+=($NGINX_PID)
# Portkey, pointed at the fake upstream per request (x-portkey-custom-host)
(cd "$ROOT/bench/.portkey" && exec node node_modules/@portkey-ai/gateway/build/start-server.js --port=$PORTKEY > "$WORK/portkey.log" 2>&1) &
PK_PID=$!; pids+=($PK_PID)
# HPP Router with everything on
HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$ROUTER HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/router.db" HPP_ROUTER_ADMIN_TOKEN=$ADMIN \
  OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" OPENAI_API_KEY=sk-bench ANTHROPIC_BASE_URL="http://127.0.0.1:$UP" ANTHROPIC_API_KEY=sk-bench \
  MOONSHOT_BASE_URL="http://127.0.0.1:$UP/v1" MOONSHOT_API_KEY=sk-bench \
  "$JAVA" @"$ROOT/jvm.options" -jar "$ROOT/target/hpp-router.jar" serve > "$WORK/router.log" 2>&1 &
ROUTER_PID=$!; pids+=($ROUTER_PID)
wait_up "http://127.0.0.1:$UP/"; wait_up "http://127.0.0.1:$NGINX/"; wait_up "http://127.0.0.1:$PORTKEY/"; wait_up "http://127.0.0.1:$ROUTER/healthz"
sleep 1
NGINX_PIDS="$NGINX_PID,$(pgrep -d, -P "$NGINX_PID" || true)"; NGINX_PIDS="${NGINX_PIDS%,}"
PK_NODE=$(pgrep -f "start-server.js --port=$PORTKEY" | head -1)
KEY=$(bench_key $ROUTER $ADMIN)

ticks() { # CPU ticks used so far by every process started here
  local t=0 p s
  for p in $UP_PID ${NGINX_PIDS//,/ } $PK_NODE $ROUTER_PID; do
    s=($(sed -E 's/^.*\) //' "/proc/$p/stat" 2>/dev/null || echo)); [ ${#s[@]} -gt 12 ] && t=$((t + s[11] + s[12]))
  done
  echo $t
}
quiet() { # waits (at most 60 s) until the processes started here use under 10% of a core: a target that fell behind
  # (Portkey at 1,000 req/s) keeps working off its backlog after its run and would slow the next target's run
  local i a b
  for i in $(seq 1 120); do
    a=$(ticks); sleep 0.5; b=$(ticks)
    [ $((b - a)) -le 5 ] && return 0
  done
  echo "still busy after 60 s" >&2
}
run() { # name url pids rate mode [headers]
  quiet
  LOAD_HEADERS="${6:-}" "$JAVA" "$ROOT/bench/LoadDriver.java" "$2" "$4" "$SECS" "${KEY_FOR:--}" "$3" $5 2>/dev/null | tr '\n' ' '
}
# warm every target the same way first (WARM_RATE req/s for WARM seconds, JSON and streams), so JIT compilation is not measured
for warm in "http://127.0.0.1:$NGINX/v1/chat/completions|-|" "http://127.0.0.1:$PORTKEY/v1/chat/completions|sk|x-portkey-provider: openai; x-portkey-custom-host: http://127.0.0.1:$UP/v1" \
            "http://127.0.0.1:$ROUTER/llm/v1/chat/completions|$KEY|"; do
  IFS='|' read -r wurl wkey whdr <<< "$warm"
  for wmode in "" stream; do
    LOAD_HEADERS="$whdr" WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "$wurl" "$WARM_RATE" "$WARM" "$wkey" - $wmode >/dev/null 2>&1 || true
  done
done
LOAD_MODEL=anthropic/claude-sonnet-4 WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "http://127.0.0.1:$ROUTER/v1/messages" \
  "$WARM_RATE" "$WARM" "$KEY" - stream >/dev/null 2>&1 || true
LOAD_API=responses LOAD_MODEL=moonshotai/kimi-k2.6 WARMUP_SECONDS=0 "$JAVA" "$ROOT/bench/LoadDriver.java" "http://127.0.0.1:$ROUTER/llm/v1/responses" \
  "$WARM_RATE" "$WARM" "$KEY" - stream >/dev/null 2>&1 || true
printf '\n%-10s %-8s %6s %9s %9s %9s %9s %10s %9s %7s %6s\n' target mode rate achieved p50_ms p99_ms added_p50 added_p99 cpu_us rss_mb jit_us
for mode in nonstream stream messages responses; do
  rates=$RATES; [ $mode = stream ] && rates=$STREAM_RATES; [ $mode = messages ] && rates=$MESSAGES_RATES; [ $mode = responses ] && rates=$RESPONSES_RATES
  flag=""; [ $mode != nonstream ] && flag=stream
  targets="direct nginx portkey hpp-router"; [ $mode = messages ] || [ $mode = responses ] && targets="direct hpp-router"
  for rate in $rates; do
    base50=""; base99=""
    for target in $targets; do
      case $mode/$target in
        messages/direct) out=$(KEY_FOR=- run direct "http://127.0.0.1:$UP/v1/messages" "$UP_PID" $rate stream) ;;
        responses/direct) out=$(KEY_FOR=- run direct "http://127.0.0.1:$UP/v1/chat/completions" "$UP_PID" $rate stream) ;;
        responses/hpp-router) out=$(LOAD_API=responses LOAD_MODEL=moonshotai/kimi-k2.6 KEY_FOR=$KEY run router "http://127.0.0.1:$ROUTER/llm/v1/responses" "$ROUTER_PID" $rate stream) ;;
        messages/hpp-router) out=$(LOAD_MODEL=anthropic/claude-sonnet-4 KEY_FOR=$KEY run router "http://127.0.0.1:$ROUTER/v1/messages" "$ROUTER_PID" $rate stream) ;;
        */direct) out=$(KEY_FOR=- run direct "http://127.0.0.1:$UP/v1/chat/completions" "$UP_PID" $rate "$flag") ;;
        */nginx) out=$(KEY_FOR=- run nginx "http://127.0.0.1:$NGINX/v1/chat/completions" "$NGINX_PIDS" $rate "$flag") ;;
        */portkey) out=$(KEY_FOR=sk run portkey "http://127.0.0.1:$PORTKEY/v1/chat/completions" "$PK_NODE" $rate "$flag" \
                       "x-portkey-provider: openai; x-portkey-custom-host: http://127.0.0.1:$UP/v1") ;;
        */hpp-router) out=$(KEY_FOR=$KEY run router "http://127.0.0.1:$ROUTER/llm/v1/chat/completions" "$ROUTER_PID" $rate "$flag") ;;
      esac
      # a value that is missing (NaN when every request failed) prints as n/a
      pick() { v=$(echo "$out" | sed -nE "s|.*$1.*|\\1|p" | head -1); echo "${v:-n/a}"; }
      lat=latency_ms; [ $mode != nonstream ] && lat=ttfb_ms
      p50=$(pick "$lat p50=([0-9.]+)"); p99=$(pick "$lat p50=[^ ]+ p90=[^ ]+ p99=([0-9.]+)")
      achieved=$(pick 'achieved=([0-9]+)/s'); errors=$(pick ' errors=([0-9]+)')
      cpu=$(pick 'cpu_us_per_request=([0-9]+)'); rss=$(pick 'peak_rss_mib=([0-9]+)'); jit=$(pick 'jit_us_per_request=([0-9]+)')
      [ $target = direct ] && { base50=$p50; base99=$p99; }
      a50=$(awk -v a="$p50" -v b="$base50" 'BEGIN{ if (a ~ /^[0-9.]+$/) printf "%.3f", a-b; else print "n/a" }')
      a99=$(awk -v a="$p99" -v b="$base99" 'BEGIN{ if (a ~ /^[0-9.]+$/) printf "%.3f", a-b; else print "n/a" }')
      printf '%-10s %-8s %6s %9s %9s %9s %9s %10s %9s %7s %6s  errors=%s\n' $target $mode $rate "$achieved" "$p50" "$p99" "$a50" "$a99" "$cpu" "$rss" "$jit" "$errors"
    done
  done
done
echo "(stream, messages and responses rows: p50/p99 are time to first byte; added = minus direct at the same rate; cpu and rss of the target's own processes;"
echo " jit_us: the part of cpu_us its JIT compiler threads spent, so a row still compiling shows)"
