// State at scale (issue 14 item 4): bytes per key of weir's keyed state, live and at a
// checkpoint's peak, for an updating aggregate with a BIGINT key and with a STRING key, a
// regular join and a Top-N. Run: npx tsc -p tsconfig.json && node --expose-gc dist/bench/state-scale.js [keys]
//
// Each workload is a real query planned by a Session; the job is built (new Job) and opened,
// and its stateful operator is fed batches of `keys` distinct keys directly (one row per key;
// Top-N: three rows per key), so only the operator's own structures are counted, not
// channels or sources. Live: JS heap + array buffers after a full GC, minus before the input
// batches were made (they are dropped before measuring; key strings the state keeps count),
// per key. Checkpoint peak: the same with the operator's snapshot and its encoded bytes held
// (what a checkpoint holds at once on the thread that takes it), per key. Also the encoded
// state file's bytes per key.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Session } from '../src/sql/session.js';
import { Job } from '../src/exec/job.js';
import type { PhysicalPlan } from '../src/plan/physical.js';
import type { LogicalPlan } from '../src/plan/logical.js';
import type { Batch, Scalar } from '../src/common/batch.js';
import { columnFromScalars } from '../src/common/batch.js';
import { encodeSnapshotParts } from '../src/checkpoint/storage.js';
import { jobOptionsFrom } from '../src/exec/job-runner.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memory(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

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
}

async function measure(w: Workload, keys: number): Promise<ScaleResult> {
  const { plan: p, session } = plan(w.sql);
  const job = new Job(p, { ...jobOptionsFrom(session.options, { jobId: 'bench' }), checkpointDir: undefined });
  await job.open();
  const c = job.tasks.flatMap((t) => t.chain).find((x) => x.op.stateEntries !== undefined);
  if (c === undefined) throw new Error(`${w.name}: no stateful operator`);
  const node = p.nodes.find((n) => n.name === c.ctx.operatorId)!;
  // measured from before the batches exist to after they are dropped: everything the operator
  // keeps counts, the key strings it shares with the input included
  const before = memory();
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
  const live = memory();
  const entries = c.op.stateEntries!();
  const snap = await c.op.snapshot!(1);
  const enc = encodeSnapshotParts(snap);
  const peak = memory();
  const result = { name: w.name, keys, live: (live - before) / keys, peak: (peak - before) / keys, file: enc.bytes / keys };
  if (w.rowsPerKey === 1 && entries !== keys) throw new Error(`${w.name}: ${entries} entries in state, expected ${keys}`);
  void snap;
  job.cancel();
  return result;
}

export async function measureStateScale(keys: number): Promise<ScaleResult[]> {
  const out: ScaleResult[] = [];
  for (const w of WORKLOADS) out.push(await measure(w, keys));
  return out;
}

if (process.argv[1]?.endsWith('state-scale.js')) {
  const keys = Number(process.argv[2] ?? 1_000_000);
  const results = await measureStateScale(keys);
  console.log(`| state | keys | live bytes per key | checkpoint peak bytes per key | state file bytes per key |`);
  console.log(`|---|---|---|---|---|`);
  for (const r of results) console.log(`| ${r.name} | ${r.keys.toLocaleString('en-US')} | ${r.live.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.file.toFixed(0)} |`);
}
