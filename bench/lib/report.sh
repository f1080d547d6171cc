# Reading wrk's results and printing bench/run.sh's tables (startup only, SQLite, PostgreSQL).
# Sourced by bench/run.sh; reads the results its phases set.

rate() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
non2xx() { awk '/Non-2xx/ {s += $NF} END {print s + 0}' "$@"; }
# Requests, non-2xx and socket errors of a webhook run, as webhook.lua reports them.
webhook_result() {
  sed -n 's/^RESULT requests=\([0-9]*\) non2xx=\([0-9]*\) socket_errors=\([0-9]*\)$/\1 \2 \3/p' "$1"
}
ms_per() { awk -v ticks="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.3f", (n > 0 ? ticks * 1000 / hz / n : 0)}'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? a / n : 0)}'; }
sum_rates() { echo $(( $(rate "$1") + $(rate "$2") )); }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
header() {
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
}

startup_table() {
  cat <<TABLE

coinpurse startup — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1), load average $(load_average)

| measure | median of $STARTS | target |
|---|---|---|
| \`java -jar $JAR\` to a healthy /health | ${startup_java} ms | ≤ 1200 ms |
| \`./run.sh\` to a healthy /health (JVM options: ${JAVA_OPTS:-"run.sh defaults"}) | ${startup_runsh} ms | ≤ 800 ms |
TABLE
}

sqlite_table() {
  cat <<TABLE

coinpurse benchmark — $(header), load average $(load_average)
JVM options: ${java_opts}; jar: $JAR

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
}

postgres_table() {
  cat <<TABLE

coinpurse benchmark on PostgreSQL $pg_version — $(header), load average $(load_average)
JVM options: ${java_opts}; jar: $JAR; database pool: ${DB_POOL_SIZE:-10} connections per instance; PostgreSQL on the same machine, its defaults

| measure | one instance | two instances, one database |
|---|---|---|
| startup to a healthy /health, \`./run.sh\` / \`java -jar\` (median of $STARTS) | ${startup_runsh} ms / ${startup_java} ms | — |
| RSS idle / after load | ${rss_idle} MB / ${rss_loaded} MB | — |
| disk fsync rate (4 KiB write + fdatasync) | ${fsync_rate}/s | — |
| round trips / commits per webhook event, a returning buyer (a new buyer), one at a time | ${rt_webhook} (${rt_new}) | — |
| round trips / commits per status poll / per spend, one at a time | ${rt_poll} / ${rt_spend} | — |
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
}
