// A group aggregate with STRING keys (and MIN/MAX of a STRING) snapshotted for the state
// writer (cowSnapshots): its string columns are packed at the barrier into the state file's
// slices (checkpoint/packed-array.ts) instead of copied as arrays of strings. The operator keeps
// changing while the writer takes the snapshot (new keys, updates, retractions to zero and
// removal, freed slots reused, growth); the file must hold exactly the state at the barrier:
// the same content as an ordinary (copied) snapshot of a twin operator at the same barrier,
// string slices byte for byte as the state file writes that twin's arrays, and a restore probes
// as an independent model of the groups (a Map of rows per group) at the barrier.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { ALL_KEY_GROUPS } from '../../src/exec/operators/aggregate-slots.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import { BLOCK } from '../../src/checkpoint/cow.js';
import { SLICE, isPackedArray, packr } from '../../src/checkpoint/packed-array.js';
import type { PackedArray } from '../../src/checkpoint/packed-array.js';
import { ctx, range } from './group-op-probe.js';

// copy-on-write blocks and packed slices 16 times smaller than a user's (src/checkpoint/sizes.ts),
// set before the modules load: the same blocks and slices at a sixteenth of the groups
vi.hoisted(() => {
  process.env.WEIR_TEST_STATE_SHIFT = '4';
});
if (BLOCK !== 4096 || SLICE !== 1024) throw new Error(`copy-on-write block ${BLOCK}, slice ${SLICE}: src/checkpoint was loaded before this file set WEIR_TEST_STATE_SHIFT`);

/** Groups at the barrier: two copy-on-write blocks (the second partial), five packed slices. */
const N = BLOCK + 777;

/** The string of group `g`: mostly short ASCII, some non-ASCII, an empty one, some long ones, and one NULL. */
function str(g: number): string | null {
  if (g === 13) return null;
  if (g === 11) return '';
  if (g % 1000 === 7) return `long-${g}-${'x'.repeat(1500 + (g % 13))}`;
  if (g % 97 === 5) return `ключ-${g}-😀`;
  return `key-${g}`;
}

interface Config {
  readonly name: string;
  /** Key columns of the input (s STRING, k BIGINT, v BIGINT, t STRING). */
  readonly keys: readonly number[];
  /** The key values of group g. */
  readonly keyOf: (g: number) => Scalar[];
  readonly keyTypes: readonly DataType[];
  /** Whether the input is a changelog (retractions): else append-only (MIN/MAX keep one string per group). */
  readonly updating: boolean;
  /** MIN(t) and MAX(t) after COUNT(*) and SUM(v). */
  readonly minMax: boolean;
}

const CONFIGS: Config[] = [
  { name: 'GROUP BY s, updating, COUNT(*), SUM(v), MIN(t), MAX(t)', keys: [0], keyOf: (g) => [str(g)], keyTypes: [T.STRING], updating: true, minMax: true },
  // two groups per string: (s, 0) and (s, 1)
  { name: 'GROUP BY s, k, updating, COUNT(*), SUM(v)', keys: [0, 1], keyOf: (g) => [str(g >> 1), g & 1], keyTypes: [T.STRING, T.BIGINT], updating: true, minMax: false },
  { name: 'GROUP BY s, append-only, COUNT(*), SUM(v), MIN(t), MAX(t)', keys: [0], keyOf: (g) => [str(g)], keyTypes: [T.STRING], updating: false, minMax: true },
];

const INPUT = [T.STRING, T.BIGINT, T.BIGINT, T.STRING];

