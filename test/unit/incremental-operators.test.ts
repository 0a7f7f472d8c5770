// Incremental checkpoints of the regular, interval, window and temporal joins, the window aggregates
// (also over a changelog), session windows, OVER (also over a changelog), Top-N, deduplication
// and window Top-N: a full snapshot and a chain of deltas, restored at parallelism 1 and 2, gives
// exactly the state an uninterrupted operator holds (made visible by probing it), and the same
// state a full snapshot restores.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { RegularJoinOperator } from '../../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { encodeSnapshotParts } from '../../src/checkpoint/storage.js';
import { RankOperator } from '../../src/exec/operators/rank.js';
import type { RankSpec } from '../../src/exec/operators/rank.js';
import { IntervalJoinOperator } from '../../src/exec/operators/interval-join.js';
import { TemporalJoinOperator } from '../../src/exec/operators/temporal-join.js';
import { WindowJoinOperator } from '../../src/exec/operators/window-join.js';
import { OverAggregateOperator } from '../../src/exec/operators/over-aggregate.js';
import { UpdatingOverAggregateOperator } from '../../src/exec/operators/over-aggregate-updating.js';
import { SessionWindowAggregateOperator } from '../../src/exec/operators/session-window-aggregate.js';
import { stateTooLarge } from '../../src/exec/memory-guard.js';

const ctx = (start = 0, end = 128): OperatorContext => ({ operatorId: '2-join', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start, end }, metrics: newMetrics() });

function batch(rows: readonly (readonly [number, number])[], ops: readonly number[]): Batch {
  return { length: rows.length, columns: [0, 1].map((c) => columnFromScalars(T.BIGINT, rows.map((r) => r[c]!))), ops: Uint8Array.from(ops) } as unknown as Batch;
}

