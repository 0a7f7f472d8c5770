// The adaptive local phase of a two-phase window aggregation (window-aggregate.ts): a stream
// whose rows first never combine (the local phase switches to passing rows through), then
// combine heavily (it measures again and goes back to pre-aggregating). A checkpoint barrier
// arrives while the local phase is in each mode; the job "crashes" right after it, and the
// global phase is restored at parallelism 1 and at 2 (rescaled) and given the rest of the
// stream. Every window's result must equal one worked out directly from the rows.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { hashRow, keyGroupOf, keyGroupRange, subtaskForKeyGroup } from '../../src/state/key-groups.js';
import type { AggCall } from '../../src/plan/logical.js';
import type { WindowPhase } from '../../src/plan/physical.js';

const SIZE = 1000;
const agg = (fn: AggCall['fn'], args: number[], name: string): AggCall => ({ fn, args, distinct: false, filter: undefined, type: T.BIGINT, name });
// as the planner builds them: the local phase's COUNT(*), SUM(v), MAX(v) and a record count;
// the global phase merges them (counts add up: SUM0)
const LOCAL_AGGS = [agg('count_star', [], 'n'), agg('sum', [1], 's'), agg('max', [1], 'hi'), agg('count_star', [], 'records')];
const GLOBAL_AGGS = [agg('sum0', [1], 'n'), agg('sum', [2], 's'), agg('max', [3], 'hi')];
const LOCAL_OUT = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];
const GLOBAL_OUT = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP];
const WINDOW = { kind: 'tumble', size: SIZE, offset: 0 } as const;

const ctx = (subtask = 0, parallelism = 1): OperatorContext => ({ operatorId: 'x', subtask, parallelism, maxParallelism: 128, keyGroups: keyGroupRange(subtask, parallelism, 128), metrics: newMetrics() });

function makeLocal(): WindowAggregateOperator {
  const phase: WindowPhase = { kind: 'local', adaptive: { sampleRows: 200, minRowsPerPartial: 3 } };
  const op = new WindowAggregateOperator(WINDOW, 2, [T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], LOCAL_AGGS, LOCAL_OUT, 4096, phase);
  op.open(ctx());
  return op;
}

function makeGlobal(subtask: number, parallelism: number): WindowAggregateOperator {
  const op = new WindowAggregateOperator(WINDOW, -1, LOCAL_OUT, [0], GLOBAL_AGGS, GLOBAL_OUT, 4096, { kind: 'global', start: 5, end: 6, records: 4 });
  op.open(ctx(subtask, parallelism));
  return op;
}

/** Seeded batches of (k, v, t): times advance 50 ms per 20-row batch, with up to 300 ms of disorder. */
function stream(): { batches: Batch[]; rows: [number, number, number][] } {
  let x = 7;
  const rand = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const batches: Batch[] = [];
  const rows: [number, number, number][] = [];
  for (let b = 0; b < 600; b++) {
    const part: [number, number, number][] = [];
    for (let i = 0; i < 20; i++) {
      // batches 0-199: a new key per row; 200-399: 3 keys; 400-599: a new key per row again
      const k = b >= 200 && b < 400 ? rand(3) : b * 20 + i;
      part.push([k, rand(1000) - 200, 1000 + b * 50 + rand(300)]);
    }
    rows.push(...part);
    batches.push({ length: part.length, columns: [0, 1, 2].map((c) => columnFromScalars(c === 2 ? T.TIMESTAMP : T.BIGINT, part.map((r) => r[c]!))), ops: null });
  }
  return { batches, rows };
}

/** The expected result, one line per (window, key): window_start k count sum max. */
function expected(rows: readonly [number, number, number][]): string[] {
  const m = new Map<string, [number, number, number]>();
  for (const [k, v, t] of rows) {
    const id = `${Math.floor(t / SIZE) * SIZE} ${k}`;
    const a = m.get(id);
    if (a === undefined) m.set(id, [1, v, v]);
    else m.set(id, [a[0] + 1, a[1] + v, Math.max(a[2], v)]);
  }
  return [...m].map(([id, a]) => `${id} ${a.join(' ')}`).sort();
}

