// Wide BIGINT values (beyond ±(2^53-1), common/int64.ts) in the state of the stateful operators
// that carry them: each operator is fed rows with keys and values near 2^53 and 2^63, once
// uninterrupted and once with a snapshot in the middle (a full snapshot through the msgpackr
// state file encoding, restored into a fresh operator). Both runs must fold to the same table,
// and to the table worked out by hand (2^53 and 2^53+1 are different keys).
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { Operator, OperatorContext } from '../../src/exec/operator.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { AggCall, OverCall } from '../../src/plan/logical.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/storage.js';
import { RegularJoinOperator } from '../../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { IntervalJoinOperator } from '../../src/exec/operators/interval-join.js';
import { RankOperator } from '../../src/exec/operators/rank.js';
import { OverAggregateOperator } from '../../src/exec/operators/over-aggregate.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';

const P53 = 2n ** 53n; // 2^53 and 2^53 + 1: one double, two keys
const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);
const canon = (b: bigint | number | null): Scalar => (typeof b !== 'bigint' ? b : b >= -(2n ** 53n - 1n) && b <= 2n ** 53n - 1n ? Number(b) : b);

interface Step {
  readonly input?: number;
  readonly rows?: (bigint | number | null)[][];
  /** Changelog kinds of the rows (0 +I, 1 -U, 2 +U, 3 -D); +I when absent. */
  readonly ops?: number[];
  readonly wm?: number;
}

