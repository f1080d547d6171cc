#!/usr/bin/env bash
# Builds target/coinpurse.jar when it is missing or older than the sources, then runs it
# with the arguments given: `./run.sh` serves, `./run.sh token 42` prints a user token.
set -euo pipefail
cd "$(dirname "$0")"

jar=target/coinpurse.jar
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find pom.xml src/main -newer "$jar" -print -quit)" ]
}

if stale; then
  echo "run.sh: building $jar (mvn package, tests skipped)..." >&2
  mvn -B -q -DskipTests package 1>&2
fi

exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
