// Copy-on-write full snapshots (checkpoint/cow.ts): the state writer takes the group
// aggregate's columns block by block while the operator keeps changing them; the file must hold
// exactly the state at the barrier. Checked against a model of the groups kept beside the
// operator (a Map of count and sum per key), and against an ordinary (copied) snapshot of an
// identical operator taken at the same barrier, byte for byte.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { BLOCK } from '../../src/checkpoint/cow.js';
import type { CowCapture } from '../../src/checkpoint/cow.js';
import { batch, ctx, makeGroupOp, probe, range } from './group-op-probe.js';
import { expectOneCaptureAtATime } from './cow-one-at-a-time.js';

// copy-on-write blocks 16 times smaller than a user's (src/checkpoint/sizes.ts), set before the
// modules load: the same blocks at a sixteenth of the groups
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (BLOCK !== 4096) throw new Error(`the copy-on-write block is ${BLOCK} slots, not 65536 / 16: src/checkpoint/cow.ts was loaded before this file set WEIR_TEST_STATE_SHIFT`);
const N = 3 * BLOCK + 1234; // four blocks, the last one partial

/** An append-only batch (no row kinds): the operator's fast path. */
function appendBatch(keys: readonly number[], v: (i: number) => number): Batch {
  return { length: keys.length, columns: [{ type: T.BIGINT, values: Float64Array.from(keys), nulls: null }, { type: T.BIGINT, values: Float64Array.from(keys, (_, i) => v(i)), nulls: null }], ops: null } as unknown as Batch;
}

/** The groups as a model: key -> [count, sum]. */
type Model = Map<number, [number, number]>;

/** Feeds rows to the operator and the model alike (kind 3: deletions, else additions). */
function feed(op: GroupAggregateOperator, model: Model, keys: readonly number[], v: (i: number) => number, kind: 'append' | 'insert' | 'delete'): void {
  for (let from = 0; from < keys.length; from += 4096) {
    const part = keys.slice(from, from + 4096);
    const pb = kind === 'append' ? appendBatch(part, (i) => v(from + i)) : batch(part, (i) => v(from + i), kind === 'delete' ? 3 : 0);
    op.processBatch(pb, new Collector());
  }
  keys.forEach((k, i) => {
    const [n, s] = model.get(k) ?? [0, 0];
    const d = kind === 'delete' ? -1 : 1;
    if (n + d === 0) model.delete(k);
    else model.set(k, [n + d, s + d * v(i)]);
  });
}

/** What probe() prints for `keys` given the model: each existing group updated by one row (v = 1), a missing one inserted. */
function expected(model: Model, keys: readonly number[]): string[] {
  const lines: string[] = [];
  for (const k of keys) {
    const g = model.get(k);
    if (g === undefined) lines.push(`+I[${k}, 1, 1]`);
    else lines.push(`-U[${k}, ${g[0]}, ${g[1]}]`, `+U[${k}, ${g[0] + 1}, ${g[1] + 1}]`);
  }
  return lines.sort();
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('copy-on-write full snapshots', () => {
  it('the written file is the state at the barrier although the operator changes every block, frees slots and reuses them meanwhile', async () => {
    const cowCtx = { ...ctx(), cowSnapshots: true };
    const op = makeGroupOp(0, cowCtx);
    // the same input into an operator whose snapshots are ordinary copies
    const twin = makeGroupOp(0);
    const model: Model = new Map();
    const ignore: Model = new Map();
    const all = range(0, N);
    feed(op, model, all, (i) => i % 7, 'insert');
    feed(twin, ignore, all, (i) => i % 7, 'insert');
    // free slots before the barrier too (every 50th key)
    const gone = all.filter((k) => k % 50 === 0);
    feed(op, model, gone, (i) => gone[i]! % 7, 'delete');
    feed(twin, ignore, gone, (i) => gone[i]! % 7, 'delete');

    const atBarrier: Model = new Map([...model].map(([k, g]) => [k, [...g] as [number, number]]));
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    const capture = snap.cow as CowCapture;
    const dir = mkdtempSync(join(tmpdir(), 'weir-cow-'));
    dirs.push(dir);
    const writer = new StateWriter(dir);
    const written = writer.write(1, '1-group-aggregate', 0, snap);

    // before the writer takes any block: every block changes (fast path), groups go (their
    // slots freed), new groups come (taking the freed slots back)
    const hot = all.filter((k) => k % 97 === 3);
    feed(op, model, hot, () => 1000, 'append');
    const dropped = all.filter((k) => k % 101 === 5 && model.has(k) && model.get(k)![0] === 1);
    feed(op, model, dropped, (i) => model.get(dropped[i]!)![1], 'delete');
    // (more new groups than free slots: every column grows, and the snapshot follows the copies)
    const fresh = range(10_000_000, (250_000 * BLOCK) / 65536);
    feed(op, model, fresh, (i) => i, 'insert');
    // then more changes while the writer goes through the columns
    for (let round = 0; round < 40; round++) {
      await tick();
      const keys = all.filter((k) => k % 89 === round % 89);
      feed(op, model, keys, () => 3, round % 2 === 0 ? 'append' : 'insert');
    }
    const handle = await written;
    await writer.close();
    expect(capture.done).toBe(true);

    // byte for byte the ordinary snapshot of the same state (the buffers' bytes: the file has
    // no other difference)
    const file = readStateFile(join(dir, 'chk-1', handle.file));
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);

    // restored: the model at the barrier, not after
    const restored = makeGroupOp(0);
    restored.restore(file.keyed);
    const probeKeys = [...all, ...fresh];
    expect(probe(restored, probeKeys)).toEqual(expected(atBarrier, probeKeys));
    // and the live operator went on exactly
    expect(probe(op, probeKeys)).toEqual(expected(model, probeKeys));
    // (it did log the slots changed, and sent every column in blocks)
    expect(capture.stats.logged).toBeGreaterThan(hot.length);
    expect(capture.stats.blocks).toBeGreaterThanOrEqual(4 * 9);
    expect(capture.stats.followed).toBe(9);
  }, 60_000);

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = makeGroupOp(0, { ...ctx(), cowSnapshots: true });
    feed(op, new Map(), range(0, 5000), () => 1, 'insert');
    expectOneCaptureAtATime((id) => op.snapshot(id), 5000 * 8);
  });
});
