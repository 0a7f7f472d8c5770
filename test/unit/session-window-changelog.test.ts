// A SESSION window aggregation over a changelog, the operator on its own: a retraction merges
// into its key's sessions like an insert (a session never shrinks or splits, as Flink's merging
// window set) and retracts from it; a session retracted to nothing emits no row; a retraction
// whose own window has fired is late; the record counts and MIN/MAX multisets survive a
// checkpoint (encoded and decoded as a real one is), also across a merge after the restore.
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { SessionWindowAggregateOperator } from '../../src/exec/operators/session-window-aggregate.js';
import { WINDOW_COLUMN_TYPES } from '../../src/exec/operators/window-aggregate.js';
import { RowKind, batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { AggCall } from '../../src/plan/logical.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { Session } from '../../src/sql/session.js';

// input: k, v, ts; SESSION(5 s) GROUP BY k: COUNT(*), MIN(v), MAX(v), SUM(v)
const IN: DataType[] = [T.STRING, T.BIGINT, T.TIMESTAMP];
const agg = (fn: AggCall['fn'], args: number[]): AggCall => ({ fn, args, distinct: false, filter: undefined, type: T.BIGINT, name: fn });
const AGGS = [agg('count_star', []), agg('min', [1]), agg('max', [1]), agg('sum', [1])];
const OUT: DataType[] = [T.STRING, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, ...WINDOW_COLUMN_TYPES];

function operator(): { op: SessionWindowAggregateOperator; c: OperatorContext } {
  const op = new SessionWindowAggregateOperator(5_000, 2, IN, [0], AGGS, OUT, 1024, undefined, true);
  const c: OperatorContext = { operatorId: 'w', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
  op.open(c);
  return { op, c };
}

// k, count, min, max, sum, window_start, window_end
const rows = (bs: Batch[]): string[] => bs.flatMap(batchToRows).map((r) => JSON.stringify(r.slice(0, 7))).sort();

describe('SESSION window aggregation over a changelog', () => {
  it('retracts from sessions; counts and MIN/MAX multisets survive a checkpoint and a merge after it', () => {
    const a = operator();
    const out = new Collector();
    // a: two sessions [1 s, 8 s) and [10 s, 15 s); b: one row
    a.op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 3, 2_000], ['a', 9, 3_000], ['a', 4, 10_000], ['b', 1, 4_000]]), out);
    a.op.processWatermark(0, out);
    expect(out.drain()).toEqual([]);
    const snap = decodeSnapshot(encodeSnapshot(a.op.snapshot()), 'test');
    const b = operator();
    b.op.restore(snap.keyed, [snap.operator]);
    // after the restore: a 7 s row bridges a's sessions into [1 s, 15 s); a's minimum (3) and
    // maximum (9) go, and so does the bridging row: the session stays [1 s, 15 s) (sessions only
    // grow); b's only row goes
    b.op.processBatch(batchFromRows(IN, [['a', 8, 7_000]]), out);
    b.op.processBatch(batchFromRows(IN, [['a', 3, 2_000], ['b', 1, 4_000], ['a', 9, 3_000], ['a', 8, 7_000], ['a', 6, 3_000]], [RowKind.UpdateBefore, RowKind.Delete, RowKind.Delete, RowKind.Delete, RowKind.UpdateAfter]), out);
    b.op.processWatermark(Infinity, out);
    // a: 5, 4 and 6 remain in one session; b: no row (its count is zero)
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 3, 4, 6, 15, 1_000, 15_000])]);
    expect(b.c.metrics.lateDropped).toBe(0);
  });

  it('drops a retraction whose own window has fired, and counts it late', () => {
    const { op, c } = operator();
    const out = new Collector();
    op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 6, 12_000]]), out);
    op.processWatermark(10_000, out);
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 1, 5, 5, 5, 1_000, 6_000])]);
    // the 1 s row's delete is late (its session fired); the 12 s row's update is on time
    op.processBatch(batchFromRows(IN, [['a', 5, 1_000], ['a', 6, 12_000], ['a', 8, 13_000]], [RowKind.Delete, RowKind.UpdateBefore, RowKind.UpdateAfter]), out);
    op.processWatermark(Infinity, out);
    expect(rows(out.drain())).toEqual([JSON.stringify(['a', 1, 8, 8, 8, 12_000, 18_000])]);
    expect(c.metrics.lateDropped).toBe(1);
  });
});

describe('EXPLAIN CHANGELOG_MODE of a SESSION window aggregation over a changelog', () => {
  it('both spellings plan a one-phase session window aggregate that consumes retractions and is [I]', () => {
    const ddl = `CREATE TABLE cdc (k STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/cdc.json', 'format' = 'debezium-json');
CREATE TABLE out1 (k STRING, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/out', 'format' = 'csv');`;
    for (const q of [
      'SELECT k, COUNT(*) FROM TABLE(SESSION(TABLE cdc PARTITION BY k, DESCRIPTOR(ts), INTERVAL \'5\' SECOND)) GROUP BY window_start, window_end, k',
      "SELECT k, COUNT(*) FROM cdc GROUP BY SESSION(ts, INTERVAL '5' SECOND), k",
    ]) {
      const s = new Session();
      const results = s.executeScript({ name: 'x.sql', text: `${ddl}\nEXPLAIN CHANGELOG_MODE INSERT INTO out1 ${q};` });
      const last = results[results.length - 1]!.result;
      if (last.kind !== 'explain') throw new Error('no EXPLAIN result');
      const physical = last.text.slice(last.text.indexOf('== Physical Plan =='));
      expect(physical).toMatch(/\] Source\(table=cdc.*changelogMode=\[I,UB,UA,D\]/);
      expect(physical).toMatch(/\] WindowAggregate\(SESSION\(.*, consumes retractions\) .*changelogMode=\[I\]/);
    }
  });
});
