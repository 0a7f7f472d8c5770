// Checkpoint peak memory of the stateful operators other than the updating aggregate and the
// joins (issue 14; bench/state-scale.ts has those): window aggregates, SESSION windows, Top-N,
// deduplication and OVER aggregates. Run:
//   npx tsc -p tsconfig.json && node --expose-gc dist/bench/state-scale-ops.js [keys] [name filter]
//
// Each workload is a real query planned by a Session; the job is built (new Job, with a
// checkpoint directory, so its operators' context is the one a checkpointing job gives them:
// copy-on-write snapshots allowed) and opened, and its stateful operator is fed batches of `keys`
// distinct keys directly (no watermark: every window stays open), so only the operator's own
// structures count. Then a checkpoint of it is taken as a job takes one at a barrier: snapshot(),
// and the snapshot written by a StateWriter (the state writer thread) while this thread goes on.
//
// Figures per key, all after a full GC, minus the memory before the input batches were made:
// - live: the state alone;
// - barrier: the state with the snapshot just taken held (what the synchronous part keeps);
// - peak: the highest of samples taken every event-loop turn while the writer writes (GC'd; the
//   blocks a copy-on-write snapshot has in flight count, those transferred to the writer thread
//   do not: at most 16 MiB). What the snapshot sends the writer thread without transfer (rows,
//   strings, plain arrays) is copied into that thread's heap, which this thread cannot measure:
//   as bench/state-scale.ts does, a copy of those parts is held while the file is written;
// - file: the state file's bytes.

import { cloneCopied, heapAfterGc } from './common.js';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../src/sql/session.js';
import { Job } from '../src/exec/job.js';
import type { PhysicalPlan } from '../src/plan/physical.js';
import type { LogicalPlan } from '../src/plan/logical.js';
import type { Batch, Scalar } from '../src/common/batch.js';
import { columnFromScalars } from '../src/common/batch.js';
import { jobOptionsFrom } from '../src/exec/job-runner.js';
import { StateWriter } from '../src/checkpoint/state-writer.js';


interface Workload {
  readonly name: string;
  readonly sql: string;
  /** Input row `i` of key `k`: (k, s, v, ts). */
  readonly row: (k: number, i: number) => Scalar[];
  readonly rowsPerKey: number;
  /** Inputs fed every row (default 1: the first only; 2: a join's both sides). */
  readonly inputs?: number;
  /** The watermark fed after the rows (none: every row waits). */
  readonly watermark?: number;
}

const T0 = Date.UTC(2026, 0, 1);

const DDL = `CREATE TABLE t (k BIGINT, s STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE u (k BIGINT, s STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE uv (k BIGINT, s STRING, v BIGINT, ts TIMESTAMP(3), PRIMARY KEY (k) NOT ENFORCED, WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
`;

// the global phase's state, fed rows directly (the local phase keeps none across a barrier)
const ONE_PHASE = `SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';
`;

