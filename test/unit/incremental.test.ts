// Incremental checkpoints: the group aggregate's deltas restored (at the same and at another
// parallelism) give the state an uninterrupted operator has; chains in storage (a corrupt
// file anywhere makes a checkpoint unusable, restore falls back and names the file);
// retention keeps exactly the files retained checkpoints refer to.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { batchFromRows, columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import type { Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { CheckpointStorage } from '../../src/checkpoint/storage.js';
import type { CheckpointMetadata, StateHandle } from '../../src/checkpoint/storage.js';
import { loadCheckpoint } from '../../src/checkpoint/restore.js';
import { listCheckpoints } from '../../src/cli/main.js';
import { Writable } from 'node:stream';

const ctx = (start = 0, end = 128): OperatorContext => ({ operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start, end }, metrics: newMetrics() });
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;
const make = (fullEvery: number): GroupAggregateOperator =>
  // an updating input (retractions delete groups, so slots are freed and reused by other keys)
  new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS as never, true, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, fullEvery);

function batch(rows: readonly (readonly [number, number])[], ops: readonly number[]): Batch {
  return { length: rows.length, columns: [0, 1].map((c) => columnFromScalars(T.BIGINT, rows.map((r) => r[c]!))), ops: Uint8Array.from(ops) } as unknown as Batch;
}

function drain(out: Collector): string[] {
  const lines: string[] = [];
  for (const b of out.drain()) for (let i = 0; i < b.length; i++) lines.push(`${ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3]}[${b.columns.map((c) => String(c.values[i])).join(', ')}]`);
  return lines;
}

/** Seeded phases of input: inserts, updates of a few keys, deletions of whole groups, new keys. */
function phases(): Batch[] {
  let x = 7;
  const rand = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const live = new Map<number, number[]>();
  const out: Batch[] = [];
  for (let p = 0; p < 5; p++) {
    const rows: [number, number][] = [];
    const ops: number[] = [];
    const add = (k: number, v: number): void => {
      rows.push([k, v]);
      ops.push(0);
      if (!live.has(k)) live.set(k, []);
      live.get(k)!.push(v);
    };
    if (p === 0) for (let k = 0; k < 2000; k++) add(k, k % 17);
    else {
      for (let i = 0; i < 40; i++) add(rand(2000), rand(100));
      // delete ~10 whole groups (their slots are freed), then add keys never seen (they reuse the slots)
      for (let i = 0; i < 10; i++) {
        const k = rand(2000);
        for (const v of live.get(k) ?? []) {
          rows.push([k, v]);
          ops.push(3);
        }
        live.delete(k);
      }
      for (let i = 0; i < 10; i++) add(10_000 * p + i, i);
    }
    out.push(batch(rows, ops));
  }
  return out;
}

/** The state an operator holds, made visible: one more row for every key that ever existed. */
function probe(op: GroupAggregateOperator): string[] {
  const keys: [number, number][] = [];
  for (let k = 0; k < 2000; k++) keys.push([k, 1]);
  for (let p = 1; p < 5; p++) for (let i = 0; i < 10; i++) keys.push([10_000 * p + i, 1]);
  const out = new Collector();
  op.processBatch(batch(keys, keys.map(() => 0)), out);
  return drain(out).sort();
}

