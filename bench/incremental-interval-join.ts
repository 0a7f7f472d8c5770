// Incremental checkpoints of an interval join (issue 14): the size of a delta against a full
// snapshot when the watermark moves on by 1% of the rows' time span between checkpoints (1% of
// the rows are freed, 1% new ones stored), and the cost of tracking changes. Run:
// `npx tsc -p tsconfig.json && node dist/bench/incremental-interval-join.js`
// (WEIR_BENCH_INCR_INTERVAL_ROWS, default 200,000 rows per side).
//
// LEFT JOIN ... ON l.k = r.k AND l.ts BETWEEN r.ts - 1 s AND r.ts + 1 s over (k BIGINT,
// v BIGINT, s STRING of 24 characters, ts TIMESTAMP), rows 1 ms apart, keys cycling over 50,000.
// Sizes are the encoded state files (encodeSnapshotParts, what storage writes).

import type { Batch } from '../src/common/batch.js';
import { columnFromScalars } from '../src/common/batch.js';
import { T } from '../src/common/types.js';
import { Collector, newMetrics } from '../src/exec/operator.js';
import type { OperatorContext } from '../src/exec/operator.js';
import { IntervalJoinOperator } from '../src/exec/operators/interval-join.js';
import type { JoinOperatorSpec } from '../src/exec/operators/regular-join.js';
import { encodeSnapshotParts } from '../src/checkpoint/storage.js';

const ROWS = Number(process.env.WEIR_BENCH_INCR_INTERVAL_ROWS ?? '200000');
const STEP = Math.floor(ROWS / 100);
const spec: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'interval', leftTime: 3, rightTime: 3, lower: -1000, upper: 1000 }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };
const types = [T.BIGINT, T.BIGINT, T.STRING, T.TIMESTAMP];
const ctx: OperatorContext = { operatorId: '3-interval-join', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };

/** Rows at times [from, to) ms, one per ms. */
function rows(from: number, to: number): Batch {
  const cols: unknown[][] = [[], [], [], []];
  for (let t = from; t < to; t++) {
    cols[0]!.push(t % 50_000);
    cols[1]!.push(t % 7);
    cols[2]!.push(`payload-${String(t).padStart(16, '0')}`);
    cols[3]!.push(t);
  }
  return { length: to - from, columns: types.map((ty, c) => columnFromScalars(ty, cols[c] as never)), ops: null } as unknown as Batch;
}

function feed(op: IntervalJoinOperator, from: number, to: number, wm: number): void {
  const out = new Collector();
  for (let t = from; t < to; t += 4096) {
    const b = rows(t, Math.min(to, t + 4096));
    op.processBatch(b, out, 0);
    op.processBatch(b, out, 1);
    out.drain();
  }
  for (const input of [0, 1]) op.processInputWatermark(input, wm);
  op.processWatermark(wm, out);
  out.drain();
}

function run(fullEvery: number): void {
  const op = new IntervalJoinOperator(spec, types, types, [...types, ...types], 4096, fullEvery);
  op.open(ctx);
  const t0 = performance.now();
  feed(op, 0, ROWS, 0);
  const load = performance.now() - t0;
  const sizes: string[] = [];
  for (let c = 1; c <= 6; c++) {
    // the watermark frees the oldest 1% of the rows; 1% new ones arrive
    if (c > 1) feed(op, ROWS + (c - 2) * STEP, ROWS + (c - 1) * STEP, (c - 1) * STEP + 1000);
    const s0 = performance.now();
    const snap = op.snapshot(c);
    const enc = encodeSnapshotParts(snap);
    const ms = performance.now() - s0;
    op.notifyCheckpointComplete(c);
    sizes.push(`chk ${c} ${snap.deltaOf === undefined ? 'full ' : 'delta'} ${(enc.bytes / 1024).toFixed(1)} KiB in ${ms.toFixed(0)} ms (${op.stateRows} rows held)`);
  }
  console.log(`fullEvery ${fullEvery}: ${ROWS} rows per side loaded in ${load.toFixed(0)} ms`);
  for (const s of sizes) console.log(`  ${s}`);
}

// the first run is full-only (what weir wrote before), the second incremental
run(0);
run(10);
