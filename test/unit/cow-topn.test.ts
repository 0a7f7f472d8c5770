// Copy-on-write full snapshots of Top-N, deduplication and window Top-N (rank.ts,
// checkpoint/cow-records.ts): the state writer has each key group's partitions encoded a slice
// at a time while the operator keeps changing them (rows entering and leaving the top N,
// retractions, partitions dropped and created again, keep-first rows replaced and emitted,
// keep-last rows overwritten in place, windows fired, new keys); the file must hold exactly the
// state at the barrier. Checked against an ordinary (copied) snapshot of a twin fed the same
// rows up to the barrier (the decoded files encode to the same bytes), and by probing a restore
// of the file against that twin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { RankOperator } from '../../src/exec/operators/rank.js';
import type { RankSpec } from '../../src/exec/operators/rank.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { SLICE } from '../../src/checkpoint/packed-array.js';
import type { CowRecords } from '../../src/checkpoint/cow-records.js';
import { expectOneCaptureAtATime } from './cow-one-at-a-time.js';

// few key groups: each holds more than one slice of partitions
const MAXP = 2;
const ctx = (cowSnapshots = false): OperatorContext => ({ operatorId: '1-rank', subtask: 0, parallelism: 1, maxParallelism: MAXP, keyGroups: { start: 0, end: MAXP }, metrics: newMetrics(), ...(cowSnapshots ? { cowSnapshots } : {}) });

/** Rows (k, v, ts[, window end]); `kind` per row (0 +I, 3 -D) or none (insert-only). */
type Row = readonly [number, number, number];
const RTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP];
const WTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];

interface Case {
  readonly name: string;
  readonly spec: RankSpec;
  readonly types: readonly DataType[];
  /** Rows before the barrier. */
  readonly fill: (keys: readonly number[]) => [Row[], number[] | null][];
  /** Changes after the barrier: round -1 before the writer takes anything, then rounds 0.. between event-loop turns. */
  readonly change: (op: RankOperator, round: number, keys: readonly number[]) => void;
  /** Rows that show the state (then the end of input). */
  readonly probe: (keys: readonly number[]) => Row[];
}

// packed slices 16 times smaller than a user's (src/checkpoint/sizes.ts), set before the modules
// load: the same slices per key group at a sixteenth of the keys
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (SLICE !== 1024) throw new Error(`the packed slice is ${SLICE} elements, not 16384 / 16: src/checkpoint was loaded before this file set WEIR_TEST_STATE_SHIFT`);
const N = (36_000 * SLICE) / 16_384;
/** Keys new after the barrier. */
const NEW = (10_000 * SLICE) / 16_384;
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

function batchOf(types: readonly DataType[], rows: readonly Row[], kinds: readonly number[] | null): Batch {
  // (window Top-N: the window end of 10 s tumbling windows as the fourth column)
  const full = types.length === 4 ? rows.map(([k, v, t]) => [k, v, t, Math.floor(t / 10_000) * 10_000 + 10_000]) : rows;
  return { length: rows.length, columns: types.map((t, c) => columnFromScalars(t, full.map((r) => r[c]!))), ops: kinds === null ? null : Uint8Array.from(kinds) } as unknown as Batch;
}

function feed(op: RankOperator, types: readonly DataType[], rows: readonly Row[], kinds: readonly number[] | null = null): void {
  for (let from = 0; from < rows.length; from += 4096) op.processBatch(batchOf(types, rows.slice(from, from + 4096), kinds === null ? null : kinds.slice(from, from + 4096)), new Collector());
}

