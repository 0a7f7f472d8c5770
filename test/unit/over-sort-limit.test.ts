// The OVER, temporal-sort and LIMIT operators on their own: output order (which the SQL cases,
// comparing multisets, cannot see), Flink's frame semantics on small hand-worked inputs, late
// rows, and snapshot/restore into a subtask with other key groups.
import { describe, expect, it } from 'vitest';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { Operator, OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { OverAggregateOperator } from '../../src/exec/operators/over-aggregate.js';
import { TemporalSortOperator } from '../../src/exec/operators/temporal-sort.js';
import { LimitOperator } from '../../src/exec/operators/limit.js';
import { keyGroupRange } from '../../src/state/key-groups.js';
import type { OverCall, OverFrame } from '../../src/plan/logical.js';

function ctx(subtask = 0, parallelism = 1): OperatorContext {
  return { operatorId: 'test', subtask, parallelism, maxParallelism: 128, keyGroups: keyGroupRange(subtask, parallelism, 128), metrics: newMetrics() };
}

/** Runs steps (a batch of rows or a watermark) and returns the output rows in order. */
function drive(op: Operator, types: Parameters<typeof batchFromRows>[0], steps: (Scalar[][] | number)[]): Scalar[][] {
  const out = new Collector();
  const rows: Scalar[][] = [];
  const take = (): void => {
    for (const b of out.drain() as Batch[]) rows.push(...batchToRows(b));
  };
  for (const s of steps) {
    if (typeof s === 'number') void op.processWatermark?.(s, out);
    else void op.processBatch(batchFromRows(types, s), out, 0);
    take();
  }
  return rows;
}

const call = (fn: OverCall['fn'], args: number[], type = T.BIGINT, offset = 0): OverCall => ({ fn, args, type, offset, default: null, name: fn });
// input: key, value, time
const types = [T.BIGINT, T.BIGINT, T.TIMESTAMP];

function over(frame: OverFrame, calls: OverCall[]): OverAggregateOperator {
  const op = new OverAggregateOperator(types, [0], 2, frame, calls, [...types, ...calls.map((c) => c.type)], 1024);
  op.open(ctx());
  return op;
}

describe('OVER aggregation operator', () => {
  it('emits in rowtime order across partitions as the watermark passes; RANGE peers share one result', () => {
    const op = over({ unit: 'range', preceding: 2 }, [call('sum', [1]), call('count_star', [])]);
    const rows = drive(op, types, [
      [[1, 10, 5], [2, 1, 3], [1, 20, 1], [1, 30, 5], [2, 2, 7]],
      4,
      [[1, 40, 6]],
      100,
    ]);
    expect(rows).toEqual([
      [1, 20, 1, 20, 1],
      [2, 1, 3, 1, 1],
      // 5: peers 10 and 30 see each other; the row at 1 is more than 2 ms back
      [1, 10, 5, 40, 2],
      [1, 30, 5, 40, 2],
      [1, 40, 6, 80, 3],
      [2, 2, 7, 2, 1],
    ]);
  });

  it('ROWS frames take peers one by one in arrival order; LAG looks back over an unbounded frame', () => {
    const rows = drive(over({ unit: 'rows', preceding: 1 }, [call('sum', [1]), call('max', [1])]), types, [[[1, 5, 1], [1, 7, 2], [1, 1, 2], [1, 3, 3]], 10]);
    expect(rows.map((r) => r.slice(3))).toEqual([[5, 5], [12, 7], [8, 7], [4, 3]]);
    const lag = drive(over({ unit: 'rows', preceding: undefined }, [call('lag', [1], T.BIGINT, 1), call('lag', [1], T.BIGINT, 2)]), types, [[[1, 5, 1], [1, 7, 2], [1, 1, 2], [1, 3, 3]], 10]);
    expect(lag.map((r) => r.slice(3))).toEqual([[null, null], [5, null], [7, 5], [1, 7]]);
  });

  it('drops a row at or before the time its partition emitted, and counts it', () => {
    const op = over({ unit: 'range', preceding: undefined }, [call('count_star', [])]);
    const c = ctx();
    op.open(c);
    const rows = drive(op, types, [[[1, 1, 5], [2, 1, 1]], 5, [[1, 2, 5], [1, 3, 4], [2, 2, 3]], 10]);
    expect(rows).toEqual([[2, 1, 1, 1], [1, 1, 5, 1], [2, 2, 3, 2]]);
    expect(c.metrics.lateDropped).toBe(2);
  });

  it('restores its partitions (frames, waiting rows, accumulators) into subtasks owning their key groups', () => {
    const frame: OverFrame = { unit: 'rows', preceding: 2 };
    const calls = [call('sum', [1]), call('min', [1]), call('first_value', [1])];
    const steps1: Scalar[][][] = [[[1, 4, 1], [2, 9, 1], [1, 3, 2], [2, 8, 2], [1, 6, 9]]];
    const steps2: (Scalar[][] | number)[] = [4, [[1, 2, 10], [2, 1, 11]], 100];
    const straight = over(frame, calls);
    const expected = drive(straight, types, [...steps1, ...steps2]);
    const first = over(frame, calls);
    drive(first, types, steps1);
    const snap = first.snapshot() as OperatorSnapshot;
    // restore at parallelism 2: each subtask takes its key groups' entries
    const got: Scalar[][] = [];
    for (let s = 0; s < 2; s++) {
      const c = ctx(s, 2);
      const op = new OverAggregateOperator(types, [0], 2, frame, calls, [...types, T.BIGINT, T.BIGINT, T.BIGINT], 1024);
      op.open(c);
      const mine = new Map([...snap.keyed].filter(([kg]) => kg >= c.keyGroups.start && kg < c.keyGroups.end));
      op.restore(mine);
      // each subtask sees only its keys' rows
      const own = steps2.map((st) => (typeof st === 'number' ? st : st.filter((r) => mine.size > 0 && [...mine.values()].flat().some((e) => (e as { key: Scalar[] }).key[0] === r[0]))));
      got.push(...drive(op, types, own));
    }
    const sort = (r: Scalar[][]): Scalar[][] => r.slice().sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sort(got)).toEqual(sort(expected));
    expect(expected.length).toBe(7);
  });
});

