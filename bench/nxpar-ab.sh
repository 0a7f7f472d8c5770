#!/bin/sh
# Interleaved A/B of Nexmark queries at p1 and p2 (branch nxpar): each round runs every
# (query, parallelism) on build A then build B, one process each (bench/nexmark-ops.mjs: CPU
# seconds of every thread while the job ran, wall, rows, peak RSS), with the load average.
# Usage: sh bench/nxpar-ab.sh <distA> <distB> <events> <rounds> q5 q11 ...
# RUNNER=bench/p2cold-one.mjs runs each job as `weir run -p P` does (the build's own worker
# prestart) and adds the CPU of each thread; PS="2" runs only parallelism 2.
A=$1; B=$2; EV=$3; R=$4; shift 4
RUNNER=${RUNNER:-bench/nexmark-ops.mjs}
for r in $(seq 1 "$R"); do
  for q in "$@"; do
    for p in ${PS:-1 2}; do
      for d in "$A" "$B"; do
        printf '%s round=%s load=%s ' "$d" "$r" "$(cut -d' ' -f1 /proc/loadavg)"
        node "$RUNNER" "$d" "queries/nexmark/$q.sql" "$EV" "$p" | tail -1
      done
    done
  done
done
