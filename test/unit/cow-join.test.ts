// Copy-on-write full snapshots of a regular join (join-rows.ts, checkpoint/cow-parts.ts): the
// state writer takes both sides' columns block by block while the join keeps inserting and
// retracting rows on both sides (match counts moving, slots freed and reused, the arrays
// growing); the file must hold exactly the state at the barrier. Checked byte for byte against
// an ordinary (copied) snapshot of a twin operator fed the same rows up to the barrier, and by
// probing a restore of the file against that twin.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { RegularJoinOperator } from '../../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { IntervalJoinOperator } from '../../src/exec/operators/interval-join.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { BLOCK } from '../../src/checkpoint/cow.js';
import type { CowParts } from '../../src/checkpoint/cow-parts.js';
import { isPackedArray } from '../../src/checkpoint/packed-array.js';
import { ALL_KEY_GROUPS } from '../../src/exec/operators/aggregate-slots.js';
import { expectOneCaptureAtATime } from './cow-one-at-a-time.js';

// copy-on-write blocks 16 times smaller than a user's (src/checkpoint/sizes.ts), set before the
// modules load: states of a few blocks at a sixteenth of the rows
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (BLOCK !== 4096) throw new Error(`the copy-on-write block is ${BLOCK} slots, not 65536 / 16: src/checkpoint/cow.ts was loaded before this file set WEIR_TEST_STATE_SHIFT`);
/** Row counts below are in units of a user's block (65,536 slots) and scale with it. */
const S = BLOCK / 65536;

const MAXP = 128;
const ctx = (cowSnapshots = false): OperatorContext => ({ operatorId: '1-join', subtask: 0, parallelism: 1, maxParallelism: MAXP, keyGroups: { start: 0, end: MAXP }, metrics: newMetrics(), ...(cowSnapshots ? { cowSnapshots } : {}) });

const LEFT = [T.BIGINT, T.STRING, T.BIGINT];
const RIGHT = [T.BIGINT, T.BIGINT];
const SPEC: JoinOperatorSpec = { joinType: 'full', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: true, rightUpdating: true };

/** A FULL, INNER (or SEMI/ANTI: the left rows only out) join of two updating inputs on k. */
function makeJoin(c: OperatorContext, joinType: JoinOperatorSpec['joinType'] = 'full', ttlMs = 0): RegularJoinOperator {
  const semiAnti = joinType === 'semi' || joinType === 'anti';
  const op = new RegularJoinOperator({ ...SPEC, joinType }, LEFT, RIGHT, semiAnti ? LEFT : [...LEFT, ...RIGHT], 4096, ttlMs);
  op.open(c);
  return op;
}

/** Side 0: rows (k, 's<k>', 3k); side 1: rows (k, k + 7 + tag); row kind `kind` (0 +I, 3 -D). */
function rows(side: number, keys: readonly number[], kind: number, tag = 0): Batch {
  const types = side === 0 ? LEFT : RIGHT;
  const values: Scalar[][] = side === 0 ? [[...keys], keys.map((k) => `s${k}`), keys.map((k) => 3 * k)] : [[...keys], keys.map((k) => k + 7 + tag)];
  return { length: keys.length, columns: types.map((t, c) => columnFromScalars(t, values[c]!)), ops: new Uint8Array(keys.length).fill(kind) } as unknown as Batch;
}

/** Feeds keys to one side of every operator, in batches of 4096. */
function feed(ops: readonly RegularJoinOperator[], side: number, keys: readonly number[], kind: number, tag = 0): void {
  for (let from = 0; from < keys.length; from += 4096) {
    const b = rows(side, keys.slice(from, from + 4096), kind, tag);
    for (const op of ops) op.processBatch(b, new Collector(), side);
  }
}

