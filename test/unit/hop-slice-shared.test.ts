// The slice-shared global phase of a HOP window aggregation (window-aggregate.ts, phase 'global'
// with `shared`): one group per key and slice, each partial added once, a window merging its
// slices when it fires, a slice freed after its last window. Every result is checked against a
// model worked out here in plain code (each partial added to each of its windows still open
// when it arrives), and against the per-window path (`shared` off) fed the same partials.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Batch } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { decodeSnapshot, encodeSnapshot, readStateFile } from '../../src/checkpoint/state-file.js';
import type { CowCapture } from '../../src/checkpoint/cow.js';
import { ctx } from './group-op-probe.js';
import { Session } from '../../src/sql/session.js';

const SIZE = 6000;
const SLIDE = 2000;
/** From a slice's end to its last window's end. */
const REACH = SIZE - SLIDE;
// the global phase's input: key, partial COUNT (merged by SUM0), partial SUM, partial MAX,
// records, slice start, slice end
const IN = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];
const AGGS = [
  { fn: 'sum0', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [2], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
  { fn: 'max', args: [3], distinct: false, filter: undefined, type: T.BIGINT, name: 'hi' },
] as const;
const OUT = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP];

function make(shared: boolean, c: OperatorContext = ctx(), fullEvery = 0): WindowAggregateOperator {
  const op = new WindowAggregateOperator({ kind: 'hop', size: SIZE, slide: SLIDE, offset: 0 }, -1, IN, [0], AGGS as never, OUT, 4096, { kind: 'global', start: 5, end: 6, records: 4, sliced: true, shared }, false, fullEvery);
  op.open(c);
  return op;
}

/** A partial row: key, slice end, count, sum, max (records = count). */
type Partial = readonly [number, number, number, number, number];

function batchOf(ps: readonly Partial[]): Batch {
  const col = (f: (p: Partial) => number, type = T.BIGINT) => ({ type, values: Float64Array.from(ps, f), nulls: null });
  return { length: ps.length, columns: [col((p) => p[0]), col((p) => p[2]), col((p) => p[3]), col((p) => p[4]), col((p) => p[2]), col((p) => p[1] - SLIDE, T.TIMESTAMP), col((p) => p[1], T.TIMESTAMP)], ops: null } as unknown as Batch;
}

/** Rows as `end|key|n|s|hi|start|time`. */
function lines(out: Collector): string[] {
  const r: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) r.push(`${b.columns[5]!.values[i]}|${b.columns[0]!.values[i]}|${b.columns[1]!.values[i]}|${b.columns[2]!.values[i]}|${b.columns[3]!.values[i]}|${b.columns[4]!.values[i]}|${b.columns[6]!.values[i]}`);
  return r.sort();
}

/** The model: (window end, key) -> [n, s, hi]; a partial goes into each of its windows still open. */
class Model {
  readonly groups = new Map<string, [number, number, number]>();
  wm = -Infinity;
  late = 0;
  add(ps: readonly Partial[]): void {
    for (const [k, se, c, s, hi] of ps) {
      let any = false;
      for (let e = se; e <= se + REACH; e += SLIDE) {
        if (e - 1 <= this.wm) continue;
        any = true;
        const id = `${e}|${k}`;
        const g = this.groups.get(id);
        if (g === undefined) this.groups.set(id, [c, s, hi]);
        else {
          g[0] += c;
          g[1] += s;
          g[2] = Math.max(g[2], hi);
        }
      }
      if (!any) this.late += c;
    }
  }
  /** The rows of the windows the watermark fires, as `lines` prints them. */
  fire(wm: number): string[] {
    this.wm = Math.max(this.wm, wm);
    const r: string[] = [];
    for (const [id, [n, s, hi]] of [...this.groups]) {
      const [e, k] = id.split('|').map(Number) as [number, number];
      if (e - 1 > this.wm) continue;
      this.groups.delete(id);
      r.push(`${e}|${k}|${n}|${s}|${hi}|${e - SIZE}|${e - 1}`);
    }
    return r.sort();
  }
}

function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
}

/**
 * Phases of partials, each followed by a watermark: slices around the watermark, some behind it
 * (their earlier windows fired: they count in the later ones only), some whose windows all fired
 * (late), several partials per key and slice (as from several local subtasks), 300 keys.
 */