describe('temporal sort operator', () => {
  it('emits by time then the other keys, ties in arrival order, and drops rows at or before the watermark', () => {
    const c = ctx();
    const op = new TemporalSortOperator(types, [{ index: 2, desc: false, nullsFirst: true }, { index: 1, desc: true, nullsFirst: false }], 2);
    op.open(c);
    const rows = drive(op, types, [[[1, 5, 3], [2, 9, 1], [3, null, 3], [4, 7, 3], [5, 9, 1]], 2, [[6, 1, 2], [7, 1, 4]], 3, [[8, 0, 5]], 10]);
    expect(rows.map((r) => r[0])).toEqual([2, 5, 4, 1, 3, 7, 8]);
    expect(c.metrics.lateDropped).toBe(1);
  });

  it('a restored sort holds the same rows and watermark', () => {
    const op = new TemporalSortOperator(types, [{ index: 2, desc: false, nullsFirst: true }], 16);
    op.open(ctx());
    drive(op, types, [[[1, 1, 5], [2, 2, 3]], 3]);
    const snap = op.snapshot();
    const back = new TemporalSortOperator(types, [{ index: 2, desc: false, nullsFirst: true }], 16);
    const c = ctx();
    back.open(c);
    back.restore(snap.keyed, [snap.operator]);
    expect(drive(back, types, [[[3, 3, 2], [4, 4, 4]], 10]).map((r) => r[0])).toEqual([4, 1]);
    expect(c.metrics.lateDropped).toBe(1);
  });
});

describe('limit operator', () => {
  it('passes rows offset+1 .. offset+fetch across batches, and a restore continues the count', () => {
    const op = new LimitOperator(2, 3);
    const t = [T.INT];
    expect(drive(op, t, [[[1]], [[2], [3], [4]]]).flat()).toEqual([3, 4]);
    const back = new LimitOperator(2, 3);
    back.restore(new Map(), [op.snapshot().operator]);
    expect(drive(back, t, [[[5], [6]], [[7]]]).flat()).toEqual([5]);
  });
});
