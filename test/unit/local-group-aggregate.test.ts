// The two-phase updating GROUP BY (a local pre-aggregation per batch, then the global merge)
// gives exactly the changelog of the one-phase aggregate, batch by batch, whether the local phase
// pre-aggregates or passes rows straight through; and the planner uses it only where it may.
import { describe, expect, it } from 'vitest';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { ROW_KIND_TEXT, batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { DataType } from '../../src/common/types.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { LocalGroupAggregateOperator } from '../../src/exec/operators/local-group-aggregate.js';
import type { AggCall } from '../../src/plan/logical.js';
import { Session } from '../../src/sql/session.js';
import type { SinkNode } from '../../src/plan/logical.js';
import { explainPhysical } from '../../src/plan/physical.js';

const ctx = (): OperatorContext => ({ operatorId: '0-test', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() });

// input: k BIGINT, v BIGINT, s STRING, f BOOLEAN (a FILTER column)
const IN: DataType[] = [T.BIGINT, T.BIGINT, T.STRING, T.BOOLEAN];
const agg = (fn: AggCall['fn'], args: number[], type: DataType, filter?: number): AggCall => ({ fn, args, distinct: false, filter, type, name: fn });
const AGGS: AggCall[] = [agg('count_star', [], T.BIGINT), agg('count', [1], T.BIGINT), agg('sum', [1], T.BIGINT), agg('min', [1], T.BIGINT), agg('max', [2], T.STRING), agg('sum', [1], T.BIGINT, 3), agg('count_star', [], T.BIGINT, 3)];
const OUT: DataType[] = [T.BIGINT, ...AGGS.map((a) => a.type)];
const GLOBAL: AggCall[] = AGGS.map((a, i) => ({ ...a, fn: a.fn === 'count' || a.fn === 'count_star' ? 'sum0' : a.fn, args: [1 + i], filter: undefined }));

function batches(seed: number): Batch[] {
  let x = seed;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const out: Batch[] = [];
  for (let b = 0; b < 40; b++) {
    const rows: Scalar[][] = [];
    const n = 1 + rnd(30);
    for (let i = 0; i < n; i++) rows.push([rnd(7), rnd(5) === 0 ? null : rnd(100) - 50, rnd(6) === 0 ? null : `s${rnd(9)}`, rnd(3) === 0 ? null : rnd(2) === 0]);
    out.push(batchFromRows(IN, rows));
  }
  return out;
}

function lines(out: Collector): string[] {
  const r: string[] = [];
  for (const b of out.drain()) batchToRows(b).forEach((row, i) => r.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0]}${JSON.stringify(row)}`));
  return r;
}

/** The changelog, one entry per input batch. */
function onePhase(input: Batch[]): string[][] {
  const op = new GroupAggregateOperator(IN, [0], AGGS, false, OUT, 1024);
  op.open(ctx());
  const out = new Collector();
  return input.map((b) => {
    op.processBatch(b, out);
    return lines(out);
  });
}

function twoPhase(input: Batch[], adaptive: { sampleRows: number; minRowsPerPartial: number } | undefined, unshuffled = false): { log: string[][]; local: LocalGroupAggregateOperator; passed: number; partials: number } {
  const local = new LocalGroupAggregateOperator(IN, [0], AGGS, OUT, adaptive, unshuffled);
  const c = ctx();
  local.open(c);
  const global = new GroupAggregateOperator(OUT, [0], GLOBAL, false, OUT, 1024);
  global.open(ctx());
  const mid = new Collector();
  const out = new Collector();
  let partials = 0;
  const log = input.map((b) => {
    local.processBatch(b, mid);
    for (const p of mid.drain()) {
      partials += p.length;
      global.processBatch(p, out);
    }
    return lines(out);
  });
  return { log, local, passed: c.metrics.passedThrough, partials };
}

describe('two-phase updating GROUP BY', () => {
  it('gives the one-phase changelog batch by batch, pre-aggregating', () => {
    for (const seed of [1, 2, 3]) {
      const input = batches(seed);
      const rows = input.reduce((a, b) => a + b.length, 0);
      const two = twoPhase(input, undefined);
      expect(two.log).toEqual(onePhase(input));
      // it did fold: fewer partial rows than input rows, none passed through
      expect(two.partials).toBeLessThan(rows / 2);
      expect(two.passed).toBe(0);
    }
  });

  it('gives the same changelog while passing rows straight through (adaptive), and switches back to measure', () => {
    const input = batches(4);
    const rows = input.reduce((a, b) => a + b.length, 0);
    // folding fewer than 1000 rows per partial: pass through after each 50-row sample
    const two = twoPhase(input, { sampleRows: 50, minRowsPerPartial: 1000 });
    expect(two.log).toEqual(onePhase(input));
    expect(two.passed).toBeGreaterThan(rows / 2);
    expect(two.local.switches).toBeGreaterThanOrEqual(2);
    // where it pays, it keeps pre-aggregating
    const keep = twoPhase(input, { sampleRows: 50, minRowsPerPartial: 1.01 });
    expect(keep.passed).toBe(0);
    expect(keep.log).toEqual(onePhase(input));
  });
});

describe('an unshuffled local phase (parallelism 1)', () => {
  it('passes every row on (no fold, nothing counted as passed) and gives the same changelog', () => {
    const input = batches(5);
    const rows = input.reduce((a, b) => a + b.length, 0);
    const two = twoPhase(input, { sampleRows: 50, minRowsPerPartial: 1.01 }, true);
    expect(two.log).toEqual(onePhase(input));
    expect(two.partials).toBe(rows);
    expect(two.passed).toBe(0);
    expect(two.local.switches).toBe(0);
    // 'TWO_PHASE' (not adaptive) still pre-aggregates
    expect(twoPhase(input, undefined, true).partials).toBeLessThan(rows / 2);
  });
});

describe('planning the local phase', () => {
  const plan = (sql: string, strategy?: string, parallelism = 2): string => {
    const s = new Session();
    if (strategy !== undefined) s.options.set('table.optimizer.agg-phase-strategy', strategy);
    const sinks: SinkNode[] = [];
    const ddl = `CREATE TABLE t (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
      CREATE TABLE o (k BIGINT, n BIGINT) WITH ('connector' = 'blackhole');`;
    for (const { result } of s.executeScript({ name: 't.sql', text: `${ddl}\n${sql}` })) if (result.kind === 'insert') sinks.push(...result.sinks);
    return explainPhysical(s.physicalPlan(sinks, [], parallelism));
  };

  it('splits COUNT / SUM / MIN / MAX over an append-only input', () => {
    const t = plan('INSERT INTO o SELECT k, COUNT(*) FROM t GROUP BY k;');
    expect(t).toContain('LocalGroupAggregate(groupBy=[k], aggs=[COUNT(*)], preAggregate=ADAPTIVE)');
    expect(plan('INSERT INTO o SELECT k, COUNT(*) FROM t GROUP BY k;', undefined, 1)).toContain('preAggregate=ADAPTIVE (no shuffle: passes rows on)');
    expect(t).toMatch(/GlobalGroupAggregate\(groupBy=\[k\], aggs=\[SUM0\(/);
    expect(plan('INSERT INTO o SELECT k, MAX(v) FROM t GROUP BY k;', 'TWO_PHASE')).toContain('preAggregate=ALWAYS');
  });

  it('keeps one phase for DISTINCT, other aggregates and ONE_PHASE', () => {
    for (const [sql, strategy] of [
      ['INSERT INTO o SELECT k, COUNT(DISTINCT v) FROM t GROUP BY k;', undefined],
      ['INSERT INTO o SELECT k, CAST(AVG(v) AS BIGINT) FROM t GROUP BY k;', undefined],
      ['INSERT INTO o SELECT k, COUNT(*) FROM t GROUP BY k;', 'ONE_PHASE'],
    ] as const) {
      const t = plan(sql, strategy);
      expect(t).not.toContain('LocalGroupAggregate');
      expect(t).toContain('GroupAggregate(');
    }
  });
});
