# The web app's events pushed during a benchmark (bench/run.sh --push off|loopback|refused): the
# settings, the receiver on loopback (BenchTool receive), and what the table says of the delivery.
# Sourced by bench/run.sh; uses $push, $PORT, $JAR, $work, $db_check.

push_port=$(( PORT + 20 ))   # the receiver's (loopback), or a port nothing listens on (refused)
if [ "$push" != off ]; then
  export EVENTS_WEBHOOK_SECRET="whsec_$(printf 'bench-webhook-key-of-32-bytes!!!' | base64)"
  export EVENTS_WEBHOOK_URL=http://127.0.0.1:$push_port/coinpurse/events
fi

# With --push loopback: the web app's server, verifying each signature and answering 204.
start_receiver() {
  [ "$push" = loopback ] || return 0
  # Sized as a small receiver would be (one GC thread, a small heap), not as a server JVM on this machine.
  java -XX:+UseSerialGC -Xmx128m -cp "$JAR" bench/BenchTool.java receive "$push_port" "$EVENTS_WEBHOOK_SECRET" >"$work/receiver.log" 2>&1 &
  receiver_pid=$!
  until grep -qs listening "$work/receiver.log"; do
    kill -0 "$receiver_pid" 2>/dev/null || { cat "$work/receiver.log" >&2; exit 1; }
    sleep 0.1
  done
}

# After the load: with --push loopback, the sender alone draining what the load left (its rate and
# CPU per delivery, the server otherwise idle); then sets $pushed, the table's line on the events.
push_summary() {
  local drain=""
  if [ "$push" = loopback ]; then
    local drain_cpu drain_receiver drain_started drain_us drained
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
}