function lines(out: Collector): string[] {
  const l: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) l.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', ')}]`);
  return l.sort();
}

const TOPN: RankSpec = { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 1, desc: false, nullsFirst: true }], range: { start: 1, end: 3 }, outputRank: true, strategy: { kind: 'topn' }, inputUpdating: false } as never;
const insertOnly = (rows: Row[]): [Row[], number[] | null] => [rows, null];

const CASES: Case[] = [
  {
    name: 'Top-3 over an append-only input',
    spec: TOPN,
    types: RTYPES,
    fill: (keys) => [insertOnly(keys.flatMap((k) => [[k, 100 + (k % 9), 1], [k, 200 + (k % 5), 2], [k, 300, 3], [k, 400, 4]] as Row[]))],
    change: (op, round, keys) => {
      if (round < 0) {
        // rows entering the top (the third leaves), rows rejected, new keys (the state grows)
        feed(op, RTYPES, keys.filter((k) => k % 7 === 1).map((k) => [k, 50, 5] as Row));
        feed(op, RTYPES, keys.filter((k) => k % 5 === 2).map((k) => [k, 900, 5] as Row));
        feed(op, RTYPES, range(1_000_000, NEW).map((k) => [k, k % 100, 6] as Row));
        return;
      }
      feed(op, RTYPES, keys.filter((k) => k % 97 === round).map((k) => [k, 150 + round, 7] as Row));
    },
    probe: (keys) => [...keys, ...range(1_000_000, NEW)].map((k) => [k, -1, 9] as Row),
  },
  {
    name: 'Top-3 over an updating input (retractions, partitions dropped and created again)',
    spec: { ...TOPN, inputUpdating: true } as never,
    types: RTYPES,
    fill: (keys) => {
      const rows = keys.flatMap((k) => [[k, 100 + (k % 9), 1], [k, 200, 2], [k, 300, 3], [k, 400, 4]] as Row[]);
      return [[rows, rows.map(() => 0)]];
    },
    change: (op, round, keys) => {
      const retract = (rows: Row[]): void => feed(op, RTYPES, rows, rows.map(() => 3));
      const insert = (rows: Row[]): void => feed(op, RTYPES, rows, rows.map(() => 0));
      if (round < 0) {
        // a top row goes (the fourth comes up), every row of some keys goes (partition dropped),
        // then some of those keys come back (a new partition of the same key), new keys
        retract(keys.filter((k) => k % 7 === 1).map((k) => [k, 200, 2] as Row));
        const gone = keys.filter((k) => k % 11 === 3);
        retract(gone.flatMap((k) => [[k, 100 + (k % 9), 1], [k, 200, 2], [k, 300, 3], [k, 400, 4]] as Row[]));
        insert(gone.filter((k) => k % 2 === 0).map((k) => [k, 77, 5] as Row));
        insert(range(1_000_000, NEW).map((k) => [k, k % 100, 6] as Row));
        return;
      }
      const ks = keys.filter((k) => k % 97 === round && k % 11 !== 3);
      if (round % 2 === 0) retract(ks.map((k) => [k, 300, 3] as Row));
      else insert(ks.map((k) => [k, 10, 7] as Row));
    },
    probe: (keys) => [...keys, ...range(1_000_000, NEW)].map((k) => [k, -1, 9] as Row),
  },
  {
    name: 'keep-first deduplication (rows replaced, emitted when the watermark passes)',
    spec: { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 2, desc: false, nullsFirst: true }], range: { start: 1, end: 1 }, outputRank: false, strategy: { kind: 'deduplicate', timeIndex: 2, keepLast: false }, inputUpdating: false } as never,
    types: RTYPES,
    // every key waiting: keys % 3 === 0 at time 1000 (emitted once the watermark passes, after the barrier), the others at 5000 + k % 100
    fill: (keys) => [insertOnly(keys.map((k) => [k, k, k % 3 === 0 ? 1000 : 5000 + (k % 100)] as Row))],
    change: (op, round, keys) => {
      if (round < 0) {
        op.processWatermark(2000, new Collector());
        // earlier rows replace waiting ones; new keys
        feed(op, RTYPES, keys.filter((k) => k % 7 === 1).map((k) => [k, -k, 3000] as Row));
        feed(op, RTYPES, range(1_000_000, NEW).map((k) => [k, k, 6000] as Row));
        return;
      }
      // the watermark passes some waiting rows (emitted: their rows go)
      if (round === 5) op.processWatermark(5050, new Collector());
      feed(op, RTYPES, keys.filter((k) => k % 97 === round).map((k) => [k, round, 5500 + round] as Row));
    },
    probe: (keys) => [...keys, ...range(1_000_000, NEW)].map((k) => [k, -2, 9000] as Row),
  },
  {
    name: 'keep-last deduplication (the kept row overwritten in place)',
    spec: { fn: 'row_number', partitionKeys: [0], orderKeys: [{ index: 2, desc: true, nullsFirst: false }], range: { start: 1, end: 1 }, outputRank: false, strategy: { kind: 'deduplicate', timeIndex: 2, keepLast: true }, inputUpdating: false } as never,
    types: RTYPES,
    fill: (keys) => [insertOnly(keys.map((k) => [k, k, 1000 + (k % 50)] as Row))],
    change: (op, round, keys) => {
      if (round < 0) {
        feed(op, RTYPES, keys.filter((k) => k % 3 === 0).map((k) => [k, -k, 2000] as Row));
        // (earlier rows: ignored)
        feed(op, RTYPES, keys.filter((k) => k % 5 === 1).map((k) => [k, 7, 10] as Row));
        feed(op, RTYPES, range(1_000_000, NEW).map((k) => [k, k, 3000] as Row));
        return;
      }
      feed(op, RTYPES, keys.filter((k) => k % 97 === round).map((k) => [k, round, 4000 + round] as Row));
    },
    probe: (keys) => [...keys, ...range(1_000_000, NEW)].map((k) => [k, 0, 9000] as Row),
  },
  {
    name: 'window Top-2 (windows fired while the snapshot is written)',
    spec: { fn: 'row_number', partitionKeys: [0, 3], orderKeys: [{ index: 1, desc: false, nullsFirst: true }], range: { start: 1, end: 2 }, outputRank: true, strategy: { kind: 'window', endIndex: 3, dedup: undefined }, inputUpdating: false } as never,
    types: WTYPES,
    // two windows: [0, 10 s) and [10 s, 20 s), three rows per key in each
    fill: (keys) => [insertOnly(keys.flatMap((k) => [[k, k % 13, 1], [k, 50, 2], [k, 60, 3], [k, k % 7, 10_001], [k, 40, 10_002]] as Row[]))],
    change: (op, round, keys) => {
      if (round < 0) {
        feed(op, WTYPES, keys.filter((k) => k % 7 === 1).map((k) => [k, -5, 4] as Row));
        feed(op, WTYPES, range(1_000_000, NEW).map((k) => [k, k % 100, 10_500] as Row));
        // the first window fires: its partitions are dropped
        op.processWatermark(10_000, new Collector());
        return;
      }
      feed(op, WTYPES, keys.filter((k) => k % 97 === round).map((k) => [k, -round, 10_003] as Row));
      feed(op, WTYPES, keys.filter((k) => k % 97 === round).map((k) => [k, round, 20_003] as Row));
    },
    probe: () => [],
  },
];

const make = (c: Case, context: OperatorContext, fullEvery = 0): RankOperator => {
  const op = new RankOperator(c.spec, c.types, c.spec.outputRank ? [...c.types, T.BIGINT] : c.types, 4096, fullEvery);
  op.open(context);
  return op;
};

function probe(c: Case, op: RankOperator, keys: readonly number[]): string[] {
  const out = new Collector();
  const rows = c.probe(keys);
  for (let from = 0; from < rows.length; from += 4096) op.processBatch(batchOf(c.types, rows.slice(from, from + 4096), c.spec.inputUpdating ? rows.slice(from, from + 4096).map(() => 0) : null), out);
  op.finish(out);
  return lines(out);
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function written(snap: OperatorSnapshot, change: (round: number) => void): Promise<OperatorSnapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cow-topn-'));
  dirs.push(dir);
  const writer = new StateWriter(dir);
  const pending = writer.write(1, '1-rank', 0, snap);
  change(-1);
  for (let round = 0; round < 40; round++) {
    await tick();
    change(round);
  }
  const handle = await pending;
  await writer.close();
  return readStateFile(join(dir, 'chk-1', handle.file));
}

describe('copy-on-write full snapshots of Top-N and deduplication', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: the written file is the state at the barrier although partitions change meanwhile', async (_name, c) => {
    const keys = range(0, N);
    const op = make(c, ctx(true));
    // fed the same rows up to the barrier; its snapshot is an ordinary copy
    const twin = make(c, ctx());
    // fed the same rows after the barrier too, without a snapshot
    const after = make(c, ctx());
    for (const [rows, kinds] of c.fill(keys)) for (const o of [op, twin, after]) feed(o, c.types, rows, kinds);

    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    expect(copy.cow).toBeUndefined();
    const capture = snap.cow as CowRecords<unknown>;
    const file = await written(snap, (round) => {
      c.change(op, round, keys);
      c.change(after, round, keys);
    });
    expect(capture.done).toBe(true);

    // the same records, in the same order, as the ordinary snapshot at the barrier
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);

    // restored: behaves as the twin (the barrier's state), and the live operator as `after`
    const restored = make(c, ctx());
    restored.restore(file.keyed, [file.operator]);
    const atBarrier = probe(c, twin, keys);
    expect(atBarrier.length).toBeGreaterThan(N / 2);
    expect(probe(c, restored, keys)).toEqual(atBarrier);
    const live = probe(c, op, keys);
    expect(live).toEqual(probe(c, after, keys));
    expect(live).not.toEqual(atBarrier);
    // (partitions were saved before their change; key groups went in more than one slice)
    expect(capture.stats.saved).toBeGreaterThan(N / 20);
    expect(capture.stats.slices).toBeGreaterThan(MAXP);
    expect(N / MAXP).toBeGreaterThan(SLICE);
  }, 120_000);

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = make(CASES[0]!, ctx(true));
    feed(op, RTYPES, range(0, 5000).map((k) => [k, k, 1] as Row));
    expectOneCaptureAtATime((id) => op.snapshot(id), 5000 * 4);
  });

  it('incremental checkpoints: a copy-on-write full snapshot, then a delta taken while it is still being written, restore as the twin', async () => {
    const c = CASES[1]!;
    const keys = range(0, N);
    const op = make(c, ctx(true), 100);
    const twin = make(c, ctx(), 100);
    for (const [rows, kinds] of c.fill(keys)) for (const o of [op, twin]) feed(o, c.types, rows, kinds);
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    let delta: OperatorSnapshot | undefined;
    let twinDelta: OperatorSnapshot | undefined;
    const file = await written(snap, (round) => {
      for (const o of [op, twin]) c.change(o, round, keys);
      if (round === 3) {
        // (checkpoint 1 completes once every subtask has written: here, before its file is)
        op.notifyCheckpointComplete(1);
        twin.notifyCheckpointComplete(1);
        delta = op.snapshot(2);
        twinDelta = twin.snapshot(2);
      }
    });
    expect(delta!.deltaOf).toBe(1);
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    expect(Buffer.compare(encodeSnapshot(delta!), encodeSnapshot(twinDelta!))).toBe(0);
    // the chain restores the twin's state at checkpoint 2
    const at2 = make(c, ctx());
    const chain = new Map<number, unknown[]>();
    for (const s of [file, delta!]) for (const [kg, e] of s.keyed) chain.set(kg, [...(chain.get(kg) ?? []), ...e]);
    at2.restore(chain, [delta!.operator]);
    const reference = make(c, ctx());
    for (const [rows, kinds] of c.fill(keys)) feed(reference, c.types, rows, kinds);
    for (let round = -1; round <= 3; round++) c.change(reference, round, keys);
    expect(probe(c, at2, keys)).toEqual(probe(c, reference, keys));
  }, 120_000);
});
