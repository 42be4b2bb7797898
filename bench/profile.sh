#!/usr/bin/env bash
# CPU profile of HPP Router under load (on 127.0.0.1, bounded, stops what it started), with async-profiler taken from
# Maven Central (tools.profiler:async-profiler): the fake upstream, the router (SQLite, everything on), a warm-up at
# the rate, then RATE req/s for SECONDS while the profiler samples (Java and kernel frames). Writes collapsed stacks
# to OUT (one line per stack, for flame graphs or grep) and prints the heaviest frames.
#   bench/profile.sh [RATE=500] [SECONDS=10] [OUT=target/profile.collapsed] [stream]
#   PROFILE_EVENT=event=alloc bench/profile.sh ...   (allocations instead of CPU; any async-profiler start option)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
RATE="${1:-500}"; SECS="${2:-10}"; OUT="$(realpath -m "${3:-$ROOT/target/profile.collapsed}")"; MODE="${4:-}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
AP_VERSION=4.2
AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[ -f "$AP_JAR" ] || mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:$AP_VERSION >/dev/null
AP_DIR="$ROOT/target/async-profiler"; mkdir -p "$AP_DIR"
[ -f "$AP_DIR/linux-x64/libasyncProfiler.so" ] || (cd "$AP_DIR" && unzip -q -o "$AP_JAR" 'linux-x64/*')
LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
UP=18971; ROUTER=18972; ADMIN=bench-admin-token-0123456789
bench_work
[ -f "$ROOT/target/hpp-router.jar" ] || (cd "$ROOT" && ./hpp-router --version >/dev/null)

start_router "$ROOT/target/hpp-router.jar" $UP $ROUTER -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
KEY=$(bench_key $ROUTER $ADMIN)
URL="http://127.0.0.1:$ROUTER/llm/v1/chat/completions"
"$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" "$RATE" 20 "$KEY" "$ROUTER_PID" $MODE > /dev/null   # warm-up: let the JIT finish
"$JAVA_HOME/bin/jcmd" $ROUTER_PID JVMTI.agent_load "$LIB" "\"start,${PROFILE_EVENT:-event=cpu,interval=1000000}\"" > /dev/null
"$JAVA" "$ROOT/bench/LoadDriver.java" "$URL" "$RATE" "$SECS" "$KEY" "$ROUTER_PID" $MODE
"$JAVA_HOME/bin/jcmd" $ROUTER_PID JVMTI.agent_load "$LIB" "\"stop,file=$OUT,collapsed\"" > /dev/null
echo "collapsed stacks: $OUT"
awk '{ n = $NF; $NF = ""; split($0, f, ";"); self[f[length(f)]] += n; total += n }
     END { for (k in self) printf "%6.2f%% %s\n", 100 * self[k] / total, k }' "$OUT" | sort -rn | head -25
