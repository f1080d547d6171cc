#!/usr/bin/env bash
# Measures what coinpurse costs to run: startup, memory, verified webhooks per second (with a
# check that every answered event was credited exactly once) and the server's CPU per event,
# status polls per second, and this disk's fsync rate. Needs wrk (apt-get install wrk). Starts
# the server with ../run.sh, so it measures the same JVM settings as production, on a temp
# database; stops it at the end.
#
#   bench/run.sh                       # 20 s per load phase
#   DURATION=10 EVENTS=150000 WARMUP=5 bench/run.sh
#   bench/run.sh --startup-only        # only the startup: 5 starts each way, and their medians
set -euo pipefail
cd "$(dirname "$0")/.."

startup_only=false
case "${1:-}" in
  --startup-only) startup_only=true ;;
  "") ;;
  *) echo "usage: bench/run.sh [--startup-only]" >&2; exit 2 ;;
esac
DURATION=${DURATION:-20}
EVENTS=${EVENTS:-200000}            # distinct events available to the webhook phase
WARMUP=${WARMUP:-15}                # seconds of each load before it is measured, for the JIT
WARM_EVENTS=$(( WARMUP * 8000 ))
STARTS=${STARTS:-5}                 # starts measured each way
PORT=${PORT:-5077}
JAR=target/coinpurse.jar
$startup_only || command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is missing: apt-get install curl" >&2; exit 1; }

mkdir -p target
work=$(mktemp -d "$PWD/target/bench.XXXXXX")   # on the disk the database would use
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export SERVER_HOST=127.0.0.1 SERVER_PORT=$PORT DB_PATH=$work/db/coinpurse.db
export STRIPE_WEBHOOK_SECRET=whsec_bench_secret_for_local_measurements
export AUTH_JWT_SECRET=bench-jwt-secret-long-enough-for-hs256-0123456789
# The made-up sessions name this deployment, so that the server records them from their metadata.
export APP_INSTANCE_ID=bench
unset STRIPE_SECRET_KEY STRIPE_API_BASE INTERNAL_API_KEY
base=http://127.0.0.1:$PORT
tool() { java -cp "$JAR" bench/BenchTool.java "$@"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }
# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$server_pid/stat"; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Waiting and probing use only bash builtins (/dev/tcp, read -t): a curl process per probe costs
# about 5 ms of CPU, every 10 ms a third of one of the two cores that the start being timed needs.
mkfifo "$work/nap"
exec {nap_fd}<>"$work/nap"
nap() { read -r -t 0.01 -u "$nap_fd" _ || true; }
healthy() {
  { exec {http_fd}<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$http_fd"
  local status=""
  IFS= read -r -t 5 -u "$http_fd" status || true
  exec {http_fd}<&-
  [[ $status == "HTTP/1.1 200 "* ]]
}

# Starts a server with the command given (its output to $log), and sets server_pid, and
# startup_ms to the time until GET /health answered 200, probed every 10 ms.
serve_timed() {
  local started=${EPOCHREALTIME/./}
  "$@" >"$log" 2>&1 &
  server_pid=$!
  until healthy; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    nap
  done
  startup_ms=$(( (${EPOCHREALTIME/./} - started) / 1000 ))
}
stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

# $STARTS starts each way, alternating, on a database that exists already (as on every start but
# a deployment's first, which also creates the schema): plain `java -jar`, then run.sh with its
# settings and class-data sharing. Sets startup_java and startup_runsh to the medians.
measure_startups() {
  local java_ms=() runsh_ms=() log=$work/start.log
  for _ in $(seq "$STARTS"); do
    serve_timed java -jar "$JAR"
    java_ms+=("$startup_ms")
    stop_server
    serve_timed ./run.sh
    runsh_ms+=("$startup_ms")
    stop_server
  done
  startup_java=$(median "${java_ms[@]}")
  startup_runsh=$(median "${runsh_ms[@]}")
  echo "bench: healthy after (ms), java -jar: ${java_ms[*]}; ./run.sh: ${runsh_ms[*]}" >&2
}

./run.sh --help >/dev/null               # builds the jar if it is missing or stale

# The first server after a build writes run.sh's class-data archive when it stops; production pays
# that once, so the benchmark does too, before it measures. This start also creates the database.
echo "bench: a first start and stop (creates the database, and the class-data archive if stale)..." >&2
log=$work/first.log serve_timed ./run.sh serve
echo "bench: the first start, creating the database, was healthy after $startup_ms ms" >&2
curl -sf -o /dev/null "$base/api/payment/packages"
stop_server

echo "bench: timing $STARTS starts each way..." >&2
measure_startups
if $startup_only; then
  cat <<TABLE

coinpurse startup — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)