const WORKLOADS: Workload[] = [
  {
    name: 'TUMBLE window aggregate (window TVF), COUNT(*), SUM(v) by k: one open window',
    sql: `${ONE_PHASE}CREATE TABLE o (k BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT, x BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, window_start, window_end, COUNT(*), SUM(v) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end;`,
    row: (k) => [k, null, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
  },
  {
    name: 'HOP window aggregate (group window, 4 windows per row), COUNT(*), SUM(v) by k; keys/4 keys',
    sql: `${ONE_PHASE}CREATE TABLE o (k BIGINT, n BIGINT, x BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, COUNT(*), SUM(v) FROM t GROUP BY k, HOP(ts, INTERVAL '15' MINUTE, INTERVAL '1' HOUR);`,
    row: (k) => [k, null, k * 3, T0 + (k % 1000)],
    rowsPerKey: 0.25,
  },
  {
    name: 'SESSION window aggregate, COUNT(*), SUM(v) by k: one open session per key',
    sql: `CREATE TABLE o (k BIGINT, n BIGINT, x BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, COUNT(*), SUM(v) FROM t GROUP BY k, SESSION(ts, INTERVAL '10' MINUTE);`,
    row: (k) => [k, null, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
  },
  {
    name: 'Top-3 per key (ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) <= 3), three rows per key',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, rn BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, rn FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 3;`,
    row: (k, i) => [k, null, i, T0 + i],
    rowsPerKey: 3,
  },
  {
    name: 'deduplication, first row per key (ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) = 1)',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, ts FROM (SELECT k, v, ts, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) AS rn FROM t) WHERE rn = 1;`,
    row: (k) => [k, null, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
  },
  {
    name: 'window Top-3 per key (TUMBLE, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY v DESC) <= 3), three rows per key',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), rn BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, window_start, window_end, rn FROM (SELECT k, v, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY v DESC) AS rn FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR))) WHERE rn <= 3;`,
    row: (k, i) => [k, null, i, T0 + i],
    rowsPerKey: 3,
  },
  {
    name: 'window join (TUMBLE) of t and u on k, one row (k, s, v) per key on the left',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT l.k, l.v, r.v FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR)) l JOIN TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts), INTERVAL '1' HOUR)) r ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end;`,
    row: (k) => [k, `key-${k}`, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
  },
  {
    name: 'window join (TUMBLE) of t and u on k, rows (k, s, v) on both sides in 4 open windows (one row per key and side)',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT l.k, l.v, r.v FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR)) l JOIN TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts), INTERVAL '1' HOUR)) r ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end;`,
    row: (k) => [k, k % 7 === 0 ? '' : `clé-${k}`, k * 3, T0 + (k % 4) * 3_600_000 + (k % 1000)],
    rowsPerKey: 1,
    inputs: 2,
  },
  {
    name: 'window FULL OUTER join (TUMBLE) of t and u on k, rows on both sides in 4 open windows',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT l.k, l.v, r.v FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR)) l FULL JOIN TABLE(TUMBLE(TABLE u, DESCRIPTOR(ts), INTERVAL '1' HOUR)) r ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end;`,
    row: (k) => [k, `key-${k}`, k * 3, T0 + (k % 4) * 3_600_000 + (k % 1000)],
    rowsPerKey: 1,
    inputs: 2,
  },
  {
    name: 'temporal join (FOR SYSTEM_TIME AS OF) of t with the versioned table uv on k: one version per key, one probe row per key waiting for the watermark',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT t.k, t.v, uv.v FROM t JOIN uv FOR SYSTEM_TIME AS OF t.ts ON t.k = uv.k;`,
    row: (k) => [k, `key-${k}`, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
    inputs: 2,
  },
  {
    name: 'OVER aggregate, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS 2 PRECEDING): rows waiting for the watermark',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, x BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t;`,
    row: (k) => [k, null, k * 3, T0 + (k % 1000)],
    rowsPerKey: 1,
  },
  {
    name: 'OVER aggregate, SUM(v), MIN(v) OVER (PARTITION BY k ORDER BY ts RANGE 1 HOUR PRECEDING): two rows per key in the frame, one waiting',
    sql: `CREATE TABLE o (k BIGINT, v BIGINT, x BIGINT, y BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT k, v, SUM(v) OVER w, MIN(v) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW);`,
    row: (k, i) => [k, null, k * 3 + i, T0 + i * 10_000 + (k % 1000)],
    rowsPerKey: 3,
    watermark: T0 + 15_000,
  },
];

function plan(sql: string): { plan: PhysicalPlan; session: Session } {
  const session = new Session();
  const sinks: LogicalPlan[] = [];
  for (const { result } of session.executeScript({ name: 'bench.sql', text: DDL + sql })) if (result.kind === 'insert') sinks.push(...result.sinks);
  return { plan: session.physicalPlan(sinks, [], 1), session };
}

export interface OpsResult {
  readonly name: string;
  readonly operator: string;
  readonly keys: number;
  readonly entries: number;
  readonly live: number;
  readonly barrier: number;
  readonly peak: number;
  readonly file: number;
  readonly cow: boolean;
  /** CPU ms of the snapshot call (the barrier pause). */
  readonly pause: number;
  /** CPU ms (every thread) of a second checkpoint, from the snapshot until its file is written. */
  readonly cpu: number;
}

function fileBytes(dir: string): number {
  let n = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.state')) n += statSync(join(d, e.name)).size;
    }
  };
  walk(dir);
  return n;
}

