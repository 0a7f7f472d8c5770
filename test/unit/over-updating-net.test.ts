// OVER over an updating input writes each input batch's net change per row: a batch that
// touches a row several times (a Top-N's -U/+U of one winning bid shifts the same frames
// twice) retracts its values from before the batch once and emits its values after it once;
// retractions go first. Values worked out by hand: SUM(v) OVER (PARTITION BY k ORDER BY ts
// ROWS BETWEEN 2 PRECEDING AND CURRENT ROW).
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT, RowKind } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import { UpdatingOverAggregateOperator } from '../../src/exec/operators/over-aggregate-updating.js';

const TYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP];
const CALLS = [{ fn: 'sum', args: [1], type: T.BIGINT, offset: 1, default: null, name: 's' }];

function rows(rs: readonly (readonly [number, number, number, RowKind])[]): Batch {
  return { length: rs.length, columns: TYPES.map((t, c) => columnFromScalars(t, rs.map((r) => r[c]!))), ops: Uint8Array.from(rs.map((r) => r[3])) } as unknown as Batch;
}

function lines(out: Collector): string[] {
  const ls: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) ls.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.values[i])).join(', ')}]`);
  return ls;
}

function operator(): UpdatingOverAggregateOperator {
  const op = new UpdatingOverAggregateOperator(TYPES, [0], 2, { unit: 'rows', preceding: 2 }, CALLS as never, [...TYPES, T.BIGINT], 4096);
  op.open({ operatorId: '1-over', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() });
  return op;
}

describe('OVER over an updating input: one net change per row and batch', () => {
  it('an update of one row inside two frames retracts and emits each touched row once', () => {
    const op = operator();
    const out = new Collector();
    const I = RowKind.Insert;
    op.processBatch(rows([[1, 10, 1000, I], [1, 20, 2000, I], [1, 30, 3000, I], [1, 40, 4000, I], [1, 50, 5000, I]]), out);
    expect(lines(out)).toEqual(['+I[1, 10, 1000, 10]', '+I[1, 20, 2000, 30]', '+I[1, 30, 3000, 60]', '+I[1, 40, 4000, 90]', '+I[1, 50, 5000, 120]']);
    // the row at 3 s changes from 30 to 35: rows at 4 s and 5 s hold it in their frames (row by
    // row, each would be retracted and emitted twice: 10 rows)
    op.processBatch(rows([[1, 30, 3000, RowKind.UpdateBefore], [1, 35, 3000, RowKind.UpdateAfter]]), out);
    expect(lines(out)).toEqual(['-U[1, 30, 3000, 60]', '-U[1, 40, 4000, 90]', '-U[1, 50, 5000, 120]', '+U[1, 40, 4000, 95]', '+U[1, 50, 5000, 125]', '+U[1, 35, 3000, 65]']);
  });

  it('a row inserted and retracted within one batch writes nothing, nor do rows it passed through', () => {
    const op = operator();
    const out = new Collector();
    const I = RowKind.Insert;
    op.processBatch(rows([[1, 10, 1000, I], [1, 20, 2000, I], [1, 30, 4000, I]]), out);
    lines(out);
    op.processBatch(rows([[1, 99, 3000, I], [1, 99, 3000, RowKind.Delete]]), out);
    expect(lines(out)).toEqual([]);
    // and a retraction of a row emitted earlier still carries the values it was emitted with
    op.processBatch(rows([[1, 20, 2000, RowKind.Delete]]), out);
    expect(lines(out)).toEqual(['-D[1, 20, 2000, 30]', '-U[1, 30, 4000, 60]', '+U[1, 30, 4000, 40]']);
  });
});
