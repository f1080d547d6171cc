# Starting, probing and stopping the coinpurse servers of a benchmark, and reading their CPU time
# and memory from /proc. Sourced by bench/run.sh; uses $run_sh, $JAR, $PORT, $work.

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
  { exec {http_fd}<>"/dev/tcp/127.0.0.1/${1:-$PORT}"; } 2>/dev/null || return 1
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
    serve_timed "$run_sh"
    runsh_ms+=("$startup_ms")
    stop_server
  done
  startup_java=$(median "${java_ms[@]}")
  startup_runsh=$(median "${runsh_ms[@]}")
  echo "bench: healthy after (ms), java -jar: ${java_ms[*]}; ./run.sh: ${runsh_ms[*]}" >&2
}

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