async function measure(w: Workload, keys: number): Promise<OpsResult> {
  const { plan: p, session } = plan(w.sql);
  const dir = mkdtempSync(join(tmpdir(), 'weir-ops-scale-'));
  const job = new Job(p, { ...jobOptionsFrom(session.options, { jobId: 'bench' }), checkpointDir: dir });
  await job.open();
  const c = job.tasks.flatMap((t) => t.chain).find((x) => x.op.stateEntries !== undefined && x.op.snapshot !== undefined);
  if (c === undefined) throw new Error(`${w.name}: no stateful operator`);
  const node = p.nodes.find((n) => n.name === c.ctx.operatorId)!;
  const before = heapAfterGc();
  const batches: Batch[][] = [];
  const inputs = w.inputs ?? 1;
  const schemas = node.inputs.slice(0, inputs).map((i) => p.nodes[i.from]!.schema);
  // (window TVF columns: the 1-hour TUMBLE window of ts)
  const full = ['k', 's', 'v', 'ts', 'window_start', 'window_end', 'window_time'];
  const HOUR = 3_600_000;
  const rowCount = Math.round(keys * w.rowsPerKey);
  const per = Math.max(1, Math.round(w.rowsPerKey));
  for (let from = 0; from < rowCount; from += 4096) {
    const rows: Scalar[][] = [];
    for (let r = from; r < Math.min(rowCount, from + 4096); r++) {
      const row = w.row(Math.floor(r / per), r % per);
      const start = Math.floor((row[3] as number) / HOUR) * HOUR;
      rows.push([...row, start, start + HOUR, start + HOUR - 1]);
    }
    batches.push(
      schemas.map((schema) => {
        const columns = schema.map((f) => {
          const at = full.indexOf(f.name);
          return columnFromScalars(f.type, rows.map((row) => (at < 0 ? null : row[at]!)));
        });
        return { length: rows.length, columns, ops: null };
      }),
    );
  }
  for (const bs of batches) {
    for (let input = 0; input < bs.length; input++) await c.op.processBatch(bs[input]!, c.out, input);
    c.out.drain();
  }
  batches.length = 0;
  if (w.watermark !== undefined) {
    await c.op.processWatermark!(w.watermark, c.out);
    c.out.drain();
  }
  const live = heapAfterGc();
  const entries = c.op.stateEntries!();
  const t0 = process.cpuUsage();
  const snap = await c.op.snapshot!(1);
  const t1 = process.cpuUsage(t0);
  const pause = (t1.user + t1.system) / 1000;
  const barrier = heapAfterGc();
  const writer = new StateWriter(dir);
  // what the writer thread copies (the snapshot but for a copy-on-write capture's typed columns)
  const { cow: _capture, ...plain } = snap;
  const writerCopy = cloneCopied(plain);
  let peak = heapAfterGc();
  let done = false;
  const written = writer.write(1, c.ctx.operatorId, 0, snap).finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setImmediate(r));
    peak = Math.max(peak, heapAfterGc());
  }
  await written;
  void writerCopy;
  const file = fileBytes(dir);
  // the CPU (every thread) of a second checkpoint, from the snapshot until its file is written, not sampled
  const alive = setInterval(() => {}, 1000);
  const t2 = process.cpuUsage();
  await writer.write(2, c.ctx.operatorId, 0, await c.op.snapshot!(2));
  const t3 = process.cpuUsage(t2);
  clearInterval(alive);
  const cpu = (t3.user + t3.system) / 1000;
  await writer.close();
  job.cancel();
  rmSync(dir, { recursive: true, force: true });
  return { name: w.name, operator: c.ctx.operatorId, keys, entries, live: (live - before) / keys, barrier: (barrier - before) / keys, peak: (peak - before) / keys, file: file / keys, cow: snap.cow !== undefined, pause, cpu };
}

if (process.argv[1]?.endsWith('state-scale-ops.js')) {
  const keys = Number(process.argv[2] ?? 1_000_000);
  const filter = process.argv[3];
  console.log(`| state | operator | keys | entries | live B/key | at the barrier | peak while written | peak / live | file B/key | copy-on-write | barrier pause ms | checkpoint CPU ms |`);
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const w of WORKLOADS) {
    if (filter !== undefined && !w.name.toLowerCase().includes(filter.toLowerCase())) continue;
    const r = await measure(w, keys);
    console.log(`| ${r.name} | ${r.operator} | ${r.keys.toLocaleString('en-US')} | ${r.entries.toLocaleString('en-US')} | ${r.live.toFixed(0)} | ${r.barrier.toFixed(0)} | ${r.peak.toFixed(0)} | ${(r.peak / r.live).toFixed(2)} | ${r.file.toFixed(0)} | ${r.cow ? 'yes' : 'no'} | ${r.pause.toFixed(0)} | ${r.cpu.toFixed(0)} |`);
  }
}
