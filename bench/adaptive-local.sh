#!/usr/bin/env bash
# Adaptive local pre-aggregation (issue 13 item 1): a Nexmark TUMBLE COUNT/SUM/MAX per auction
# over the generator's bids, at p1 and p2 with each 'table.optimizer.agg-phase-strategy', and the
# machine's ceiling: two independent p1 processes at once, each over half the events.
# Runs are interleaved (one round = every configuration once); prints one line per run.
# Usage: bench/adaptive-local.sh [events=4000000] [rounds=3] [window=10]
#   KEYS='auction, bidder' bench/adaptive-local.sh ...   groups that hardly combine (about 1.1
#   rows per group), where the adaptive local phase passes rows through
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000000}
ROUNDS=${2:-3}
WIN=${3:-10}
KEYS=${KEYS:-auction}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
query() { # events -> file
  cat > "$TMP/q$1.sql" <<SQL
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '$1');
CREATE TABLE out1 WITH ('connector' = 'blackhole') AS SELECT $KEYS, COUNT(*) AS n, SUM(price) AS s, MAX(price) AS hi, window_start
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '$WIN' SECOND))
GROUP BY $KEYS, window_start, window_end;
SQL
  echo "$TMP/q$1.sql"
}
FULL=$(query "$N")
HALF=$(query $((N / 2)))
run() { # label, args...
  local label=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  node bin/weir.js run -q --checkpoint-dir "$TMP/chk-$label" --checkpoint-interval 0 "$@" > /dev/null
  t1=$(date +%s.%N)
  echo "$label $(echo "$t1 - $t0" | bc)"
}
for r in $(seq 1 "$ROUNDS"); do
  run p1-auto "$FULL" -p 1
  run p1-two "$FULL" -p 1 --set table.optimizer.agg-phase-strategy=TWO_PHASE
  run p1-pass "$FULL" -p 1 --set weir.local-agg.min-rows-per-partial=1000000
  run p1-one "$FULL" -p 1 --set table.optimizer.agg-phase-strategy=ONE_PHASE
  run p2-auto "$FULL" -p 2
  run p2-pass "$FULL" -p 2 --set weir.local-agg.min-rows-per-partial=1000000
  run p2-two "$FULL" -p 2 --set table.optimizer.agg-phase-strategy=TWO_PHASE
  run p2-one "$FULL" -p 2 --set table.optimizer.agg-phase-strategy=ONE_PHASE
  t0=$(date +%s.%N)
  node bin/weir.js run -q --checkpoint-dir "$TMP/chk-c1" --checkpoint-interval 0 "$HALF" -p 1 > /dev/null &
  a=$!
  node bin/weir.js run -q --checkpoint-dir "$TMP/chk-c2" --checkpoint-interval 0 "$HALF" -p 1 > /dev/null &
  b=$!
  wait $a $b
  t1=$(date +%s.%N)
  echo "ceiling-2xp1-half $(echo "$t1 - $t0" | bc)"
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
done
