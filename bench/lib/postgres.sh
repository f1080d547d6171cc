# The PostgreSQL side of bench/run.sh --db postgres: a throwaway server, its CPU and counters
# around a phase, the round trips and commits of one request of each kind (through a counting
# proxy, bench/RoundTrips.java), and the phase with two instances on one database. Sourced by
# bench/run.sh; uses $work, $JAR, $run_sh, $PORT, $pg_parent.

# A throwaway server, as the tests use: PostgreSQL's defaults (fsync and synchronous_commit on,
# shared_buffers 128 MB), on a free loopback port; as root it runs as the postgres user.
pg_start() {
  pg_parent=$(mktemp -d /tmp/coinpurse-bench-pg.XXXXXX)
  chmod 755 "$pg_parent"
  echo "bench: starting a throwaway PostgreSQL..." >&2
  DB_URL=$(src/test/postgres/test-postgres.sh start "$pg_parent/server")
  export DB_URL
  pg_port=$(cat "$pg_parent/server/port")
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}
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

# Round trips (ReadyForQuery messages) and commits (pg_stat_database) of one request of each kind,
# one request at a time, on a server of its own (port PORT+2, in its own database) that reaches
# PostgreSQL through a counting proxy: webhook events of new buyers, of the same buyers again,
# status polls, spends of one coin. Sets rt_new, rt_webhook, rt_poll, rt_spend ("round trips /
# commits") and rt_idle (what the server did by itself per second, taken off).
count_round_trips() {
  local n=${RT_REQUESTS:-300} proxy_port=$(( PORT + 40 )) control_port=$(( PORT + 41 )) port=$(( PORT + 2 ))
  psql_value "CREATE DATABASE roundtrips" >/dev/null
  java -cp "$JAR" bench/RoundTrips.java proxy "$proxy_port" "$pg_port" "$control_port" >"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  until grep -q listening "$work/proxy.log"; do
    kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.log" >&2; exit 1; }
    sleep 0.1
  done
  tool events "$work/rt-events" rt $(( 1000 + n )) 1 "$STRIPE_WEBHOOK_SECRET"
  DB_URL="jdbc:postgresql://127.0.0.1:$proxy_port/roundtrips?user=postgres" SERVER_PORT=$port \
    INTERNAL_API_KEY=bench-internal-key-0123456789abcdef "$run_sh" serve >"$work/roundtrips.log" 2>&1 &
  rt_server_pid=$!
  until healthy "$port"; do
    kill -0 "$rt_server_pid" 2>/dev/null || { cat "$work/roundtrips.log" >&2; exit 1; }
    sleep 0.1
  done
  IFS=$'\t' read -r seed_signature seed_body < "$work/rt-events/seed.txt"
  curl -sf -o /dev/null -X POST -H "Stripe-Signature: $seed_signature" -H "Content-Type: application/json" \
    --data-binary "$seed_body" "http://127.0.0.1:$port/api/payment/webhook"
  echo "bench: counting round trips: 1000 new buyers' webhook events, then $n of each kind, one at a time..." >&2
  java -cp "$JAR" bench/RoundTrips.java drive "http://127.0.0.1:$port" "$control_port" \
    "jdbc:postgresql://127.0.0.1:$pg_port/roundtrips?user=postgres" "$work/rt-events" 1000 "$n" "$n" "$n" \
    "$("$run_sh" token bench-status 2>/dev/null)" cs_seed bench-internal-key-0123456789abcdef >"$work/roundtrips.txt"
  { kill "$rt_server_pid" && wait "$rt_server_pid"; } 2>/dev/null || true
  { kill "$proxy_pid" && wait "$proxy_pid"; } 2>/dev/null || true
  rt_server_pid="" proxy_pid=""
  rt_of() { awk -v k="$1" '$1 == k {print $2 " / " $3}' "$work/roundtrips.txt"; }
  rt_new=$(rt_of webhook_new) rt_webhook=$(rt_of webhook) rt_poll=$(rt_of poll) rt_spend=$(rt_of spend)
  rt_idle=$(rt_of idle)
  echo "bench: round trips / commits per webhook event $rt_webhook (new buyer $rt_new), per poll $rt_poll," \
    "per spend $rt_spend; the idle server's own per second: $rt_idle" >&2
}

# A second instance on the same database, on the next port; each gets half of the load: webhooks,
# then status polls. Sets the two-instance results the PostgreSQL table reads.
two_instances() {
  # Each instance with its own events (as behind a load balancer), one wrk thread each; signed now.
  tool events "$work/events-a" twoa "$(( EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  tool events "$work/events-b" twob "$(( EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  tool events "$work/warm-b" warmb "$(( WARM_EVENTS / 2 ))" 1 "$STRIPE_WEBHOOK_SECRET"
  echo "bench: a second instance on port $(( PORT + 1 ))..." >&2
  SERVER_PORT=$(( PORT + 1 )) "$run_sh" serve >"$work/second.log" 2>&1 &
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
  local wrk_a=$!
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
  pg_version=$("$pg_bin/postgres" --version | awk '{print $3}')
}
