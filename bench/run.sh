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
#   bench/run.sh --db postgres         # on a throwaway PostgreSQL (src/test/postgres/test-postgres.sh):
#                                      # one instance, then two instances on the same database
#   bench/run.sh --metrics             # with metrics.enabled=true (GET /metrics scraped at the end)
#   bench/run.sh --push loopback       # the web app's events pushed to a receiver on loopback (BenchTool
#                                      # receive: verifies each signature, answers 204)
#   bench/run.sh --push refused        # events.webhook_url set, but nothing listens there (every attempt
#                                      # refused, retried); --push off (the default): no events.webhook_url
#   ASYNC_PROFILER=/path/libasyncProfiler.so bench/run.sh   # also CPU-profiles each measured webhook
#                                      # phase (collapsed stacks in target/bench-profiles/)
#   JAR=/work/wt/other/target/coinpurse.jar bench/run.sh   # measures another build (say, an older
#                                      # commit's worktree), started with that checkout's run.sh
#   bench/run.sh --streams [--db postgres]   # the buyer's event streams instead (bench/streams.sh):
#                                      # 1,000 idle streams' RSS and threads, commit-to-event latency
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: bench/run.sh [--startup-only] [--db sqlite|postgres] [--metrics] [--push off|loopback|refused] | --streams [--db …]" >&2; exit 2; }
[ "${1:-}" = --streams ] && { shift; exec bench/streams.sh "$@"; }
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
JAR=${JAR:-target/coinpurse.jar}  # another build: JAR=/other/checkout/target/coinpurse.jar
runsh=$(dirname "$JAR")/../run.sh  # started with its own checkout's run.sh (./run.sh by default)
$startup_only || command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is missing: apt-get install curl" >&2; exit 1; }

