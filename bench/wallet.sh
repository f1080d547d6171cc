#!/usr/bin/env bash
# The web app's wallet calls, one at a time (one connection: each answer's latency is the
# server's time for it, plus loopback): spends, hold creates and their captures, each with its
# p50/p99 as wrk sees them and the server's CPU per call. On SQLite, on a temp database, with
# the server started by ../run.sh (production's JVM settings); stops it at the end.
#
#   bench/run.sh --wallet                      # 20 s per phase, after 10 s of warm-up each
#   DURATION=10 WARMUP=5 bench/run.sh --wallet
#   PHASES=spend bench/run.sh --wallet         # spends only (a server without holds)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
PHASES=${PHASES:-spend create capture}
USERS=${USERS:-100}                 # users spent from in turn, each with two grants (two lots)
PORT=${PORT:-5077}
JAR=target/coinpurse.jar
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is missing: apt-get install curl" >&2; exit 1; }

mkdir -p target
work=$(mktemp -d "$PWD/target/bench-wallet.XXXXXX")   # on the disk the database would use
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || { kill "$server_pid" && wait "$server_pid"; } 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export SERVER_HOST=127.0.0.1 SERVER_PORT=$PORT DB_PATH=$work/db/coinpurse.db
export STRIPE_WEBHOOK_SECRET=whsec_bench_secret_for_local_measurements
export AUTH_JWT_SECRET=bench-jwt-secret-long-enough-for-hs256-0123456789
export INTERNAL_API_KEY=bench-internal-key-0123456789abcdef
unset STRIPE_SECRET_KEY STRIPE_API_BASE DB_URL DB_USER DB_PASSWORD METRICS_ENABLED
base=http://127.0.0.1:$PORT
auth="Authorization: Bearer $INTERNAL_API_KEY"
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$server_pid/stat"; }
ms_per() { awk -v ticks="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.3f", (n > 0 ? ticks * 1000 / hz / n : 0)}'; }

./run.sh serve >"$work/server.log" 2>&1 &
server_pid=$!
until curl -sf -o /dev/null "$base/health"; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "bench: granting $USERS users two grants each..." >&2
for u in $(seq 0 $(( USERS - 1 ))); do
  for g in 1 2; do
    curl -sf -o /dev/null -H "$auth" -H "Content-Type: application/json" "$base/api/internal/coins/grant" \
      -d "{\"user_id\": \"bench-wallet-$u\", \"amount\": 500000000, \"idempotency_key\": \"seed-$u-$g\", \"reason\": \"bench\"}"
  done
done
fsync_rate=$(java -cp "$JAR" bench/BenchTool.java fsync "$work" 3)

# One wrk run of a mode on one connection; sets result to "requests non2xx socket_errors".
load() {
  local mode=$1 seconds=$2 dir=$3 out=$4
  wrk -t1 -c1 -d"${seconds}s" --latency -H "$auth" -s bench/wallet.lua "$base" -- "$mode" "$dir" "$USERS" >"$out"
  result=$(sed -n 's/^RESULT requests=\([0-9]*\) non2xx=\([0-9]*\) socket_errors=\([0-9]*\)$/\1 \2 \3/p' "$out")
}
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
mean() { awk '$1 == "Latency" {print $2; exit}' "$1"; }

echo "bench: warming up..." >&2
mkdir -p "$work/warm" "$work/measured"
for phase in $PHASES; do
  load "$phase" "$WARMUP" "$work/warm" "$work/warm-$phase.txt"
done

rows=""
for phase in $PHASES; do
  echo "bench: $phase, one connection, ${DURATION}s..." >&2
  before=$(cpu_ticks)
  # A capture phase stops early when it has captured every hold of the create phase.
  load "$phase" "$DURATION" "$work/measured" "$work/$phase.txt"
  after=$(cpu_ticks)
  read -r requests non2xx socket_errors <<<"$result"
  answered=$(( requests - non2xx ))
  rows+="| $phase | $answered | $(mean "$work/$phase.txt") | $(pct "$work/$phase.txt" 50%) | $(pct "$work/$phase.txt" 99%) | $(ms_per $(( after - before )) "$answered") ms | $non2xx / $socket_errors |"$'\n'
done

cat <<TABLE

coinpurse wallet calls — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)
SQLite, disk fsync rate ${fsync_rate}/s; one connection, ${DURATION} s per phase after ${WARMUP} s of warm-up; $USERS users with two lots each

| call | answered | mean | p50 | p99 | server CPU per call | errors (non-2xx / socket) |
|---|---|---|---|---|---|---|
${rows}
TABLE
