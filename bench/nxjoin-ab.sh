#!/bin/sh
# Interleaved A/B (branch nxjoin): each round runs every (query, parallelism) on build A then
# build B, one process each (bench/nxjoin-one.mjs), with the 1-minute load average.
# Usage: sh bench/nxjoin-ab.sh <distA> <distB> <events> <rounds> "<parallelisms>" q3 q8 ...
A=$1; B=$2; EV=$3; R=$4; PS=$5; shift 5
for r in $(seq 1 "$R"); do
  for q in "$@"; do
    for p in $PS; do
      for d in "$A" "$B"; do
        printf 'round=%s load=%s ' "$r" "$(cut -d' ' -f1 /proc/loadavg)"
        node bench/nxjoin-one.mjs "$d" "queries/nexmark/$q.sql" "$EV" "$p"
      done
    done
  done
done
