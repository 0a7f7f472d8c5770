// Interval and window join late rows: a row is late when it is behind its own input's watermark, not the
// combined one (the lower of the two inputs'), so the same rows are dropped however the two
// inputs interleave. The operator on its own, fed two different interleavings by hand.
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { IntervalJoinOperator } from '../../src/exec/operators/interval-join.js';
import { WindowJoinOperator } from '../../src/exec/operators/window-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';

// both sides: k, v, ts; l.ts BETWEEN r.ts - 1s AND r.ts + 1s
const SIDE: DataType[] = [T.BIGINT, T.BIGINT, T.TIMESTAMP];
const SPEC: JoinOperatorSpec = {
  joinType: 'full',
  strategy: { kind: 'interval', leftTime: 2, rightTime: 2, lower: -1000, upper: 1000 },
  leftKeys: [0],
  rightKeys: [0],
  nullSafe: [false],
  condition: undefined,
  leftUpdating: false,
  rightUpdating: false,
};

function ctx(): OperatorContext {
  return { operatorId: 'j', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
}

type Step = { readonly input: 0 | 1; readonly row?: Scalar[]; readonly wm?: number };

/** Feeds the steps (rows and per-input watermarks; the combined watermark is their minimum). */
function run(steps: readonly Step[], restoreFrom?: OperatorSnapshot): { rows: string[]; late: number; op: IntervalJoinOperator } {
  const c = ctx();
  const op = new IntervalJoinOperator(SPEC, SIDE, SIDE, [...SIDE, ...SIDE], 1024);
  op.open(c);
  if (restoreFrom !== undefined) op.restore(restoreFrom.keyed, [restoreFrom.operator]);
  const out = new Collector();
  const wms: [number, number] = [-Infinity, -Infinity];
  const emitted: Batch[] = [];
  for (const s of steps) {
    if (s.row !== undefined) op.processBatch(batchFromRows(SIDE, [s.row]), out, s.input);
    if (s.wm !== undefined) {
      wms[s.input] = s.wm;
      op.processInputWatermark(s.input, s.wm);
      op.processWatermark(Math.min(...wms), out);
    }
    emitted.push(...out.drain());
  }
  return { rows: emitted.flatMap(batchToRows).map((r) => JSON.stringify(r)).sort(), late: c.metrics.lateDropped, op };
}

// left: a row at 10 s, its watermark 9 s, then a row at 0 s (behind it: late); right: a row at 0.5 s
const LEFT_STEPS: Step[] = [{ input: 0, row: [1, 1, 10_000] }, { input: 0, wm: 9_000 }, { input: 0, row: [1, 2, 0] }];
const RIGHT_STEPS: Step[] = [{ input: 1, row: [1, 10, 500] }, { input: 1, wm: -500 }];

describe('interval join late rows', () => {
  it('drops the rows behind their own input watermark whichever input is ahead', () => {
    // the right input first (the combined watermark reaches 9 s only when the left row comes),
    // then the left input first (the combined watermark stays low: the right one has not moved)
    const rightFirst = run([...RIGHT_STEPS, ...LEFT_STEPS, { input: 0, wm: Infinity }, { input: 1, wm: Infinity }]);
    const leftFirst = run([...LEFT_STEPS, ...RIGHT_STEPS, { input: 0, wm: Infinity }, { input: 1, wm: Infinity }]);
    // the left 0 s row is late in both runs; everything else pads (nothing is within 1 s)
    const want = [JSON.stringify([1, 1, 10_000, null, null, null]), JSON.stringify([null, null, null, 1, 10, 500])].sort();
    expect(rightFirst.rows).toEqual(want);
    expect(leftFirst.rows).toEqual(want);
    expect(rightFirst.late).toBe(1);
    expect(leftFirst.late).toBe(1);
  });

  it('keeps a row at or after its own input watermark though the other input is far ahead', () => {
    // the right input's watermark is at 100 s, the left one at -1 s: a left row at 0 s is on time
    // for its own input; the combined watermark (-1 s) is not past it either, so it is joined
    const r = run([{ input: 1, row: [1, 10, 500] }, { input: 1, wm: 100_000 }, { input: 0, wm: -1_000 }, { input: 0, row: [1, 2, 0] }, { input: 0, wm: Infinity }]);
    expect(r.late).toBe(0);
    expect(r.rows).toEqual([JSON.stringify([1, 2, 0, 1, 10, 500])]);
  });

  it('keeps each input watermark across a snapshot and restore', () => {
    const before = run(LEFT_STEPS.slice(0, 2));
    const snap = before.op.snapshot();
    // restored, the operator has seen no watermark yet: the 0 s row is still late for the left input
    const after = run([{ input: 0, row: [1, 2, 0] }, { input: 1, row: [1, 10, 500] }], snap);
    expect(after.late).toBe(1);
  });
});

describe('window join late rows', () => {
  // both sides: k, v, window_start, window_end (TUMBLE 10 s); joined on k and the window
  const W: DataType[] = [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];
  const WSPEC: JoinOperatorSpec = { joinType: 'full', strategy: { kind: 'window', leftEnd: 3, rightEnd: 3 }, leftKeys: [0, 2, 3], rightKeys: [0, 2, 3], nullSafe: [false, false, false], condition: undefined, leftUpdating: false, rightUpdating: false };

  function runW(steps: readonly Step[]): { rows: string[]; late: number } {
    const c = ctx();
    const op = new WindowJoinOperator(WSPEC, W, W, [...W, ...W], 1024);
    op.open(c);
    const out = new Collector();
    const wms: [number, number] = [-Infinity, -Infinity];
    const emitted: Batch[] = [];
    for (const s of steps) {
      if (s.row !== undefined) op.processBatch(batchFromRows(W, [s.row]), out, s.input);
      if (s.wm !== undefined) {
        wms[s.input] = s.wm;
        op.processInputWatermark(s.input, s.wm);
        op.processWatermark(Math.min(...wms), out);
      }
      emitted.push(...out.drain());
    }
    op.finish(out);
    emitted.push(...out.drain());
    return { rows: emitted.flatMap(batchToRows).map((r) => JSON.stringify(r)).sort(), late: c.metrics.lateDropped };
  }

  it('drops a row whose window ends at or behind its own input watermark whichever input is ahead', () => {
    // left: a row of [10 s, 20 s), the left watermark moves to 25 s, then a row of [0 s, 10 s): late
    const left: Step[] = [{ input: 0, row: [1, 1, 10_000, 20_000] }, { input: 0, wm: 25_000 }, { input: 0, row: [1, 2, 0, 10_000] }];
    const right: Step[] = [{ input: 1, row: [1, 10, 0, 10_000] }, { input: 1, wm: 5_000 }];
    const end: Step[] = [{ input: 0, wm: Infinity }, { input: 1, wm: Infinity }];
    const a = runW([...right, ...left, ...end]);
    const b = runW([...left, ...right, ...end]);
    const want = [JSON.stringify([1, 1, 10_000, 20_000, null, null, null, null]), JSON.stringify([null, null, null, null, 1, 10, 0, 10_000])].sort();
    expect(a.rows).toEqual(want);
    expect(b.rows).toEqual(want);
    expect(a.late).toBe(1);
    expect(b.late).toBe(1);
  });
});