function phases(seed: number, count = 12, first = 400): [Partial[], number][] {
  const rand = lcg(seed);
  return Array.from({ length: count }, (_, p) => {
    const now = 10_000 + p * 3000;
    const ps: Partial[] = [];
    // (`first` > 400: the first phase also fills slices up to 40 s ahead, for small deltas after it)
    if (p === 0) for (let i = 400; i < first; i++) ps.push([rand(3000), 12_000 + rand(20) * SLIDE, 1, 1, rand(1000)]);
    for (let i = 0; i < 400; i++) {
      const se = Math.floor(now / SLIDE) * SLIDE + (rand(7) - 4) * SLIDE;
      const c = 1 + rand(5);
      ps.push([rand(300), se, c, c * (1 + rand(100)), rand(1000)]);
    }
    return [ps, now - 1 + (p % 3) * 1000];
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('slice-shared global HOP phase', () => {
  it('a partial is added once, into its slice; a window merges its slices; a slice is freed after its last window', () => {
    const shared = make(true);
    const perWindow = make(false);
    const added = (op: WindowAggregateOperator): { rows: number } => {
      const count = { rows: 0 };
      const slots = (op as unknown as { slots: { add: (s: Int32Array, r: Int32Array, n: number, c: unknown) => void } }).slots;
      const add = slots.add.bind(slots);
      slots.add = (s, r, n, c) => {
        count.rows += n;
        add(s, r, n, c);
      };
      return count;
    };
    const a = added(shared);
    const b = added(perWindow);
    const model = new Model();
    // 50 keys in each of the slices ending at 2, 4 and 6 s; key 1 twice in the 4 s slice
    const ps: Partial[] = [];
    for (const se of [2000, 4000, 6000]) for (let k = 0; k < 50; k++) ps.push([k, se, 1 + (k % 3), k + se / 1000, k * 10 + se / 1000]);
    ps.push([1, 4000, 5, 500, 7]);
    for (const op of [shared, perWindow]) op.processBatch(batchOf(ps), new Collector());
    model.add(ps);
    expect(a.rows).toBe(151);
    expect(b.rows).toBe(3 * 151);
    // one group per key and slice, against one per key and window (windows ending 2 .. 10 s)
    expect(shared.stateEntries()).toBe(150);
    expect(perWindow.stateEntries()).toBe(250);
    const step = (wm: number, entries: number): void => {
      const want = model.fire(wm);
      const out = new Collector();
      shared.processWatermark(wm, out);
      const got = lines(out);
      expect(got).toEqual(want);
      const old = new Collector();
      perWindow.processWatermark(wm, old);
      expect(lines(old)).toEqual(want);
      expect(shared.stateEntries()).toBe(entries);
    };
    // the window ending at 2 s (the 2 s slice alone): no slice is done
    step(1999, 150);
    // the windows ending at 4 and 6 s; the 2 s slice's last window was 6 s: freed
    step(5999, 100);
    // the window ending at 6 s merged three slices: key 1 is 2 + (3 + 5) + 2 records
    expect(model.groups.size).toBe(100);
    step(7999, 50);
    step(9999, 0);
    expect(shared.stateEntries()).toBe(0);
    // a partial of a slice whose windows all fired is late; one whose first window fired counts in the rest
    const out = new Collector();
    shared.processBatch(batchOf([[3, 6000, 4, 4, 4], [4, 8000, 2, 2, 2]]), out);
    model.add([[3, 6000, 4, 4, 4], [4, 8000, 2, 2, 2]]);
    expect(model.late).toBe(4);
    shared.processWatermark(Infinity, out);
    expect(lines(out)).toEqual(model.fire(Infinity));
  });

  it('the window ending at 6 s merges its three slices per key (worked out by hand)', () => {
    const op = make(true);
    op.processBatch(batchOf([[7, 2000, 1, 10, 10], [7, 4000, 2, 20, 30], [8, 4000, 1, 5, 5], [7, 6000, 3, 1, 1], [7, 4000, 1, 2, 40]]), new Collector());
    const out = new Collector();
    op.processWatermark(5999, out);
    expect(lines(out)).toEqual([
      '2000|7|1|10|10|-4000|1999',
      '4000|7|4|32|40|-2000|3999',
      '4000|8|1|5|5|-2000|3999',
      '6000|7|7|33|40|0|5999',
      '6000|8|1|5|5|0|5999',
    ]);
    op.processWatermark(Infinity, out);
    expect(lines(out)).toEqual(['10000|7|3|1|1|4000|9999', '8000|7|6|23|40|2000|7999', '8000|8|1|5|5|2000|7999']);
  });

  it('random partials with late ones and moving watermarks equal the model and the per-window path', () => {
    for (const seed of [1, 2, 3]) {
      const shared = make(true);
      const perWindow = make(false);
      const model = new Model();
      for (const [ps, wm] of phases(seed)) {
        const b = batchOf(ps);
        const o1 = new Collector();
        const o2 = new Collector();
        shared.processBatch(b, o1);
        perWindow.processBatch(b, o2);
        model.add(ps);
        shared.processWatermark(wm, o1);
        perWindow.processWatermark(wm, o2);
        const want = model.fire(wm);
        expect(lines(o1)).toEqual(want);
        expect(lines(o2)).toEqual(want);
      }
      const o = new Collector();
      shared.processWatermark(Infinity, o);
      expect(lines(o)).toEqual(model.fire(Infinity));
      expect(model.late).toBeGreaterThan(0);
      expect((shared as unknown as { ctx: OperatorContext }).ctx.metrics.lateDropped).toBe(model.late);
      expect(shared.stateEntries()).toBe(0);
    }
  });

  for (const fullEvery of [0, 100]) {
    it(`${fullEvery === 0 ? 'full' : 'incremental'} snapshots restore at parallelism 1, 2 and 3 and go on as the model`, () => {
      const all = phases(7, 14, 8000);
      const op = make(true, ctx(), fullEvery);
      const model = new Model();
      const snaps: OperatorSnapshot[] = [];
      const deltaOf: (number | undefined)[] = [];
      const cut = 7;
      all.slice(0, cut).forEach(([ps, wm], i) => {
        op.processBatch(batchOf(ps), new Collector());
        model.add(ps);
        op.processWatermark(wm, new Collector());
        model.fire(wm);
        // (through an encoded state file, as a checkpoint)
        const snap = op.snapshot(i + 1);
        deltaOf.push(snap.deltaOf);
        snaps.push(decodeSnapshot(encodeSnapshot(snap), 'x'));
        op.notifyCheckpointComplete(i + 1);
      });
      // the chain: the last full snapshot and the deltas after it (the policy takes a full one when a delta would be large)
      let from = snaps.length - 1;
      while (deltaOf[from] !== undefined) from--;
      if (fullEvery > 0) expect(snaps.length - from).toBeGreaterThanOrEqual(5);
      const keyed = (): Map<number, unknown[]> => new Map([[-1, snaps.slice(from).flatMap((s) => s.keyed.get(-1)!)]]);
      const states = [snaps[snaps.length - 1]!.operator];
      // the rest of the input (with partials late against the restored watermark) after the restore
      const rest = (ops: WindowAggregateOperator[]): string[] => {
        const got: string[] = [];
        for (const [ps, wm] of all.slice(cut)) {
          for (const o of ops) {
            const out = new Collector();
            // each subtask gets its keys' partials (the hash exchange); the model routes none
            o.processBatch(batchOf(ps.filter((p) => ops.length === 1 || owns(o, p[0]))), out);
            o.processWatermark(wm, out);
            got.push(...lines(out));
          }
        }
        for (const o of ops) {
          const out = new Collector();
          o.processWatermark(Infinity, out);
          got.push(...lines(out));
        }
        return got.sort();
      };
      const expected = ((): string[] => {
        const want: string[] = [];
        for (const [ps, wm] of all.slice(cut)) {
          model.add(ps);
          want.push(...model.fire(wm));
        }
        want.push(...model.fire(Infinity));
        return want.sort();
      })();
      expect(expected.length).toBeGreaterThan(500);
      for (const p of [1, 2, 3]) {
        const ops = Array.from({ length: p }, (_, s) => make(true, ctx(s, p), fullEvery));
        for (const o of ops) o.restore(keyed(), states);
        expect(rest(ops)).toEqual(expected);
      }
    });
  }

  it('a checkpoint of the other layout is refused, not misread', () => {
    const [[ps, wm]] = phases(3, 1) as [[Partial[], number]];
    const byWindow = make(false);
    const bySlice = make(true);
    for (const o of [byWindow, bySlice]) {
      o.processBatch(batchOf(ps), new Collector());
      o.processWatermark(wm, new Collector());
    }
    const w = byWindow.snapshot(1);
    const s = bySlice.snapshot(1);
    expect(() => make(true).restore(w.keyed, [w.operator])).toThrow(/state is by window, this plan keeps it by HOP slice/);
    expect(() => make(false).restore(s.keyed, [s.operator])).toThrow(/state is by HOP slice \(slice-shared\), this plan keeps it by window/);
    make(true).restore(s.keyed, [s.operator]);
  });

  it('a copy-on-write snapshot keeps the state at the barrier while windows merge into their oldest slice', async () => {
    const op = make(true, { ...ctx(), cowSnapshots: true });
    const twin = make(true);
    const model = new Model();
    const all = phases(11, 10);
    for (const [ps, wm] of all.slice(0, 5)) {
      for (const o of [op, twin]) {
        o.processBatch(batchOf(ps), new Collector());
        o.processWatermark(wm, new Collector());
      }
      model.add(ps);
      model.fire(wm);
    }
    const atBarrier = new Map([...model.groups].map(([k, g]) => [k, [...g] as [number, number, number]]));
    const snap = op.snapshot(1);
    const copy = twin.snapshot(1);
    expect(snap.cow).toBeDefined();
    const capture = snap.cow as CowCapture;
    const dir = mkdtempSync(join(tmpdir(), 'weir-hop-slices-'));
    dirs.push(dir);
    const writer = new StateWriter(dir);
    const written = writer.write(1, '1-window-aggregate', 0, snap);
    // before the writer takes any block: windows fire (merging into their oldest slices' groups), more partials
    for (const [ps, wm] of all.slice(5)) {
      op.processBatch(batchOf(ps), new Collector());
      op.processWatermark(wm, new Collector());
    }
    const handle = await written;
    await writer.close();
    expect(capture.done).toBe(true);
    const file = readStateFile(join(dir, 'chk-1', handle.file));
    expect(Buffer.compare(encodeSnapshot(file), encodeSnapshot(copy))).toBe(0);
    const restored = make(true);
    restored.restore(file.keyed, file.operator === null ? [] : [file.operator]);
    const out = new Collector();
    restored.processWatermark(Infinity, out);
    const m = new Model();
    for (const [k, g] of atBarrier) m.groups.set(k, g);
    m.wm = model.wm;
    expect(lines(out)).toEqual(m.fire(Infinity));
  });
});

/** Whether subtask `o` owns key `k`'s key group. */
function owns(o: WindowAggregateOperator, k: number): boolean {
  const c = (o as unknown as { ctx: OperatorContext }).ctx;
  const slots = (o as unknown as { slots: { keys: { keyGroupOfRow: (b: Batch, r: number, m: number) => number } } }).slots;
  const g = slots.keys.keyGroupOfRow(batchOf([[k, 0, 0, 0, 0]]), 0, c.maxParallelism);
  return g >= c.keyGroups.start && g < c.keyGroups.end;
}

describe('planning slice sharing', () => {
  const explain = (select: string, parallelism = 2): string => {
    const ddl = `CREATE TABLE bid (auction BIGINT, price BIGINT, channel STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');\n`;
    const res = new Session().executeScript({ name: 't.sql', text: `${ddl}SET 'parallelism.default' = '${parallelism}';\nEXPLAIN ${select};` }).map((r) => r.result);
    const ex = res[res.length - 1];
    if (ex?.kind !== 'explain') throw new Error(`no explain: ${JSON.stringify(ex)}`);
    return ex.text.split('\n').find((l) => l.includes('GlobalWindowAggregate'))!;
  };
  const hop = (aggs: string, slide = 2, size = 10): string =>
    `SELECT auction, ${aggs} FROM TABLE(HOP(TABLE bid, DESCRIPTOR(ts), INTERVAL '${slide}' SECOND, INTERVAL '${size}' SECOND)) GROUP BY auction, window_start, window_end`;

  it('COUNT, SUM and AVG over integers, MIN and MAX share slices; a DOUBLE SUM, LAST_VALUE or a HOP whose slide is its size do not (a HOP size is always a multiple of its slide in weir)', () => {
    for (const p of [1, 2]) expect(explain(hop('COUNT(*), SUM(price), AVG(price), MIN(channel), MAX(price)'), p)).toContain('slices=2s, shared,');
    expect(explain(hop('SUM(CAST(price AS DOUBLE))'))).toMatch(/slices=2s, groupBy/);
    expect(explain(hop('COUNT(*), LAST_VALUE(price)'))).toMatch(/slices=2s, groupBy/);
    expect(explain(hop('COUNT(*)', 2, 2))).not.toContain('slices=');
  });
});