/** The sorted changelog of one right row, then one left row, per key: shows every stored row of both sides, their copies and padding. */
function probe(op: RegularJoinOperator, keys: readonly number[]): string[] {
  const out = new Collector();
  op.processBatch(rows(1, keys, 0, 1000), out, 1);
  op.processBatch(rows(0, keys, 0), out, 0);
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', ')}]`);
  return lines.sort();
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const N = 2 * BLOCK + 1234; // three blocks of the left side, the last one partial

describe('copy-on-write full snapshots of a regular join', () => {
  // (with a state TTL, each match also writes the matched row's time: the clock is fixed, and
  // moves on at the barrier)
  it.each([
    ['full', 0],
    ['anti', 0],
    ['inner', 86_400_000],
  ] as const)('%s join, TTL %i ms: the written file is both sides at the barrier although rows come and go on both sides meanwhile', async (joinType, ttl) => {
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    const op = makeJoin(ctx(true), joinType, ttl);
    // fed the same rows up to the barrier; its snapshot is an ordinary copy
    const twin = makeJoin(ctx(), joinType, ttl);
    // fed the same rows after the barrier too, without a snapshot
    const after = makeJoin(ctx(), joinType, ttl);
    const all = range(0, N);
    feed([op, twin, after], 0, all, 0);
    feed([op, twin, after], 1, all.filter((k) => k % 3 === 0), 0);
    // free slots before the barrier too
    feed([op, twin, after], 0, all.filter((k) => k % 50 === 0), 3);
    // a second copy of some left rows (count 2)
    feed([op, twin, after], 0, all.filter((k) => k % 13 === 4), 0);

    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    expect(copy.cow).toBeUndefined();
    // (the left side's string column is packed at the barrier, as the file holds it)
    const entry = snap.keyed.get(ALL_KEY_GROUPS)![0] as { left: { columns: unknown[][] } };
    expect(isPackedArray(entry.left.columns[1]![0])).toBe(true);
    const capture = snap.cow as CowParts;
    const dir = mkdtempSync(join(tmpdir(), 'weir-cow-join-'));
    dirs.push(dir);
    const writer = new StateWriter(dir);
    const written = writer.write(1, '1-join', 0, snap);
    clock.mockReturnValue(1_700_000_005_000);

    // before the writer takes any block: right rows go (left match counts fall, left rows
    // padded again, right slots freed), new right rows come (match counts rise, freed slots
    // reused), left rows go and come back with other keys (freed slots reused, then both sides
    // grow), copies added and retracted
    const ops = [op, after];
    feed(ops, 1, all.filter((k) => k % 3 === 0 && k % 7 === 0), 3);
    feed(ops, 1, all.filter((k) => k % 5 === 1), 0);
    feed(ops, 0, all.filter((k) => k % 11 === 2 && k % 50 !== 0), 3);
    feed(ops, 0, range(10_000_000, 150_000 * S), 0);
    feed(ops, 1, range(10_000_000, 80_000 * S), 0);
    feed(ops, 0, all.filter((k) => k % 13 === 4), 3);
    feed(ops, 0, all.filter((k) => k % 17 === 6), 0);
    // then more while the writer goes through the columns
    for (let round = 0; round < 40; round++) {
      await tick();
      const keys = all.filter((k) => k % 89 === round);
      feed(ops, round % 2, keys, round % 4 < 2 ? 0 : 3, 50);
    }
    const handle = await written;
    await writer.close();
    expect(capture.done).toBe(true);

    // byte for byte the ordinary snapshot of the state at the barrier
    const file = readStateFile(join(dir, 'chk-1', handle.file));
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);

    // restored: behaves as the twin (the barrier's state), and the live join as `after`
    const restored = makeJoin(ctx(), joinType);
    restored.restore(file.keyed);
    const keys = [...all.filter((k) => k % 7 < 2), ...range(10_000_000, 400 * S)];
    const atBarrier = probe(twin, keys);
    expect(probe(restored, keys)).toEqual(atBarrier);
    expect(probe(op, keys)).toEqual(probe(after, keys));
    expect(probe(op, keys)).not.toEqual(atBarrier);
    // (both sides were captured, their slots logged and their growth followed)
    const [l, r] = capture.parts;
    expect(l!.stats.logged).toBeGreaterThan(N / 20);
    expect(r!.stats.logged).toBeGreaterThan(N / 20);
    // (each side's 9 typed columns: key group, count, assoc, touched, two BIGINT columns or one, null masks)
    expect(l!.stats.followed).toBeGreaterThanOrEqual(9);
    expect(r!.stats.followed).toBeGreaterThanOrEqual(8);
    clock.mockRestore();
  }, 120_000);

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = makeJoin(ctx(true));
    feed([op], 0, range(0, 5000), 0);
    feed([op], 1, range(0, 5000), 0);
    expectOneCaptureAtATime((id) => op.snapshot(id), 5000 * 8);
  });
});

describe('copy-on-write full snapshots of an interval join', () => {
  // FULL JOIN ... ON l.k = r.k AND l.ts BETWEEN r.ts - 5 s AND r.ts + 5 s over (k, v, ts)
  const TTYPES = [T.BIGINT, T.BIGINT, T.TIMESTAMP];
  const ISPEC: JoinOperatorSpec = { joinType: 'full', strategy: { kind: 'interval', leftTime: 2, rightTime: 2, lower: -5000, upper: 5000 }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };
  const make = (c: OperatorContext): IntervalJoinOperator => {
    const o = new IntervalJoinOperator(ISPEC, TTYPES, TTYPES, [...TTYPES, ...TTYPES], 4096);
    o.open(c);
    return o;
  };
  /** Rows (k, -1, ts) of keys `keys` at time `ts(k)`. */
  const timed = (keys: readonly number[], ts: (k: number) => number): Batch =>
    ({ length: keys.length, columns: TTYPES.map((t, c) => columnFromScalars(t, keys.map((k) => (c === 0 ? k : c === 1 ? -1 : ts(k))))), ops: null }) as unknown as Batch;
  const feedI = (ops: readonly IntervalJoinOperator[], side: number, keys: readonly number[], ts: (k: number) => number): void => {
    for (let from = 0; from < keys.length; from += 4096) {
      const b = timed(keys.slice(from, from + 4096), ts);
      for (const o of ops) o.processBatch(b, new Collector(), side);
    }
  };
  /** Every row still held and not matched, padded (the end of input). */
  const unmatched = (o: IntervalJoinOperator): string[] => {
    const out = new Collector();
    o.finish(out);
    const lines: string[] = [];
    for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join(', '));
    return lines.sort();
  };

  it('the written file is both sides at the barrier although rows are matched, expire and come meanwhile', async () => {
    const op = make(ctx(true));
    const twin = make(ctx());
    const M = 2 * BLOCK + 777;
    const all = range(0, M);
    // left rows at ts = k; right rows of even keys at the same time: those left rows are matched
    feedI([op, twin], 0, all, (k) => k / S);
    feedI([op, twin], 1, all.filter((k) => k % 2 === 0), (k) => k / S);
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'weir-cow-ijoin-'));
    dirs.push(dir);
    const writer = new StateWriter(dir);
    const written = writer.write(1, '1-interval-join', 0, snap);
    // unmatched left rows become matched (their flag changes), rows expire (slots freed),
    // new rows take the freed slots and both sides grow
    feedI([op], 1, all.filter((k) => k % 3 === 1), (k) => k / S);
    for (const input of [0, 1]) op.processInputWatermark(input, 60_000);
    op.processWatermark(60_000, new Collector());
    feedI([op], 0, range(10_000_000, 3 * BLOCK), (k) => (k - 10_000_000) / S + 200_000);
    for (let round = 0; round < 20; round++) {
      await tick();
      feedI([op], 1, all.filter((k) => k % 40 === round && k > 70_000 * S), (k) => k / S);
    }
    const handle = await written;
    await writer.close();
    expect(snap.cow!.done).toBe(true);
    const file = readStateFile(join(dir, 'chk-1', handle.file));
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    const restored = make(ctx());
    restored.restore(file.keyed, [file.operator]);
    const expected = unmatched(twin);
    expect(expected.length).toBe(M - Math.ceil(M / 2));
    expect(unmatched(restored)).toEqual(expected);
  }, 120_000);
});
