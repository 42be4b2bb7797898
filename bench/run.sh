#!/usr/bin/env bash
# Quick load run on 127.0.0.1: fake upstream, the router (SQLite, auth, quota, request log on), and the load driver
# against the upstream directly and through the router. Bounded in time; stops what it started.
#   bench/run.sh [RATE] [SECONDS] [stream]        (BENCH_DB=postgres: the router on a throw-away PostgreSQL)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
RATE="${1:-1000}"; SECONDS_="${2:-10}"; MODE="${3:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
UP_PORT=18931; ROUTER_PORT=18932; ADMIN=bench-admin-token-0123456789
WORK="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)
DB_URL="jdbc:sqlite:$WORK/bench.db"
if [ "${BENCH_DB:-sqlite}" = postgres ]; then
  # a throw-away PostgreSQL cluster (as the postgres user when run as root), stopped on exit
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); PGPORT=18933; PGDIR="$WORK/pg"
  mkdir -p "$PGDIR"; as_pg=(); [ "$(id -u)" = 0 ] && { chown -R postgres:postgres "$WORK"; as_pg=(runuser -u postgres --); }
  "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U hpp -A trust -E UTF8 --no-locale --no-sync >/dev/null
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-p $PGPORT -k $PGDIR -h 127.0.0.1" start >/dev/null
  stop_pg() { "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
  trap 'stop_pg; cleanup' EXIT
  "$PGBIN/psql" -h 127.0.0.1 -p $PGPORT -U hpp -d postgres -qc "CREATE DATABASE bench" >/dev/null
  DB_URL="jdbc:postgresql://127.0.0.1:$PGPORT/bench?user=hpp"
fi
"$JAVA" "$ROOT/bench/FastUpstream.java" "$UP_PORT" > "$WORK/upstream.log" 2>&1 & pids+=($!)
HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$ROUTER_PORT HPP_ROUTER_DB_URL="$DB_URL" \
  HPP_ROUTER_ADMIN_TOKEN=$ADMIN OPENAI_BASE_URL="http://127.0.0.1:$UP_PORT/v1" OPENAI_API_KEY=sk-bench \
  HPP_ROUTER_LOG_LEVEL=${BENCH_LOG_LEVEL:-INFO} "$JAVA" @"$ROOT/jvm.options" ${BENCH_ROUTER_OPTS:-} -jar "$ROOT/target/hpp-router.jar" serve \
  > "$WORK/router.log" 2>&1 & ROUTER_PID=$!; pids+=($ROUTER_PID)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$ROUTER_PORT/openapi.yaml" >/dev/null 2>&1 && break; sleep 0.1; done
KEY=$(bench_key $ROUTER_PORT $ADMIN)

echo "== direct to upstream"
"$JAVA" "$ROOT/bench/LoadDriver.java" "http://127.0.0.1:$UP_PORT/v1/chat/completions" "$RATE" "$SECONDS_" - - $MODE
echo "== through hpp-router"
"$JAVA" "$ROOT/bench/LoadDriver.java" "http://127.0.0.1:$ROUTER_PORT/llm/v1/chat/completions" "$RATE" "$SECONDS_" "$KEY" "$ROUTER_PID" $MODE
curl -sf "http://127.0.0.1:$ROUTER_PORT/api/usage" -H "apikey: $KEY"; echo
