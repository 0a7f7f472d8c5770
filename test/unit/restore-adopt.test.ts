// Restore at scale (issue 14 item 5): the group aggregate takes a decoded full snapshot's
// typed arrays over as its own (no copy: a restore owns what it is given), the key index is at
// most 3/4 full, and per-slot arrays double while small and grow by half when large.
import { describe, expect, it } from 'vitest';
import { grownLength } from '../../src/common/growth.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { KeyIndex } from '../../src/exec/operators/key-index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { batch, makeGroupOp, probe, range } from './group-op-probe.js';

const make = (): GroupAggregateOperator => makeGroupOp(10);

/** The operator's arrays by slot (private fields, read for the test). */
interface Inside {
  rowCount: Float64Array;
  emitted: Uint8Array;
  slots: { keyGroup: Int32Array; inUse: Uint8Array; keys: { f64: Float64Array[] }; accs: { counts?: Float64Array; sums?: Float64Array }[] };
  groups: { cellOf: Int32Array | null };
}
const inside = (op: GroupAggregateOperator): Inside => op as unknown as Inside;

describe('restore takes the decoded arrays over', () => {
  // 300 groups (numbers, NULL, a BIGINT beyond 2^53), then 40 of them deleted (free slots)
  const keys: (number | bigint | null)[] = [...range(0, 300), null, 2n ** 60n];
  const feed = (op: GroupAggregateOperator): void => {
    op.processBatch(batch(keys, (i) => i % 11), new Collector());
    const gone = range(100, 40);
    const b = batch(gone, (i) => (100 + i) % 11);
    (b as { ops: Uint8Array }).ops.fill(3);
    op.processBatch(b, new Collector());
  };
  const later = [...keys, ...range(1000, 500)]; // after the restore: 500 new keys grow every array

  it('a full block of the same key groups becomes the operator state without copies; later growth and results exact', () => {
    const before = make();
    feed(before);
    const file = encodeSnapshot(before.snapshot(1));
    const decoded = decodeSnapshot(file, 'g.state');
    const block = decoded.keyed.get(-1)![0] as { high: number; count: Float64Array; emitted: Uint8Array; keyGroup: Int32Array; inUse: Uint8Array; keys: [Float64Array, Uint8Array][]; accs: [Float64Array, Float64Array][] | Float64Array[]; index: { cells: Int32Array } };
    const op = make();
    op.restore(new Map([[-1, [block]]]));
    expect(op.restoredAsIs).toBe(262);
    const o = inside(op);
    expect(o.rowCount).toBe(block.count);
    expect(o.emitted).toBe(block.emitted);
    expect(o.slots.keyGroup).toBe(block.keyGroup);
    expect(o.slots.inUse).toBe(block.inUse);
    expect(o.slots.keys.f64[0]).toBe(block.keys[0]![0]);
    expect(o.slots.accs[0]!.counts).toBe(block.accs[0]);
    expect(o.slots.accs[1]!.sums).toBe((block.accs[1] as Float64Array[])[0]);
    expect(o.groups.cellOf).toBe(block.index.cells);
    // the same state as an operator that never stopped, also once new groups outgrow the adopted arrays
    const reference = make();
    feed(reference);
    expect(probe(op, later)).toEqual(probe(reference, later));
    expect(o.rowCount.length).toBeGreaterThan(block.high);
    expect(probe(op, later)).toEqual(probe(reference, later));
  });

  it('arrays that are not exactly the block length are copied, with the same result', () => {
    const before = make();
    feed(before);
    const decoded = decodeSnapshot(encodeSnapshot(before.snapshot(1)), 'g.state');
    const block = decoded.keyed.get(-1)![0] as { high: number; count: Float64Array; keyGroup: Int32Array };
    const longer = new Float64Array(block.high + 5);
    longer.set(block.count);
    const kg = new Int32Array(block.high + 5);
    kg.set(block.keyGroup);
    const op = make();
    op.restore(new Map([[-1, [{ ...block, count: longer, keyGroup: kg }]]]));
    expect(inside(op).rowCount).not.toBe(longer);
    expect(inside(op).slots.keyGroup).not.toBe(kg);
    longer.fill(0); // the operator kept copies
    kg.fill(0);
    const reference = make();
    feed(reference);
    expect(probe(op, later)).toEqual(probe(reference, later));
  });

  it('a delta chain on top of the adopted block gives the uninterrupted state', () => {
    const before = make();
    feed(before);
    const snaps: OperatorSnapshot[] = [before.snapshot(1)];
    before.notifyCheckpointComplete(1);
    before.processBatch(batch([5, 6, 2000, 2001, null], (i) => i + 3), new Collector());
    snaps.push(before.snapshot(2));
    expect(snaps[1]!.deltaOf).toBe(1);
    const entries = snaps.map((s) => decodeSnapshot(encodeSnapshot(s), 'g.state').keyed.get(-1)![0]);
    const op = make();
    op.restore(new Map([[-1, entries]]));
    expect(op.restoredAsIs).toBe(262);
    const probeKeys = [...later, 2000, 2001];
    expect(probe(op, probeKeys)).toEqual(probe(before, probeKeys));
  });
});

describe('key index load and slot growth', () => {
  it('a table of 16 cells holds 12 keys; the 13th doubles it', () => {
    const idx = new KeyIndex(12);
    const cap = (): number => (idx as unknown as { mask: number }).mask + 1;
    expect(cap()).toBe(16);
    for (let k = 0; k < 12; k++) idx.set(k * 31, k);
    expect(cap()).toBe(16);
    idx.set(999, 12);
    expect(cap()).toBe(32);
    for (let k = 0; k < 12; k++) expect(idx.get(k * 31)).toBe(k);
    idx.reserve(11); // 13 + 11 = 24 keys fit 32 cells
    expect(cap()).toBe(32);
    idx.reserve(12);
    expect(cap()).toBe(64);
  });

  it('saved cells over the load limit are refused', () => {
    const cells = Int32Array.from(range(0, 13));
    const keys = Float64Array.from(range(0, 13));
    const inUse = new Uint8Array(13).fill(1);
    expect(new KeyIndex(16, true).adoptCells({ v: 1, cap: 16, cells: cells.subarray(0, 12) }, keys, inUse, 12)).toBe(true);
    expect(new KeyIndex(16, true).adoptCells({ v: 1, cap: 16, cells }, keys, inUse, 13)).toBe(false);
  });

  it('per-slot arrays double below 2^20 entries and grow by half above', () => {
    expect(grownLength(0, 1)).toBe(64);
    expect(grownLength(64, 65)).toBe(128);
    expect(grownLength(1 << 19, (1 << 19) + 1)).toBe(1 << 20);
    expect(grownLength(1 << 20, (1 << 20) + 1)).toBe(3 << 19);
    expect(grownLength(3 << 19, 9 << 19)).toBe(9 << 19);
  });
});