function drain(out: Collector): string[] {
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', ')}]`);
  return lines;
}

function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
}

// ---------------------------------------------------------------------------------------------
// Regular join: LEFT JOIN of two updating inputs on k (multiset rows, match counts of the outer
// side, rows retracted so slots are freed and reused by other keys)

const JOIN: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: true, rightUpdating: true };
const makeJoin = (fullEvery: number): RegularJoinOperator => new RegularJoinOperator(JOIN, [T.BIGINT, T.BIGINT], [T.BIGINT, T.BIGINT], [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, 0, fullEvery);

/** Seeded phases: [side, batch] per step; each phase ends at a checkpoint. */
function joinPhases(): [number, Batch][][] {
  const rand = lcg(11);
  const live: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  const phases: [number, Batch][][] = [];
  for (let p = 0; p < 6; p++) {
    const steps: [number, Batch][] = [];
    for (let side = 0; side < 2; side++) {
      const rows: [number, number][] = [];
      const ops: number[] = [];
      const lv = live[side]!;
      const add = (k: number, v: number): void => {
        rows.push([k, v]);
        ops.push(0);
        const id = `${k},${v}`;
        lv.set(id, (lv.get(id) ?? 0) + 1);
      };
      if (p === 0) for (let k = 0; k < 1000; k++) add(side === 0 ? k : k * 2, k % 3);
      else {
        for (let i = 0; i < 20; i++) add(rand(1000), rand(3)); // some are second copies
        // retract ~8 held rows (a copy, or a row's last copy: its slot is freed)
        const held = [...lv.keys()];
        for (let i = 0; i < 8; i++) {
          const id = held[rand(held.length)]!;
          const c = lv.get(id) ?? 0;
          if (c === 0) continue;
          const [k, v] = id.split(',').map(Number) as [number, number];
          rows.push([k, v]);
          ops.push(3);
          if (c === 1) lv.delete(id);
          else lv.set(id, c - 1);
        }
        for (let i = 0; i < 5; i++) add(5000 + 10 * p + i, i); // new keys (reuse freed slots)
      }
      steps.push([side, batch(rows, ops)]);
    }
    phases.push(steps);
  }
  return phases;
}

const PROBE_KEYS = [...Array.from({ length: 2000 }, (_, k) => k), ...Array.from({ length: 60 }, (_, i) => 5000 + i)];

/**
 * One right row per key (shows every left row, its copies and whether it was padded), then one
 * left row per key (shows the right rows); `only` probes one side.
 */
function probeJoin(op: RegularJoinOperator, only?: 0 | 1): string[] {
  const out = new Collector();
  const probe = batch(PROBE_KEYS.map((k) => [k, 9]), PROBE_KEYS.map(() => 0));
  if (only !== 0) op.processBatch(probe, out, 1);
  if (only !== 1) op.processBatch(probe, out, 0);
  // probing the left side pads the probe rows of keys without right rows (at parallelism 2,
  // also of keys the subtask does not own): left out
  return drain(out).filter((l) => !(only === 0 && l.startsWith('+I') && l.endsWith('null, null]'))).sort();
}

describe('regular join deltas', () => {
  it('a full snapshot and 5 deltas, restored at parallelism 1 and 2, equal the uninterrupted state and a full snapshot', () => {
    const phases = joinPhases();
    const reference = makeJoin(0);
    reference.open(ctx());
    const op = makeJoin(100);
    op.open(ctx());
    const snaps: OperatorSnapshot[] = [];
    let full: OperatorSnapshot | undefined;
    phases.forEach((steps, i) => {
      for (const [side, b] of steps) {
        reference.processBatch(b, new Collector(), side);
        op.processBatch(b, new Collector(), side);
      }
      snaps.push(op.snapshot(i + 1));
      op.notifyCheckpointComplete(i + 1);
      if (i === phases.length - 1) full = reference.snapshot();
    });
    expect(snaps[0]!.deltaOf).toBeUndefined();
    expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4, 5]);
    // a delta holds the changed rows only (about 35 per side, of 1000)
    const d = snaps[2]!.keyed.get(-1)![0] as { left: { slots: Int32Array }; right: { slots: Int32Array } };
    expect(d.left.slots.length).toBeGreaterThan(15);
    expect(d.left.slots.length).toBeLessThan(80);
    // and its file is a small part of the full one's (about 3.5% of the rows changed)
    expect(encodeSnapshotParts(snaps[2]!).bytes).toBeLessThan(encodeSnapshotParts(snaps[0]!).bytes * 0.08);

    const chain = (): Map<number, unknown[]> => new Map([[-1, snaps.flatMap((s) => s.keyed.get(-1)!)]]);
    const want = probeJoin(reference);
    const one = makeJoin(100);
    one.open(ctx());
    one.restore(chain());
    expect(probeJoin(one)).toEqual(want);
    // the same state a full snapshot of the uninterrupted operator restores
    const fromFull = makeJoin(0);
    fromFull.open(ctx());
    fromFull.restore(full!.keyed);
    expect(probeJoin(fromFull)).toEqual(want);
    // rescale: each of two subtasks keeps its key groups' rows
    for (const side of [0, 1] as const) {
      const lo = makeJoin(100);
      const hi = makeJoin(100);
      lo.open(ctx(0, 64));
      hi.open(ctx(64, 128));
      lo.restore(chain());
      hi.restore(chain());
      const got = [...probeJoin(lo, side), ...probeJoin(hi, side)].sort();
      expect(got).toEqual(probeJoin(restoredFrom(full!), side));
      expect(got.length).toBeGreaterThan(1000);
    }
    // the base alone is not the state (the deltas matter)
    const base = makeJoin(100);
    base.open(ctx());
    base.restore(new Map([[-1, snaps[0]!.keyed.get(-1)!]]));
    expect(probeJoin(base)).not.toEqual(want);
  });

  it('full every N, after a checkpoint that did not complete, and for a savepoint', () => {
    const op = makeJoin(3);
    op.open(ctx());
    const kinds: (number | undefined)[] = [];
    const step = (id: number, complete: boolean, savepoint = false): void => {
      op.processBatch(batch([[id, 1]], [0]), new Collector(), 0);
      kinds.push(op.snapshot(id, savepoint).deltaOf);
      if (complete) op.notifyCheckpointComplete(id);
    };
    step(1, true);
    step(2, true);
    step(3, true);
    step(4, false);
    step(5, true);
    step(6, true, true);
    step(7, true);
    // 3: a delta (the chain's 3rd file; its 3 entries are all live); 4: full, the chain would
    // reach 3 files; 5: full, 4 did not complete; 6: a savepoint; 7: a delta of it
    expect(kinds).toEqual([undefined, 1, 2, undefined, undefined, undefined, 6]);
  });
});

function restoredFrom(full: OperatorSnapshot): RegularJoinOperator {
  const op = makeJoin(0);
  op.open(ctx());
  op.restore(full.keyed);
  return op;
}

// ---------------------------------------------------------------------------------------------
// Window aggregate: HOP(10 s, size 30 s) of COUNT(*), SUM(v) GROUP BY k over (k, v, ts); between
// checkpoints, rows arrive for open windows and the watermark fires (and frees) some windows

const WAGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;
const makeWindow = (fullEvery: number): WindowAggregateOperator =>
  new WindowAggregateOperator({ kind: 'hop', size: 30_000, slide: 10_000, offset: 0 } as never, 2, [T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], WAGGS as never, [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096, { kind: 'single' }, false, fullEvery);

function timed(rows: readonly (readonly [number, number, number])[]): Batch {
  return { length: rows.length, columns: [T.BIGINT, T.BIGINT, T.TIMESTAMP].map((t, c) => columnFromScalars(t, rows.map((r) => r[c]!))), ops: null } as unknown as Batch;
}

/** Per phase: a batch of rows (a few of them late) and the watermark after it. */
function windowPhases(): [Batch, number][] {
  const rand = lcg(5);
  const out: [Batch, number][] = [];
  for (let p = 0; p < 6; p++) {
    const rows: [number, number, number][] = [];
    // phase 0 fills 8 windows; each later phase adds a few rows and fires one window
    if (p === 0) for (let i = 0; i < 6000; i++) rows.push([rand(1000), rand(50), rand(60_000)]);
    else for (let i = 0; i < 50; i++) rows.push([rand(1000), rand(50), p * 10_000 + rand(15_000) - 2_000]);
    out.push([timed(rows), p * 10_000 + 3_000]);
  }
  return out;
}

function fireAll(op: WindowAggregateOperator | SessionWindowAggregateOperator, late: readonly (readonly [number, number, number])[] = []): string[] {
  const out = new Collector();
  // a row at the restored watermark shows that late rows are still dropped
  if (late.length > 0) op.processBatch(timed(late), out);
  op.processWatermark(Infinity, out);
  return drain(out).sort();
}

describe('window aggregate deltas', () => {
  it('a full snapshot and 5 deltas (windows fired between them), restored at parallelism 1 and 2, equal the uninterrupted state and a full snapshot', () => {
    const phases = windowPhases();
    const reference = makeWindow(0);
    reference.open(ctx());
    const op = makeWindow(100);
    op.open(ctx());
    const snaps: OperatorSnapshot[] = [];
    let full: OperatorSnapshot | undefined;
    phases.forEach(([b, wm], i) => {
      for (const o of [reference, op]) {
        o.processBatch(b, new Collector());
        o.processWatermark(wm, new Collector());
      }
      snaps.push(op.snapshot(i + 1));
      op.notifyCheckpointComplete(i + 1);
      if (i === phases.length - 1) full = reference.snapshot();
    });
    expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4, 5]);
    // a delta: the groups of the windows rows reached, and those of the fired window (freed)
    const d = snaps[3]!.keyed.get(-1)![0] as { slots: Int32Array; inUse: Uint8Array };
    expect(d.inUse.some((u) => u === 0)).toBe(true);
    const late = [[1, 1, 1000] as const, [2, 1, 60_000] as const];
    const want = fireAll(reference, late);
    expect(want.length).toBeGreaterThan(1000);
    const chain = (): Map<number, unknown[]> => new Map([[-1, snaps.flatMap((s) => s.keyed.get(-1)!)]]);
    const states = snaps.map((s) => s.operator);
    const one = makeWindow(100);
    one.open(ctx());
    one.restore(chain(), [states[states.length - 1]]);
    expect(fireAll(one, late)).toEqual(want);
    const fromFull = makeWindow(0);
    fromFull.open(ctx());
    fromFull.restore(full!.keyed, [full!.operator]);
    expect(fireAll(fromFull, late)).toEqual(want);
    const lo = makeWindow(100);
    const hi = makeWindow(100);
    lo.open(ctx(0, 64));
    hi.open(ctx(64, 128));
    lo.restore(chain(), [states[states.length - 1]]);
    hi.restore(chain(), [states[states.length - 1]]);
    expect([...fireAll(lo), ...fireAll(hi)].sort()).toEqual(fireAll(restoredWindow(full!)));
    const base = makeWindow(100);
    base.open(ctx());
    base.restore(new Map([[-1, snaps[0]!.keyed.get(-1)!]]), [states[states.length - 1]]);
    expect(fireAll(base, late)).not.toEqual(want);
  });
});

function restoredWindow(full: OperatorSnapshot): WindowAggregateOperator {
  const op = makeWindow(0);
  op.open(ctx());
  op.restore(full.keyed, [full.operator]);
  return op;
}

// ---------------------------------------------------------------------------------------------
// Top-N (ROW_NUMBER <= 3 per k, by v) and keep-first deduplication (by ts, emitted when the
// watermark passes): partitions changed, dropped (deduplication's emitted keys keep a record)

const TOPN: RankSpec = { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 1, desc: false, nullsFirst: true }], range: { start: 1, end: 3 }, outputRank: true, strategy: { kind: 'topn' }, inputUpdating: false } as never;
const DEDUP: RankSpec = { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 2, desc: false, nullsFirst: true }], range: { start: 1, end: 1 }, outputRank: false, strategy: { kind: 'deduplicate', timeIndex: 2, keepLast: false }, inputUpdating: false } as never;
const TOPN_UPDATING: RankSpec = { ...TOPN, inputUpdating: true } as never;
const RTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP];
const makeRank = (spec: RankSpec, fullEvery: number): RankOperator => new RankOperator(spec, RTYPES, spec.outputRank ? [...RTYPES, T.BIGINT] : RTYPES, 4096, fullEvery);

/** Per phase: rows (k of 500, then of 700: new keys keep arriving; v; ts rising by phase) and the watermark after them. */
function rankPhases(): [Batch, number][] {
  const rand = lcg(3);
  const out: [Batch, number][] = [];
  for (let p = 0; p < 6; p++) {
    const rows: [number, number, number][] = [];
    for (let i = 0; i < (p === 0 ? 3000 : 60); i++) rows.push([rand(p === 0 ? 500 : 700), rand(1000), p * 1000 + rand(2000)]);
    out.push([timed(rows), p * 1000 + 500]);
  }
  return out;
}

/** For an updating Top-N: inserts, and retractions of held rows, all rows of some keys (their partitions are dropped). */
function updatingPhases(): [Batch, number][] {
  const rand = lcg(8);
  const live = new Map<number, [number, number, number][]>();
  const out: [Batch, number][] = [];
  for (let p = 0; p < 6; p++) {
    const rows: [number, number, number][] = [];
    const ops: number[] = [];
    const add = (r: [number, number, number]): void => {
      rows.push(r);
      ops.push(0);
      live.set(r[0], [...(live.get(r[0]) ?? []), r]);
    };
    if (p === 0) for (let i = 0; i < 2000; i++) add([rand(500), rand(1000), i]);
    else {
      for (let i = 0; i < 30; i++) add([rand(700), rand(1000), p * 10_000 + i]);
      for (let i = 0; i < 6; i++) {
        const k = rand(500);
        for (const r of live.get(k) ?? []) {
          rows.push(r);
          ops.push(3);
        }
        live.delete(k);
      }
    }
    out.push([{ ...timed(rows), ops: Uint8Array.from(ops) } as Batch, -Infinity]);
  }
  return out;
}

/** Top-N: a new first row for every key shows each partition's rows by position; deduplication: a late-enough row for every key, then the end of input, shows what waits and what was emitted. */
function probeRank(op: RankOperator): string[] {
  const out = new Collector();
  const keys = Array.from({ length: 700 }, (_, k) => [k, -1, 1_000_000] as const);
  op.processBatch(timed(keys), out);
  op.finish(out);
  return drain(out).sort();
}

describe('Top-N and deduplication deltas', () => {
  for (const [name, spec] of [['Top-N', TOPN], ['Top-N over an updating input', TOPN_UPDATING], ['keep-first deduplication', DEDUP]] as const) {
    it(`${name}: a full snapshot and 5 deltas, restored at parallelism 1 and 2, equal the uninterrupted state and a full snapshot`, () => {
      const reference = makeRank(spec, 0);
      reference.open(ctx());
      const op = makeRank(spec, 100);
      op.open(ctx());
      const snaps: OperatorSnapshot[] = [];
      let full: OperatorSnapshot | undefined;
      (spec === TOPN_UPDATING ? updatingPhases() : rankPhases()).forEach(([b, wm], i) => {
        for (const o of [reference, op]) {
          o.processBatch(b, new Collector());
          o.processWatermark(wm, new Collector());
        }
        snaps.push(op.snapshot(i + 1));
        op.notifyCheckpointComplete(i + 1);
        if (i === 5) full = reference.snapshot();
      });
      expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4, 5]);
      const deltaRecords = [...snaps[2]!.keyed.values()].flat().length;
      expect(deltaRecords).toBeGreaterThan(10);
      if (spec === TOPN_UPDATING) expect([...snaps[2]!.keyed.values()].flat().some((r) => (r as { d?: number }).d === 2), 'a dropped partition in the delta').toBe(true);
      expect(deltaRecords).toBeLessThan(120);
      // storage hands restore each key group's entries in chain order
      const chain = (): Map<number, unknown[]> => {
        const m = new Map<number, unknown[]>();
        for (const s of snaps) for (const [kg, e] of s.keyed) m.set(kg, [...(m.get(kg) ?? []), ...e]);
        return m;
      };
      const last = [snaps[5]!.operator];
      const want = probeRank(reference);
      // (deduplication: the keys still waiting, and the probe's own row for keys never seen)
      expect(want.length).toBeGreaterThan(spec === DEDUP ? 20 : 500);
      const one = makeRank(spec, 100);
      one.open(ctx());
      one.restore(chain(), last);
      expect(probeRank(one)).toEqual(want);
      const fromFull = makeRank(spec, 0);
      fromFull.open(ctx());
      fromFull.restore(full!.keyed, [full!.operator]);
      expect(probeRank(fromFull)).toEqual(want);
      // rescale: key groups split between two subtasks (restore gets only its own)
      const own = (lo: number, hi: number): Map<number, unknown[]> => new Map([...chain()].filter(([kg]) => kg >= lo && kg < hi));
      const a = makeRank(spec, 100);
      const b = makeRank(spec, 100);
      a.open(ctx(0, 64));
      b.open(ctx(64, 128));
      a.restore(own(0, 64), last);
      b.restore(own(64, 128), last);
      // each subtask also answers the probe rows of keys it does not own (as new partitions): only owned keys count
      const owned = (op2: RankOperator, lo: number, hi: number): string[] => {
        const keys = ownedKeys(lo, hi);
        return probeRank(op2).filter((l) => keys.has(Number(/\[(-?\d+)/.exec(l)![1])));
      };
      expect([...owned(a, 0, 64), ...owned(b, 64, 128)].sort()).toEqual(want);
      const base = makeRank(spec, 100);
      base.open(ctx());
      base.restore(new Map([...snaps[0]!.keyed]), last);
      expect(probeRank(base)).not.toEqual(want);
    });
  }
});

function ownedKeys(lo: number, hi: number): Set<number> {
  // the key group of each key, as the operator computes it (one partition per key in a full snapshot)
  const op = makeRank(TOPN, 0);
  op.open(ctx());
  op.processBatch(timed(Array.from({ length: 700 }, (_, k) => [k, 0, 0] as const)), new Collector());
  const keys = new Set<number>();
  for (const [kg, recs] of op.snapshot().keyed) if (kg >= lo && kg < hi) for (const r of recs as { k: number[] }[]) keys.add(r.k[0]!);
  return keys;
}

// Window Top-N: top 2 by v per (k, window_end) of 10 s tumbling windows; each phase fires windows
// (their partitions are dropped: removal records)
const WINDOW_TOPN: RankSpec = { fn: 'row_number', partitionKeys: [0, 3], orderKeys: [{ index: 1, desc: false, nullsFirst: true }], range: { start: 1, end: 2 }, outputRank: true, strategy: { kind: 'window', endIndex: 3, dedup: undefined }, inputUpdating: false } as never;
const WTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];
const makeWindowRank = (fullEvery: number): RankOperator => new RankOperator(WINDOW_TOPN, WTYPES, [...WTYPES, T.BIGINT], 4096, fullEvery);
function windowed(rows: readonly (readonly [number, number, number])[]): Batch {
  const full = rows.map(([k, v, t]) => [k, v, t, Math.floor(t / 10_000) * 10_000 + 10_000]);
  return { length: rows.length, columns: WTYPES.map((ty, c) => columnFromScalars(ty, full.map((r) => r[c]!))), ops: null } as unknown as Batch;
}

describe('window Top-N deltas', () => {
  it('a full snapshot and 5 deltas (windows fired between them), restored, equal the uninterrupted state and a full snapshot', () => {
    const rand = lcg(21);
    const reference = makeWindowRank(0);
    reference.open(ctx());
    const op = makeWindowRank(100);
    op.open(ctx());
    const snaps: OperatorSnapshot[] = [];
    let full: OperatorSnapshot | undefined;
    for (let p = 0; p < 6; p++) {
      const rows: [number, number, number][] = [];
      // phase 0 fills 8 windows; each later phase adds rows to open windows and fires one
      for (let i = 0; i < (p === 0 ? 4000 : 40); i++) rows.push([rand(300), rand(1000), p === 0 ? rand(80_000) : p * 10_000 + rand(20_000)]);
      const b = windowed(rows);
      for (const o of [reference, op]) {
        o.processBatch(b, new Collector());
        o.processWatermark(p * 10_000 + 100, new Collector());
      }
      snaps.push(op.snapshot(p + 1));
      op.notifyCheckpointComplete(p + 1);
      if (p === 5) full = reference.snapshot();
    }
    expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4, 5]);
    expect([...snaps[3]!.keyed.values()].flat().some((r) => (r as { d?: number }).d === 2), 'fired windows as removals').toBe(true);
    const chain = (): Map<number, unknown[]> => {
      const m = new Map<number, unknown[]>();
      for (const s of snaps) for (const [kg, e] of s.keyed) m.set(kg, [...(m.get(kg) ?? []), ...e]);
      return m;
    };
    const probe = (o: RankOperator): string[] => {
      const out = new Collector();
      o.finish(out);
      return drain(out).sort();
    };
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(500);
    const one = makeWindowRank(100);
    one.open(ctx());
    one.restore(chain(), [snaps[5]!.operator]);
    expect(probe(one)).toEqual(want);
    const fromFull = makeWindowRank(0);
    fromFull.open(ctx());
    fromFull.restore(full!.keyed, [full!.operator]);
    expect(probe(fromFull)).toEqual(want);
    const base = makeWindowRank(100);
    base.open(ctx());
    base.restore(new Map([...snaps[0]!.keyed]), [snaps[5]!.operator]);
    expect(probe(base)).not.toEqual(want);
  });
});

// ---------------------------------------------------------------------------------------------
// The operators that wrote their whole state at every checkpoint before: interval, temporal
// joins, OVER (append-only and over a changelog), session windows, the window aggregate over a
// changelog. Each runs the same seeded phases twice, uninterrupted (full snapshots only) and
// with a checkpoint after every phase (a full snapshot, then deltas); the chain is restored at
// parallelism 1 and 2 and probed against the uninterrupted operator.

interface Checkpointed {
  open(ctx: OperatorContext): void;
  snapshot(id: number, savepoint?: boolean): OperatorSnapshot;
  notifyCheckpointComplete(id: number): void;
  restore(keyed: Map<number, unknown[]>, states: readonly unknown[]): void;
}

/** Runs `phases` on an uninterrupted operator and on one checkpointed after every phase. */
function runChain<O extends Checkpointed>(make: (fullEvery: number) => O, phases: readonly ((o: O) => void)[]): { reference: O; snaps: OperatorSnapshot[] } {
  const reference = make(0);
  reference.open(ctx());
  const op = make(100);
  op.open(ctx());
  const snaps: OperatorSnapshot[] = [];
  phases.forEach((phase, i) => {
    phase(reference);
    phase(op);
    snaps.push(op.snapshot(i + 1));
    op.notifyCheckpointComplete(i + 1);
  });
  expect(snaps[0]!.deltaOf).toBeUndefined();
  expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual(phases.slice(1).map((_, i) => i + 1));
  return { reference, snaps };
}

/** The chain as storage hands it to restore: each key group's entries in chain order. */
function chainOf(snaps: readonly OperatorSnapshot[], lo = 0, hi = 128): Map<number, unknown[]> {
  const m = new Map<number, unknown[]>();
  for (const s of snaps) for (const [kg, e] of s.keyed) if (kg === -1 || (kg >= lo && kg < hi)) m.set(kg, [...(m.get(kg) ?? []), ...e]);
  return m;
}

/**
 * Restores the chain at parallelism 1, at parallelism 2 (two subtasks, their probes together),
 * and the base snapshot alone; the first two must probe as the uninterrupted operator, the base
 * alone must not (the deltas matter).
 */
function expectChainRestores<O extends Checkpointed>(make: (fullEvery: number) => O, snaps: readonly OperatorSnapshot[], probe: (o: O) => string[], want: readonly string[]): void {
  const states = [snaps[snaps.length - 1]!.operator];
  const restored = (lo: number, hi: number, chain: readonly OperatorSnapshot[]): O => {
    const o = make(100);
    o.open(ctx(lo, hi));
    o.restore(chainOf(chain, lo, hi), states);
    return o;
  };
  expect(probe(restored(0, 128, snaps))).toEqual(want);
  expect([...probe(restored(0, 64, snaps)), ...probe(restored(64, 128, snaps))].sort()).toEqual(want);
  expect(probe(restored(0, 128, snaps.slice(0, 1)))).not.toEqual(want);
}

/** Rows (k, v, ts) with change kinds. */
function changes(rows: readonly (readonly [number, number, number])[], ops: readonly number[]): Batch {
  return { ...timed(rows), ops: Uint8Array.from(ops) } as Batch;
}

const TTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP];

describe('interval join deltas', () => {
  // LEFT JOIN ... ON l.k = r.k AND l.ts BETWEEN r.ts - 5 s AND r.ts + 5 s; each phase moves
  // the watermark 3 s on: rows expire (freed, unmatched left rows padded), new ones are stored
  const SPEC: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'interval', leftTime: 2, rightTime: 2, lower: -5000, upper: 5000 }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };
  const make = (fullEvery: number): IntervalJoinOperator => new IntervalJoinOperator(SPEC, TTYPES, TTYPES, [...TTYPES, ...TTYPES], 4096, fullEvery);
  const rand = lcg(31);
  const phases = Array.from({ length: 6 }, (_, p) => {
    const side = (): Batch => timed(Array.from({ length: p === 0 ? 1500 : 60 }, () => [rand(300), rand(100), p === 0 ? rand(100_000) : p * 3000 + rand(20_000)] as const));
    const [left, right] = [side(), side()];
    const wm = p * 3000;
    return (o: IntervalJoinOperator): void => {
      o.processBatch(left, new Collector(), 0);
      o.processBatch(right, new Collector(), 1);
      for (const input of [0, 1]) o.processInputWatermark(input, wm);
      o.processWatermark(wm, new Collector());
    };
  });
  /** Right rows of every key at three times (all held left rows match one), then the end of input (pads the unmatched). */
  const probe = (o: IntervalJoinOperator): string[] => {
    const out = new Collector();
    const rows = Array.from({ length: 9 }, (_, i) => 15_000 + i * 10_000).flatMap((t) => Array.from({ length: 300 }, (_, k) => [k, -1, t] as const));
    o.processBatch(timed(rows), out, 1);
    const matched = drain(out);
    return matched.sort();
  };
  const probeUnmatched = (o: IntervalJoinOperator): string[] => {
    const out = new Collector();
    o.finish(out);
    return drain(out).sort();
  };

  it('a full snapshot and 5 deltas (rows expired between them), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    // a delta: rows stored and freed since the previous snapshot, both sides
    const d = snaps[3]!.keyed.get(-1)![0] as { left: { slots: Int32Array; count: Float64Array } };
    expect(d.left.slots.length).toBeGreaterThan(20);
    expect(d.left.slots.length).toBeLessThan(300);
    expect(d.left.count.some((c) => c === 0), 'expired rows as freed slots').toBe(true);
    expect(encodeSnapshotParts(snaps[3]!).bytes).toBeLessThan(encodeSnapshotParts(snaps[0]!).bytes * 0.3);
    const full = make(0);
    full.open(ctx());
    full.restore(reference.snapshot(99).keyed, [reference.snapshot(99).operator]);
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(50);
    expectChainRestores(make, snaps, probe, want);
    const wantUnmatched = probeUnmatched(full);
    expect(wantUnmatched.length).toBeGreaterThan(20);
    expectChainRestores(make, snaps, probeUnmatched, wantUnmatched);
  });
});

describe('temporal join deltas', () => {
  // JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.k = r.k: left rows wait for the watermark, versions
  // (+I) and deletes (-D) of r by key; each phase fires left rows and cleans old versions up
  const SPEC: JoinOperatorSpec = { joinType: 'inner', strategy: { kind: 'temporal', leftTime: 2, rightTime: 2 }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: true };
  const make = (fullEvery: number): TemporalJoinOperator => new TemporalJoinOperator(SPEC, TTYPES, TTYPES, [...TTYPES, ...TTYPES], 4096, fullEvery);
  const rand = lcg(17);
  const phases = Array.from({ length: 6 }, (_, p) => {
    const left = timed(Array.from({ length: p === 0 ? 1000 : 50 }, () => [rand(300), rand(100), p === 0 ? rand(60_000) : p * 4000 + rand(20_000)] as const));
    const versions = Array.from({ length: p === 0 ? 900 : 40 }, () => [rand(300), rand(100), p === 0 ? rand(30_000) : p * 4000 + rand(20_000)] as const);
    const right = changes(versions, versions.map(() => (rand(7) === 0 ? 3 : 0)));
    return (o: TemporalJoinOperator): void => {
      o.processBatch(right, new Collector(), 1);
      o.processBatch(left, new Collector(), 0);
      o.processWatermark(p * 4000, new Collector());
    };
  });
  /** Left rows of every key at three times, then the end of input: each waiting row joins its version. */
  const probe = (o: TemporalJoinOperator): string[] => {
    const out = new Collector();
    o.processBatch(timed([20_001, 40_000, 70_000].flatMap((t) => Array.from({ length: 300 }, (_, k) => [k, -1, t] as const))), out, 0);
    o.processWatermark(Infinity, out);
    return drain(out).sort();
  };

  it('a full snapshot and 5 deltas (rows fired, versions replaced and cleaned up), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const d = snaps[3]!.keyed.get(-1)![0] as { left: { count: Float64Array }; right: { count: Float64Array } };
    expect(d.left.count.some((c) => c === 0), 'fired rows as freed slots').toBe(true);
    expect(d.right.count.some((c) => c === 0), 'dropped versions as freed slots').toBe(true);
    expect(d.left.count.length + d.right.count.length).toBeLessThan(400);
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(500);
    expectChainRestores(make, snaps, probe, want);
  });
});

describe('OVER deltas', () => {
  // SUM(v), COUNT(*) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW):
  // rows wait for the watermark, fire, and leave the frame
  const CALLS = [
    { fn: 'sum', args: [1], type: T.BIGINT, offset: 1, default: null, name: 's' },
    { fn: 'count_star', args: [], type: T.BIGINT, offset: 1, default: null, name: 'c' },
  ];
  const make = (fullEvery: number): OverAggregateOperator => new OverAggregateOperator(TTYPES, [0], 2, { unit: 'rows', preceding: 3 }, CALLS as never, [...TTYPES, T.BIGINT, T.BIGINT], 4096, fullEvery);
  const rand = lcg(41);
  const phases = Array.from({ length: 6 }, (_, p) => {
    const b = timed(Array.from({ length: p === 0 ? 3000 : 40 }, () => [rand(1000), rand(100), p === 0 ? rand(300_000) : p * 3000 + rand(10_000)] as const));
    return (o: OverAggregateOperator): void => {
      o.processBatch(b);
      o.processWatermark(p * 3000, new Collector());
    };
  });
  /** The end of input, then one more row per key: its frame shows the partition's last rows (a key new to the operator: SUM 1000 alone, left out). */
  const probe = (o: OverAggregateOperator): string[] => {
    const out = new Collector();
    o.processWatermark(Infinity, out);
    o.processBatch(timed(Array.from({ length: 1000 }, (_, k) => [k, 1000, 9_000_000] as const)));
    o.finish(out);
    return drain(out)
      .filter((l) => !l.endsWith(', 1000, 1]'))
      .sort();
  };

  it('a full snapshot and 5 deltas (rows fired and leaving frames), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const partitions = (s: OperatorSnapshot): number => [...s.keyed.values()].reduce((n, e) => n + (e[0] as { keys: unknown[] }).keys.length, 0);
    expect(partitions(snaps[0]!)).toBeGreaterThan(900);
    expect(partitions(snaps[3]!)).toBeGreaterThan(10);
    expect(partitions(snaps[3]!)).toBeLessThan(150);
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(3000);
    expectChainRestores(make, snaps, probe, want);
  });
});

describe('OVER over a changelog: deltas', () => {
  // SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS 2 PRECEDING) over inserts and retractions
  // (every row of some keys: their partitions are dropped)
  const CALLS = [{ fn: 'sum', args: [1], type: T.BIGINT, offset: 1, default: null, name: 's' }];
  const make = (fullEvery: number): UpdatingOverAggregateOperator => new UpdatingOverAggregateOperator(TTYPES, [0], 2, { unit: 'rows', preceding: 2 }, CALLS as never, [...TTYPES, T.BIGINT], 4096, fullEvery);
  const phases = updatingPhases().map(([b]) => (o: UpdatingOverAggregateOperator): void => o.processBatch(b, new Collector()));
  /** One more row per key, last in its partition: its frame shows the partition's last rows (a key without rows: SUM 1000 alone, left out). */
  const probe = (o: UpdatingOverAggregateOperator): string[] => {
    const out = new Collector();
    o.processBatch(timed(Array.from({ length: 700 }, (_, k) => [k, 1000, 9_000_000] as const)), out);
    return drain(out)
      .filter((l) => !l.endsWith(', 1000]'))
      .sort();
  };

  it('a full snapshot and 5 deltas (partitions dropped), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const counts = [...snaps[2]!.keyed.values()].flatMap((e) => [...(e[0] as { counts: Int32Array }).counts]);
    expect(counts.some((c) => c === 0), 'a dropped partition in the delta').toBe(true);
    expect(counts.length).toBeLessThan(100);
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(200);
    expectChainRestores(make, snaps, probe, want);
  });
});

describe('session window deltas', () => {
  // SESSION(ts, 3 s), COUNT(*), SUM(v) GROUP BY k: rows open, extend and merge sessions; each
  // phase's watermark fires (and frees) some
  const make = (fullEvery: number): SessionWindowAggregateOperator => new SessionWindowAggregateOperator(3000, 2, TTYPES, [0], WAGGS as never, [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096, undefined, false, fullEvery);
  const rand = lcg(23);
  const phases = Array.from({ length: 6 }, (_, p) => {
    const b = timed(Array.from({ length: p === 0 ? 2000 : 60 }, () => [rand(300), rand(100), p === 0 ? rand(200_000) : p * 5000 + rand(20_000)] as const));
    return (o: SessionWindowAggregateOperator): void => {
      o.processBatch(b, new Collector());
      o.processWatermark(p * 5000, new Collector());
    };
  });
  const probe = (o: SessionWindowAggregateOperator): string[] => {
    const out = new Collector();
    // a row behind the restored watermark stays late
    o.processBatch(timed([[1, 1, 20_000]]), out);
    o.processWatermark(Infinity, out);
    return drain(out).sort();
  };

  it('a full snapshot and 5 deltas (sessions merged and fired), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const d = snaps[3]!.keyed.get(-1)![0] as { slots: Int32Array; inUse: Uint8Array };
    expect(d.inUse.some((u) => u === 0), 'fired sessions as freed slots').toBe(true);
    expect(d.slots.length).toBeLessThan(300);
    const want = probe(reference);
    expect(want.length).toBeGreaterThan(1000);
    expectChainRestores(make, snaps, probe, want);
  });

  it('the memory guard names a session window operator with its sessions', () => {
    const { reference } = runChain(make, phases.slice(0, 2));
    const sessions = reference.stateEntries();
    expect(sessions).toBeGreaterThan(1000);
    const e = stateTooLarge(900 * 2 ** 20, 1000 * 2 ** 20, [
      { operatorId: '3-window-aggregate', subtask: 0, entries: () => 10 },
      { operatorId: '4-session-window-aggregate', subtask: 1, entries: () => reference.stateEntries() },
    ]);
    expect(e.message).toContain(`the largest state is operator [4-session-window-aggregate] (subtask 1) with ${sessions.toLocaleString('en-US')} entries`);
  });
});

describe('window aggregate over a changelog: deltas', () => {
  // TUMBLE(ts, 10 s), COUNT(*), SUM(v) GROUP BY k over inserts and retractions of live rows
  const make = (fullEvery: number): WindowAggregateOperator =>
    new WindowAggregateOperator({ kind: 'tumble', size: 10_000, offset: 0 } as never, 2, TTYPES, [0], WAGGS as never, [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096, { kind: 'single' }, true, fullEvery);
  const rand = lcg(29);
  const live: [number, number, number][] = [];
  const phases = Array.from({ length: 6 }, (_, p) => {
    const rows: [number, number, number][] = [];
    const ops: number[] = [];
    const wm = p * 10_000;
    for (let i = 0; i < (p === 0 ? 2000 : 40); i++) {
      const r: [number, number, number] = [rand(200), rand(100), p === 0 ? rand(100_000) : wm + rand(50_000)];
      rows.push(r);
      ops.push(0);
      live.push(r);
    }
    // retract rows of windows still open after the previous phase
    for (let i = 0; i < (p === 0 ? 0 : 15); i++) {
      const at = rand(live.length);
      const r = live[at]!;
      if (r[2] < wm) continue;
      live.splice(at, 1);
      rows.push(r);
      ops.push(rand(2) === 0 ? 3 : 1);
    }
    const b = changes(rows, ops);
    return (o: WindowAggregateOperator): void => {
      o.processBatch(b, new Collector());
      o.processWatermark(wm + 1, new Collector());
    };
  });

  it('a full snapshot and 5 deltas (retractions, windows fired), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const d = snaps[3]!.keyed.get(-1)![0] as { slots: Int32Array; inUse: Uint8Array; counts: Float64Array };
    expect(d.counts.length).toBe(d.slots.length);
    expect(d.inUse.some((u) => u === 0), 'the fired window as freed slots').toBe(true);
    expect(d.slots.length).toBeLessThan(400);
    const want = fireAll(reference, [[1, 1, 1000]]);
    expect(want.length).toBeGreaterThan(500);
    expectChainRestores(make, snaps, (o) => fireAll(o, [[1, 1, 1000]]), want);
  });
});

describe('session window over a changelog: deltas', () => {
  // SESSION(ts, 3 s), COUNT(*), SUM(v) GROUP BY k over inserts and retractions of live rows of
  // sessions still open: retractions lower record counts (a session left empty emits nothing)
  const make = (fullEvery: number): SessionWindowAggregateOperator =>
    new SessionWindowAggregateOperator(3000, 2, TTYPES, [0], WAGGS as never, [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096, undefined, true, fullEvery);
  const rand = lcg(31);
  const live: [number, number, number][] = [];
  const phases = Array.from({ length: 6 }, (_, p) => {
    const rows: [number, number, number][] = [];
    const ops: number[] = [];
    const wm = p * 5000;
    for (let i = 0; i < (p === 0 ? 1500 : 50); i++) {
      const r: [number, number, number] = [rand(200), rand(100), p === 0 ? rand(150_000) : wm + 3000 + rand(20_000)];
      rows.push(r);
      ops.push(0);
      live.push(r);
    }
    // retract rows whose own window is still open (not late)
    for (let i = 0; i < (p === 0 ? 0 : 25); i++) {
      const at = rand(live.length);
      const r = live[at]!;
      if (r[2] + 3000 - 1 <= wm) continue;
      live.splice(at, 1);
      rows.push(r);
      ops.push(rand(2) === 0 ? 3 : 1);
    }
    const b = changes(rows, ops);
    return (o: SessionWindowAggregateOperator): void => {
      o.processBatch(b, new Collector());
      o.processWatermark(wm, new Collector());
    };
  });

  it('a full snapshot and 5 deltas (retractions, sessions merged and fired), restored at parallelism 1 and 2, equal the uninterrupted state', () => {
    const { reference, snaps } = runChain(make, phases);
    const d = snaps[3]!.keyed.get(-1)![0] as { slots: Int32Array; inUse: Uint8Array; counts: Float64Array };
    expect(d.counts.length).toBe(d.slots.length);
    expect(d.slots.length).toBeLessThan(400);
    const want = fireAll(reference, [[1, 1, 1000]]);
    expect(want.length).toBeGreaterThan(300);
    expectChainRestores(make, snaps, (o) => fireAll(o, [[1, 1, 1000]]), want);
  });
});

describe('window join deltas', () => {
  // LEFT JOIN of two TUMBLE(10 s) inputs ON k and window_end, and an INNER JOIN on window_end
  // alone (rows kept as input runs until a snapshot): rows join open windows, each phase's
  // watermark fires (and frees) one
  const keyed: JoinOperatorSpec = { joinType: 'left', strategy: { kind: 'window', leftEnd: 2, rightEnd: 2 }, leftKeys: [0, 2], rightKeys: [0, 2], nullSafe: [false, false], condition: undefined, leftUpdating: false, rightUpdating: false };
  const direct: JoinOperatorSpec = { ...keyed, joinType: 'inner', leftKeys: [2], rightKeys: [2], nullSafe: [false] };
  for (const [name, spec, keys, rows] of [['LEFT JOIN on k and the window', keyed, 300, 1500], ['INNER JOIN on the window alone', direct, 40, 200]] as const) {
    it(`${name}: a full snapshot and 5 deltas (windows fired between them), restored at parallelism 1 and 2, equal the uninterrupted state`, () => {
      const make = (fullEvery: number): WindowJoinOperator => new WindowJoinOperator(spec, TTYPES, TTYPES, [...TTYPES, ...TTYPES], 4096, fullEvery);
      const rand = lcg(37);
      const ended = (n: number, from: number, span: number): Batch => timed(Array.from({ length: n }, () => [rand(keys), rand(100), Math.floor((from + rand(span)) / 10_000) * 10_000 + 10_000] as const));
      const phases = Array.from({ length: 6 }, (_, p) => {
        const [left, right] = p === 0 ? [ended(rows, 0, 100_000), ended(rows, 0, 100_000)] : [ended(rows / 25, p * 10_000, 40_000), ended(rows / 25, p * 10_000, 40_000)];
        return (o: WindowJoinOperator): void => {
          o.processBatch(left, new Collector(), 0);
          o.processBatch(right, new Collector(), 1);
          for (const input of [0, 1]) o.processInputWatermark(input, p * 10_000);
          o.processWatermark(p * 10_000, new Collector());
        };
      });
      const probe = (o: WindowJoinOperator): string[] => {
        const out = new Collector();
        o.finish(out);
        return drain(out).sort();
      };
      const { reference, snaps } = runChain(make, phases);
      const d = snaps[3]!.keyed.get(-1)![0] as { fired: number[]; windows: { left: { slots: Int32Array } | null }[] };
      expect(d.fired).toEqual([30_000]);
      expect(d.windows.reduce((n, w) => n + (w.left?.slots.length ?? 0), 0)).toBe(rows / 25);
      const want = probe(reference);
      expect(want.length).toBeGreaterThan(500);
      expectChainRestores(make, snaps, probe, want);
    });
  }
});
