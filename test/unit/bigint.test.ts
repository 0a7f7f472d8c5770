// BIGINT as a 64-bit integer (common/int64.ts): group state with keys and sums beyond
// ±(2^53-1) through a snapshot (msgpackr state file) and a restore at parallelism 1 and 2,
// one value's key-group hash however its batch carries it, and the sinks' text.
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch, Column, Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { AggCall } from '../../src/plan/logical.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/storage.js';
import { hashColumns } from '../../src/state/key-groups.js';
import { CsvEncoder } from '../../src/connectors/formats/csv.js';
import { formatCell } from '../../src/common/display.js';
import { jsonValueText } from '../../src/connectors/formats/json.js';
import { valueKindOf } from '../../src/connectors/formats/text-values.js';

const B60 = 2n ** 60n; // 2^60 + 1, + 2, + 3 are one double: keys that must not collide
const MAX = 2n ** 63n - 1n;
const IN: DataType[] = [T.BIGINT, T.BIGINT];
const OUT: DataType[] = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT];
const call = (fn: AggCall['fn'], args: number[]): AggCall => ({ fn, args, distinct: false, filter: undefined, type: T.BIGINT, name: fn });
// SELECT k, COUNT(*), SUM(v), MIN(v), MAX(v) FROM t GROUP BY k
const AGGS = [call('count_star', []), call('sum', [1]), call('min', [1]), call('max', [1])];

function ctx(start: number, end: number, subtask: number, parallelism: number): OperatorContext {
  return { operatorId: 'g', subtask, parallelism, maxParallelism: 128, keyGroups: { start, end }, metrics: newMetrics() };
}

/** Feeds batches into an operator (restored from `snap` when given); returns the folded table. */
function feed(op: GroupAggregateOperator, batches: readonly Batch[], table: Map<string, Scalar[]>): void {
  const out = new Collector();
  for (const b of batches) op.processBatch(b, out);
  for (const o of out.drain()) {
    const rows = batchToRows(o);
    for (let i = 0; i < rows.length; i++) {
      const kind = o.ops === null ? 0 : o.ops[i]!;
      const key = String(rows[i]![0]);
      if (kind === 0 || kind === 2) table.set(key, rows[i]!);
      else if (kind === 3) table.delete(key);
    }
  }
}

function operator(c: OperatorContext, snap?: OperatorSnapshot): GroupAggregateOperator {
  const op = new GroupAggregateOperator(IN, [0], AGGS, false, OUT, 1024);
  op.open(c);
  if (snap !== undefined) op.restore(snap.keyed);
  return op;
}

const rows = (r: [bigint, bigint][]): Batch => batchFromRows(IN, r.map(([k, v]) => [canon(k), canon(v)]));
const canon = (b: bigint): Scalar => (b >= -(2n ** 53n - 1n) && b <= 2n ** 53n - 1n ? Number(b) : b);

// before the checkpoint: three keys one double apart, sums that leave ±(2^53-1) and wrap at 2^63
const FIRST = [
  rows([
    [B60 + 1n, MAX],
    [B60 + 2n, 2n ** 53n],
    [B60 + 3n, 5n],
    [7n, 9007199254740991n],
  ]),
  rows([
    [B60 + 1n, 1n],
    [7n, 2n],
  ]),
];
// after the restore
const SECOND = [
  rows([
    [B60 + 1n, 1n],
    [B60 + 2n, -(2n ** 53n)],
    [B60 + 3n, MAX],
    [7n, 3n],
  ]),
];
// worked out by hand: COUNT, SUM (Java long: MAX + 1 wraps to -2^63), MIN, MAX
const EXPECTED = new Map<string, Scalar[]>([
  [String(B60 + 1n), [B60 + 1n, 3, -(2n ** 63n) + 1n, 1, MAX]], // MAX + 1 + 1 = -2^63 + 1
  [String(B60 + 2n), [B60 + 2n, 2, 0, -(2n ** 53n), 2n ** 53n]],
  [String(B60 + 3n), [B60 + 3n, 2, -(2n ** 63n) + 4n, 5, MAX]], // 5 + MAX wraps
  ['7', [7, 3, 9007199254740996n, 2, 9007199254740991]],
]);

describe('BIGINT group state across a checkpoint', () => {
  it('keys one double apart stay apart, sums wrap at 2^63, through a state file, restored at parallelism 1 and 2', () => {
    const before = operator(ctx(0, 128, 0, 1));
    const table = new Map<string, Scalar[]>();
    feed(before, FIRST, table);
    expect(table.size).toBe(4);
    // the snapshot goes through the state file format (msgpackr)
    // decoded once per restore: a restore owns the arrays it is given (it may take them over)
    const file = encodeSnapshot(before.snapshot(1));
    const snap = (): ReturnType<typeof decodeSnapshot> => decodeSnapshot(file, 'g-0.state');

    // parallelism 1: one operator owns every key group
    const p1 = new Map(table);
    feed(operator(ctx(0, 128, 0, 1), snap()), SECOND, p1);
    expect(p1).toEqual(EXPECTED);

    // parallelism 2: each subtask restores its key groups and gets the rows routed to them
    const p2 = new Map(table);
    const hashes = new Uint32Array(SECOND[0]!.length);
    hashColumns([SECOND[0]!.columns[0]!], SECOND[0]!.length, hashes);
    for (const [start, end, subtask] of [[0, 64, 0], [64, 128, 1]] as const) {
      const mine = SECOND[0]!.columns[0]!.values.length;
      const idx: number[] = [];
      for (let i = 0; i < mine; i++) if (hashes[i]! % 128 >= start && hashes[i]! % 128 < end) idx.push(i);
      const part = batchFromRows(IN, idx.map((i) => batchToRows(SECOND[0]!)[i]!));
      feed(operator(ctx(start, end, subtask, 2), snap()), [part], p2);
    }
    expect(p2).toEqual(EXPECTED);
  });
});

describe('BIGINT values carried wide', () => {
  const wide: Column = { type: T.BIGINT, values: [5, 9007199254740993n, -(2n ** 63n), 0], nulls: Uint8Array.of(0, 0, 0, 1) };
  const narrow: Column = { type: T.BIGINT, values: Float64Array.of(5, 0, 0, 0), nulls: Uint8Array.of(0, 1, 1, 1) };

  it('one value, one key-group hash, whether its batch is wide or not', () => {
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    hashColumns([wide], 4, a);
    hashColumns([narrow], 4, b);
    expect(a[0]).toBe(b[0]); // 5 in a wide batch and in a Float64Array batch
    expect(a[3]).toBe(b[3]); // NULL
    // 2^53 + 1 and 2^53 are one double: their hashes must still differ
    const c = new Uint32Array(2);
    hashColumns([{ type: T.BIGINT, values: [9007199254740993n, 9007199254740992], nulls: null }], 2, c);
    expect(c[0]).not.toBe(c[1]);
  });

  it('the print sink, the csv and json sinks write all the digits', () => {
    expect([0, 1, 2, 3].map((i) => formatCell(wide, i, 'null'))).toEqual(['5', '9007199254740993', '-9223372036854775808', 'null']);
    const batch: Batch = { length: 4, columns: [wide], ops: null };
    expect(new CsvEncoder([T.BIGINT]).encode(batch)).toBe('5\n9007199254740993\n-9223372036854775808\n\n');
    const kind = valueKindOf(T.BIGINT, 'b');
    expect([0, 1, 2].map((i) => jsonValueText(kind, T.BIGINT, wide, i))).toEqual(['5', '9007199254740993', '-9223372036854775808']);
  });
});
