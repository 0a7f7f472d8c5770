// Flink's mini-batch options ('table.exec.mini-batch.*', plan/mini-batch.ts) in the updating
// group aggregate: changes held across input batches, one net change per group when the bundle
// ends (size, latency mark, barrier, end of input), Flink's checks at planning, and a
// checkpoint taken with a bundle open. Processing time is mocked through Date.now.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, RowKind, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import type { MiniBatch } from '../../src/plan/mini-batch.js';
import { miniBatchFrom } from '../../src/plan/mini-batch.js';
import { Session } from '../../src/sql/session.js';
import type { AggCall, LogicalPlan } from '../../src/plan/logical.js';

const INT = T.INT;
type Row = readonly [number, number];

function ctx(): OperatorContext {
  return { operatorId: '0-test', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
}

function batch(rows: readonly Row[], ops?: readonly number[]): Batch {
  return { length: rows.length, columns: [0, 1].map((c) => columnFromScalars(INT, rows.map((r) => r[c]!))), ops: ops === undefined ? null : Uint8Array.from(ops) } as Batch;
}

/** SELECT k, COUNT(*), SUM(v), MAX(v) GROUP BY k over a changelog input. */
function make(mb?: MiniBatch): GroupAggregateOperator {
  const aggs: AggCall[] = [
    { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'c' },
    { fn: 'sum', args: [1], distinct: false, filter: undefined, type: INT, name: 's' },
    { fn: 'max', args: [1], distinct: false, filter: undefined, type: INT, name: 'm' },
  ];
  const op = new GroupAggregateOperator([INT, INT], [0], aggs, true, [INT, T.BIGINT, INT, INT], 1024, 0, 0, mb);
  op.open(ctx());
  return op;
}

function drain(out: Collector): string[] {
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.values[i])).join(', ')}]`);
  return lines;
}

/**
 * Checks a changelog: each -U/-D repeats the row last emitted for its key (+I/+U), nothing is
 * inserted twice; returns the materialized rows, sorted.
 */
function materialize(lines: readonly string[]): string[] {
  const cur = new Map<string, string>();
  for (const l of lines) {
    const kind = l.slice(0, 2);
    const body = l.slice(3, -1);
    const key = body.split(', ')[0]!;
    if (kind === '+I') {
      expect(cur.has(key), l).toBe(false);
      cur.set(key, body);
    } else if (kind === '-U' || kind === '-D') {
      expect(cur.get(key), l).toBe(body);
      cur.delete(key);
    } else {
      expect(kind).toBe('+U');
      expect(cur.has(key), l).toBe(false);
      cur.set(key, body);
    }
  }
  return [...cur.values()].sort();
}

/** The aggregate of the input, worked out independently: key -> [count, sum, max]. */
function model(input: readonly { rows: readonly Row[]; ops: readonly number[] }[]): string[] {
  const live = new Map<number, number[]>();
  for (const b of input)
    b.rows.forEach(([k, v], i) => {
      const vs = live.get(k) ?? [];
      if (b.ops[i] === RowKind.Insert || b.ops[i] === RowKind.UpdateAfter) vs.push(v);
      else vs.splice(vs.indexOf(v), 1);
      live.set(k, vs);
    });
  return [...live]
    .filter(([, vs]) => vs.length > 0)
    .map(([k, vs]) => `${k}, ${vs.length}, ${vs.reduce((a, b) => a + b, 0)}, ${Math.max(...vs)}`)
    .sort();
}

/** 40 batches of 1-12 rows over 9 keys; about a third of the rows retract an earlier row still counted. */
function input(): { rows: Row[]; ops: number[] }[] {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const counted: Row[] = [];
  const out: { rows: Row[]; ops: number[] }[] = [];
  for (let b = 0; b < 40; b++) {
    const rows: Row[] = [];
    const ops: number[] = [];
    for (let i = 0, n = 1 + rnd(12); i < n; i++) {
      if (counted.length > 0 && rnd(3) === 0) {
        const [r] = counted.splice(rnd(counted.length), 1);
        rows.push(r!);
        ops.push(rnd(2) === 0 ? RowKind.Delete : RowKind.UpdateBefore);
      } else {
        const r: Row = [rnd(9), rnd(100)];
        counted.push(r);
        rows.push(r);
        ops.push(rnd(4) === 0 ? RowKind.UpdateAfter : RowKind.Insert);
      }
    }
    out.push({ rows, ops });
  }
  return out;
}

let now = 1_000_000;
afterEach(() => vi.restoreAllMocks());
function clock(at: number): void {
  now = at;
  vi.spyOn(Date, 'now').mockImplementation(() => now);
}

describe('mini-batch in the updating group aggregate', () => {
  it('size: the row that fills the bundle ends it (a batch is split there); the rest waits for the end of input', () => {
    clock(1_000_500);
    const op = make({ latencyMs: 3_600_000, size: 3 });
    const out = new Collector();
    op.processBatch(batch([[1, 10], [1, 5]]), out);
    expect(drain(out)).toEqual([]);
    op.processBatch(batch([[2, 1], [1, 1]]), out);
    expect(drain(out)).toEqual(['+I[1, 2, 15, 10]', '+I[2, 1, 1, 1]']);
    op.finish(out);
    expect(drain(out)).toEqual(['-U[1, 2, 15, 10]', '+U[1, 3, 16, 10]']);
  });

  it('latency: a batch after the next multiple of allow-latency (processing time) ends the bundle before its rows', () => {
    clock(1_000_500);
    const op = make({ latencyMs: 1_000, size: 1_000_000 });
    const out = new Collector();
    op.processBatch(batch([[1, 10]]), out);
    now = 1_000_999;
    op.processBatch(batch([[1, 20], [2, 5]]), out);
    expect(drain(out)).toEqual([]);
    now = 1_001_000;
    op.processBatch(batch([[2, 7]]), out);
    expect(drain(out)).toEqual(['+I[1, 2, 30, 20]', '+I[2, 1, 5, 5]']);
    // a group retracted to nothing and back within one bundle: one -U/+U pair, no -D
    op.processBatch(batch([[1, 10], [1, 20], [1, 3]], [RowKind.Delete, RowKind.Delete, RowKind.Insert]), out);
    now = 1_002_000;
    op.processBatch(batch([[3, 1], [3, 1]], [RowKind.Insert, RowKind.Delete]), out);
    // (in the order the bundle first touched the groups)
    expect(drain(out)).toEqual(['-U[2, 1, 5, 5]', '+U[2, 2, 12, 7]', '-U[1, 2, 30, 20]', '+U[1, 1, 3, 3]']);
    // group 3 came and went inside the open bundle: nothing for it, and it is gone
    op.finish(out);
    expect(drain(out)).toEqual([]);
    expect(op.stateEntries()).toBe(2);
  });

  it('a changelog input in bundles: the same result as without mini-batch (and the model), fewer rows, each -U the last +U', () => {
    clock(1_000_000);
    const inp = input();
    const run = (mb?: MiniBatch): string[] => {
      const op = make(mb);
      const out = new Collector();
      const lines: string[] = [];
      for (const b of inp) {
        op.processBatch(batch(b.rows, b.ops), out);
        lines.push(...drain(out));
      }
      op.finish(out);
      lines.push(...drain(out));
      return lines;
    };
    const plain = run();
    const mb = run({ latencyMs: 3_600_000, size: 25 });
    expect(materialize(mb)).toEqual(model(inp));
    expect(materialize(plain)).toEqual(model(inp));
    expect(mb.length).toBeLessThan(plain.length * 0.7);
  });

  it('a barrier with a bundle open: the bundle is emitted first; the snapshot restores with nothing held; the changelog goes on', () => {
    clock(1_000_000);
    const inp = input();
    const mb: MiniBatch = { latencyMs: 3_600_000, size: 25 };
    const a = make(mb);
    const out = new Collector();
    const lines: string[] = [];
    for (const b of inp.slice(0, 13)) a.processBatch(batch(b.rows, b.ops), out);
    lines.push(...drain(out));
    const before = lines.length;
    a.prepareSnapshotPreBarrier(out);
    const atBarrier = drain(out);
    expect(atBarrier.length).toBeGreaterThan(0);
    lines.push(...atBarrier);
    // the state at the barrier holds every row before it
    expect(materialize(lines)).toEqual(model(inp.slice(0, 13)));
    const snap = decodeSnapshot(encodeSnapshot(a.snapshot(1)), 'test.state');
    const b = make(mb);
    b.restore(new Map([[-1, structuredClone(snap.keyed.get(-1)!)]]));
    b.prepareSnapshotPreBarrier(out);
    expect(drain(out)).toEqual([]);
    for (const x of inp.slice(13)) b.processBatch(batch(x.rows, x.ops), out);
    b.finish(out);
    lines.push(...drain(out));
    expect(lines.length).toBeGreaterThan(before + atBarrier.length);
    // (-U rows after the restore repeat the +U rows before it: checked by materialize)
    expect(materialize(lines)).toEqual(model(inp));
  });
});

function plan(sql: string): { session: Session; queries: LogicalPlan[] } {
  const session = new Session();
  const queries: LogicalPlan[] = [];
  for (const { result } of session.executeScript({ name: 'q.sql', text: sql })) if (result.kind === 'query') queries.push(result.plan);
  return { session, queries };
}

describe("mini-batch options: Flink's defaults and checks", () => {
  const opts = (o: Record<string, string>) => (k: string) => o[k];
  it('off by default; enabled needs a positive latency (every query) and a positive size (a query with a bundling operator)', () => {
    expect(miniBatchFrom(opts({}), true)).toBeUndefined();
    expect(miniBatchFrom(opts({ 'table.exec.mini-batch.enabled': 'false', 'table.exec.mini-batch.size': '-1' }), true)).toBeUndefined();
    expect(() => miniBatchFrom(opts({ 'table.exec.mini-batch.enabled': 'true' }), false)).toThrow('MiniBatch Latency must be greater than 0 ms.');
    expect(() => miniBatchFrom(opts({ 'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.allow-latency': '0 s', 'table.exec.mini-batch.size': '10' }), true)).toThrow('MiniBatch Latency must be greater than 0 ms.');
    const on = { 'table.exec.mini-batch.enabled': 'TRUE', 'table.exec.mini-batch.allow-latency': '2 s' };
    expect(miniBatchFrom(opts(on), false)).toEqual({ latencyMs: 2000, size: 1 });
    expect(() => miniBatchFrom(opts(on), true)).toThrow("Key: 'table.exec.mini-batch.size' , default: -1 (fallback keys: []) must be > 0.");
    expect(miniBatchFrom(opts({ ...on, 'table.exec.mini-batch.size': '50000' }), true)).toEqual({ latencyMs: 2000, size: 50000 });
  });

  it('planning: the size is checked for a GROUP BY, not for a projection; a bad value fails at SET', () => {
    const ddl = `CREATE TABLE t (k INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '1 s';`;
    const agg = plan(`${ddl}\nSELECT k, COUNT(*) FROM t GROUP BY k;`);
    expect(() => agg.session.physicalPlan([], agg.queries)).toThrow("Key: 'table.exec.mini-batch.size' , default: -1 (fallback keys: []) must be > 0.");
    const proj = plan(`${ddl}\nSELECT k FROM t;`);
    expect(() => proj.session.physicalPlan([], proj.queries)).not.toThrow();
    expect(() => plan(`SET 'table.exec.mini-batch.size' = 'many';`)).toThrow("'table.exec.mini-batch.size' must be a whole number of input rows");
  });
});