function ctx(): OperatorContext {
  return { operatorId: 'w', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
}

const show = (row: readonly Scalar[]): string => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Runs the steps (a snapshot and restore into a fresh operator before step `cut`); the folded output, sorted. */
function drive(make: () => Operator, inputs: readonly (readonly DataType[])[], steps: readonly Step[], cut?: number): string[] {
  let op = make();
  op.open?.(ctx());
  const out = new Collector();
  const table = new Map<string, number>();
  const collect = (): void => {
    for (const b of out.drain()) {
      const rows = batchToRows(b);
      rows.forEach((r, i) => {
        const kind = b.ops === null ? 0 : b.ops[i]!;
        const k = show(r);
        table.set(k, (table.get(k) ?? 0) + (kind === 0 || kind === 2 ? 1 : -1));
      });
    }
  };
  const wms = inputs.map(() => -Infinity);
  steps.forEach((s, i) => {
    if (i === cut) {
      const snap = decodeSnapshot(encodeSnapshot(op.snapshot!(1, true) as never), 'w-0.state');
      op = make();
      op.open?.(ctx());
      op.restore!(snap.keyed, [snap.operator]);
    }
    const input = s.input ?? 0;
    if (s.rows !== undefined) {
      const b: Batch = batchFromRows(inputs[input]!, s.rows.map((r) => r.map(canon)));
      op.processBatch(s.ops === undefined ? b : { ...b, ops: Uint8Array.from(s.ops) }, out, input);
    }
    if (s.wm !== undefined) {
      wms[input] = s.wm;
      if (inputs.length > 1) (op as unknown as { processInputWatermark(i: number, w: number): void }).processInputWatermark(input, s.wm);
      op.processWatermark?.(Math.min(...wms), out);
    }
    collect();
  });
  op.finish?.(out);
  collect();
  const rows: string[] = [];
  for (const [k, n] of table) {
    expect(n, `row ${k} folds to a negative count`).toBeGreaterThanOrEqual(0);
    for (let j = 0; j < n; j++) rows.push(k);
  }
  return rows.sort();
}

/** Both runs (uninterrupted, and restored before each cut) equal the hand-worked rows. */
function check(make: () => Operator, inputs: readonly (readonly DataType[])[], steps: readonly Step[], cuts: readonly number[], want: (bigint | number | null)[][]): void {
  const expected = want.map((r) => show(r.map(canon))).sort();
  expect(drive(make, inputs, steps)).toEqual(expected);
  for (const cut of cuts) expect(drive(make, inputs, steps, cut), `restored before step ${cut}`).toEqual(expected);
}

const KV: DataType[] = [T.BIGINT, T.BIGINT];
const KVT: DataType[] = [T.BIGINT, T.BIGINT, T.TIMESTAMP];

describe('wide BIGINT through a snapshot and restore', () => {
  it('regular join: wide keys and carried columns on both sides, an updating side retracting a wide row', () => {
    const spec: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: true } as JoinOperatorSpec;
    const make = (): Operator => new RegularJoinOperator(spec, KV, KV, [...KV, ...KV], 1024);
    const steps: Step[] = [
      { input: 0, rows: [[P53, 1], [P53 + 1n, 2], [5, MAX]] },
      { input: 1, rows: [[P53 + 1n, MAX], [P53, MIN], [5, 2n ** 60n + 1n]] },
      { input: 1, rows: [[P53, MIN]], ops: [3] },
      { input: 0, rows: [[P53 + 1n, 2n ** 62n], [P53, MAX]] },
      { input: 1, rows: [[P53 + 1n, MAX]], ops: [3] },
    ];
    check(make, [KV, KV], steps, [1, 2, 3, 4], [
      [P53, 1, null, null],
      [P53, MAX, null, null],
      [P53 + 1n, 2, null, null],
      [P53 + 1n, 2n ** 62n, null, null],
      [5, MAX, 5, 2n ** 60n + 1n],
    ]);
  });

  it('interval join: wide keys and carried values kept until the watermark passes', () => {
    const spec = { joinType: 'inner', strategy: { kind: 'interval', leftTime: 2, rightTime: 2, lower: -1000, upper: 1000 }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false } as unknown as JoinOperatorSpec;
    const make = (): Operator => new IntervalJoinOperator(spec, KVT, KVT, [...KVT, ...KVT], 1024);
    const steps: Step[] = [
      { input: 0, rows: [[P53, MAX, 1000], [P53 + 1n, MIN, 1000]] },
      { input: 1, rows: [[P53 + 1n, 7, 1500]] },
      { input: 1, rows: [[P53, P53 + 1n, 1800], [P53, 3, 5000]] },
    ];
    check(make, [KVT, KVT], steps, [1, 2], [
      [P53 + 1n, MIN, 1000, P53 + 1n, 7, 1500],
      [P53, MAX, 1000, P53, P53 + 1n, 1800],
    ]);
  });

  it('Top-N: wide partition keys, ordered by values near 2^63', () => {
    const spec = { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 1, desc: true, nullsFirst: false }], range: { start: 1, end: 2 }, outputRank: true, strategy: { kind: 'topn' }, inputUpdating: false } as const;
    const make = (): Operator => new RankOperator(spec, KV, [...KV, T.BIGINT], 1024);
    const steps: Step[] = [
      { rows: [[P53, P53], [P53 + 1n, MIN], [P53, MAX - 1n]] },
      { rows: [[P53, MAX], [P53 + 1n, 5]] },
      { rows: [[P53, P53 + 1n], [P53 + 1n, MIN + 1n]] },
    ];
    check(make, [KV], steps, [1, 2], [
      [P53, MAX, 1],
      [P53, MAX - 1n, 2],
      [P53 + 1n, 5, 1],
      [P53 + 1n, MIN + 1n, 2],
    ]);
  });

  it('OVER: stored rows and frame aggregates with wide values, wide partition keys', () => {
    const call = (fn: OverCall['fn']): OverCall => ({ fn, args: [1], type: T.BIGINT, offset: 1, default: null, name: fn });
    const make = (): Operator => new OverAggregateOperator(KVT, [0], 2, { unit: 'rows', preceding: 1 }, [call('sum'), call('max'), call('min'), call('first_value')], [...KVT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT], 1024);
    const steps: Step[] = [
      { rows: [[P53, 2n ** 60n, 1000], [P53 + 1n, MAX, 1000]] },
      { rows: [[P53, P53 + 1n, 2000], [P53 + 1n, -1, 2000]], wm: 1500 },
      { rows: [[P53, 2n ** 60n + 3n, 3000]] },
      { wm: 10_000 },
    ];
    check(make, [KVT], steps, [1, 2, 3], [
      [P53, 2n ** 60n, 1000, 2n ** 60n, 2n ** 60n, 2n ** 60n, 2n ** 60n],
      [P53, P53 + 1n, 2000, 2n ** 60n + P53 + 1n, 2n ** 60n, P53 + 1n, 2n ** 60n],
      [P53, 2n ** 60n + 3n, 3000, 2n ** 60n + P53 + 4n, 2n ** 60n + 3n, P53 + 1n, P53 + 1n],
      [P53 + 1n, MAX, 1000, MAX, MAX, MAX, MAX],
      [P53 + 1n, -1, 2000, MAX - 1n, MAX, -1, MAX],
    ]);
  });

  it('TUMBLE window aggregate: wide keys, shared COUNT/SUM(DISTINCT), MIN/MAX and FIRST_VALUE of wide values', () => {
    const agg = (fn: AggCall['fn'], distinct = false): AggCall => ({ fn, args: [1], distinct, filter: undefined, type: T.BIGINT, name: fn });
    const aggs = [agg('count', true), agg('sum', true), agg('min'), agg('max'), agg('first_value')];
    const make = (): Operator => new WindowAggregateOperator({ kind: 'tumble', size: 10_000, offset: 0 }, 2, KVT, [0], aggs, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 1024);
    const steps: Step[] = [
      { rows: [[P53, 2n ** 60n + 1n, 1000], [P53 + 1n, MIN, 1000], [P53, 3, 2000]] },
      { rows: [[P53, 2n ** 60n + 1n, 3000], [P53, P53 + 1n, 4000]] },
      { rows: [[P53 + 1n, MIN, 5000], [P53 + 1n, MAX, 6000]] },
      { wm: 20_000 },
    ];
    check(make, [KVT], steps, [1, 2, 3], [
      [P53, 3, 2n ** 60n + 1n + 3n + P53 + 1n, 3, 2n ** 60n + 1n, 2n ** 60n + 1n, 0, 10_000, 9_999],
      [P53 + 1n, 2, -1, MIN, MAX, MIN, 0, 10_000, 9_999],
    ]);
  });

  it('group aggregate: two wide key columns (one group per pair), DISTINCT and MAX over an updating input', () => {
    const agg = (fn: AggCall['fn'], distinct = false): AggCall => ({ fn, args: [2], distinct, filter: undefined, type: T.BIGINT, name: fn });
    const IN: DataType[] = [T.BIGINT, T.BIGINT, T.BIGINT];
    const make = (): Operator => new GroupAggregateOperator(IN, [0, 1], [agg('count', true), agg('max')], true, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT], 1024);
    const steps: Step[] = [
      { rows: [[P53, P53 + 1n, MAX], [P53, P53 + 1n, MAX], [P53 + 1n, P53, 1]] },
      { rows: [[P53, P53 + 1n, P53 + 1n], [P53 + 1n, P53, MIN]] },
      { rows: [[P53, P53 + 1n, MAX]], ops: [3] },
      { rows: [[P53, P53 + 1n, MAX]], ops: [3] },
    ];
    check(make, [IN], steps, [1, 2, 3], [
      [P53, P53 + 1n, 1, P53 + 1n],
      [P53 + 1n, P53, 2, 1],
    ]);
  });

  it('group aggregate deltas (incremental checkpoints): wide keys first seen after the full snapshot survive the chain', () => {
    const agg = (fn: AggCall['fn']): AggCall => ({ fn, args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: fn });
    const make = (): GroupAggregateOperator => new GroupAggregateOperator(KV, [0], [agg('count'), agg('max')], false, [T.BIGINT, T.BIGINT, T.BIGINT], 1024, 0, 100);
    const steps: (bigint | number)[][][] = [
      // (more narrow keys, so the later changes are small deltas, not full snapshots)
      [[1, 1], [P53, 2], ...Array.from({ length: 60 }, (_, j) => [100 + j, j])],
      [[P53 + 1n, MAX], [P53, 3]],
      [[MIN, 5], [P53 + 1n, 4], [2n ** 60n + 1n, MIN]],
    ];
    const op = make();
    op.open(ctx());
    const chain: unknown[] = [];
    steps.forEach((rows, i) => {
      op.processBatch(batchFromRows(KV, rows.map((r) => r.map(canon))), new Collector());
      const raw = op.snapshot(i + 1);
      expect(raw.deltaOf).toBe(i === 0 ? undefined : i);
      const snap = decodeSnapshot(encodeSnapshot(raw), 'w-0.state');
      chain.push(...snap.keyed.get(-1)!);
      op.notifyCheckpointComplete(i + 1);
    });
    const restored = make();
    restored.open(ctx());
    restored.restore(new Map([[-1, chain]]));
    // one more row per key shows each group's restored state (its -U row)
    const out = new Collector();
    restored.processBatch(batchFromRows(KV, [1, P53, P53 + 1n, MIN, 2n ** 60n + 1n].map((k) => [canon(k), 0])), out);
    const before = out.drain().flatMap((b) => batchToRows(b).map((r, i) => [b.ops?.[i] ?? 0, ...r])).filter((r) => r[0] === 1).map((r) => show(r.slice(1)));
    const want: (bigint | number)[][] = [[1, 1, 1], [P53, 2, 3], [P53 + 1n, 2, MAX], [MIN, 1, 5], [2n ** 60n + 1n, 1, MIN]];
    expect(before.sort()).toEqual(want.map((r) => show(r.map(canon))).sort());
  });
});
