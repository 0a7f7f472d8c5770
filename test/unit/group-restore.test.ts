// The group aggregate's restore takes a full snapshot over as it is (slot numbers, and each
// key's saved cell in the key index, no hashing) when the restoring subtask owns the same key
// groups, and rebuilds otherwise (a rescale, an older snapshot without the saved cells). Both
// give the state an uninterrupted operator holds, with deltas on top, at parallelism 1 and 2.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { KeyIndex } from '../../src/exec/operators/key-index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { hashRow, keyGroupOf } from '../../src/state/key-groups.js';

const MAXP = 128;
const ctx = (start = 0, end = MAXP): OperatorContext => ({ operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: MAXP, keyGroups: { start, end }, metrics: newMetrics() });
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;
const make = (fullEvery: number): GroupAggregateOperator => new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS as never, true, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, fullEvery);

type Key = number | bigint | null;
function batch(rows: readonly (readonly [Key, number])[], ops: readonly number[]): Batch {
  return {
    length: rows.length,
    columns: [columnFromScalars(T.BIGINT, rows.map((r) => r[0])), columnFromScalars(T.BIGINT, rows.map((r) => r[1]))],
    ops: Uint8Array.from(ops),
  } as unknown as Batch;
}

// keys of every kind the index holds: numbers (in the table), NULL, beyond ±(2^53-1) (bigints)
const SPECIAL: Key[] = [null, 2n ** 60n, -(2n ** 62n)];
const NEW = (p: number, i: number): number => 10_000 * p + i;

/** Phase 0 inserts 1500 keys; phases 1-4 update some, delete whole groups (freeing slots) and add new keys. */
function phases(): Batch[] {
  let x = 5;
  const rand = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const live = new Map<Key, number[]>();
  const out: Batch[] = [];
  for (let p = 0; p < 5; p++) {
    const rows: [Key, number][] = [];
    const ops: number[] = [];
    const add = (k: Key, v: number): void => {
      rows.push([k, v]);
      ops.push(0);
      if (!live.has(k)) live.set(k, []);
      live.get(k)!.push(v);
    };
    if (p === 0) {
      for (let k = 0; k < 1500; k++) add(k, k % 13);
      for (const k of SPECIAL) add(k, 7);
    } else {
      for (let i = 0; i < 30; i++) add(rand(1500), rand(50));
      for (let i = 0; i < 10; i++) {
        const k = rand(1500);
        for (const v of live.get(k) ?? []) {
          rows.push([k, v]);
          ops.push(3);
        }
        live.delete(k);
      }
      for (let i = 0; i < 10; i++) add(NEW(p, i), i);
    }
    out.push(batch(rows, ops));
  }
  return out;
}

const ALL_KEYS: Key[] = [...Array.from({ length: 1500 }, (_, k) => k), ...SPECIAL, ...[1, 2, 3, 4].flatMap((p) => Array.from({ length: 10 }, (_, i) => NEW(p, i)))];

