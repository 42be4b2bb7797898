#!/usr/bin/env bash
# Memory of the router for n=4 high-quality image answers (4 × 3 MB of base64 = 12 MB per answer): 40 requests,
# 4 at a time, through a router whose heap is capped at 64 MiB. Prints peak RSS and the heap after each GC.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP=18951; RP=18952; ADMIN=bench-admin-token-0123456789
bench_work
[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)
"$JAVA" "$ROOT/bench/FastUpstream.java" $UP > "$WORK/up.log" 2>&1 & pids+=($!)
HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$RP HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/b.db" HPP_ROUTER_ADMIN_TOKEN=$ADMIN \
  OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" OPENAI_API_KEY=sk HPP_ROUTER_LOG_LEVEL=WARN \
  "$JAVA" @"$ROOT/jvm.options" -Xmx64m -Xlog:gc:file="$WORK/gc.log" -jar "$ROOT/target/hpp-router.jar" serve \
  > "$WORK/r.log" 2>&1 & RPID=$!; pids+=($RPID)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$RP/openapi.yaml" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 1
KEY=$(bench_key $RP $ADMIN 1000)
RSS0=$(awk '/VmRSS/{print $2}' /proc/$RPID/status)
for round in $(seq 1 10); do
  curls=()
  for i in 1 2 3 4; do
    curl -s -m 30 -o /dev/null -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$RP/v1/images/generations" -H "apikey: $KEY" \
      -d '{"prompt":"a lighthouse","n":4,"quality":"high"}' >> "$WORK/codes" & curls+=($!)
  done
  wait "${curls[@]}"
done
sleep 0.5
echo "answers: $(grep -c '^200 ' "$WORK/codes") of 40 with status 200, $(awk '{print $2}' "$WORK/codes" | sort -u | head -1) bytes each"
echo "router RSS before: $((RSS0/1024)) MiB, peak: $(awk '/VmHWM/{print int($2/1024)}' /proc/$RPID/status) MiB (heap capped at 64 MiB)"
echo "largest heap after a GC: $(grep -oE '[0-9]+M->[0-9]+M' "$WORK/gc.log" | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1) MiB; GCs: $(grep -c 'Pause' "$WORK/gc.log")"
curl -sf "http://127.0.0.1:$RP/api/usage" -H "apikey: $KEY"; echo