describe('group aggregate deltas', () => {
  it('full snapshot, then deltas, restored at parallelism 1 and 2, equals the uninterrupted state', () => {
    const input = phases();
    const reference = make(0);
    reference.open(ctx());
    for (const b of input) reference.processBatch(b, new Collector());

    const op = make(100);
    op.open(ctx());
    const snaps: OperatorSnapshot[] = [];
    input.forEach((b, i) => {
      op.processBatch(b, new Collector());
      snaps.push(op.snapshot(i + 1));
      op.notifyCheckpointComplete(i + 1);
    });
    expect(snaps[0]!.deltaOf).toBeUndefined();
    expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4]);
    // a delta holds the changed slots only (about 60 of 2000)
    const d = snaps[2]!.keyed.get(-1)![0] as { slots: Int32Array };
    expect(d.slots.length).toBeGreaterThan(30);
    expect(d.slots.length).toBeLessThan(100);

    // the chain's entries in order, as storage hands them to restore
    const chain = (): Map<number, unknown[]> => new Map([[-1, snaps.flatMap((s) => s.keyed.get(-1)!)]]);
    const want = probe(reference);
    const one = make(100);
    one.open(ctx());
    one.restore(chain());
    expect(probe(one)).toEqual(want);
    const lo = make(100);
    const hi = make(100);
    lo.open(ctx(0, 64));
    hi.open(ctx(64, 128));
    lo.restore(chain());
    hi.restore(chain());
    // every group restored by exactly one of the two (its key group's owner), with its state:
    // the probe's -U rows show the restored groups
    const restored = [...probe(lo), ...probe(hi)].filter((r) => r.startsWith('-U')).sort();
    expect(restored).toEqual(want.filter((r) => r.startsWith('-U')));
    expect(restored.length).toBeGreaterThan(1900);
    // the base alone is not the state (the deltas matter)
    const base = make(100);
    base.open(ctx());
    base.restore(new Map([[-1, snaps[0]!.keyed.get(-1)!]]));
    expect(probe(base)).not.toEqual(want);
  });

  it('columnar accumulator state in deltas: FILTER, SUM and MIN/MAX beyond 2^53, DECIMAL SUM and AVG beyond 2^53 units', () => {
    // append-only input (k, v BIGINT, d DECIMAL(15, 2), f BOOLEAN); the aggregates whose state is
    // typed arrays save a delta in that form (saveSome), including the exact values kept beside
    // the arrays: sums and extremes beyond ±(2^53-1), DECIMAL sums beyond 2^53 cents
    const types = [T.BIGINT, T.BIGINT, T.decimal(15, 2), T.BOOLEAN];
    const aggs = [
      { fn: 'count_star', args: [], distinct: false, filter: 3, type: T.BIGINT, name: 'nf' },
      { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
      { fn: 'min', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 'lo' },
      { fn: 'max', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 'hi' },
      { fn: 'sum', args: [2], distinct: false, filter: undefined, type: T.decimal(38, 2), name: 'sd' },
      { fn: 'avg', args: [2], distinct: false, filter: undefined, type: T.decimal(38, 6), name: 'ad' },
    ];
    const out = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.decimal(38, 2), T.decimal(38, 6)];
    const mk = (fullEvery: number): GroupAggregateOperator => new GroupAggregateOperator(types, [0], aggs as never, false, out, 4096, 0, fullEvery);
    const big = 2n ** 62n;
    const phase = (p: number): Batch => {
      const rows: Scalar[][] = [];
      for (let k = 0; k < 300; k++) {
        if (p > 0 && k % 7 !== p) continue; // later phases touch a few keys
        const wide = k % 5 === 0;
        rows.push([k, wide ? big + BigInt(k * 1000 + p) : k * 10 + p, wide ? '9000000000000.25' : `${k}.0${p}`, (k + p) % 3 === 0]);
        if (wide) for (let j = 0; j < 6; j++) rows.push([k, -big - BigInt(p), '8999999999999.75', true]); // DECIMAL sum past 2^53 cents
      }
      return batchFromRows(types, rows);
    };
    const reference = mk(0);
    reference.open(ctx());
    const op = mk(100);
    op.open(ctx());
    const snaps: OperatorSnapshot[] = [];
    for (let p = 0; p < 5; p++) {
      const b = phase(p);
      reference.processBatch(b, new Collector());
      op.processBatch(b, new Collector());
      snaps.push(op.snapshot(p + 1));
      op.notifyCheckpointComplete(p + 1);
    }
    expect(snaps.slice(1).map((s) => s.deltaOf)).toEqual([1, 2, 3, 4]);
    // the deltas hold these accumulators columnar
    const d = snaps[1]!.keyed.get(-1)![0] as { accs: unknown[] };
    expect(d.accs.every((a) => !Array.isArray(a) && (a as { some?: unknown }).some !== undefined)).toBe(true);
    const state = (o: GroupAggregateOperator): string[] => {
      // one more row per key: the -U rows show each group's state
      const probeRows: Scalar[][] = [];
      for (let k = 0; k < 300; k++) probeRows.push([k, 0, '0.00', false]);
      const c = new Collector();
      o.processBatch(batchFromRows(types, probeRows), c);
      const lines: string[] = [];
      for (const b of c.drain()) for (let i = 0; i < b.length; i++) if (b.ops?.[i] === 1) lines.push(b.columns.map((col) => String(col.nulls?.[i] === 1 ? null : col.values[i])).join(','));
      return lines.sort();
    };
    const want = state(reference);
    expect(want.length).toBe(300);
    expect(want.some((l) => l.includes(String(big)))).toBe(true);
    const restored = mk(100);
    restored.open(ctx());
    restored.restore(new Map([[-1, snaps.flatMap((s) => s.keyed.get(-1)!)]]));
    expect(state(restored)).toEqual(want);
  });

  it('a full snapshot when the previous checkpoint did not complete, for a savepoint, and every N', () => {
    const op = make(3);
    op.open(ctx());
    const b = batch([[1, 1]], [0]);
    const kinds: (number | undefined)[] = [];
    const step = (id: number, complete: boolean, savepoint = false): void => {
      op.processBatch(b, new Collector());
      kinds.push(op.snapshot(id, savepoint).deltaOf);
      if (complete) op.notifyCheckpointComplete(id);
    };
    step(1, true); // first: full
    step(2, true); // delta of 1
    step(3, true); // third in the chain: full (every 3)
    step(4, false); // delta of 3; checkpoint 4 fails
    step(5, true); // full: 4 did not complete
    step(6, true, true); // savepoint: full
    step(7, true); // delta of 6
    expect(kinds).toEqual([undefined, 1, undefined, 3, undefined, undefined, 6]);
  });
});

