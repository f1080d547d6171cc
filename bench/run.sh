#!/usr/bin/env bash
# Measures what coinpurse costs to run: startup, memory, verified webhooks per second (with a
# check that every answered event was credited exactly once), status polls per second, and this
# disk's fsync rate. Needs wrk (apt-get install wrk). Starts the server with ../run.sh, so it
# measures the same JVM settings as production, on a temp database; stops it at the end.
#
#   bench/run.sh                       # 20 s per load phase
#   DURATION=10 EVENTS=150000 WARMUP=5 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
EVENTS=${EVENTS:-200000}            # distinct events available to the webhook phase
WARMUP=${WARMUP:-15}                # seconds of each load before it is measured, for the JIT
WARM_EVENTS=$(( WARMUP * 8000 ))
PORT=${PORT:-5077}
JAR=target/coinpurse.jar
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; }
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

./run.sh --help >/dev/null               # builds the jar if it is missing or stale
echo "bench: preparing $EVENTS signed events..." >&2
tool events "$work/warm" warm "$WARM_EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"
tool events "$work/events" bench "$EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"
fsync_rate=$(tool fsync "$work" 3)

if [ ! -f target/coinpurse.jsa ] || [ target/coinpurse.jar -nt target/coinpurse.jsa ]; then
  # The first server after a build writes run.sh's class-data archive when it stops; production
  # pays that once, so the benchmark does too, before it measures.
  echo "bench: a first start and stop, to write the class-data archive..." >&2
  DB_PATH=$work/training/coinpurse.db ./run.sh serve >"$work/training.log" 2>&1 &
  server_pid=$!
  until curl -sf -o /dev/null "$base/health"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/training.log" >&2; exit 1; }
    sleep 0.01
  done
  curl -sf -o /dev/null "$base/api/payment/packages"
  kill "$server_pid"; wait "$server_pid" || true
  server_pid=""
fi

# Polls every 10 ms: a loop of curl processes without a pause would take one of the two cores
# from the server whose start it times.
started=$(date +%s%N)
./run.sh serve >"$work/server.log" 2>&1 &
server_pid=$!
until curl -sf -o /dev/null "$base/health"; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.01
done
startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
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
wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/webhook.lua "$base" -- "$work/events" >"$work/webhooks.txt"
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
credit_check=$(tool check "$DB_PATH" bench "$answered") || true

webhook_rate=$(rate "$work/webhooks.txt")
status_rate=$(rate "$work/status.txt")
status_non2xx=$(non2xx "$work/status.txt")
target_webhooks=$(( fsync_rate * 70 / 100 ))
java_opts=${JAVA_OPTS:-"run.sh defaults"}

cat <<TABLE

coinpurse benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)
JVM options: ${java_opts}

| measure | result | target |
|---|---|---|
| startup to a healthy /health | ${startup_ms} ms | < 1000 ms |
| RSS idle / after load | ${rss_idle} MB / ${rss_loaded} MB | < 150 MB after load |
| disk fsync rate (4 KiB write + fdatasync) | ${fsync_rate}/s | — |
| verified webhook events, 16 connections | ${webhook_rate}/s, p50 $(pct "$work/webhooks.txt" 50%), p99 $(pct "$work/webhooks.txt" 99%) | ≥ ${target_webhooks}/s (70 % of fsync) |
| webhook errors (non-2xx / socket) | ${webhook_non2xx} / ${webhook_socket_errors} | 0 / 0 |
| exactly-once check | ${credit_check} | OK |
| GET /api/payment/status, 32 connections | ${status_rate}/s, p50 $(pct "$work/status.txt" 50%), p99 $(pct "$work/status.txt" 99%) | ≥ 20000/s, p99 < 5 ms |
| status errors (non-2xx) | ${status_non2xx:-0} | 0 |
TABLE
