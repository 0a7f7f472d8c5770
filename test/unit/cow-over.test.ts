// Copy-on-write full snapshots of the OVER aggregate (checkpoint/cow-records.ts): the state
// writer asks for key groups one at a time while the operator keeps going: rows arrive (new
// partitions too), the watermark fires rows (frames move, rows leave them and their ids are
// taken again by new rows, RANGE frames empty), and the state grows. The file must hold exactly
// the state at the barrier: read back, the same entries as an ordinary (copied) snapshot of a
// twin fed the same rows, and restored it emits what a model of the SUM over the last three
// rows per key (worked out here) gives for the rows not yet emitted at the barrier.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { OverAggregateOperator } from '../../src/exec/operators/over-aggregate.js';
import { UpdatingOverAggregateOperator } from '../../src/exec/operators/over-aggregate-updating.js';
import type { OverFrame } from '../../src/plan/logical.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import type { CowRecords } from '../../src/checkpoint/cow-records.js';
import { ctx } from './group-op-probe.js';

// (k BIGINT, s STRING, v BIGINT, ts TIMESTAMP)
const TYPES = [T.BIGINT, T.STRING, T.BIGINT, T.TIMESTAMP];
const call = (fn: string, args: number[], type = T.BIGINT, offset = 1): unknown => ({ fn, args, type, offset, default: null, name: fn });
const VARIANTS: { name: string; frame: OverFrame; calls: unknown[] }[] = [
  // the model's: SUM over the last three rows, and the count; MIN keeps a multiset, LISTAGG a live list
  { name: 'ROWS 2 PRECEDING: SUM, COUNT(*), MIN, LISTAGG', frame: { unit: 'rows', preceding: 2 }, calls: [call('sum', [2]), call('count_star', []), call('min', [2]), call('listagg', [1], T.STRING)] },
  { name: 'RANGE 3 s PRECEDING: SUM, MAX, LISTAGG', frame: { unit: 'range', preceding: 3000 }, calls: [call('sum', [2]), call('max', [2]), call('listagg', [1], T.STRING)] },
  { name: 'RANGE UNBOUNDED PRECEDING: SUM, FIRST_VALUE, LAST_VALUE, LAG', frame: { unit: 'range', preceding: undefined }, calls: [call('sum', [2]), call('first_value', [1], T.STRING), call('last_value', [1], T.STRING), call('lag', [2], T.BIGINT, 2)] },
];

type Row = [number, string | null, number, number];

function make(frame: OverFrame, calls: unknown[], c: OperatorContext = ctx()): OverAggregateOperator {
  const op = new OverAggregateOperator(TYPES, [0], 3, frame, calls as never, [...TYPES, ...(calls as { type: (typeof TYPES)[number] }[]).map((x) => x.type)], 1000);
  op.open(c);
  return op;
}

function batch(rows: readonly Row[], ops: Uint8Array | null = null): Batch {
  return { length: rows.length, columns: TYPES.map((t, c) => columnFromScalars(t, rows.map((r) => r[c] as Scalar))), ops } as unknown as Batch;
}

/** Output rows as text, sorted. */
function lines(out: Collector): string[] {
  const l: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) l.push(b.columns.map((c) => String(c.nulls?.[i] === 1 ? null : c.values[i])).join('|'));
  return l.sort();
}

