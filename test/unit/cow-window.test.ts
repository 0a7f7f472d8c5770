// Copy-on-write full snapshots of the window aggregate (checkpoint/cow.ts): the state writer
// takes the slot columns block by block while the operator keeps adding rows, fires windows
// (freeing their slots), reuses the freed slots for new windows' groups and grows. The file must
// hold exactly the state at the barrier: byte for byte an ordinary (copied) snapshot of a twin
// fed the same rows, and restored it fires exactly the groups of a model (count and sum per
// window and key) worked out beside the operator.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { BLOCK } from '../../src/checkpoint/cow.js';
import type { CowCapture } from '../../src/checkpoint/cow.js';
import { ctx, range } from './group-op-probe.js';

// copy-on-write blocks 16 times smaller than a user's (src/checkpoint/sizes.ts), set before the
// modules load: the same blocks at a sixteenth of the groups
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (BLOCK !== 4096) throw new Error(`the copy-on-write block is ${BLOCK} slots, not 65536 / 16: src/checkpoint/cow.ts was loaded before this file set WEIR_TEST_STATE_SHIFT`);
/** Group counts in units of a user's block (65,536 slots), scaled with it. */
const S = BLOCK / 65536;
const N = 3 * BLOCK + 1234; // four blocks, the last one partial
const SIZE = 10_000;
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;
const OUT = [T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP];

/** TUMBLE(ts, 10 s), COUNT(*), SUM(v) GROUP BY k over (k, v, ts); `updating`: a changelog input. */
function make(updating: boolean, c: OperatorContext = ctx()): WindowAggregateOperator {
  const op = new WindowAggregateOperator({ kind: 'tumble', size: SIZE, offset: 0 }, 2, [T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], AGGS as never, OUT, 4096, { kind: 'single' }, updating);
  op.open(c);
  return op;
}

/** (window end, key) -> [count, sum]. */
type Model = Map<string, [number, number]>;

/**
 * Rows (keys[i], v(i), time t) into the operators and the model; `retract`: -D rows (a changelog
 * input), else inserts (+I over a changelog, no row kinds otherwise).
 */
function feed(ops: readonly WindowAggregateOperator[], model: Model, updating: boolean, keys: readonly number[], v: (i: number) => number, t: number, retract = false): void {
  for (let from = 0; from < keys.length; from += 4096) {
    const n = Math.min(4096, keys.length - from);
    const b = {
      length: n,
      columns: [
        { type: T.BIGINT, values: Float64Array.from({ length: n }, (_, i) => keys[from + i]!), nulls: null },
        { type: T.BIGINT, values: Float64Array.from({ length: n }, (_, i) => v(from + i)), nulls: null },
        { type: T.TIMESTAMP, values: new Float64Array(n).fill(t), nulls: null },
      ],
      ops: updating ? new Uint8Array(n).fill(retract ? 3 : 0) : null,
    } as unknown as Batch;
    for (const op of ops) op.processBatch(b, new Collector());
  }
  const end = Math.floor(t / SIZE) * SIZE + SIZE;
  keys.forEach((k, i) => {
    const id = `${end}|${k}`;
    const [c, s] = model.get(id) ?? [0, 0];
    const d = retract ? -1 : 1;
    model.set(id, [c + d, s + d * v(i)]);
  });
}

/** The watermark `wm` into the operators; the model loses the windows it fires. */
function watermark(ops: readonly WindowAggregateOperator[], model: Model, wm: number): void {
  for (const op of ops) op.processWatermark(wm, new Collector());
  for (const id of [...model.keys()]) if (Number(id.split('|')[0]) - 1 <= wm) model.delete(id);
}

