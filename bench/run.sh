#!/usr/bin/env bash
# Measures what coinpurse costs to run: startup, memory, verified webhooks per second (with a
# check that every answered event was credited exactly once) and the server's CPU per event,
# status polls per second, and this disk's fsync rate. Needs wrk (apt-get install wrk). Starts
# the server with the run.sh beside the jar, so it measures the same JVM settings as production,
# on a temp database; stops it at the end. Its parts: bench/lib/servers.sh (start, probe, stop),
# postgres.sh (--db postgres: the database, round trips, two instances), push.sh (--push),
# report.sh (the tables).
#
#   bench/run.sh                       # 20 s per load phase
#   DURATION=10 EVENTS=150000 WARMUP=5 bench/run.sh
#   bench/run.sh --startup-only        # only the startup: 5 starts each way, and their medians
#   bench/run.sh --db postgres         # on a throwaway PostgreSQL (src/test/postgres/test-postgres.sh):
#                                      # round trips and commits per request (RT_REQUESTS=300 of each
#                                      # kind, one at a time), one instance, then two on one database
#   JAR=../other/target/coinpurse.jar bench/run.sh --db postgres   # another build (its own run.sh
#                                      # starts it): the "before" of a before/after
#   bench/run.sh --metrics             # with metrics.enabled=true (GET /metrics scraped at the end)
#   bench/run.sh --push loopback       # the web app's events pushed to a receiver on loopback (BenchTool
#                                      # receive: verifies each signature, answers 204)
#   bench/run.sh --push refused        # events.webhook_url set, but nothing listens there (every attempt
#                                      # refused, retried); --push off (the default): no events.webhook_url
#   ASYNC_PROFILER=/path/libasyncProfiler.so bench/run.sh   # also CPU-profiles each measured webhook
#                                      # phase (collapsed stacks in target/bench-profiles/)
#   bench/run.sh --streams [--db postgres]   # the buyer's event streams instead (bench/streams.sh):
#                                      # 1,000 idle streams' RSS and threads, commit-to-event latency
#   bench/run.sh --wallet              # the wallet's calls instead (bench/wallet.sh): spend, hold
#                                      # create and capture, one at a time: p50/p99 and CPU per call
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: bench/run.sh [--startup-only] [--db sqlite|postgres] [--metrics] [--push off|loopback|refused] | --streams [--db …] | --wallet" >&2; exit 2; }
[ "${1:-}" = --streams ] && { shift; exec bench/streams.sh "$@"; }
[ "${1:-}" = --wallet ] && { shift; exec bench/wallet.sh "$@"; }
startup_only=false
metrics=false
db=sqlite
push=off
while [ $# -gt 0 ]; do
  case "$1" in
    --startup-only) startup_only=true ;;
    --metrics) metrics=true ;;
    --db) db=${2:-}; shift ;;
    --db=*) db=${1#--db=} ;;
    --push) push=${2:-}; shift ;;
    --push=*) push=${1#--push=} ;;
    *) usage ;;
  esac
  shift
done
case "$db" in sqlite|postgres) ;; *) usage ;; esac
case "$push" in off|loopback|refused) ;; *) usage ;; esac
DURATION=${DURATION:-20}
EVENTS=${EVENTS:-200000}            # distinct events available to the webhook phase
WARMUP=${WARMUP:-15}                # seconds of each load before it is measured, for the JIT
WARM_EVENTS=$(( WARMUP * 8000 ))
STARTS=${STARTS:-5}                 # starts measured each way
PORT=${PORT:-5077}
JAR=${JAR:-target/coinpurse.jar}
run_sh=$(cd "$(dirname "$JAR")/.." && pwd)/run.sh   # the run.sh of the jar's checkout
$startup_only || command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is missing: apt-get install curl" >&2; exit 1; }

