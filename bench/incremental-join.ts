// Incremental checkpoints of a regular join (issue 14): the size of a delta against a full
// snapshot when about 1% of the keys change between checkpoints, and the cost of tracking
// changes. Run: `npx tsc -p tsconfig.json && node dist/bench/incremental-join.js`
// (WEIR_BENCH_INCR_JOIN_KEYS, default 200,000 keys per side).
//
// LEFT JOIN of two updating inputs on k, each side one row per key (k BIGINT, v BIGINT,
// s STRING of 24 characters). Between checkpoints, 1% of the keys (spread over the whole key
// range) get a new right row: -U of the old one, +U of the new one; the left rows of those keys
// change their match count and are written too. Sizes are the encoded state files
// (encodeSnapshotParts, what storage writes).

import type { Batch } from '../src/common/batch.js';
import { columnFromScalars } from '../src/common/batch.js';
import { T } from '../src/common/types.js';
import { Collector, newMetrics } from '../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../src/exec/operator.js';
import { RegularJoinOperator } from '../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../src/exec/operators/regular-join.js';
import { encodeSnapshotParts } from '../src/checkpoint/storage.js';

const KEYS = Number(process.env.WEIR_BENCH_INCR_JOIN_KEYS ?? '200000');
const BATCH = 4096;
const spec: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: true, rightUpdating: true };
const types = [T.BIGINT, T.BIGINT, T.STRING];
const ctx: OperatorContext = { operatorId: '3-join', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };

function batch(rows: [number, number, string][], ops: number[]): Batch {
  return { length: rows.length, columns: types.map((t, c) => columnFromScalars(t, rows.map((r) => r[c]!))), ops: Uint8Array.from(ops) } as unknown as Batch;
}

function inserts(from: number, to: number, v: number): Batch {
  const rows: [number, number, string][] = [];
  for (let k = from; k < to; k++) rows.push([k, v, `payload-${String(k).padStart(16, '0')}`]);
  return batch(rows, rows.map(() => 0));
}

function run(fullEvery: number): void {
  const op = new RegularJoinOperator(spec, types, types, [...types, ...types], BATCH, 0, 0, fullEvery);
  op.open(ctx);
  const out = new Collector();
  const prepared: [Batch, number][] = [];
  for (let k = 0; k < KEYS; k += BATCH) {
    prepared.push([inserts(k, Math.min(KEYS, k + BATCH), 0), 0]);
    prepared.push([inserts(k, Math.min(KEYS, k + BATCH), 0), 1]);
  }
  const t0 = performance.now();
  for (const [b, side] of prepared) {
    op.processBatch(b, out, side);
    out.drain();
  }
  const load = performance.now() - t0;
  const sizes: string[] = [];
  for (let c = 1; c <= 6; c++) {
    if (c > 1) {
      // 1% of the keys (k mod 100 = c, changed for the first time) get a new right row
      const rows: [number, number, string][] = [];
      const ops: number[] = [];
      for (let k = c; k < KEYS; k += 100) {
        rows.push([k, 0, `payload-${String(k).padStart(16, '0')}`]);
        ops.push(1); // -U
        rows.push([k, c, `payload-${String(k).padStart(16, '0')}`]);
        ops.push(2); // +U
      }
      op.processBatch(batch(rows, ops), out, 1);
      out.drain();
    }
    const s0 = performance.now();
    const snap: OperatorSnapshot = op.snapshot(c);
    const enc = encodeSnapshotParts(snap);
    const ms = performance.now() - s0;
    op.notifyCheckpointComplete(c);
    sizes.push(`chk ${c} ${snap.deltaOf === undefined ? 'full ' : 'delta'} ${(enc.bytes / 1024).toFixed(1)} KiB in ${ms.toFixed(0)} ms`);
  }
  console.log(`fullEvery ${fullEvery}: ${KEYS} keys per side loaded in ${load.toFixed(0)} ms (${((2 * KEYS) / load / 1000).toFixed(2)}M rows/s)`);
  for (const s of sizes) console.log(`  ${s}`);
}

// the first run is full-only (what weir wrote before), the second incremental
run(0);
run(10);
