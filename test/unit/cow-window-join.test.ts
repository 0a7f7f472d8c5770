// Copy-on-write full snapshots of a window join (window-join.ts cowBlocks, checkpoint/cow-parts.ts):
// one capture per (window, side) of at least 1,024 slots, smaller stores copied. The state
// writer takes the captured columns block by block while the join goes on: rows arrive on both
// sides of open windows (their stores grow), a window fires and is freed, new windows open. The
// file must hold exactly the state at the barrier: checked byte for byte against an ordinary
// (copied) snapshot of a twin fed the same rows up to the barrier, and by firing a restore of
// the file against a model of the join worked out here from the rows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { WindowJoinOperator } from '../../src/exec/operators/window-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import type { JoinType } from '../../src/plan/logical.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { BLOCK } from '../../src/checkpoint/cow.js';
import type { CowParts } from '../../src/checkpoint/cow-parts.js';
import { isPackedArray } from '../../src/checkpoint/packed-array.js';
import { ALL_KEY_GROUPS } from '../../src/exec/operators/aggregate-slots.js';
import { expectOneCaptureAtATime } from './cow-one-at-a-time.js';

const MAXP = 128;
const ctx = (cowSnapshots = false): OperatorContext => ({ operatorId: '1-window-join', subtask: 0, parallelism: 1, maxParallelism: MAXP, keyGroups: { start: 0, end: MAXP }, metrics: newMetrics(), ...(cowSnapshots ? { cowSnapshots } : {}) });

// left (k, s, v, window_end), right (k, w, t, window_end); joined on k and window_end
const LEFT: DataType[] = [T.BIGINT, T.STRING, T.BIGINT, T.TIMESTAMP];
const RIGHT: DataType[] = [T.BIGINT, T.BIGINT, T.STRING, T.TIMESTAMP];
const H = 3_600_000;

function make(c: OperatorContext, joinType: JoinType, fullEvery = 0): WindowJoinOperator {
  const spec: JoinOperatorSpec = { joinType, strategy: { kind: 'window', leftEnd: 3, rightEnd: 3 }, leftKeys: [0, 3], rightKeys: [0, 3], nullSafe: [false, false], condition: undefined, leftUpdating: false, rightUpdating: false };
  const op = new WindowJoinOperator(spec, LEFT, RIGHT, joinType === 'semi' || joinType === 'anti' ? LEFT : [...LEFT, ...RIGHT], 4096, fullEvery);
  op.open(c);
  return op;
}

// strings: non-ASCII, and empty for some keys
const leftRow = (k: number, end: number, tag: number): Scalar[] => [k, k % 7 === 0 ? '' : `é${k}ü${tag}`, 3 * k + tag, end];
const rightRow = (k: number, end: number, tag: number): Scalar[] => [k, k + 7 + tag, k % 5 === 0 ? '' : `ß${k}`, end];

/** The rows fed, per window end and side (the model). */
type Model = Map<number, [Scalar[][], Scalar[][]]>;

/** Feeds rows of keys `keys` in window `end` to one side of every operator (batches of 4096), and records them in `model`. */
function feed(ops: readonly WindowJoinOperator[], side: 0 | 1, keys: readonly number[], end: number, tag: number, model?: Model): void {
  const all = keys.map((k) => (side === 0 ? leftRow(k, end, tag) : rightRow(k, end, tag)));
  if (model !== undefined) {
    if (!model.has(end)) model.set(end, [[], []]);
    const rows = model.get(end)![side];
    for (const r of all) rows.push(r);
  }
  for (let from = 0; from < all.length; from += 4096) {
    const b = batchFromRows(side === 0 ? LEFT : RIGHT, all.slice(from, from + 4096));
    for (const op of ops) op.processBatch(b, new Collector(), side);
  }
}

const line = (r: readonly Scalar[]): string => JSON.stringify(r);

/** Every open window joined (the end of input), sorted. */
function finish(op: WindowJoinOperator): string[] {
  const out = new Collector();
  op.finish(out);
  return out.drain().flatMap(batchToRows).map(line).sort();
}

