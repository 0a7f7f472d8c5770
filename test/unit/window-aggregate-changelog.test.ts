// A window aggregation over a changelog, the operator on its own: retractions from open
// windows (MIN/MAX over their value multisets), a group retracted to nothing emits no row, a
// retraction for a fired window is late, and the record counts survive a checkpoint (encoded
// and decoded as a real one is).
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { WindowAggregateOperator, WINDOW_COLUMN_TYPES } from '../../src/exec/operators/window-aggregate.js';
import { RowKind, batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { AggCall } from '../../src/plan/logical.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { Session } from '../../src/sql/session.js';

// input: k, v, ts; TUMBLE(10 s) GROUP BY k: COUNT(*), MIN(v), MAX(v), SUM(v)
const IN: DataType[] = [T.STRING, T.BIGINT, T.TIMESTAMP];
const agg = (fn: AggCall['fn'], args: number[]): AggCall => ({ fn, args, distinct: false, filter: undefined, type: T.BIGINT, name: fn });
const AGGS = [agg('count_star', []), agg('min', [1]), agg('max', [1]), agg('sum', [1])];
const OUT: DataType[] = [T.STRING, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, ...WINDOW_COLUMN_TYPES];

function ctx(): OperatorContext {
  return { operatorId: 'w', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
}

function operator(): { op: WindowAggregateOperator; c: OperatorContext } {
  const op = new WindowAggregateOperator({ kind: 'tumble', size: 10_000, offset: 0 }, 2, IN, [0], AGGS, OUT, 1024, { kind: 'single' }, true);
  const c = ctx();
  op.open(c);
  return { op, c };
}

const rows = (bs: Batch[]): string[] => bs.flatMap(batchToRows).map((r) => JSON.stringify(r.slice(0, 6)));

describe('window aggregation over a changelog', () => {
  it('retracts from open windows; the record counts and MIN/MAX multisets survive a checkpoint', () => {
    const a = operator();
    const out = new Collector();
    a.op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 3, 2_000], ['a', 9, 3_000], ['b', 1, 4_000]]), out);
    a.op.processWatermark(5_000, out);
    expect(out.drain()).toEqual([]);
    const snap = decodeSnapshot(encodeSnapshot(a.op.snapshot()), 'test');
    const b = operator();
    b.op.restore(snap.keyed, [snap.operator]);
    // after the restore: a's minimum (3) and maximum (9) go, b's only row goes
    b.op.processBatch(batchFromRows(IN, [['a', 3, 2_000], ['b', 1, 4_000], ['a', 9, 3_000], ['a', 7, 3_000]], [RowKind.UpdateBefore, RowKind.Delete, RowKind.Delete, RowKind.UpdateAfter]), out);
    b.op.processWatermark(Infinity, out);
    // a: 5 and 7 remain; b: no row (Flink emits nothing for a window whose count is zero)
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 2, 5, 7, 12, 0])]);
    expect(b.c.metrics.lateDropped).toBe(0);
  });

  it('drops a retraction whose window has fired, and counts it late', () => {
    const { op, c } = operator();
    const out = new Collector();
    op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 6, 12_000]]), out);
    op.processWatermark(10_000, out);
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 1, 5, 5, 5, 0])]);
    // the 1 s row's delete is late (its window fired); the 12 s row's update is on time
    op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 6, 12_000], ['a', 8, 13_000]], [RowKind.Delete, RowKind.UpdateBefore, RowKind.UpdateAfter]), out);
    op.processWatermark(Infinity, out);
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 1, 8, 8, 8, 10_000])]);
    expect(c.metrics.lateDropped).toBe(1);
  });
});

describe('EXPLAIN CHANGELOG_MODE of a window aggregation over a changelog', () => {
  it('the source is [I,UB,UA,D], the window aggregate consumes retractions and is [I]; an append-only sink accepts it', () => {
    const s = new Session();
    const ddl = `CREATE TABLE cdc (k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/cdc.json', 'format' = 'debezium-json');
CREATE TABLE out1 (k STRING, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/out', 'format' = 'csv');`;
    const results = s.executeScript({ name: 'x.sql', text: `${ddl}\nEXPLAIN CHANGELOG_MODE INSERT INTO out1 SELECT k, COUNT(*) FROM TABLE(HOP(TABLE cdc, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k;` });
    const last = results[results.length - 1]!.result;
    if (last.kind !== 'explain') throw new Error('no EXPLAIN result');
    const physical = last.text.slice(last.text.indexOf('== Physical Plan =='));
    expect(physical).toMatch(/\] Source\(table=cdc.*changelogMode=\[I,UB,UA,D\]/);
    expect(physical).toMatch(/\] WindowAggregate\(HOP\(.*, consumes retractions\) .*changelogMode=\[I\]/);
    expect(physical).not.toMatch(/LocalWindowAggregate/);
  });
});
