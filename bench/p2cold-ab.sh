#!/bin/sh
# Interleaved A/B of Nexmark queries at p1 and p2 (branch p2cold): each round runs every
# (query, parallelism) on build A then build B, one process each (bench/p2cold-one.mjs: the
# job's wall and CPU seconds, the process's CPU, rows, peak RSS), with the load average.
# Usage: sh bench/p2cold-ab.sh <distA> <distB> <events> <rounds> "<parallelisms>" q3 q8 ...
A=$1; B=$2; EV=$3; R=$4; PS=$5; shift 5
for r in $(seq 1 "$R"); do
  for q in "$@"; do
    for p in $PS; do
      for d in "$A" "$B"; do
        printf '%s r%s load=%s ' "$d" "$r" "$(cut -d' ' -f1 /proc/loadavg)"
        node bench/p2cold-one.mjs "$d" "queries/nexmark/$q.sql" "$EV" "$p" | tail -1
      done
    done
  done
done