/** The join's output of the rows in `model`, worked out row by row. */
function expected(model: Model, joinType: JoinType): string[] {
  const out: string[] = [];
  const nulls = (n: number): null[] => new Array<null>(n).fill(null);
  for (const [left, right] of model.values()) {
    const byKey = new Map<Scalar, Scalar[][]>();
    for (const r of right) byKey.set(r[0]!, [...(byKey.get(r[0]!) ?? []), r]);
    const matched = new Set<Scalar>();
    for (const l of left) {
      const m = byKey.get(l[0]!) ?? [];
      if (m.length > 0) matched.add(l[0]!);
      if (joinType === 'anti') {
        if (m.length === 0) out.push(line(l));
        continue;
      }
      for (const r of m) out.push(line([...l, ...r]));
      if (m.length === 0 && joinType === 'full') out.push(line([...l, ...nulls(4)]));
    }
    if (joinType === 'full') for (const r of right) if (!matched.has(r[0]!)) out.push(line([...nulls(4), ...r]));
  }
  return out.sort();
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes `op`'s snapshot through a real StateWriter while `meanwhile` runs; returns the file's contents. */
async function writeWhile(snap: ReturnType<WindowJoinOperator['snapshot']>, meanwhile: () => Promise<void>): Promise<ReturnType<typeof readStateFile>> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cow-wjoin-'));
  dirs.push(dir);
  const writer = new StateWriter(dir);
  const written = writer.write(1, '1-window-join', 0, snap);
  await meanwhile();
  const handle = await written;
  await writer.close();
  expect(snap.cow!.done).toBe(true);
  return readStateFile(join(dir, 'chk-1', handle.file));
}

// copy-on-write blocks 16 times smaller than a user's (src/checkpoint/sizes.ts), set before the
// modules load: the same blocks at a sixteenth of the rows (a store is captured from
// COW_MIN_ROWS = 1024 slots either way)
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (BLOCK !== 4096) throw new Error(`the copy-on-write block is ${BLOCK} slots, not 65536 / 16: src/checkpoint/cow.ts was loaded before this file set WEIR_TEST_STATE_SHIFT`);
/** Row counts in units of a user's block (65,536 slots), scaled with it. */
const S = BLOCK / 65536;
const N = 3 * BLOCK + 1234; // four blocks of the first window's left side, the last one partial

