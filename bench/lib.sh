# Shared by the bench scripts (sourced, not run): the pieces each of them needs the same way.

# Every connection of the load driver comes from 127.0.0.1: the router's per-address connection limit (a quarter of
# server.max_connections by default, against one client opening them all) would refuse most of bench/streams.sh's
# 5,000 streams. A router started by these scripts lifts it, unless the caller set it.
export HPP_ROUTER_MAX_CONNECTIONS_PER_ADDRESS="${HPP_ROUTER_MAX_CONNECTIONS_PER_ADDRESS:-1000000}"

# Writes DIR/nginx.conf: nginx as a plain reverse proxy on 127.0.0.1:LISTEN to the upstream on 127.0.0.1:UPSTREAM,
# one worker, upstream keep-alive, no access log, no buffering (so SSE streams through), request bodies up to 1 MiB
# kept in memory (by default one over 16 KiB went to a temporary file and every such request took ~40 ms more, the
# length of Linux's delayed-acknowledgement timer: a 31 KB body 43 ms at p50 through nginx against 0.9 ms with this
# setting, LOAD_TURNS=20 at 500 req/s). Start it with
#   nginx -p DIR -c DIR/nginx.conf
# usage: nginx_conf DIR UPSTREAM LISTEN
nginx_conf() {
  mkdir -p "$1/logs"
  cat > "$1/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $1/nginx.pid; error_log $1/error.log warn;
events { worker_connections 8192; }
http { access_log off; client_body_buffer_size 1m;
  upstream up { server 127.0.0.1:$2; keepalive 256; }
  server { listen 127.0.0.1:$3;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; } } }
CONF
}

# Creates a consumer with QUOTA dollars and an API key for it through the admin API of the router on 127.0.0.1:PORT;
# prints the key.
# usage: KEY=$(bench_key PORT ADMIN_TOKEN [QUOTA=1000000])
# BENCH_KEY_SETTINGS='{"budget":100000,"budget_period":"monthly","allowed_models":["openai/*","moonshotai/*","anthropic/*"]}'
# gives the key settings of its own (the key-controls row of bench/RESULTS.md); default none
bench_key() {
  local cid
  cid=$(curl -sf -XPOST "http://127.0.0.1:$1/admin/v1/consumers" -H "Authorization: Bearer $2" \
    -d "{\"quota\":${3:-1000000}}" | sed -E 's/.*"consumer_id":"([^"]+)".*/\1/')
  curl -sf -XPOST "http://127.0.0.1:$1/admin/v1/consumers/$cid/keys" -H "Authorization: Bearer $2" -d "${BENCH_KEY_SETTINGS:-{\}}" \
    | sed -E 's/.*"key":"([^"]+)".*/\1/'
}

# A fresh temporary folder in WORK and an empty pids array; on exit, every process whose PID was added to pids (and
# only those) is stopped and WORK removed.
# usage: bench_work; ...; some_command & pids+=($!)
bench_work() {
  WORK="$(mktemp -d)"; pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$WORK"' EXIT
}

# Waits (at most 15 s) until URL answers on 127.0.0.1; fails otherwise.
# usage: wait_up URL
wait_up() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1" >&2; return 1; }

# Starts the fake upstream on 127.0.0.1:UP (2 ms between stream chunks) and HPP Router from JAR on 127.0.0.1:PORT
# (SQLite in WORK, admin token ADMIN, every feature on; JVM options from jvm.options, then the extra ones given), both
# added to pids; sets ROUTER_PID and waits until both answer. Needs JAVA, ROOT, WORK (bench_work) and ADMIN.
# usage: start_router JAR UP PORT [JVM options...]
start_router() {
  local jar=$1 up=$2 port=$3; shift 3
  "$JAVA" "$ROOT/bench/FastUpstream.java" "$up" 2 > "$WORK/up.log" 2>&1 & pids+=($!)
  HPP_ROUTER_HOST=127.0.0.1 HPP_ROUTER_PORT=$port HPP_ROUTER_DB_URL="jdbc:sqlite:$WORK/router.db" HPP_ROUTER_ADMIN_TOKEN=$ADMIN \
    OPENAI_BASE_URL="http://127.0.0.1:$up/v1" OPENAI_API_KEY=sk-bench \
    "$JAVA" @"$ROOT/jvm.options" "$@" -jar "$jar" serve > "$WORK/router.log" 2>&1 & ROUTER_PID=$!; pids+=($ROUTER_PID)
  wait_up "http://127.0.0.1:$port/healthz"; wait_up "http://127.0.0.1:$up/"
}
