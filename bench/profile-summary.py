#!/usr/bin/env python3
"""Where a server's CPU went, from async-profiler's collapsed stacks (bench/run.sh with ASYNC_PROFILER).

    bench/profile-summary.py target/bench-profiles/postgres-webhooks-*.collapsed

Each sample is charged to the first of the categories below that one of its frames matches,
looking from the innermost frame outwards: a socket write inside the PostgreSQL driver counts
as the driver's I/O, a Jackson call inside stripe-java as stripe-java.
"""
import sys
from collections import Counter

CATEGORIES = [
    ("GC", ("GCTaskThread", "VM_GenCollect", "SerialHeap", "DefNewGeneration", "GenCollectedHeap")),
    ("JIT compilers", ("CompileBroker", "C2Compiler", "Compilation::", "C1_", "PhaseIdealLoop", "Compile::")),
    ("PostgreSQL driver: socket reads and writes", ("org/postgresql/core/PGStream", "org/postgresql/core/VisibleBufferedInputStream")),
    ("PostgreSQL driver: the rest", ("org/postgresql/",)),
    ("connection pool (dbcp2)", ("org/apache/commons/dbcp2", "org/apache/commons/pool2")),
    ("stripe-java (signature check, event parsing)", ("com/stripe/",)),
    ("logging (slf4j-simple)", ("org/slf4j/",)),
    ("Jackson", ("com/fasterxml/jackson",)),
    ("coinpurse's own code", ("coinpurse/",)),
    ("Jetty and Javalin (HTTP)", ("org/eclipse/jetty", "io/javalin")),
]


def category(frames):
    for frame in reversed(frames):
        for name, needles in CATEGORIES:
            if any(needle in frame for needle in needles):
                return name
    return "other (JVM, kernel, libraries)"


def main(paths):
    totals = Counter()
    for path in paths:
        with open(path) as lines:
            for line in lines:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                totals[category(stack.split(";"))] += int(count)
    all_samples = sum(totals.values())
    print(f"| where | share of {all_samples} samples (1 ms of CPU each) |")
    print("|---|---|")
    for name, samples in totals.most_common():
        print(f"| {name} | {100 * samples / all_samples:.0f} % |")


if __name__ == "__main__":
    main(sys.argv[1:])
