#!/usr/bin/env bash
# Builds target/coinpurse.jar when it is missing or older than the sources, then runs it
# with the arguments given: `./run.sh` serves, `./run.sh token 42` prints a user token.
#
# JVM settings for a small VPS (override with JAVA_OPTS): the serial collector, a modest heap,
# and the native memory that the JIT compiler and SQLite have freed handed back to the OS every
# 2 s (glibc keeps it otherwise: about 20 MB after a load; older JDKs ignore the option). When
# serving, class-data sharing: the first server started after a build writes target/coinpurse.jsa
# as it stops, and later starts load their classes from it (about a second faster).
set -euo pipefail
cd "$(dirname "$0")"

jar=target/coinpurse.jar
archive=target/coinpurse.jsa
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find pom.xml src/main -newer "$jar" -print -quit)" ]
}

if stale; then
  echo "run.sh: building $jar (mvn package, tests skipped)..." >&2
  mvn -B -q -Dstyle.color=never -DskipTests package 1>&2
fi

opts=(${JAVA_OPTS:--XX:+UseSerialGC -Xms16m -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=48m
  -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=2000})
case "${1:-serve}" in
  serve|--config)
    if [ -f "$archive" ] && [ "$archive" -nt "$jar" ]; then
      opts+=(-XX:SharedArchiveFile="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
    else
      rm -f "$archive"
      opts+=(-XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
    fi
    ;;
esac

exec java "${opts[@]}" -jar "$jar" "$@"