function lines(out: Collector): string[] {
  const l: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) l.push(`${b.columns[4]!.values[i]} ${b.columns[0]!.values[i]} ${b.columns[1]!.values[i]} ${b.columns[2]!.values[i]} ${b.columns[3]!.values[i]}`);
  return l;
}

/** One local subtask feeding `globals` (partial rows routed by key group, as the hash exchange). */
class Pipeline {
  readonly local = makeLocal();
  readonly out = new Collector();
  private readonly lout = new Collector();
  constructor(readonly globals: WindowAggregateOperator[]) {}
  private pipe(): void {
    const p = this.globals.length;
    for (const b of this.lout.drain()) {
      if (p === 1) {
        this.globals[0]!.processBatch(b, this.out);
        continue;
      }
      const parts: number[][] = Array.from({ length: p }, () => []);
      for (let i = 0; i < b.length; i++) parts[subtaskForKeyGroup(keyGroupOf(hashRow([b.columns[0]!], i), 128), p, 128)]!.push(i);
      parts.forEach((idx, s) => {
        if (idx.length === 0) return;
        const cols = b.columns.map((c) => ({ type: c.type, values: Float64Array.from(idx, (i) => c.values[i] as number), nulls: null }));
        this.globals[s]!.processBatch({ length: idx.length, columns: cols, ops: null }, this.out);
      });
    }
  }
  feed(b: Batch, wm: number): void {
    this.local.processBatch(b, this.lout);
    this.local.processWatermark(wm, this.lout);
    this.pipe();
    for (const g of this.globals) g.processWatermark(wm, this.out);
  }
  /** A checkpoint: the local phase emits what it holds before the barrier; the globals snapshot. */
  checkpoint(): { global: OperatorSnapshot[]; local: OperatorSnapshot; flushed: number } {
    this.local.prepareSnapshotPreBarrier(this.lout);
    const held = this.lout.drain();
    for (const b of held) this.lout.emit(b);
    this.pipe();
    return { global: this.globals.map((g) => structuredClone(g.snapshot())), local: this.local.snapshot(), flushed: held.reduce((n, b) => n + b.length, 0) };
  }
  end(): void {
    this.feedEnd();
  }
  private feedEnd(): void {
    this.local.processWatermark(Infinity, this.lout);
    this.pipe();
    for (const g of this.globals) g.processWatermark(Infinity, this.out);
  }
}

const wmAfter = (b: number): number => 1000 + b * 50 - 400;

