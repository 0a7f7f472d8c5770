// State at scale (issue 14 item 4): bytes per key of weir's keyed state, live and at a
// checkpoint's peak, for an updating aggregate with a BIGINT key and with a STRING key, a
// regular join and a Top-N. Run: npx tsc -p tsconfig.json && node --expose-gc dist/bench/state-scale.js [keys] [eager|cow] [workload name part]
//
// Each workload is a real query planned by a Session; the job is built (new Job, with a
// checkpoint directory, as `weir run` with checkpoints: its operators may take copy-on-write
// snapshots, checkpoint/cow.ts) and opened, and its stateful operator is fed batches of `keys`
// distinct keys directly (one row per key; Top-N: three rows per key), so only the operator's
// own structures are counted, not channels or sources. Live: JS heap + array buffers after a
// full GC, minus before the input batches were made (they are dropped before measuring; key
// strings the state keeps count), per key.
//
// Checkpoint peak: a checkpoint as the job takes it at a barrier: the operator's snapshot
// (copy-on-write where the operator supports it), written by a StateWriter (the writer thread,
// which takes a copy-on-write snapshot's columns block by block). The same measure is sampled
// right after the snapshot and then every few milliseconds until the file is written; the peak
// is the largest sample, per key. What the snapshot sends the writer thread without transfer
// (plain arrays: string columns) is copied into that thread's heap, which this thread cannot
// measure: the bench holds a structuredClone of those parts for the write's duration, which
// costs what the writer's copy costs. Transferred buffers stay counted here (array buffers are
// accounted to the allocator that made them). `eager`: the job is built without the
// copy-on-write option (every snapshot copies the state at the barrier, as before it existed).
// Also the state file's bytes per key, and the CPU time (every thread) of a second checkpoint
// written by the same writer, not sampled.

import { cloneCopied, heapAfterGc } from './common.js';
import { Session } from '../src/sql/session.js';
import { Job } from '../src/exec/job.js';
import type { PhysicalPlan } from '../src/plan/physical.js';
import type { LogicalPlan } from '../src/plan/logical.js';
import type { Batch, Scalar } from '../src/common/batch.js';
import { columnFromScalars } from '../src/common/batch.js';
import { StateWriter } from '../src/checkpoint/state-writer.js';
import type { OperatorSnapshot } from '../src/exec/operator.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobOptionsFrom } from '../src/exec/job-runner.js';


interface Workload {
  readonly name: string;
  readonly sql: string;
  /** The value of input column `c` for row `i` of the key `k` (`input`: which input of a join). */
  readonly row: (k: number, i: number, input: number) => Scalar[];
  readonly rowsPerKey: number;
  /** Inputs fed (a join: the left side only, so nothing matches and nothing is emitted). */
  readonly inputs: readonly number[];
}

const DDL = `CREATE TABLE t (k BIGINT, s STRING, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE u (k BIGINT, w BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
`;

