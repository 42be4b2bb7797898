#!/usr/bin/env bash
# The operators' statistics on a generated request log: bench/stats-10m.sh sqlite|postgres [ROWS, default 10,000,000].
# Prints a Markdown table of query times (median of 5) from the log alone and with the hourly totals, and the time to
# sum the month's hours. PostgreSQL: a throw-away cluster started as the postgres user (as the tests do). Takes a few
# minutes and ~5 GB of disk per database, in the temporary directory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -B -q -ntp -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.hpp.router.bench.StatsAtScale "${1:-sqlite}" "${2:-10000000}"