describe('adaptive local window aggregation', () => {
  const { batches, rows } = stream();
  const want = expected(rows);

  it('switches to passing rows through and back, and the result equals the rows worked out directly', () => {
    const p = new Pipeline([makeGlobal(0, 1)]);
    const modes: boolean[] = [];
    batches.forEach((b, i) => {
      p.feed(b, wmAfter(i));
      modes.push(p.local.passingThrough);
    });
    p.end();
    expect(lines(p.out).sort()).toEqual(want);
    // passing in the first third, pre-aggregating again in the second, passing in the last
    expect(modes.slice(20, 200).some((m) => m)).toBe(true);
    expect(modes.slice(300, 400).every((m) => !m)).toBe(true);
    expect(modes.slice(450).some((m) => m)).toBe(true);
    expect(p.local.switches).toBeGreaterThanOrEqual(3);
  });

  for (const mode of ['passing rows through', 'pre-aggregating'] as const) {
    for (const parallelism of [1, 2]) {
      it(`a barrier while ${mode}, a crash, a restore at parallelism ${parallelism}: every window once, exact`, () => {
        // the uninterrupted run's modes, to place the barrier
        const probe = new Pipeline([makeGlobal(0, 1)]);
        const modes = batches.map((b, i) => {
          probe.feed(b, wmAfter(i));
          return probe.local.passingThrough;
        });
        // passing: in the first third; pre-aggregating: in the middle third, after passing before it
        const cut = mode === 'passing rows through' ? modes.findIndex((m, i) => m && i >= 40) : modes.findIndex((m, i) => !m && i >= 300);
        expect(cut).toBeGreaterThan(0);
        const before = new Pipeline([makeGlobal(0, 1)]);
        for (let i = 0; i <= cut; i++) before.feed(batches[i]!, wmAfter(i));
        expect(before.local.passingThrough).toBe(mode === 'passing rows through');
        // pre-aggregating, the local phase holds the open windows' groups and emits them before
        // the barrier; passing rows through, it holds nothing
        const snap = before.checkpoint();
        expect(snap.local.keyed.size).toBe(0);
        if (mode === 'pre-aggregating') expect(snap.flushed).toBeGreaterThan(0);
        else expect(snap.flushed).toBe(0);
        const emitted = lines(before.out);
        // crash: the rows after the barrier are read again by new operators
        const globals = Array.from({ length: parallelism }, (_, s) => makeGlobal(s, parallelism));
        for (const g of globals) g.restore(new Map([...snap.global[0]!.keyed].map(([k, v]) => [k, v])), [snap.global[0]!.operator]);
        const after = new Pipeline(globals);
        for (let i = cut + 1; i < batches.length; i++) after.feed(batches[i]!, wmAfter(i));
        after.end();
        expect([...emitted, ...lines(after.out)].sort()).toEqual(want);
      });
    }
  }
});

describe('adaptive local window aggregation, order of rows', () => {
  it('LAST_VALUE and FIRST_VALUE at parallelism 1: what the local phase holds leaves before the rows that pass through after it', () => {
    // 3 keys, so a window's group holds rows when the local phase switches to passing (forced:
    // no reduction is enough); the held partial must reach the global phase before later rows
    const aggs = [agg('last_value', [1], 'l'), agg('first_value', [1], 'f'), agg('count_star', [], 'records')];
    const local = new WindowAggregateOperator(WINDOW, 2, [T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], aggs, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP], 4096, { kind: 'local', adaptive: { sampleRows: 200, minRowsPerPartial: 1e9 } });
    local.open(ctx());
    const global = new WindowAggregateOperator(WINDOW, -1, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP], [0], [agg('last_value', [1], 'l'), agg('first_value', [2], 'f')], [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096, { kind: 'global', start: 4, end: 5, records: 3 });
    global.open(ctx());
    const lout = new Collector();
    const gout = new Collector();
    const want = new Map<string, [number, number]>();
    let switched = false;
    for (let b = 0; b < 200; b++) {
      const part: [number, number, number][] = [];
      for (let i = 0; i < 20; i++) part.push([i % 3, b * 20 + i, 1000 + b * 50 + i]);
      for (const [k, v, t] of part) {
        const id = `${Math.floor(t / SIZE) * SIZE} ${k}`;
        want.set(id, [v, want.get(id)?.[1] ?? v]);
      }
      local.processBatch({ length: 20, columns: [0, 1, 2].map((c) => columnFromScalars(c === 2 ? T.TIMESTAMP : T.BIGINT, part.map((r) => r[c]!))), ops: null }, lout);
      local.processWatermark(1000 + b * 50 - 100, lout);
      for (const x of lout.drain()) global.processBatch(x, gout);
      global.processWatermark(1000 + b * 50 - 100, gout);
      if (local.passingThrough) switched = true;
    }
    local.processWatermark(Infinity, lout);
    for (const x of lout.drain()) global.processBatch(x, gout);
    global.processWatermark(Infinity, gout);
    expect(switched).toBe(true);
    const got: string[] = [];
    for (const x of gout.drain()) for (let i = 0; i < x.length; i++) got.push(`${x.columns[3]!.values[i]} ${x.columns[0]!.values[i]} ${x.columns[1]!.values[i]} ${x.columns[2]!.values[i]}`);
    expect(got.sort()).toEqual([...want].map(([id, [l, f]]) => `${id} ${l} ${f}`).sort());
  });
});