mkdir -p target
work=$(mktemp -d "$PWD/target/bench.XXXXXX")   # on the disk the database would use
server_pid="" second_pid="" receiver_pid="" rt_server_pid="" proxy_pid="" pg_parent=""
cleanup() {
  for pid in $server_pid $second_pid $receiver_pid $rt_server_pid $proxy_pid; do
    { kill "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  if [ -n "$pg_parent" ]; then
    src/test/postgres/test-postgres.sh stop "$pg_parent/server" || true
    rm -rf "$pg_parent"
  fi
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"   # BENCH_KEEP=1 keeps the logs
}
trap cleanup EXIT

export SERVER_HOST=127.0.0.1 SERVER_PORT=$PORT DB_PATH=$work/db/coinpurse.db
export STRIPE_WEBHOOK_SECRET=whsec_bench_secret_for_local_measurements
export AUTH_JWT_SECRET=bench-jwt-secret-long-enough-for-hs256-0123456789
# The made-up sessions name this deployment, so that the server records them from their metadata.
export APP_INSTANCE_ID=bench
unset STRIPE_SECRET_KEY STRIPE_API_BASE INTERNAL_API_KEY DB_URL DB_USER DB_PASSWORD METRICS_ENABLED
unset EVENTS_WEBHOOK_URL EVENTS_WEBHOOK_SECRET
if $metrics; then
  export METRICS_ENABLED=true INTERNAL_API_KEY=bench-internal-key-0123456789abcdef
fi
base=http://127.0.0.1:$PORT
tool() { java -cp "$JAR" bench/BenchTool.java "$@"; }
. bench/lib/servers.sh
. bench/lib/report.sh
. bench/lib/push.sh
. bench/lib/postgres.sh
pg=false
if [ "$db" = postgres ]; then
  pg=true
  pg_start
fi

"$run_sh" --help >/dev/null               # builds the jar if it is missing or stale
start_receiver

# The first server after a build writes run.sh's class-data archive when it stops; production pays
# that once, so the benchmark does too, before it measures. This start also creates the database.
echo "bench: a first start and stop (creates the database, and the class-data archive if stale)..." >&2
log=$work/first.log serve_timed "$run_sh" serve
echo "bench: the first start, creating the database, was healthy after $startup_ms ms" >&2
curl -sf -o /dev/null "$base/api/payment/packages"
stop_server

echo "bench: timing $STARTS starts each way..." >&2
measure_startups
if $startup_only; then
  startup_table
  exit 0
fi

if $pg; then
  count_round_trips
  fsync_rate=$(tool fsync "$pg_parent" 3)   # the disk PostgreSQL's WAL is on
  db_check=$DB_URL
else
  fsync_rate=$(tool fsync "$work" 3)
  db_check=$DB_PATH
fi
# Signed now: Stripe's signatures are refused 5 minutes after (the two instances' are signed later).
echo "bench: preparing $EVENTS signed events..." >&2
tool events "$work/warm" warm "$WARM_EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"
tool events "$work/events" bench "$EVENTS" 2 "$STRIPE_WEBHOOK_SECRET"

log=$work/server.log serve_timed "$run_sh" serve
sleep 1
rss_idle=$(rss_mb)

IFS=$'\t' read -r seed_signature seed_body < "$work/events/seed.txt"
curl -sf -o /dev/null -X POST -H "Stripe-Signature: $seed_signature" -H "Content-Type: application/json" \
  --data-binary "$seed_body" "$base/api/payment/webhook"
token=$("$run_sh" token bench-status 2>/dev/null)

echo "bench: warming up..." >&2
wrk -t2 -c16 -d"${WARMUP}s" -s bench/webhook.lua "$base" -- "$work/warm" >/dev/null
wrk -t2 -c32 -d"${WARMUP}s" -H "Authorization: Bearer $token" "$base/api/payment/status/cs_seed" >/dev/null

echo "bench: webhooks, 16 connections, ${DURATION}s..." >&2
profile_start "$server_pid"
cpu_before=$(cpu_ticks); pg_before
receiver_before=0; [ -n "$receiver_pid" ] && receiver_before=$(cpu_ticks "$receiver_pid")
read -r app_events_before delivered_before < <(tool pushed "$db_check")
wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/webhook.lua "$base" -- "$work/events" >"$work/webhooks.txt"
cpu_after=$(cpu_ticks)
receiver_after=0; [ -n "$receiver_pid" ] && receiver_after=$(cpu_ticks "$receiver_pid")
read -r app_events_phase delivered_phase < <(tool pushed "$db_check")
profile_stop webhooks "$server_pid"
read -r requests webhook_non2xx webhook_socket_errors < <(webhook_result "$work/webhooks.txt")
answered=$(( requests - webhook_non2xx ))
pg_after "$answered"
cpu_per_event=$(ms_per $(( cpu_after - cpu_before )) "$answered")
echo "bench: server CPU per webhook event: $cpu_per_event ms" >&2
echo "bench: status polls, 32 connections, ${DURATION}s..." >&2
wrk -t2 -c32 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
  "$base/api/payment/status/cs_seed" >"$work/status.txt"
rss_loaded=$(rss_mb)
credit_check=$(tool check "$db_check" bench "$answered") || true
read -r app_events_end delivered_end < <(tool pushed "$db_check")
written=$(( app_events_phase - app_events_before ))
push_summary

webhook_rate=$(rate "$work/webhooks.txt")
status_rate=$(rate "$work/status.txt")
status_non2xx=$(non2xx "$work/status.txt")
target_webhooks=$(( fsync_rate * 70 / 100 ))
java_opts=${JAVA_OPTS:-"run.sh defaults"}
if $metrics; then
  # Proof that they were on: the webhook events the server counted.
  counted=$(curl -sf -H "Authorization: Bearer $INTERNAL_API_KEY" "$base/metrics" \
    | awk '/^coinpurse_webhook_events_total/ {n += $2} END {printf "%.0f", n}')
  java_opts="$java_opts; metrics on (GET /metrics counted $counted webhook events)"
else
  java_opts="$java_opts; metrics off"
fi
java_opts="$java_opts; events pushed: $push"

if ! $pg; then
  sqlite_table
  exit 0
fi
one_pg_cpu=$pg_cpu one_pg_commits=$pg_commits one_pg_syncs=$pg_syncs
two_instances
postgres_table