mkdir -p target
work=$(mktemp -d "$PWD/target/bench.XXXXXX")   # on the disk the database would use
server_pid=""
second_pid=""
receiver_pid=""
pg_parent=""
cleanup() {
  for pid in $server_pid $second_pid $receiver_pid; do
    { kill "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  if [ -n "$pg_parent" ]; then
    src/test/postgres/test-postgres.sh stop "$pg_parent/server" || true
    rm -rf "$pg_parent"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export SERVER_HOST=127.0.0.1 SERVER_PORT=$PORT DB_PATH=$work/db/coinpurse.db
export STRIPE_WEBHOOK_SECRET=whsec_bench_secret_for_local_measurements
export AUTH_JWT_SECRET=bench-jwt-secret-long-enough-for-hs256-0123456789
# The made-up sessions name this deployment, so that the server records them from their metadata.
export APP_INSTANCE_ID=bench
unset STRIPE_SECRET_KEY STRIPE_API_BASE INTERNAL_API_KEY DB_URL DB_USER DB_PASSWORD METRICS_ENABLED
unset EVENTS_WEBHOOK_URL EVENTS_WEBHOOK_SECRET
push_port=$(( PORT + 20 ))   # the receiver's (loopback), or a port nothing listens on (refused)
if [ "$push" != off ]; then
  export EVENTS_WEBHOOK_SECRET="whsec_$(printf 'bench-webhook-key-of-32-bytes!!!' | base64)"
  export EVENTS_WEBHOOK_URL=http://127.0.0.1:$push_port/coinpurse/events
fi
if $metrics; then
  export METRICS_ENABLED=true INTERNAL_API_KEY=bench-internal-key-0123456789abcdef
fi
if [ "$db" = postgres ]; then
  # A throwaway server, as the tests use: PostgreSQL's defaults (fsync and synchronous_commit on,
  # shared_buffers 128 MB), on a free loopback port; as root it runs as the postgres user.
  pg_parent=$(mktemp -d /tmp/coinpurse-bench-pg.XXXXXX)
  chmod 755 "$pg_parent"
  echo "bench: starting a throwaway PostgreSQL..." >&2
  DB_URL=$(src/test/postgres/test-postgres.sh start "$pg_parent/server")
  export DB_URL
  pg_port=$(cat "$pg_parent/server/port")
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  psql_value() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc "$1"; }
  # The database server's CPU so far: the postmaster and every process it started, in clock ticks.
  pg_cpu_ticks() {
    local postmaster
    postmaster=$(head -n 1 "$pg_parent/server/data/postmaster.pid")
    for pid in "$postmaster" $(pgrep -P "$postmaster"); do
      awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || true
    done | awk '{t += $1} END {print t + 0}'
  }
  # Commits and WAL flushes (to disk) so far, as PostgreSQL counts them.
  pg_counters() {
    psql_value "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'), wal_sync
                FROM pg_stat_wal" | tr '|' ' '
  }
fi
base=http://127.0.0.1:$PORT
tool() { java -cp "$JAR" bench/BenchTool.java "$@"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status"; }
# The server's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/${1:-$server_pid}/stat"; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# Waiting and probing use only bash builtins (/dev/tcp, read -t): a curl process per probe costs
# about 5 ms of CPU, every 10 ms a third of one of the two cores that the start being timed needs.
mkfifo "$work/nap"
exec {nap_fd}<>"$work/nap"
nap() { read -r -t 0.01 -u "$nap_fd" _ || true; }
healthy() {
  { exec {http_fd}<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  # A server still starting may reset the connection: the write must fail, not SIGPIPE the bench.
  trap '' PIPE
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$http_fd" 2>/dev/null
  trap - PIPE
  local status=""
  IFS= read -r -t 5 -u "$http_fd" status 2>/dev/null || true
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
    serve_timed "$runsh"
    runsh_ms+=("$startup_ms")
    stop_server
  done
  startup_java=$(median "${java_ms[@]}")
  startup_runsh=$(median "${runsh_ms[@]}")
  echo "bench: healthy after (ms), java -jar: ${java_ms[*]}; ./run.sh: ${runsh_ms[*]}" >&2
}

"$runsh" --help >/dev/null               # builds the jar if it is missing or stale

if [ "$push" = loopback ]; then
  # Sized as a small receiver would be (one GC thread, a small heap), not as a server JVM on this machine.
  java -XX:+UseSerialGC -Xmx128m -cp "$JAR" bench/BenchTool.java receive "$push_port" "$EVENTS_WEBHOOK_SECRET" >"$work/receiver.log" 2>&1 &
  receiver_pid=$!
  until grep -qs listening "$work/receiver.log"; do
    kill -0 "$receiver_pid" 2>/dev/null || { cat "$work/receiver.log" >&2; exit 1; }
    sleep 0.1
  done
fi

# The first server after a build writes run.sh's class-data archive when it stops; production pays
# that once, so the benchmark does too, before it measures. This start also creates the database.
echo "bench: a first start and stop (creates the database, and the class-data archive if stale)..." >&2
log=$work/first.log serve_timed "$runsh" serve
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
if [ "$db" = postgres ]; then
  # Two instances, each with its own events (as behind a load balancer), one wrk thread each.
  tool events "$work/events-a" twoa "$(( EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  tool events "$work/events-b" twob "$(( EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  tool events "$work/warm-b" warmb "$(( WARM_EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  fsync_rate=$(tool fsync "$pg_parent" 3)   # the disk PostgreSQL's WAL is on
  db_check=$DB_URL
else
  fsync_rate=$(tool fsync "$work" 3)
  db_check=$DB_PATH
fi

log=$work/server.log serve_timed "$runsh" serve
sleep 1
rss_idle=$(rss_mb)

IFS=$'\t' read -r seed_signature seed_body < "$work/events/seed.txt"
curl -sf -o /dev/null -X POST -H "Stripe-Signature: $seed_signature" -H "Content-Type: application/json" \
  --data-binary "$seed_body" "$base/api/payment/webhook"
token=$("$runsh" token bench-status 2>/dev/null)

echo "bench: warming up..." >&2
wrk -t2 -c16 -d"${WARMUP}s" -s bench/webhook.lua "$base" -- "$work/warm" >/dev/null
wrk -t2 -c32 -d"${WARMUP}s" -H "Authorization: Bearer $token" "$base/api/payment/status/cs_seed" >/dev/null

rate() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
non2xx() { awk '/Non-2xx/ {s += $NF} END {print s + 0}' "$@"; }
# Requests, non-2xx and socket errors of a webhook run, as webhook.lua reports them.
webhook_result() {
  sed -n 's/^RESULT requests=\([0-9]*\) non2xx=\([0-9]*\) socket_errors=\([0-9]*\)$/\1 \2 \3/p' "$1"
}
ms_per() { awk -v ticks="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? ticks * 1000 / hz / n : 0)}'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? a / n : 0)}'; }
pg_before() {
  $pg || return 0
  sleep 2   # backends report their statistics at most once a second: let the warm-up's arrive first
  pg_ticks_before=$(pg_cpu_ticks)
  read -r commits_before syncs_before < <(pg_counters)
}
# PostgreSQL's share of a phase that answered $1 events: its CPU per event, commits and WAL flushes per event.
pg_after() {
  $pg || return 0
  local ticks; ticks=$(( $(pg_cpu_ticks) - pg_ticks_before ))
  sleep 2   # backends report their statistics at most once a second
  local commits syncs; read -r commits syncs < <(pg_counters)
  pg_cpu=$(ms_per "$ticks" "$1")
  pg_commits=$(per $(( commits - commits_before )) "$1")
  pg_syncs=$(per $(( syncs - syncs_before )) "$1")
}
pg=false; [ "$db" = postgres ] && pg=true
# With ASYNC_PROFILER set, the servers given are CPU-profiled (1 ms samples) between these two calls.
profile_start() {
  [ -n "${ASYNC_PROFILER:-}" ] || return 0
  # jcmd reads key=value pairs from its arguments: the profiler's options go quoted.
  for pid in "$@"; do jcmd "$pid" JVMTI.agent_load "$ASYNC_PROFILER" "\"start,event=cpu,interval=1ms\"" >/dev/null; done
}
profile_stop() {
  [ -n "${ASYNC_PROFILER:-}" ] || return 0
  local name=$1; shift
  mkdir -p target/bench-profiles
  for pid in "$@"; do
    jcmd "$pid" JVMTI.agent_load "$ASYNC_PROFILER" \
      "\"stop,collapsed,file=$PWD/target/bench-profiles/$db-$name-$pid.collapsed\"" >/dev/null
  done
}

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
if [ "$push" = loopback ]; then
  # The sender alone, draining what the load left: its rate and CPU per delivery, the server otherwise idle.
  drain_cpu=$(cpu_ticks); drain_receiver=$(cpu_ticks "$receiver_pid"); drain_started=${EPOCHREALTIME/./}
  sleep 10
  drain_cpu=$(( $(cpu_ticks) - drain_cpu )); drain_receiver=$(( $(cpu_ticks "$receiver_pid") - drain_receiver ))
  drain_us=$(( ${EPOCHREALTIME/./} - drain_started ))
  read -r _ drained < <(tool pushed "$db_check")
  drained=$(( drained - delivered_end ))
  drain="; then, the sender alone: $(awk -v n="$drained" -v us="$drain_us" 'BEGIN {printf "%.0f", n * 1e6 / us}')/s delivered, server CPU $(ms_per "$drain_cpu" "$drained") ms and receiver CPU $(ms_per "$drain_receiver" "$drained") ms per event"
fi
case "$push" in
  off) pushed="not pushed (no events.webhook_url); $written app events written in the webhook phase" ;;
  refused) pushed="to a port nothing listens on: $(( delivered_end - delivered_before )) of $(( app_events_end - app_events_before )) delivered (every attempt refused, retried)" ;;
  loopback) pushed="to a receiver on loopback: $(( delivered_phase - delivered_before )) of $written delivered during the webhook phase, $(( delivered_end - delivered_before )) of $(( app_events_end - app_events_before )) by the end of the status phase; receiver CPU $(ms_per $(( receiver_after - receiver_before )) $(( delivered_phase - delivered_before ))) ms per event delivered${drain}" ;;
esac

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
[ "$JAR" = target/coinpurse.jar ] || java_opts="$java_opts; jar $JAR"
header="$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"

if ! $pg; then
  cat <<TABLE

coinpurse benchmark — $header, load average $(cut -d' ' -f1-3 /proc/loadavg)
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
| the web app's events (2 per webhook event) | ${pushed} | — |
TABLE
  exit 0
fi

one_pg_cpu=$pg_cpu one_pg_commits=$pg_commits one_pg_syncs=$pg_syncs

# A second instance on the same database, on the next port; each gets half of the load.
echo "bench: a second instance on port $(( PORT + 1 ))..." >&2
SERVER_PORT=$(( PORT + 1 )) "$runsh" serve >"$work/second.log" 2>&1 &
second_pid=$!
base2=http://127.0.0.1:$(( PORT + 1 ))
until curl -sf -o /dev/null "$base2/health"; do
  kill -0 "$second_pid" 2>/dev/null || { cat "$work/second.log" >&2; exit 1; }
  sleep 0.1
done
echo "bench: warming up the second instance..." >&2
wrk -t1 -c8 -d"${WARMUP}s" -s bench/webhook.lua "$base2" -- "$work/warm-b" >/dev/null
wrk -t1 -c16 -d"${WARMUP}s" -H "Authorization: Bearer $token" "$base2/api/payment/status/cs_seed" >/dev/null

echo "bench: webhooks on two instances, 8 connections each, ${DURATION}s..." >&2
profile_start "$server_pid" "$second_pid"
cpu_before=$(( $(cpu_ticks) + $(cpu_ticks "$second_pid") )); pg_before
wrk -t1 -c8 -d"${DURATION}s" --latency -s bench/webhook.lua "$base" -- "$work/events-a" >"$work/webhooks-a.txt" &
wrk_a=$!
wrk -t1 -c8 -d"${DURATION}s" --latency -s bench/webhook.lua "$base2" -- "$work/events-b" >"$work/webhooks-b.txt"
wait "$wrk_a"
cpu_after=$(( $(cpu_ticks) + $(cpu_ticks "$second_pid") ))
profile_stop two-instances "$server_pid" "$second_pid"
read -r requests_a non2xx_a socket_a < <(webhook_result "$work/webhooks-a.txt")
read -r requests_b non2xx_b socket_b < <(webhook_result "$work/webhooks-b.txt")
answered_a=$(( requests_a - non2xx_a ))
answered_b=$(( requests_b - non2xx_b ))
pg_after $(( answered_a + answered_b ))
two_cpu=$(ms_per $(( cpu_after - cpu_before )) $(( answered_a + answered_b )))
echo "bench: status polls on two instances, 16 connections each, ${DURATION}s..." >&2
wrk -t1 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
  "$base/api/payment/status/cs_seed" >"$work/status-a.txt" &
wrk_a=$!
wrk -t1 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
  "$base2/api/payment/status/cs_seed" >"$work/status-b.txt"
wait "$wrk_a"
check_a=$(tool check "$db_check" twoa "$answered_a") || true
check_b=$(tool check "$db_check" twob "$answered_b") || true
sum_rates() { echo $(( $(rate "$1") + $(rate "$2") )); }
pg_version=$("$pg_bin/postgres" --version | awk '{print $3}')

cat <<TABLE

coinpurse benchmark on PostgreSQL $pg_version — $header, load average $(cut -d' ' -f1-3 /proc/loadavg)
JVM options: ${java_opts}; database pool: ${DB_POOL_SIZE:-10} connections per instance; PostgreSQL on the same machine, its defaults

| measure | one instance | two instances, one database |
|---|---|---|
| startup to a healthy /health, \`./run.sh\` / \`java -jar\` (median of $STARTS) | ${startup_runsh} ms / ${startup_java} ms | — |
| RSS idle / after load | ${rss_idle} MB / ${rss_loaded} MB | — |
| disk fsync rate (4 KiB write + fdatasync) | ${fsync_rate}/s | — |
| verified webhook events, 16 connections in all | ${webhook_rate}/s, p50 $(pct "$work/webhooks.txt" 50%), p99 $(pct "$work/webhooks.txt" 99%) | $(sum_rates "$work/webhooks-a.txt" "$work/webhooks-b.txt")/s, p99 $(pct "$work/webhooks-a.txt" 99%) / $(pct "$work/webhooks-b.txt" 99%) |
| coinpurse CPU per webhook event (both instances) | ${cpu_per_event} ms | ${two_cpu} ms |
| PostgreSQL CPU per webhook event | ${one_pg_cpu} ms | ${pg_cpu} ms |
| PostgreSQL commits / WAL flushes per webhook event | ${one_pg_commits} / ${one_pg_syncs} | ${pg_commits} / ${pg_syncs} |
| webhook errors (non-2xx / socket) | ${webhook_non2xx} / ${webhook_socket_errors} | $(( non2xx_a + non2xx_b )) / $(( socket_a + socket_b )) |
| exactly-once check | ${credit_check} | ${check_a}; ${check_b} |
| GET /api/payment/status, 32 connections in all | ${status_rate}/s, p50 $(pct "$work/status.txt" 50%), p99 $(pct "$work/status.txt" 99%) | $(sum_rates "$work/status-a.txt" "$work/status-b.txt")/s, p99 $(pct "$work/status-a.txt" 99%) / $(pct "$work/status-b.txt" 99%) |
| status errors (non-2xx) | ${status_non2xx} | $(non2xx "$work/status-a.txt" "$work/status-b.txt") |
| the web app's events, one instance (2 per webhook event) | ${pushed} | — |
TABLE