const WORKLOADS: Workload[] = [
  {
    name: 'updating aggregate, BIGINT key: GROUP BY k (COUNT(*), SUM(v))',
    sql: `CREATE TABLE o (k BIGINT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, COUNT(*), SUM(v) FROM t GROUP BY k;`,
    row: (k) => [k, null, k * 3],
    rowsPerKey: 1,
    inputs: [0],
  },
  {
    name: "updating aggregate, STRING key: GROUP BY s (COUNT(*), SUM(v)), keys 'key-<n>' (10-14 chars)",
    sql: `CREATE TABLE o (s STRING, n BIGINT, x BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT s, COUNT(*), SUM(v) FROM t GROUP BY s;`,
    row: (k) => [k, `key-${k}`, k * 3],
    rowsPerKey: 1,
    inputs: [0],
  },
  {
    name: 'regular join state: t JOIN u ON t.k = u.k, one row (k, s, v) per key on the left',
    sql: `CREATE TABLE o (k BIGINT, s STRING, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT t.k, t.s, t.v, u.w FROM t JOIN u ON t.k = u.k;`,
    row: (k) => [k, `key-${k}`, k * 3],
    rowsPerKey: 1,
    inputs: [0],
  },
  {
    name: 'Top-N: ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) <= 3, three rows per key',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, rn BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, rn FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 3;`,
    row: (k, i) => [k, null, i],
    rowsPerKey: 3,
    inputs: [0],
  },
];

function plan(sql: string): { plan: PhysicalPlan; session: Session } {
  const session = new Session();
  const sinks: LogicalPlan[] = [];
  for (const { result } of session.executeScript({ name: 'bench.sql', text: DDL + sql })) if (result.kind === 'insert') sinks.push(...result.sinks);
  return { plan: session.physicalPlan(sinks, [], 1), session };
}

export interface ScaleResult {
  readonly name: string;
  readonly keys: number;
  readonly live: number;
  readonly peak: number;
  readonly file: number;
  /** Whether the checkpoint's snapshot was copy-on-write. */
  readonly cow: boolean;
  /** CPU ms of a second checkpoint (not sampled), every thread. */
  readonly cpu: number;
}

/** A checkpoint of `op` as the job takes it: the snapshot, then its write; returns the peak memory and the file's bytes. */
async function checkpoint(op: { snapshot?: (id: number) => OperatorSnapshot | Promise<OperatorSnapshot> }, writer: StateWriter): Promise<{ peak: number; bytes: number; cow: boolean }> {
  const snap = await op.snapshot!(1);
  const cow = snap.cow !== undefined;
  const writerCopy = cloneCopied(snap.keyed);
  let peak = heapAfterGc();
  let done = false;
  const written = writer.write(1, 'bench', 0, snap).finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setTimeout(r, 5));
    peak = Math.max(peak, heapAfterGc());
  }
  const handle = await written;
  void writerCopy;
  return { peak, bytes: handle.bytes, cow };
}

/** The CPU time (ms, every thread of the process) of one more checkpoint, from the snapshot until its file is written. */
async function checkpointCpu(op: { snapshot?: (id: number) => OperatorSnapshot | Promise<OperatorSnapshot> }, writer: StateWriter): Promise<number> {
  // (the writer thread is unref'd: a timer keeps this process alive until it answers)
  const alive = setInterval(() => {}, 1000);
  const t = process.cpuUsage();
  await writer.write(2, 'bench', 0, await op.snapshot!(2));
  const u = process.cpuUsage(t);
  clearInterval(alive);
  return (u.user + u.system) / 1000;
}

async function measure(w: Workload, keys: number, eager: boolean): Promise<ScaleResult> {
  const { plan: p, session } = plan(w.sql);
  const dir = mkdtempSync(join(tmpdir(), 'weir-state-scale-'));
  const job = new Job(p, { ...jobOptionsFrom(session.options, { jobId: 'bench' }), checkpointDir: eager ? undefined : dir });
  await job.open();
  const c = job.tasks.flatMap((t) => t.chain).find((x) => x.op.stateEntries !== undefined);
  if (c === undefined) throw new Error(`${w.name}: no stateful operator`);
  const node = p.nodes.find((n) => n.name === c.ctx.operatorId)!;
  // measured from before the batches exist to after they are dropped: everything the operator
  // keeps counts, the key strings it shares with the input included
  const before = heapAfterGc();
  const batches: [number, Batch][] = [];
  for (const input of w.inputs) {
    const schema = p.nodes[node.inputs[input]!.from]!.schema;
    for (let from = 0; from < keys; from += 4096) {
      const rows: Scalar[][] = [];
      for (let k = from; k < Math.min(keys, from + 4096); k++) for (let i = 0; i < w.rowsPerKey; i++) rows.push(w.row(k, i, input));
      // the operator's input columns by name (its input may be a projection of t)
      const full = ['k', 's', 'v'];
      const columns = schema.map((f) => {
        const at = full.indexOf(f.name);
        return columnFromScalars(f.type, rows.map((r) => (at < 0 ? null : r[at]!)));
      });
      batches.push([input, { length: rows.length, columns, ops: null }]);
    }
  }
  for (const [input, b] of batches) {
    await c.op.processBatch(b, c.out, input);
    c.out.drain();
  }
  batches.length = 0;
  const live = heapAfterGc();
  const entries = c.op.stateEntries!();
  const writer = new StateWriter(dir);
  const cp = await checkpoint(c.op, writer);
  const cpu = await checkpointCpu(c.op, writer);
  await writer.close();
  const result = { name: w.name, keys, live: (live - before) / keys, peak: (cp.peak - before) / keys, file: cp.bytes / keys, cow: cp.cow, cpu };
  if (w.rowsPerKey === 1 && entries !== keys) throw new Error(`${w.name}: ${entries} entries in state, expected ${keys}`);
  job.cancel();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

export async function measureStateScale(keys: number, eager = false, only = ''): Promise<ScaleResult[]> {
  const out: ScaleResult[] = [];
  for (const w of WORKLOADS) if (w.name.includes(only)) out.push(await measure(w, keys, eager));
  return out;
}

if (process.argv[1]?.endsWith('state-scale.js')) {
  const keys = Number(process.argv[2] ?? 1_000_000);
  const results = await measureStateScale(keys, process.argv[3] === 'eager', process.argv[4] ?? '');
  console.log(`| state | keys | live bytes per key | checkpoint peak bytes per key | peak / live | state file bytes per key | snapshot | checkpoint CPU ms |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const r of results) console.log(`| ${r.name} | ${r.keys.toLocaleString('en-US')} | ${r.live.toFixed(0)} | ${r.peak.toFixed(0)} | ${(r.peak / r.live).toFixed(2)} | ${r.file.toFixed(0)} | ${r.cow ? 'copy-on-write' : 'copy'} | ${r.cpu.toFixed(0)} |`);
}