/** The state, made visible: one more row for every key of `keys`; the sorted changelog. */
function probe(op: GroupAggregateOperator, keys: readonly Key[] = ALL_KEYS): string[] {
  const out = new Collector();
  op.processBatch(
    batch(
      keys.map((k) => [k, 1]),
      keys.map(() => 0),
    ),
    out,
  );
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', ')}]`);
  return lines.sort();
}

/** The keys of `keys` whose key group lies in [start, end). */
function owned(start: number, end: number): Key[] {
  return ALL_KEYS.filter((k) => {
    const kg = keyGroupOf(hashRow([columnFromScalars(T.BIGINT, [k])], 0), MAXP);
    return kg >= start && kg < end;
  });
}

/** Through the state file format and back, as a checkpoint's file is. */
const roundTrip = (s: OperatorSnapshot): OperatorSnapshot => ({ ...decodeSnapshot(encodeSnapshot(s), 'test.state'), deltaOf: s.deltaOf });

/** Snapshots of an operator of key groups [start, end) fed only its own keys' rows: a full one, then deltas. */
function snapshots(start: number, end: number, input: readonly Batch[]): OperatorSnapshot[] {
  const op = make(100);
  op.open(ctx(start, end));
  const mine = new Set(owned(start, end));
  const snaps: OperatorSnapshot[] = [];
  input.forEach((b, i) => {
    const keep: number[] = [];
    for (let r = 0; r < b.length; r++) if (mine.has(b.columns[0]!.nulls?.[r] === 1 ? null : (b.columns[0]!.values[r] as Key))) keep.push(r);
    const rows = keep.map((r) => [b.columns[0]!.nulls?.[r] === 1 ? null : (b.columns[0]!.values[r] as Key), b.columns[1]!.values[r] as number] as const);
    op.processBatch(
      batch(
        rows,
        keep.map((r) => b.ops![r]!),
      ),
      new Collector(),
    );
    snaps.push(roundTrip(op.snapshot(i + 1)));
    op.notifyCheckpointComplete(i + 1);
  });
  return snaps;
}

/**
 * The entries of several subtasks' chains, as Job.open hands them to a subtask: a copy per
 * restore, since a restore owns what it is given (it takes typed arrays over as its own).
 */
const entries = (...chains: OperatorSnapshot[][]): Map<number, unknown[]> => new Map([[-1, structuredClone(chains.flatMap((c) => c.flatMap((s) => s.keyed.get(-1)!)))]]);

/** A full snapshot as weir wrote it before the key index was saved: no range, no cells. */
function oldFormat(s: OperatorSnapshot): OperatorSnapshot {
  const [block] = s.keyed.get(-1)! as Record<string, unknown>[];
  const { range: _r, index: _i, ...rest } = block!;
  return { ...s, keyed: new Map([[-1, [rest]]]) };
}

function restored(start: number, end: number, keyed: Map<number, unknown[]>): GroupAggregateOperator {
  const op = make(100);
  op.open(ctx(start, end));
  op.restore(keyed);
  return op;
}

describe('group aggregate restore: taken over as saved, or rebuilt', () => {
  const input = phases();
  const reference = make(0);
  reference.open(ctx());
  for (const b of input) reference.processBatch(b, new Collector());
  const want = probe(reference);
  const wantIn = (start: number, end: number): string[] => {
    const r = make(0);
    r.open(ctx());
    for (const b of input) r.processBatch(b, new Collector());
    return probe(r, owned(start, end));
  };

  it('parallelism 1: a full snapshot and 4 deltas are taken over as saved; same lookups and aggregates as a rebuild', () => {
    const snaps = snapshots(0, MAXP, input);
    expect(snaps.slice(1).every((s) => s.deltaOf !== undefined)).toBe(true);
    const asIs = restored(0, MAXP, entries(snaps));
    expect(asIs.restoredAsIs).toBe(1503); // the full snapshot's groups: 1500 numbers, NULL, two bigints
    const rebuilt = restored(0, MAXP, entries([oldFormat(snaps[0]!), ...snaps.slice(1)]));
    expect(rebuilt.restoredAsIs).toBe(0);
    expect(probe(asIs)).toEqual(want);
    expect(probe(rebuilt)).toEqual(want);
    // the base alone is taken over too, and is not the state (the deltas on top matter)
    const base = restored(0, MAXP, entries([snaps[0]!]));
    expect(base.restoredAsIs).toBe(1503);
    expect(probe(base)).not.toEqual(want);
  });

  it('parallelism 2 restored at 2: each subtask takes its own chain over; its groups and aggregates are exact', () => {
    const lo = snapshots(0, 64, input);
    const hi = snapshots(64, MAXP, input);
    const rLo = restored(0, 64, entries(lo, hi));
    const rHi = restored(64, MAXP, entries(lo, hi));
    expect(rLo.restoredAsIs).toBeGreaterThan(600);
    expect(rHi.restoredAsIs).toBeGreaterThan(600);
    expect(probe(rLo, owned(0, 64))).toEqual(wantIn(0, 64));
    expect(probe(rHi, owned(64, MAXP))).toEqual(wantIn(64, MAXP));
  });

  it('rescale 1 -> 2 and 2 -> 1 rebuild (other key groups), with deltas on top; old-format snapshots still restore', () => {
    const one = snapshots(0, MAXP, input);
    const lo = restored(0, 64, entries(one));
    const hi = restored(64, MAXP, entries(one));
    expect(lo.restoredAsIs + hi.restoredAsIs).toBe(0);
    expect(probe(lo, owned(0, 64))).toEqual(wantIn(0, 64));
    expect(probe(hi, owned(64, MAXP))).toEqual(wantIn(64, MAXP));

    const two = [snapshots(0, 64, input), snapshots(64, MAXP, input)];
    const merged = restored(0, MAXP, entries(...two));
    expect(merged.restoredAsIs).toBe(0);
    expect(probe(merged)).toEqual(want);

    const old = restored(0, MAXP, entries([oldFormat(one[0]!), ...one.slice(1)]));
    expect(old.restoredAsIs).toBe(0);
    expect(probe(old)).toEqual(want);
  });
});

describe('KeyIndex saved cells', () => {
  it('adopted cells give the same lookups as the index they were saved from; cells that do not fit are refused', () => {
    const a = new KeyIndex();
    const keys = new Float64Array(3000);
    const inUse = new Uint8Array(3000);
    for (let s = 0; s < 3000; s++) {
      keys[s] = s % 7 === 0 ? -s * 1.5 : s * 1_000_003;
      if (s % 5 !== 0) {
        a.set(keys[s]!, s);
        inUse[s] = 1;
      }
    }
    for (let s = 1; s < 3000; s += 11) {
      a.delete(keys[s]!); // backward shifts: cells no longer where the hash first puts them
      inUse[s] = 0;
    }
    const saved = a.cells(3000)!;
    const b = new KeyIndex();
    expect(b.adoptCells(saved, keys, inUse, 3000)).toBe(true);
    expect(b.size).toBe(a.size);
    for (let s = 0; s < 3000; s++) expect(b.get(keys[s]!)).toBe(a.get(keys[s]!));
    expect(b.get(123.5)).toBe(-1);
    // a cell taken twice, a free slot with a cell, another layout: refused, the index stays empty
    const s0 = [...saved.cells].findIndex((c) => c >= 0);
    const s1 = [...saved.cells].findIndex((c, i) => c >= 0 && i > s0);
    const twice = { ...saved, cells: saved.cells.slice() };
    twice.cells[s1] = twice.cells[s0]!;
    const freed = inUse.slice();
    freed[s0] = 0;
    for (const [c, u] of [
      [twice, inUse],
      [saved, freed],
      [{ ...saved, v: 99 }, inUse],
    ] as const) {
      const k = new KeyIndex();
      expect(k.adoptCells(c, keys, u, 3000)).toBe(false);
      expect(k.size).toBe(0);
    }
  });
});

describe('KeyIndex cells tracked as keys move', () => {
  it('equal the cells found by walking the table, through growth, replacement and deletions (backward shifts)', () => {
    const tracked = new KeyIndex(16, true);
    const walked = new KeyIndex();
    let x = 3;
    const rand = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    // keys from a small range, so probe runs are long and deletions shift entries
    const slotOf = new Map<number, number>();
    let next = 0;
    for (let i = 0; i < 20_000; i++) {
      const k = rand(3000) * 0.5;
      const r = rand(10);
      if (r < 6) {
        const slot = r === 0 && slotOf.has(k) ? next++ : (slotOf.get(k) ?? next++); // sometimes a new slot for a present key
        tracked.set(k, slot);
        walked.set(k, slot);
        slotOf.set(k, slot);
      } else {
        tracked.delete(k);
        walked.delete(k);
        slotOf.delete(k);
      }
    }
    tracked.set(null, next++);
    tracked.set(NaN, next++);
    walked.set(null, next - 2);
    walked.set(NaN, next - 1);
    expect(slotOf.size).toBeGreaterThan(500);
    expect(tracked.cells(next)!.cells).toEqual(walked.cells(next)!.cells);
  });
});

describe('KeyIndex saved cells at scale (the table filled window by window)', () => {
  // 100,000 keys: a table of 2^18 cells in 1024 windows of 256 cells
  const N = 100_000;
  const build = (): { a: KeyIndex; keys: Float64Array; inUse: Uint8Array } => {
    const a = new KeyIndex(16, true);
    const keys = new Float64Array(N);
    const inUse = new Uint8Array(N);
    for (let s = 0; s < N; s++) {
      keys[s] = s === 7 ? -0 : s % 3 === 0 ? -s * 0.25 : s * 2_654_435_761;
      a.set(keys[s]!, s);
      inUse[s] = 1;
    }
    for (let s = 5; s < N; s += 13) {
      a.delete(keys[s]!); // backward shifts, and free slots
      inUse[s] = 0;
    }
    return { a, keys, inUse };
  };
  const table = (k: KeyIndex): Float64Array => (k as unknown as { table: Float64Array }).table;

  it('is the saved table cell for cell (slots, keys with -0 as 0, empty cells)', () => {
    const { a, keys, inUse } = build();
    const saved = a.cells(N)!;
    expect(saved.cap).toBe(1 << 18);
    const b = new KeyIndex(16, true);
    expect(b.adoptCells({ ...saved, cells: saved.cells.slice() }, keys, inUse, N)).toBe(true);
    const ta = table(a);
    const tb = table(b);
    expect(tb.length).toBe(ta.length);
    let diff = 0;
    // (a deleted key's cell keeps a stale key beside its empty slot field: compared as empty)
    for (let i = 0; i < ta.length; i += 2) if (ta[i + 1] !== tb[i + 1] || (ta[i + 1] !== 0 && !Object.is(ta[i], tb[i]))) diff++;
    expect(diff).toBe(0);
    expect(b.size).toBe(a.size);
    expect(b.get(0)).toBe(7);
    expect(b.get(keys[12]!)).toBe(12);
    expect(b.get(keys[5]!)).toBe(-1);
  });

  it('refuses cells taken twice (in one window, or more than a window holds), out of range, or of a NaN key; the index stays empty', () => {
    const { a, keys, inUse } = build();
    const saved = a.cells(N)!;
    const live = [...saved.cells.keys()].filter((s) => saved.cells[s]! >= 0);
    const last = live.reduce((x, s) => (saved.cells[s]! > saved.cells[x]! ? s : x), live[0]!);
    const with_ = (edit: (c: Int32Array) => void): typeof saved => {
      const cells = saved.cells.slice();
      edit(cells);
      return { ...saved, cells };
    };
    const nanKeys = keys.slice();
    nanKeys[live[100]!] = NaN;
    for (const [c, k] of [
      // the last window's highest cell taken by a second slot too
      [with_((c) => (c[live[0]!] = c[last]!)), keys],
      // 300 slots in the first window's 256 cells
      [with_((c) => live.slice(0, 300).forEach((s, i) => (c[s] = i % 256))), keys],
      [with_((c) => (c[live[3]!] = 1 << 18)), keys],
      [saved, nanKeys],
    ] as const) {
      const idx = new KeyIndex(16, true);
      expect(idx.adoptCells(c, k, inUse, N)).toBe(false);
      expect(idx.size).toBe(0);
      expect(idx.get(keys[12]!)).toBe(-1);
    }
  });
});