describe('copy-on-write full snapshots of a window join', () => {
  it.each(['full', 'anti'] as const)('%s join: the written file is every window at the barrier although rows arrive on both sides, a window fires and new ones open meanwhile', async (joinType) => {
    const op = make(ctx(true), joinType);
    // fed the same rows up to the barrier; its snapshot is an ordinary copy
    const twin = make(ctx(), joinType);
    // fed the same rows after the barrier too, without a snapshot
    const after = make(ctx(), joinType);
    const model: Model = new Map();
    const all = range(0, N);
    const before = [op, twin, after];
    feed(before, 0, all, H, 0, model);
    // a second copy of some rows (an append-only side keeps it in a slot of its own)
    feed(before, 0, all.filter((k) => k % 13 === 4), H, 0, model);
    feed(before, 1, all.filter((k) => k % 3 === 0), H, 0, model);
    feed(before, 0, all.filter((k) => k % 3 === 1), 2 * H, 0, model);
    feed(before, 1, range(0, 40_000 * S).filter((k) => k % 2 === 0), 2 * H, 0, model);
    // a small store (copied) beside a captured one
    feed(before, 0, range(0, 500), 3 * H, 0, model);
    feed(before, 1, range(250, 2000), 3 * H, 0, model);

    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(copy.cow).toBeUndefined();
    const capture = snap.cow as CowParts;
    expect(capture.parts.length).toBe(5);
    // (string columns are packed at the barrier, as the file holds them)
    const blocks = snap.keyed.get(ALL_KEY_GROUPS) as { end: number; left: { columns: unknown[][] } }[];
    expect(isPackedArray(blocks[0]!.left.columns[1]![0])).toBe(true);

    const file = await writeWhile(snap, async () => {
      // before the writer takes any block: the open windows' stores grow on both sides, the
      // first window fires and is freed, a new window opens
      const live = [op, after];
      feed(live, 0, range(N, 300_000 * S), H, 1);
      feed(live, 1, all.filter((k) => k % 5 === 1), H, 1);
      feed(live, 0, range(N, 100_000 * S), 2 * H, 1);
      feed(live, 0, range(0, 3000), 3 * H, 1);
      for (const o of live) {
        for (const input of [0, 1]) o.processInputWatermark(input, H - 1);
        o.processWatermark(H - 1, new Collector());
      }
      feed(live, 0, range(0, 70_000 * S), 4 * H, 1);
      feed(live, 1, range(0, 70_000 * S).filter((k) => k % 4 === 0), 4 * H, 1);
      // then more while the writer goes through the columns
      for (let round = 0; round < 40; round++) {
        await tick();
        const keys = all.filter((k) => k % 89 === round);
        feed(live, (round % 2) as 0 | 1, keys, (2 + (round % 3)) * H, 2 + round);
      }
    });

    // byte for byte the ordinary snapshot of the state at the barrier
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    // restored and fired: the join of the rows fed before the barrier
    const restored = make(ctx(), joinType);
    restored.restore(file.keyed, [file.operator]);
    const want = expected(model, joinType);
    expect(want.length).toBeGreaterThan(N / 3);
    expect(finish(restored)).toEqual(want);
    // the live join went on as one fed everything without a snapshot
    expect(finish(op)).toEqual(finish(after));
    // (the first window's left side grew while it was written: its columns followed)
    expect(capture.parts[0]!.stats.followed).toBeGreaterThanOrEqual(9);
  }, 120_000);

  it('a window restored at another parallelism keeps freed slots, which new rows take while its snapshot is written', async () => {
    // two old subtasks' chains: B holds keys [0, 3000) of the window, A keys [3000, 6000) and
    // then fired it (a delta), so the restored store has A's slots free
    const b = make(ctx(), 'full');
    feed([b], 0, range(0, 3000), H, 0);
    feed([b], 1, range(0, 3000).filter((k) => k % 2 === 0), H, 0);
    const a = make(ctx(), 'full');
    feed([a], 0, range(3000, 3000), H, 0);
    const [blockB] = b.snapshot(1).keyed.get(ALL_KEY_GROUPS)!;
    const [blockA] = a.snapshot(1).keyed.get(ALL_KEY_GROUPS)!;
    const keyed = new Map<number, unknown[]>([
      [0, [blockB]],
      [1, [blockA, { delta: 1, fired: [H], windows: [] }]],
    ]);
    const op = make(ctx(true), 'full');
    const twin = make(ctx(), 'full');
    op.restore(keyed, []);
    twin.restore(keyed, []);
    const model: Model = new Map();
    feed([], 0, range(0, 3000), H, 0, model);
    feed([], 1, range(0, 3000).filter((k) => k % 2 === 0), H, 0, model);

    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    const file = await writeWhile(snap, async () => {
      // new rows take the freed slots (below the barrier's slot count), then the store grows
      feed([op], 0, range(10_000, 5000), H, 1);
      feed([op], 1, range(10_000, 2000), H, 1);
      await tick();
    });
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    expect((snap.cow as CowParts).parts[0]!.stats.logged).toBe(3000);
    const restored = make(ctx(), 'full');
    restored.restore(file.keyed, [file.operator]);
    expect(finish(restored)).toEqual(expected(model, 'full'));
  }, 60_000);

  it('with incremental checkpoints, the full snapshot that starts a chain is copy-on-write too', async () => {
    const op = make(ctx(true), 'full', 3);
    const twin = make(ctx(), 'full', 3);
    const model: Model = new Map();
    feed([op, twin], 0, range(0, 20_000), H, 0, model);
    feed([op, twin], 1, range(0, 20_000).filter((k) => k % 3 === 0), H, 0, model);
    feed([op, twin], 0, range(0, 5000), 2 * H, 0, model);
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.deltaOf).toBeUndefined();
    expect((snap.cow as CowParts).parts.length).toBe(3);
    const file = await writeWhile(snap, async () => {
      feed([op], 0, range(20_000, 50_000), H, 1);
      for (const input of [0, 1]) op.processInputWatermark(input, H - 1);
      op.processWatermark(H - 1, new Collector());
      feed([op], 1, range(0, 5000), 2 * H, 1);
      await tick();
    });
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    const restored = make(ctx(), 'full', 3);
    restored.restore(file.keyed, [file.operator]);
    expect(finish(restored)).toEqual(expected(model, 'full'));
  }, 60_000);

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = make(ctx(true), 'full');
    feed([op], 0, range(0, 5000), H, 0);
    feed([op], 1, range(0, 5000), H, 0);
    expectOneCaptureAtATime((id) => op.snapshot(id), 5000 * 8);
  });
});
