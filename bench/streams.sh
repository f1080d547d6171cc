#!/usr/bin/env bash
# Measures the buyer's event streams (GET /api/coins/stream): what idle open streams cost the server
# (RSS and threads, read from /proc before and after), and the time from a commit to its event on a
# stream (p50, p99) on one instance and, with --db postgres, across two instances on one database,
# where it also measures what PostgreSQL's NOTIFY would cost the writers (the choice between NOTIFY
# and the short poll: docs/decisions/event-stream.md). The load client is bench/StreamLoad.java (no
# thread per stream). Starts the servers with ../run.sh, on a temp database; stops them at the end.
#
#   bench/streams.sh                   # SQLite
#   bench/streams.sh --db postgres     # a throwaway PostgreSQL (src/test/postgres/test-postgres.sh)
#   STREAMS=1000 HOLD=35 USERS=100 EVENTS=1500 RATE=50 PORT=5087 bench/streams.sh   # the defaults
set -euo pipefail
cd "$(dirname "$0")/.."

db=sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=${2:-}; shift ;;
    --db=*) db=${1#--db=} ;;
    *) echo "usage: bench/streams.sh [--db sqlite|postgres]" >&2; exit 2 ;;
  esac
  shift
done
case "$db" in sqlite|postgres) ;; *) echo "usage: bench/streams.sh [--db sqlite|postgres]" >&2; exit 2 ;; esac
STREAMS=${STREAMS:-1000}   # idle streams, one user each
HOLD=${HOLD:-35}           # seconds they stay open (a heartbeat every 15 s)
USERS=${USERS:-100}        # streams that events go to, in the latency phases
EVENTS=${EVENTS:-1500}     # grants per latency phase
RATE=${RATE:-50}           # grants per second
PORT=${PORT:-5087}
JAR=target/coinpurse.jar

mkdir -p target
work=$(mktemp -d "$PWD/target/bench-streams.XXXXXX")
server_pid=""
second_pid=""
pg_parent=""
cleanup() {
  for pid in $server_pid $second_pid; do
    { kill "$pid" && wait "$pid"; } 2>/dev/null || true
  done
  if [ -n "$pg_parent" ]; then
    src/test/postgres/test-postgres.sh stop "$pg_parent/server" || true
    rm -rf "$pg_parent"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export SERVER_HOST=127.0.0.1 SERVER_PORT=$PORT DB_PATH=$work/db/coinpurse.db APP_INSTANCE_ID=bench
export AUTH_JWT_SECRET=bench-jwt-secret-long-enough-for-hs256-0123456789
export INTERNAL_API_KEY=bench-internal-key-0123456789abcdef
unset STRIPE_SECRET_KEY STRIPE_API_BASE STRIPE_WEBHOOK_SECRET DB_URL DB_USER DB_PASSWORD METRICS_ENABLED
if [ "$db" = postgres ]; then
  pg_parent=$(mktemp -d /tmp/coinpurse-bench-pg.XXXXXX)
  chmod 755 "$pg_parent"
  echo "bench: starting a throwaway PostgreSQL..." >&2
  DB_URL=$(src/test/postgres/test-postgres.sh start "$pg_parent/server")
  export DB_URL
fi
tool() { java -cp "$JAR" bench/StreamLoad.java "$@"; }
serve() {  # serve PORT LOG: starts a server, waits until it answers; prints its pid
  SERVER_PORT=$1 ./run.sh serve >"$2" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$1/health"; do
    kill -0 "$pid" 2>/dev/null || { cat "$2" >&2; exit 1; }
    sleep 0.1
  done
  echo "$pid"
}

./run.sh --help >/dev/null               # builds the jar if it is missing or stale
base=http://127.0.0.1:$PORT
server_pid=$(serve "$PORT" "$work/server.log")
echo "bench: warming up (300 events to 20 streams)..." >&2
tool latency "$base" "$base" "$AUTH_JWT_SECRET" "$INTERNAL_API_KEY" 20 300 "$RATE" >/dev/null
echo "bench: $STREAMS idle streams for ${HOLD}s..." >&2
idle=$(tool idle "$base" "$AUTH_JWT_SECRET" "$STREAMS" "$HOLD" "$server_pid")
echo "bench: latency on one instance ($EVENTS events at $RATE/s to $USERS streams)..." >&2
one=$(tool latency "$base" "$base" "$AUTH_JWT_SECRET" "$INTERNAL_API_KEY" "$USERS" "$EVENTS" "$RATE")
header="$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1)"

if [ "$db" = sqlite ]; then
  cat <<TABLE

coinpurse event streams on SQLite — $header, load average $(cut -d' ' -f1-3 /proc/loadavg)

| measure | result | target |
|---|---|---|
| $STREAMS idle streams (server RSS and threads from /proc) | $idle | ≤ +100 MB RSS, no thread each |
| commit → event on a stream, one instance | $one | within 2 s |
TABLE
  exit 0
fi

second_pid=$(serve $(( PORT + 1 )) "$work/second.log")
base2=http://127.0.0.1:$(( PORT + 1 ))
tool latency "$base2" "$base" "$AUTH_JWT_SECRET" "$INTERNAL_API_KEY" 20 300 "$RATE" >/dev/null
echo "bench: latency across two instances (streams on the second, grants through the first)..." >&2
two=$(tool latency "$base2" "$base" "$AUTH_JWT_SECRET" "$INTERNAL_API_KEY" "$USERS" "$EVENTS" "$RATE")
kill "$server_pid" "$second_pid"; wait "$server_pid" "$second_pid" 2>/dev/null || true
server_pid="" second_pid=""
echo "bench: what NOTIFY costs the writers (16 connections, 10 s each way)..." >&2
notify=$(tool notify "$DB_URL" 16 10)

cat <<TABLE

coinpurse event streams on PostgreSQL — $header, load average $(cut -d' ' -f1-3 /proc/loadavg)

| measure | result | target |
|---|---|---|
| $STREAMS idle streams (server RSS and threads from /proc) | $idle | ≤ +100 MB RSS, no thread each |
| commit → event on a stream, one instance | $one | within 2 s |
| commit → event on a stream, across two instances | $two | within 2 s |
| PostgreSQL NOTIFY in every writing transaction | $notify | — |
TABLE
