#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, from the machine's PostgreSQL binaries (Debian's
# postgresql package; installed here when missing and running as root).
#
#   test-postgres.sh start DIR   initialises DIR, starts a server on a free loopback port and
#                                prints its JDBC URL (jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres)
#   test-postgres.sh halt DIR    stops it (fast: connections are cut), keeping its data
#   test-postgres.sh resume DIR  starts a halted one again, on the same port
#   test-postgres.sh stop DIR    stops it and removes DIR
#
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user, and the
# folders above DIR must let it through (mode 755).
set -euo pipefail
command=${1:?start or stop}
dir=${2:?a folder for the data}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] && [ "$(id -u)" = 0 ]; then
  echo "test-postgres: installing PostgreSQL (apt-get install postgresql)..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
[ -n "$bin" ] || { echo "test-postgres: no PostgreSQL binaries in /usr/lib/postgresql/*/bin" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "test-postgres: no free port found" >&2
  exit 1
}

case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >/dev/null
    port=$(free_port)
    echo "$port" > "$dir/port"
    "$0" resume "$dir"
    echo "jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
    ;;
  resume)
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    ;;
  halt)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: test-postgres.sh start|halt|resume|stop DIR" >&2
    exit 2
    ;;
esac