describe('chains in storage', () => {
  const snap = (entries: unknown[], op: unknown, deltaOf?: number): OperatorSnapshot => ({ keyed: new Map([[-1, entries]]), operator: op, ...(deltaOf !== undefined ? { deltaOf } : {}) });

  /** chk-1 full, 2 and 3 deltas; chk-4 full, 5 delta: metadata composed as the runner does. */
  async function build(): Promise<{ dir: string; st: CheckpointStorage; metas: CheckpointMetadata[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'weir-incr-'));
    const st = new CheckpointStorage(dir);
    const metas: CheckpointMetadata[] = [];
    let chain: StateHandle['chain'] = [];
    for (let id = 1; id <= 5; id++) {
      const full = id === 1 || id === 4;
      const h = await st.writeState(id, '1-agg', 0, snap([`e${id}`], { at: id }, full ? undefined : id - 1));
      const own = { path: `chk-${id}/${h.file}`, bytes: h.bytes, checksum: h.checksum! };
      chain = full ? [own] : [...chain!, own];
      const meta: CheckpointMetadata = { version: 2, checkpointId: id, savepoint: false, incremental: !full, fingerprint: 'f', maxParallelism: 128, triggeredAt: 0, completedAt: 0, durationMs: 0, alignmentMs: 0, states: [{ ...h, chain }], operators: [] };
      st.writeMetadata(meta);
      metas.push(meta);
    }
    return { dir, st, metas };
  }
  const plan = { fingerprint: 'f', maxParallelism: 128, operatorIds: new Set(['1-agg']) };

  it('a chain loads as the base entries then each delta, with the newest operator state', async () => {
    const { dir, st } = await build();
    const l = st.load(3);
    expect(l.operators.get('1-agg')![0]!.keyed.get(-1)).toEqual(['e1', 'e2', 'e3']);
    expect(l.operators.get('1-agg')![0]!.operator).toEqual({ at: 3 });
    expect(st.load(5).operators.get('1-agg')![0]!.keyed.get(-1)).toEqual(['e4', 'e5']);
    expect(readdirSync(join(dir, 'chk-2'))).toContain('1-agg-0.delta');
    rmSync(dir, { recursive: true });
  });

  it('a corrupt base file of an earlier checkpoint: the checkpoints that need it are skipped, naming it; restore falls back', async () => {
    const { dir } = await build();
    const base = join(dir, 'chk-4', '1-agg-0.state');
    const buf = readFileSync(base);
    buf[buf.length >> 1]! ^= 0x10;
    writeFileSync(base, buf);
    const l = loadCheckpoint('latest', dir, plan, false);
    expect(l.id).toBe(3);
    expect(l.skipped.map((s) => s.id)).toEqual([5, 4]);
    expect(l.skipped[0]!.reason).toContain(`${base} fails its checksum`);
    expect(l.operators.get('1-agg')![0]!.keyed.get(-1)).toEqual(['e1', 'e2', 'e3']);
    // a missing file of the chain: named too
    rmSync(join(dir, 'chk-2', '1-agg-0.delta'));
    expect(() => loadCheckpoint(join(dir, 'chk-3'), dir, plan, false)).toThrow(`${join(dir, 'chk-2', '1-agg-0.delta')} is missing (a file of an earlier checkpoint chk-3 refers to)`);
    rmSync(dir, { recursive: true });
  });

  it('retention deletes a file only when no retained checkpoint refers to it', async () => {
    const { dir, st } = await build();
    // keep 5 only: it needs chk-4's base; chk-1..3 go entirely; chk-4 loses its _metadata
    st.retain(1, 6);
    expect(existsSync(join(dir, 'chk-1'))).toBe(false);
    expect(existsSync(join(dir, 'chk-3'))).toBe(false);
    expect(readdirSync(join(dir, 'chk-4'))).toEqual(['1-agg-0.state']);
    expect(st.latest().id).toBe(5);
    expect(st.load(5).operators.get('1-agg')![0]!.keyed.get(-1)).toEqual(['e4', 'e5']);
    rmSync(dir, { recursive: true });
  });

  it('weir checkpoints: each checkpoint\'s own size and the size it refers to; a dropped one kept for its files', async () => {
    const { dir, st, metas } = await build();
    st.retain(1, 6);
    let out = '';
    const sink = new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) });
    listCheckpoints(dir, { out: sink, err: sink });
    const own = (id: number): number => metas[id - 1]!.states[0]!.bytes;
    const kib = (b: number): string => `${b} B`;
    expect(out).toMatch(/│ checkpoint │ status +│ .*│ size +│ refers to +│ state per operator/);
    expect(out).toMatch(new RegExp(`│ chk-4 +│ dropped +│.*no longer retained; kept for the files chk-5 refers to`));
    expect(out).toMatch(new RegExp(`│ chk-5 +│ incremental +│.*│ ${kib(own(5))} +│ ${kib(own(4) + own(5))} +│`));
    rmSync(dir, { recursive: true });
  });

  it('keep 2 of a chain: the files of 3 that 4 and 5 do not need go, 2 stays for 3', async () => {
    const { dir, st } = await build();
    st.retain(3, 6); // keeps 3, 4, 5; 3 needs 1 and 2
    expect(readdirSync(join(dir, 'chk-1'))).toEqual(['1-agg-0.state']);
    expect(readdirSync(join(dir, 'chk-2'))).toEqual(['1-agg-0.delta']);
    expect(st.load(3).operators.get('1-agg')![0]!.keyed.get(-1)).toEqual(['e1', 'e2', 'e3']);
    rmSync(dir, { recursive: true });
  });
});