/** Every open window fired: its rows `end|k|n|s`, sorted. */
function fireAll(op: WindowAggregateOperator): string[] {
  const out = new Collector();
  op.processWatermark(Number.MAX_SAFE_INTEGER, out);
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${b.columns[4]!.values[i]}|${b.columns[0]!.values[i]}|${b.columns[1]!.values[i]}|${b.columns[2]!.values[i]}`);
  return lines.sort();
}

/** What fireAll prints for the model (groups whose count is back to zero emit nothing). */
function expected(model: Model): string[] {
  return [...model]
    .filter(([, [c]]) => c > 0)
    .map(([id, [c, s]]) => `${id}|${c}|${s}`)
    .sort();
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('copy-on-write full snapshots of the window aggregate', () => {
  for (const updating of [false, true]) {
    it(`the file is the state at the barrier while windows fire, slots are reused and the state grows${updating ? ' (changelog input, retractions)' : ''}`, async () => {
      const op = make(updating, { ...ctx(), cowSnapshots: true });
      // the same input into an operator whose snapshots are ordinary copies
      const twin = make(updating);
      const both = [op, twin];
      const model: Model = new Map();
      const all = range(0, N);
      // a window fired before the barrier: its slots are free (and taken again below)
      feed(both, model, updating, range(0, 20_000 * S), (i) => i, -5000);
      watermark(both, model, -1);
      // window [0, 10 s): every key; window [10 s, 20 s): every third key
      feed(both, model, updating, all, (i) => i % 7, 1000);
      const third = all.filter((k) => k % 3 === 0);
      feed(both, model, updating, third, (i) => i, 15_000);
      if (updating) feed(both, model, updating, all.filter((k) => k % 11 === 0), (i) => (i * 11) % 7, 2000, true);

      const atBarrier: Model = new Map([...model].map(([k, g]) => [k, [...g] as [number, number]]));
      const snap = op.snapshot(1);
      const copy = twin.snapshot(1);
      expect(snap.cow).toBeDefined();
      expect(copy.cow).toBeUndefined();
      const capture = snap.cow as CowCapture;
      const dir = mkdtempSync(join(tmpdir(), 'weir-cow-window-'));
      dirs.push(dir);
      const writer = new StateWriter(dir);
      const written = writer.write(1, '1-window-aggregate', 0, snap);

      // before the writer takes any block: rows into every block of both windows
      const hot = all.filter((k) => k % 97 === 3);
      feed([op], model, updating, hot, () => 1000, 3000);
      feed([op], model, updating, hot, () => 5, 12_000);
      if (updating) feed([op], model, updating, hot.filter((k) => k % 3 === 0), (i) => i, 15_000, true);
      // the first window fires: its N slots freed; a new window's groups take them back and,
      // more of them than were freed, make every column grow (the snapshot follows the copies)
      const loggedBefore = capture.stats.logged;
      watermark([op], model, SIZE - 1);
      // (firing logs nothing: only the in-use flags change, copied at the barrier)
      expect(capture.stats.logged).toBe(loggedBefore);
      const fresh = range(10_000_000, N + 300_000 * S);
      feed([op], model, updating, fresh, (i) => i % 13, 25_000);
      // then more changes while the writer goes through the columns
      for (let round = 0; round < 40; round++) {
        await tick();
        feed([op], model, updating, third.filter((k) => k % 89 === round % 89), () => 3, 16_000);
      }
      const handle = await written;
      await writer.close();
      expect(capture.done).toBe(true);

      // byte for byte the ordinary snapshot of the same state
      const file = readStateFile(join(dir, 'chk-1', handle.file));
      expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
      // restored: the model at the barrier (and the twin's windows), not after
      const restored = make(updating);
      restored.restore(file.keyed, file.operator === null ? [] : [file.operator]);
      const fired = fireAll(restored);
      expect(fired).toEqual(expected(atBarrier));
      expect(fireAll(twin)).toEqual(fired);
      // and the live operator went on exactly
      expect(fireAll(op)).toEqual(expected(model));
      // (it did log the slots changed and freed, and sent every column in blocks)
      expect(capture.stats.logged).toBeGreaterThanOrEqual(N);
      expect(capture.stats.blocks).toBeGreaterThanOrEqual(4 * 8);
      expect(capture.stats.followed).toBeGreaterThan(0);
    }, 60_000);
  }

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = make(false, { ...ctx(), cowSnapshots: true });
    feed([op], new Map(), false, range(0, 5000), () => 1, 1000);
    const first = op.snapshot(1);
    expect(first.cow).toBeDefined();
    const second = op.snapshot(2);
    expect(second.cow).toBeUndefined();
    expect(encodeSnapshot(second).length).toBeGreaterThan(5000 * 8);
    first.cow!.abort();
    expect(op.snapshot(3).cow).toBeDefined();
  });
});