/** The ROWS 2 PRECEDING variant's output by the model: per key, rows by (time, arrival); those after `after` emitted. */
function model(rows: readonly Row[], after: number): string[] {
  const byKey = new Map<number, Row[]>();
  for (const r of rows) {
    let l = byKey.get(r[0]);
    if (l === undefined) byKey.set(r[0], (l = []));
    l.push(r);
  }
  const out: string[] = [];
  for (const l of byKey.values()) {
    const sorted = l.map((r, i) => [r, i] as const).sort((a, b) => a[0][3] - b[0][3] || a[1] - b[1]).map(([r]) => r);
    sorted.forEach((r, i) => {
      if (r[3] <= after) return;
      const frame = sorted.slice(Math.max(0, i - 2), i + 1);
      const nonNull = frame.filter((x) => x[1] !== null).map((x) => x[1]);
      out.push([r[0], r[1], r[2], r[3], frame.reduce((s, x) => s + x[2], 0), frame.length, Math.min(...frame.map((x) => x[2])), nonNull.length === 0 ? null : nonNull.join(',')].map(String).join('|'));
    });
  }
  return out.sort();
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let seed = 7;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

describe('copy-on-write full snapshots of the OVER aggregate', () => {
  for (const v of VARIANTS) {
    it(`the file is the state at the barrier while rows arrive, fire, leave frames and new partitions come (${v.name})`, async () => {
      const op = make(v.frame, v.calls, { ...ctx(), cowSnapshots: true });
      const twin = make(v.frame, v.calls);
      const fed: Row[] = [];
      const feed = (ops: readonly OverAggregateOperator[], rows: Row[]): void => {
        for (const o of ops) o.processBatch(batch(rows));
        fed.push(...rows);
      };
      const KEYS = 3000;
      const row = (k: number, t: number): Row => [k, rand(5) === 0 ? null : `s${rand(50)}`, rand(100), t];
      // frames filled and fired: times 1..10 s; waiting rows: 10..20 s
      for (let t = 1; t <= 20; t++) feed([op, twin], Array.from({ length: KEYS }, (_, k) => (rand(3) === 0 ? null : row(k, t * 1000 + rand(1000)))).filter((r): r is Row => r !== null));
      const WM = 10_999;
      op.processWatermark(WM, new Collector());
      twin.processWatermark(WM, new Collector());
      const atBarrier = fed.slice();

      const snap = op.snapshot(1);
      const copy = twin.snapshot(1);
      expect(snap.cow).toBeDefined();
      expect(copy.cow).toBeUndefined();
      const capture = snap.cow as CowRecords<number>;
      const dir = mkdtempSync(join(tmpdir(), 'weir-cow-over-'));
      dirs.push(dir);
      const writer = new StateWriter(dir);
      const written = writer.write(1, '1-over-aggregate', 0, snap);

      // before the writer asks for anything: rows fire (frames move, rows released), new rows
      // (taking the released ids) and new partitions; a jump in time empties RANGE frames
      const after = new Collector();
      feed([op], Array.from({ length: KEYS }, (_, k) => row(k, 21_000 + rand(1000))));
      op.processWatermark(15_500, after);
      feed([op], Array.from({ length: 500 }, (_, k) => row(KEYS + k, 22_000 + rand(1000))));
      for (let round = 0; round < 30; round++) {
        await tick();
        const t = 23_000 + round * 10_000;
        feed([op], Array.from({ length: 200 }, () => row(rand(KEYS + 500), t + rand(1000))));
        op.processWatermark(t - 5000, after);
      }
      const handle = await written;
      await writer.close();
      expect(capture.done).toBe(true);
      expect(capture.stats.slices).toBe(copy.keyed.size);

      // read back: the entries of the ordinary snapshot of the same state
      const file = readStateFile(join(dir, 'chk-1', handle.file));
      expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
      // restored: emits what the twin (and, for the model's variant, the model) gives at the barrier
      const restored = make(v.frame, v.calls);
      restored.restore(file.keyed);
      const out = new Collector();
      restored.finish(out);
      const twinOut = new Collector();
      twin.finish(twinOut);
      const got = lines(out);
      expect(got).toEqual(lines(twinOut));
      if (v.calls.length === 4 && v.frame.unit === 'rows') {
        expect(got).toEqual(model(atBarrier, WM));
        // and the live operator went on exactly
        op.finish(after);
        expect(lines(after)).toEqual(model(fed, WM));
      }
    }, 60_000);
  }

  it('a snapshot taken while the previous copy-on-write one is still being written is an ordinary copy', () => {
    const op = make(VARIANTS[0]!.frame, VARIANTS[0]!.calls, { ...ctx(), cowSnapshots: true });
    op.processBatch(batch(Array.from({ length: 500 }, (_, k): Row => [k, 'x', k, 1000])));
    const first = op.snapshot(1);
    expect(first.cow).toBeDefined();
    const second = op.snapshot(2);
    expect(second.cow).toBeUndefined();
    expect([...second.keyed.values()].reduce((n, e) => n + (e[0] as { keys: unknown[] }).keys.length, 0)).toBe(500);
    first.cow!.abort();
    expect(op.snapshot(3).cow).toBeDefined();
  });

  it('over a changelog: the file is the state at the barrier while rows are inserted and retracted, partitions emptied (dropped) and made again', async () => {
    // SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS 2 PRECEDING) over +I and -D rows
    const calls = [call('sum', [2])];
    const mk = (c: OperatorContext = ctx()): UpdatingOverAggregateOperator => {
      const o = new UpdatingOverAggregateOperator(TYPES, [0], 3, { unit: 'rows', preceding: 2 }, calls as never, [...TYPES, T.BIGINT], 1000);
      o.open(c);
      return o;
    };
    const op = mk({ ...ctx(), cowSnapshots: true });
    const twin = mk();
    /** The live rows per key, in arrival order (the model). */
    const live = new Map<number, Row[]>();
    const apply = (ops: readonly UpdatingOverAggregateOperator[], rows: Row[], retract: boolean): void => {
      for (const o of ops) o.processBatch(batch(rows, new Uint8Array(rows.length).fill(retract ? 3 : 0)), new Collector());
      for (const r of rows) {
        const l = live.get(r[0]) ?? [];
        if (retract) l.splice(l.findIndex((x) => x.every((y, c) => y === r[c])), 1);
        else l.push(r);
        live.set(r[0], l);
      }
    };
    /** The model's probe: one more row per key, last in its partition: its SUM is its frame's. */
    const expected = (m: Map<number, Row[]>): string[] =>
      [...m]
        .filter(([, l]) => l.length > 0)
        .map(([k, l]) => {
          const last = l.map((r, i) => [r, i] as const).sort((a, b) => a[0][3] - b[0][3] || a[1] - b[1]).slice(-2);
          return `${k}|1000|${1000 + last.reduce((n, [r]) => n + r[2], 0)}`;
        })
        .sort();
    const probe = (o: UpdatingOverAggregateOperator, keys: number): string[] => {
      const out = new Collector();
      o.processBatch(batch(Array.from({ length: keys }, (_, k): Row => [k, null, 1000, 9_000_000])), out);
      const l: string[] = [];
      for (const b of out.drain()) for (let i = 0; i < b.length; i++) if ((b.ops?.[i] ?? 0) === 0) l.push(`${b.columns[0]!.values[i]}|${b.columns[2]!.values[i]}|${b.columns[4]!.values[i]}`);
      // (a key without rows before the probe: SUM 1000 alone, left out as the model does)
      return l.filter((x) => !x.endsWith('|1000|1000')).sort();
    };
    const KEYS = 3000;
    const row = (k: number): Row => [k, rand(4) === 0 ? null : `s${rand(30)}`, 1 + rand(100), rand(50) * 1000];
    for (let round = 0; round < 4; round++) apply([op, twin], Array.from({ length: KEYS }, (_, k) => row(k)), false);
    // every row of keys 0..299 retracted: their partitions are dropped
    const drop = (ops: readonly UpdatingOverAggregateOperator[], from: number, to: number): void => {
      const rows: Row[] = [];
      for (let k = from; k < to; k++) rows.push(...(live.get(k) ?? []));
      apply(ops, rows, true);
    };
    drop([op, twin], 0, 300);
    const atBarrier = new Map([...live].map(([k, l]) => [k, l.slice()]));

    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    expect(copy.cow).toBeUndefined();
    const capture = snap.cow as CowRecords<number>;
    const dir = mkdtempSync(join(tmpdir(), 'weir-cow-over-'));
    dirs.push(dir);
    const writer = new StateWriter(dir);
    const written = writer.write(1, '1-over-aggregate', 0, snap);
    // before the writer asks: dropped keys made again, live keys dropped, rows retracted (their
    // ids taken again) and inserted, new keys
    apply([op], Array.from({ length: 300 }, (_, k) => row(k)), false);
    apply([op], Array.from({ length: KEYS - 600 }, (_, k) => row(600 + k)), false);
    drop([op], 300, 600);
    apply([op], Array.from({ length: KEYS - 600 }, (_, k) => live.get(600 + k)![0]!), true);
    apply([op], Array.from({ length: KEYS + 500 }, (_, k) => row(k)), false);
    for (let round = 0; round < 30; round++) {
      await tick();
      apply([op], Array.from({ length: 200 }, () => row(rand(KEYS + 500))), false);
      const k = 600 + rand(KEYS - 600);
      if ((live.get(k)?.length ?? 0) > 0) apply([op], [live.get(k)![0]!], true);
    }
    const handle = await written;
    await writer.close();
    expect(capture.done).toBe(true);

    const file = readStateFile(join(dir, 'chk-1', handle.file));
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    const restored = mk();
    restored.restore(file.keyed);
    const want = expected(atBarrier);
    expect(want.length).toBe(KEYS - 300);
    expect(probe(restored, KEYS)).toEqual(want);
    expect(probe(twin, KEYS)).toEqual(want);
    expect(probe(op, KEYS + 500)).toEqual(expected(live));
  }, 60_000);
});