function makeOp(c: Config, cow: boolean, fullEvery = 0): GroupAggregateOperator {
  const aggs = [
    { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
    { fn: 'sum', args: [2], distinct: false, filter: undefined, type: T.BIGINT, name: 'sv' },
    ...(c.minMax
      ? [
          { fn: 'min', args: [3], distinct: false, filter: undefined, type: T.STRING, name: 'lo' },
          { fn: 'max', args: [3], distinct: false, filter: undefined, type: T.STRING, name: 'hi' },
        ]
      : []),
  ];
  const out = [...c.keyTypes, T.BIGINT, T.BIGINT, ...(c.minMax ? [T.STRING, T.STRING] : [])];
  const op = new GroupAggregateOperator(INPUT, c.keys, aggs as never, c.updating, out, 4096, 0, fullEvery);
  op.open(cow ? { ...ctx(), cowSnapshots: true } : ctx());
  return op;
}

/** A row of group g: its v and t. */
interface Row {
  readonly g: number;
  readonly v: number;
  readonly t: string;
}

/** The groups as a model: g -> count, sum and the multiset of t. */
type Model = Map<number, { n: number; sum: number; ts: Map<string, number> }>;

function cloneModel(m: Model): Model {
  return new Map([...m].map(([g, x]) => [g, { n: x.n, sum: x.sum, ts: new Map(x.ts) }]));
}

/** The value t of a row: short, non-ASCII, long or empty (no character in U+E000..U+FFFF: code unit and code point order agree). */
function tOf(g: number, i: number): string {
  const x = (g * 7 + i * 13) % 101;
  if (x === 0) return '';
  if (x % 17 === 1) return `яблоко-${x}-🍎`;
  if (x % 29 === 2) return `t-${x}-${'y'.repeat(900)}`;
  return `t-${x}`;
}

function toBatch(c: Config, rows: readonly Row[], kind: number): Batch {
  const cols: Scalar[][] = [[], [], [], []];
  for (const r of rows) {
    const key = c.keyOf(r.g);
    cols[0]!.push(key[0]!);
    cols[1]!.push(c.keys.length > 1 ? key[1]! : 0);
    cols[2]!.push(r.v);
    cols[3]!.push(r.t);
  }
  return { length: rows.length, columns: INPUT.map((t, j) => columnFromScalars(t, cols[j]!)), ops: c.updating ? new Uint8Array(rows.length).fill(kind) : null } as unknown as Batch;
}

/** Feeds rows to the operators and the model alike (kind 3: retractions, else additions). */
function feed(c: Config, ops: readonly GroupAggregateOperator[], model: Model, rows: readonly Row[], kind: 0 | 3): void {
  for (let from = 0; from < rows.length; from += 4096) {
    const part = rows.slice(from, from + 4096);
    for (const op of ops) op.processBatch(toBatch(c, part, kind), new Collector());
  }
  for (const r of rows) {
    const m = model.get(r.g) ?? { n: 0, sum: 0, ts: new Map<string, number>() };
    const d = kind === 3 ? -1 : 1;
    m.n += d;
    m.sum += d * r.v;
    const left = (m.ts.get(r.t) ?? 0) + d;
    if (left === 0) m.ts.delete(r.t);
    else m.ts.set(r.t, left);
    if (m.n === 0) model.delete(r.g);
    else model.set(r.g, m);
  }
}

const PROBE_T = 't-50';

/** What a probe prints for the groups given the model: each existing group updated by one row (v 1, t PROBE_T), a missing one inserted. */
function expected(c: Config, model: Model, gs: readonly number[]): string[] {
  const text = (x: Scalar): string => String(x);
  const line = (kind: string, g: number, n: number, sum: number, ts: string[]): string => {
    const sorted = [...ts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const mm = c.minMax ? [sorted[0] ?? null, sorted[sorted.length - 1] ?? null] : [];
    return `${kind}[${[...c.keyOf(g), n, sum, ...mm].map(text).join(', ')}]`;
  };
  const lines: string[] = [];
  for (const g of gs) {
    const m = model.get(g);
    if (m === undefined) lines.push(line('+I', g, 1, 1, [PROBE_T]));
    else {
      const ts = [...m.ts.keys()];
      lines.push(line('-U', g, m.n, m.sum, ts), line('+U', g, m.n + 1, m.sum + 1, [...ts, PROBE_T]));
    }
  }
  return lines.sort();
}

function probe(c: Config, op: GroupAggregateOperator, gs: readonly number[]): string[] {
  const out = new Collector();
  op.processBatch(toBatch(c, gs.map((g) => ({ g, v: 1, t: PROBE_T })), 0), out);
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((col) => String(col.nulls?.[i] === 1 ? null : col.values[i])).join(', ')}]`);
  return lines.sort();
}

/** The same lines (a deep toEqual of 300K lines is slow): the first difference otherwise. */
function expectLines(got: readonly string[], want: readonly string[]): void {
  expect(got.length).toBe(want.length);
  const at = got.findIndex((l, i) => l !== want[i]);
  expect(at < 0 ? null : [got[at], want[at]]).toBeNull();
}

const rowsOf = (gs: readonly number[], i: number): Row[] => gs.map((g) => ({ g, v: (g % 9) + i, t: tOf(g, i) }));

/** The snapshot's packed arrays (its string columns), in the order the state file writes them. */
function packedIn(v: unknown, out: PackedArray[] = [], depth = 0): PackedArray[] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || depth > 10) return out;
  if (isPackedArray(v)) out.push(v);
  else if (v instanceof Map) for (const x of v.values()) packedIn(x, out, depth + 1);
  else for (const x of Object.values(v)) packedIn(x, out, depth + 1);
  return out;
}

/** The long plain arrays of an ordinary snapshot (its string columns), in the same order. */
function plainIn(v: unknown, out: unknown[][] = [], depth = 0): unknown[][] {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || depth > 10) return out;
  if (Array.isArray(v) && v.length >= SLICE && v.every((x) => typeof x !== 'object' || x === null)) out.push(v);
  else if (v instanceof Map) for (const x of v.values()) plainIn(x, out, depth + 1);
  else for (const x of Object.values(v)) plainIn(x, out, depth + 1);
  return out;
}

/**
 * The packed slices of `snap` (copied: they are transferred to the writer) are byte for byte
 * the state file's slices of the twin's arrays (FrameWriter.array: SLICE elements a slice).
 */
function expectSlicesAsTheFile(snap: OperatorSnapshot, copy: OperatorSnapshot, packedColumns: number): Buffer[][] {
  const packed = packedIn(snap.keyed);
  const plain = plainIn(copy.keyed);
  expect(packed.length).toBe(packedColumns);
  expect(plain.length).toBe(packedColumns);
  packed.forEach((p, j) => {
    const arr = plain[j]!;
    const want: Buffer[] = [];
    for (let i = 0; i < arr.length; i += SLICE) want.push(Buffer.from(packr().pack(arr.slice(i, i + SLICE))));
    expect(p.slices.length).toBe(want.length);
    p.slices.forEach((s, i) => expect(Buffer.compare(Buffer.from(s), want[i]!)).toBe(0));
  });
  return packed.map((p) => p.slices.map((s) => Buffer.from(s)));
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function write(snap: OperatorSnapshot, id: number, during: () => Promise<void>): Promise<OperatorSnapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cow-str-'));
  dirs.push(dir);
  const writer = new StateWriter(dir);
  const written = writer.write(id, '1-group-aggregate', 0, snap);
  await during();
  const handle = await written;
  await writer.close();
  return readStateFile(join(dir, `chk-${id}`, handle.file));
}

describe('STRING columns of a group aggregate packed at the barrier', () => {
  it.each(CONFIGS)('$name: the file is the state at the barrier while the operator goes on', async (c) => {
    const op = makeOp(c, true);
    const twin = makeOp(c, false);
    const model: Model = new Map();
    const all = range(0, N);
    feed(c, [op, twin], model, rowsOf(all, 0), 0);
    feed(c, [op, twin], model, rowsOf(all.filter((g) => g % 3 === 0), 1), 0);
    // groups gone before the barrier (their slots free): retracted to zero
    if (c.updating) {
      const gone = all.filter((g) => g % 50 === 0);
      feed(c, [op, twin], model, rowsOf(gone, 0), 3);
      feed(c, [op, twin], model, rowsOf(gone.filter((g) => g % 3 === 0), 1), 3);
    }
    const atBarrier = cloneModel(model);
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    // string keys (per STRING key column) and, append-only, MIN and MAX's strings (MIN/MAX with
    // retractions keep a multiset per group: arrays, written by the writer as before)
    expectSlicesAsTheFile(snap, copy, 1 + (c.minMax && !c.updating ? 2 : 0));

    const fresh = range(1_000_000, (80_000 * BLOCK) / 65536);
    const file = await write(snap, 1, async () => {
      // before the writer takes anything: updates everywhere, groups removed (retracted to
      // zero), new groups (freed slots reused, then every array grows)
      feed(c, [op], model, rowsOf(all.filter((g) => g % 7 === 2), 5), 0);
      if (c.updating) {
        const drop = all.filter((g) => g % 101 === 4 && g % 3 !== 0 && model.has(g));
        feed(c, [op], model, rowsOf(drop, 0), 3);
      }
      feed(c, [op], model, rowsOf(fresh, 2), 0);
      for (let round = 0; round < 30; round++) {
        await tick();
        feed(c, [op], model, rowsOf(all.filter((g) => g % 89 === round), 3 + (round % 4)), 0);
      }
    });
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);

    // restored: the model at the barrier, not after; the live operator: the model now
    const probeGroups = [...all, ...fresh];
    const restored = makeOp(c, false);
    restored.restore(file.keyed);
    expectLines(probe(c, restored, probeGroups), expected(c, atBarrier, probeGroups));
    expectLines(probe(c, op, probeGroups), expected(c, model, probeGroups));
  }, 120_000);

  it('incremental: a delta of many groups packs its string keys too, and the chain restores the state at its barrier', async () => {
    const c = CONFIGS[0]!;
    const op = makeOp(c, true, 100);
    const twin = makeOp(c, false, 100);
    const model: Model = new Map();
    const all = range(0, N);
    feed(c, [op, twin], model, rowsOf(all, 0), 0);
    const full = await write(op.snapshot(1), 1, async () => feed(c, [op], model, rowsOf(all.filter((g) => g % 5 === 1), 1), 0));
    twin.snapshot(1);
    feed(c, [twin], new Map(), rowsOf(all.filter((g) => g % 5 === 1), 1), 0);
    op.notifyCheckpointComplete(1);
    twin.notifyCheckpointComplete(1);
    // more than a slice's worth of changed groups: updates, removals, new groups in freed slots
    const changes = (ops: GroupAggregateOperator[], m: Model): void => {
      feed(c, ops, m, rowsOf(all.filter((g) => g % 4 === 0), 2), 0);
      feed(c, ops, m, rowsOf(all.filter((g) => g % 30 === 1), 0), 3);
      feed(c, ops, m, rowsOf(all.filter((g) => g % 30 === 1), 1), 3);
      feed(c, ops, m, rowsOf(range(2_000_000, 3000), 4), 0);
    };
    changes([op, twin], model);
    const atBarrier = cloneModel(model);
    const snap = op.snapshot(2);
    const copy = twin.snapshot(2);
    expect(snap.deltaOf).toBe(1);
    expect(copy.deltaOf).toBe(1);
    expectSlicesAsTheFile(snap, copy, 1);
    const delta = await write(snap, 2, async () => feed(c, [op], model, rowsOf(all.filter((g) => g % 4 === 0), 3), 0));
    expect(Buffer.compare(encodeSnapshot(delta), encodeSnapshot(copy))).toBe(0);
    const restored = makeOp(c, false, 100);
    restored.restore(new Map([[ALL_KEY_GROUPS, [full.keyed.get(ALL_KEY_GROUPS)![0], delta.keyed.get(ALL_KEY_GROUPS)![0]]]]));
    const probeGroups = [...all, ...range(2_000_000, 3000)];
    expectLines(probe(c, restored, probeGroups), expected(c, atBarrier, probeGroups));
  }, 120_000);
});
