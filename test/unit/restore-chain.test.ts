// Restore of incremental chains (issue 14 item 5): when the chain's full block is taken over
// as it is, its deltas apply in place (the slots they name), pre-sized once for the whole chain.
// Each restore is compared with the operator that never stopped and with the rebuild path.
import { describe, expect, it, vi } from 'vitest';
import { columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { AggregateSlots } from '../../src/exec/operators/aggregate-slots.js';
import { KeyIndex } from '../../src/exec/operators/key-index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { hashRow, keyGroupOf } from '../../src/state/key-groups.js';
import { MAXP, batch, ctx, makeGroupOp, probe, range } from './group-op-probe.js';
import type { Key } from './group-op-probe.js';

const make = (c = ctx()): GroupAggregateOperator => makeGroupOp(100, c);

interface Inside {
  rowCount: Float64Array;
  slots: { highWater: number; live: number; keyGroup: Int32Array };
  groups: { mask: number };
}
const inside = (op: GroupAggregateOperator): Inside => op as unknown as Inside;

/**
 * A small full snapshot, then deltas that insert new keys (slots beyond the base), update
 * groups in place, delete groups (their slots freed, then reused by other keys), delete and
 * re-insert a key (it moves to another slot), and change the NULL key and BIGINTs beyond 2^53.
 */
function chain(op: GroupAggregateOperator): OperatorSnapshot[] {
  const snaps: OperatorSnapshot[] = [];
  let id = 0;
  const snap = (): void => {
    snaps.push(op.snapshot(++id));
    op.notifyCheckpointComplete(id);
  };
  op.processBatch(batch([...range(0, 50), null, 2n ** 60n], (i) => i % 7), new Collector());
  snap(); // full: 52 groups
  op.processBatch(batch(range(50, 400), (i) => i % 5), new Collector());
  snap(); // new keys only
  op.processBatch(batch(range(0, 30), (i) => i), new Collector()); // updates in place
  op.processBatch(batch(range(100, 60), (i) => (100 + i) % 5, 3), new Collector()); // -D: 60 slots freed
  snap();
  op.processBatch(batch([...range(1000, 45), 2n ** 61n], (i) => i), new Collector()); // reuse freed slots
  op.processBatch(batch([7, 2n ** 60n], (i) => (i === 0 ? 7 : 0) % 7, 3), new Collector()); // key 7 and a BIGINT leave
  snap();
  op.processBatch(batch([7, 2n ** 60n, null, ...range(2000, 300)], (i) => i + 1), new Collector()); // back, elsewhere; more new keys
  op.processBatch(batch(range(300, 20), (i) => (300 + i) % 5, 3), new Collector());
  snap();
  return snaps;
}
const decode = (snaps: OperatorSnapshot[]): unknown[] => snaps.map((s) => decodeSnapshot(encodeSnapshot(s), 'g.state').keyed.get(-1)![0]);
const probeKeys: Key[] = [...range(0, 450), ...range(1000, 50), ...range(2000, 310), null, 2n ** 60n, 2n ** 61n];

describe('restore of an incremental chain', () => {
  it('deltas on a taken-over full block apply in place, pre-sized once, and give the uninterrupted state', () => {
    const before = make();
    const snaps = chain(before);
    expect(snaps.slice(1).every((s) => s.deltaOf !== undefined)).toBe(true);
    const op = make();
    const entries = decode(snaps);
    // pre-sized once for the whole chain: one growth of the slots, one of the key index
    const grows = vi.spyOn(AggregateSlots.prototype as unknown as { growTo: () => void }, 'growTo');
    const resizes = vi.spyOn(KeyIndex.prototype as unknown as { resize: () => void }, 'resize');
    try {
      op.restore(new Map([[-1, entries]]));
      expect(grows).toHaveBeenCalledTimes(1);
      expect(resizes).toHaveBeenCalledTimes(1);
    } finally {
      grows.mockRestore();
      resizes.mockRestore();
    }
    expect(op.restoredAsIs).toBe(52);
    // the same slot numbering as the operator that was snapshotted (in place, no new slots)
    expect(inside(op).slots.highWater).toBe(inside(before).slots.highWater);
    // per-slot arrays of exactly the chain's slots, the key index no larger than the live one's
    expect(inside(op).rowCount.length).toBe(inside(before).slots.highWater);
    expect(op.stateEntries()).toBe(before.stateEntries());
    expect(inside(op).slots.live).toBe(inside(before).slots.live);
    expect(inside(op).groups.mask).toBeLessThanOrEqual(inside(before).groups.mask);
    const reference = make();
    chain(reference);
    const later = [...probeKeys, ...range(5000, 100)];
    expect(probe(op, later)).toEqual(probe(reference, later));
    // freed slots are reused after the restore, as in the live operator
    expect(inside(op).slots.highWater).toBe(inside(reference).slots.highWater);
    expect(probe(op, later)).toEqual(probe(reference, later));
  });

  it('a chain whose full block is empty (taken before the first row) applies in place too', () => {
    const before = make();
    const first = before.snapshot(100);
    before.notifyCheckpointComplete(100);
    const snaps = [first, ...chain(before)];
    expect(snaps[1]!.deltaOf).toBe(100);
    const entries = decode(snaps);
    expect((entries[0] as { index?: unknown }).index).toBeUndefined();
    const op = make();
    const grows = vi.spyOn(AggregateSlots.prototype as unknown as { growTo: () => void }, 'growTo');
    try {
      op.restore(new Map([[-1, entries]]));
      expect(grows).toHaveBeenCalledTimes(1);
    } finally {
      grows.mockRestore();
    }
    expect(inside(op).slots.highWater).toBe(inside(before).slots.highWater);
    expect(probe(op, probeKeys)).toEqual(probe(before, probeKeys));
  });

  it('the rebuild path (an older base: no range, no saved cells) gives the same state', () => {
    const before = make();
    const entries = decode(chain(before)) as Record<string, unknown>[];
    const { index: _i, range: _r, ...base } = entries[0]!;
    const op = make();
    op.restore(new Map([[-1, [base, ...entries.slice(1)]]]));
    expect(op.restoredAsIs).toBe(0);
    expect(probe(op, probeKeys)).toEqual(probe(before, probeKeys));
  });

  it('at parallelism 2, each subtask applies its own chain in place; the p1 chain rescaled to 2 rebuilds', () => {
    const p1 = make();
    const p1Entries = decode(chain(p1));
    // the p1 chain restored at p2: a rescale, rebuilt by both subtasks
    const ops = [make(ctx(0, 2)), make(ctx(1, 2))];
    for (const o of ops) o.restore(new Map([[-1, p1Entries.map((e) => structuredClone(e))]]));
    expect(ops.map((o) => o.restoredAsIs)).toEqual([0, 0]);
    expect(ops[0]!.stateEntries() + ops[1]!.stateEntries()).toBe(p1.stateEntries());
    // each subtask's own chain (a full block, then a delta of updates, deletes and new keys)
    const atFull = ops.map((o) => o.stateEntries());
    const lists = ops.map((o) => {
      const list = [o.snapshot(10)];
      o.notifyCheckpointComplete(10);
      const mine = (ks: Key[]): Key[] => ks.filter((k) => holds(o, k));
      o.processBatch(batch(mine([...range(0, 40), ...range(3000, 200)]), (i) => i + 2), new Collector());
      o.processBatch(batch(mine(range(200, 30)), (i) => (200 + i) % 5, 3), new Collector());
      list.push(o.snapshot(11));
      expect(list[1]!.deltaOf).toBe(10);
      return decode(list);
    });
    const restored = [make(ctx(0, 2)), make(ctx(1, 2))];
    for (const r of restored) r.restore(new Map([[-1, [...lists[0]!, ...lists[1]!].map((e) => structuredClone(e))]]));
    expect(restored.map((r) => r.restoredAsIs)).toEqual(atFull);
    expect(restored.map((r) => inside(r).slots.highWater)).toEqual(ops.map((o) => inside(o).slots.highWater));
    const keys = [...probeKeys, ...range(3000, 210)];
    for (let s = 0; s < 2; s++) {
      const mine = keys.filter((k) => holds(ops[s]!, k));
      expect(probe(restored[s]!, mine)).toEqual(probe(ops[s]!, mine));
    }
  });
});

/** Whether operator `o`'s subtask owns key `k` (the key group a job routes it by). */
function holds(o: GroupAggregateOperator, k: Key): boolean {
  const r = (o as unknown as { ctx: OperatorContext }).ctx.keyGroups;
  const g = keyGroupOf(hashRow([columnFromScalars(T.BIGINT, [k])], 0), MAXP);
  return g >= r.start && g < r.end;
}

describe('KeyIndex.setNumbers', () => {
  it('gives the same lookups and tracked cells as set() one by one (replacing keys, -0, growth)', () => {
    const bulk = new KeyIndex(16, true);
    const one = new KeyIndex(16, true);
    const keys = new Float64Array(3000);
    let x = 7;
    for (let s = 0; s < keys.length; s++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      keys[s] = s === 5 ? -0 : (x % 100000) - 50000 + (s % 3 === 0 ? 0.5 : 0);
    }
    // distinct keys only (a delta never lists one key twice)
    const seen = new Set<number>();
    const slots = Int32Array.from(range(0, keys.length).filter((s) => !seen.has(keys[s]!) && (seen.add(keys[s]!), true)));
    // a first part set before, then the rest in bulk, plus some keys set again at other slots
    for (let j = 0; j < 100; j++) {
      bulk.set(keys[slots[j]!]!, slots[j]!);
      one.set(keys[slots[j]!]!, slots[j]!);
    }
    const again = new Float64Array(keys);
    const moved = Int32Array.from(range(0, 20).map((j) => slots[j]!));
    const rest = slots.subarray(100);
    bulk.setNumbers(keys, rest, rest.length);
    for (const s of rest) one.set(keys[s]!, s);
    // keys 0..19 of the first part move to new slots (beyond the others)
    const to = Int32Array.from(range(0, 20).map((j) => keys.length + j));
    const wide = new Float64Array(keys.length + 20);
    wide.set(again);
    for (let j = 0; j < 20; j++) wide[to[j]!] = keys[moved[j]!]!;
    bulk.setNumbers(wide, to, 20);
    for (let j = 0; j < 20; j++) one.set(wide[to[j]!]!, to[j]!);
    expect(bulk.size).toBe(one.size);
    for (let s = 0; s < wide.length; s++) expect(bulk.get(wide[s]!)).toBe(one.get(wide[s]!));
    expect(bulk.get(0)).toBe(one.get(-0));
    expect(bulk.get(123456.25)).toBe(-1);
    const walk = (k: KeyIndex): number[] => {
      const t = (k as unknown as { table: Float64Array }).table;
      const cells = new Array<number>(wide.length).fill(-1);
      for (let c = 0; 2 * c < t.length; c++) if (t[2 * c + 1] !== 0) cells[t[2 * c + 1]! - 1] = c;
      return cells;
    };
    expect([...bulk.cells(wide.length)!.cells]).toEqual(walk(bulk));
  });
});