| measure | median of $STARTS | target |
|---|---|---|
| \`java -jar $JAR\` to a healthy /health | ${startup_java} ms | ≤ 1200 ms |
| \`./run.sh\` to a healthy /health (JVM options: ${JAVA_OPTS:-"run.sh defaults"}) | ${startup_runsh} ms | ≤ 800 ms |
TABLE
  exit 0
fi

echo "bench: preparing $EVENTS signed events..." >&2
tool events "$work/warm" warm "$WARM_EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"
tool events "$work/events" bench "$EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"
fsync_rate=$(tool fsync "$work" 3)

log=$work/server.log serve_timed ./run.sh serve
sleep 1
rss_idle=$(rss_mb)

IFS=$'\t' read -r seed_signature seed_body < "$work/events/seed.txt"
curl -sf -o /dev/null -X POST -H "Stripe-Signature: $seed_signature" -H "Content-Type: application/json" \
  --data-binary "$seed_body" "$base/api/payment/webhook"
token=$(./run.sh token bench-status 2>/dev/null)

echo "bench: warming up..." >&2
wrk -t2 -c16 -d"${WARMUP}s" -s bench/webhook.lua "$base" -- "$work/warm" >/dev/null
wrk -t2 -c32 -d"${WARMUP}s" -H "Authorization: Bearer $token" "$base/api/payment/status/cs_seed" >/dev/null

echo "bench: webhooks, 16 connections, ${DURATION}s..." >&2
cpu_before=$(cpu_ticks)
wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/webhook.lua "$base" -- "$work/events" >"$work/webhooks.txt"
cpu_after=$(cpu_ticks)
echo "bench: status polls, 32 connections, ${DURATION}s..." >&2
wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
  "$base/api/payment/status/cs_seed" >"$work/status.txt"
rss_loaded=$(rss_mb)

rate() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
non2xx() { awk '/Non-2xx/ {print $NF}' "$1"; }
read -r requests webhook_non2xx webhook_socket_errors < <(
  sed -n 's/^RESULT requests=\([0-9]*\) non2xx=\([0-9]*\) socket_errors=\([0-9]*\)$/\1 \2 \3/p' "$work/webhooks.txt")
answered=$(( requests - webhook_non2xx ))
cpu_per_event=$(awk -v ticks=$(( cpu_after - cpu_before )) -v hz="$(getconf CLK_TCK)" -v n="$answered" \
  'BEGIN {printf "%.2f", (n > 0 ? ticks * 1000 / hz / n : 0)}')
echo "bench: server CPU per webhook event: $cpu_per_event ms" >&2
credit_check=$(tool check "$DB_PATH" bench "$answered") || true

webhook_rate=$(rate "$work/webhooks.txt")
status_rate=$(rate "$work/status.txt")
status_non2xx=$(non2xx "$work/status.txt")
target_webhooks=$(( fsync_rate * 70 / 100 ))
java_opts=${JAVA_OPTS:-"run.sh defaults"}

cat <<TABLE

coinpurse benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)
JVM options: ${java_opts}

| measure | result | target |
|---|---|---|
| startup to a healthy /health, \`./run.sh\` (median of $STARTS) | ${startup_runsh} ms | ≤ 800 ms |
| startup to a healthy /health, \`java -jar\` (median of $STARTS) | ${startup_java} ms | ≤ 1200 ms |
| RSS idle / after load | ${rss_idle} MB / ${rss_loaded} MB | < 150 MB after load |
| disk fsync rate (4 KiB write + fdatasync) | ${fsync_rate}/s | — |
| verified webhook events, 16 connections | ${webhook_rate}/s, p50 $(pct "$work/webhooks.txt" 50%), p99 $(pct "$work/webhooks.txt" 99%) | ≥ ${target_webhooks}/s (70 % of fsync) |
| server CPU per webhook event | ${cpu_per_event} ms | — |
| webhook errors (non-2xx / socket) | ${webhook_non2xx} / ${webhook_socket_errors} | 0 / 0 |
| exactly-once check | ${credit_check} | OK |
| GET /api/payment/status, 32 connections | ${status_rate}/s, p50 $(pct "$work/status.txt" 50%), p99 $(pct "$work/status.txt" 99%) | ≥ 20000/s, p99 < 5 ms |
| status errors (non-2xx) | ${status_non2xx:-0} | 0 |
TABLE
