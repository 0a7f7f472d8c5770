// Restore at scale (issue 14 item 5: 20M keys in <= 5 s): times the restore alone of one full
// checkpoint of issue 14's workload, an updating `GROUP BY k` (COUNT, SUM) at parallelism 1.
//
//   node dist/bench/restore-scale.js [keys] [dist root...]
//
// A first child process runs the job over `keys` distinct keys (datagen sequence) with
// checkpointing on and a long interval, so the state is written once, by the job's final
// checkpoint. A second child process restores that checkpoint as `--restore latest` does and
// times it: read + verify + decode (loadCheckpoint), then open the job (the operators rebuild
// their state). Wall and CPU time (process.cpuUsage) are printed, and the peak RSS of each
// child. `dist root` (default: this build) is the dist/ directory whose modules the children
// use. With several, the first builds the checkpoint and each restores it in turn, interleaved
// (WEIR_BENCH_RESTORE_ROUNDS rounds, default 1): an A/B of restore alone on the same files,
// e.g. `node dist/bench/restore-scale.js 20000000 dist /work/before/dist` (an older build
// ignores the fields it does not know, the saved key index, and rebuilds).
//
// WEIR_BENCH_RESTORE_CHAIN=1: the job runs with incremental checkpoints
// ('state.backend.incremental', full-every 1000) every WEIR_BENCH_RESTORE_INTERVAL (default
// 500ms), so the final checkpoint is a chain: a small full block, then deltas that each bring
// the keys inserted since (new slots), as a long job's chain does. WEIR_BENCH_RESTORE_DIR=<dir>
// keeps the checkpoint there (built only when the directory has none), to restore it again
// (profiles, A/B runs) without rebuilding; `restore <root> <dir> <keys>` restores it once.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const [, , a2, a3, a4, a5] = process.argv;

const sqlFor = (keys: number): string => `CREATE TABLE ev (i BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${keys}',
  'fields.i.kind' = 'sequence', 'fields.i.start' = '0', 'fields.i.end' = '${keys}', 'fields.v.min' = '0', 'fields.v.max' = '1000');
CREATE TABLE sink_t (k BIGINT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink_t SELECT i, COUNT(*), SUM(v) FROM ev GROUP BY i;`;

/* eslint-disable @typescript-eslint/no-explicit-any */
async function modules(root: string): Promise<any> {
  const m = (p: string): Promise<any> => import(join(root, p));
  const [session, runner, job, restore] = await Promise.all([m('src/sql/session.js'), m('src/exec/job-runner.js'), m('src/exec/job.js'), m('src/checkpoint/restore.js')]);
  return { ...session, ...runner, ...job, ...restore };
}

async function planOf(M: any, keys: number): Promise<{ session: any; plan: any }> {
  const session = new M.Session();
  const sinks: unknown[] = [];
  for (const { result } of session.executeScript({ name: 'restore.sql', text: sqlFor(keys) })) if (result.kind === 'insert') sinks.push(...result.sinks);
  return { session, plan: session.physicalPlan(sinks, [], 1) };
}

function rssSampler(): () => number {
  let peak = 0;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

async function build(root: string, dir: string, keys: number): Promise<void> {
  const M = await modules(root);
  const peak = rssSampler();
  const { session, plan } = await planOf(M, keys);
  if (process.env.WEIR_BENCH_RESTORE_CHAIN === '1') {
    session.options.set('execution.checkpointing.interval', process.env.WEIR_BENCH_RESTORE_INTERVAL ?? '500ms');
    session.options.set('state.backend.incremental', 'true');
    session.options.set('state.backend.incremental.full-every', '1000');
  } else session.options.set('execution.checkpointing.interval', '1h');
  const t0 = performance.now();
  const job = new M.RunningJob(plan, session.options, { jobId: 'bench-restore', checkpoint: { dir, config: M.coordinatorConfig(session.options), retained: 1 } });
  await job.run();
  process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, peakRss: peak() }) + '\n');
}

async function restore(root: string, dir: string, keys: number): Promise<void> {
  const M = await modules(root);
  const { session, plan } = await planOf(M, keys);
  const peak = rssSampler();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const loaded = M.loadCheckpoint('latest', dir, M.planIdentity(plan), false);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  // the longest chain of one operator's blocks (1: a full checkpoint)
  let chain = 1;
  for (const snaps of loaded.operators.values()) for (const snap of snaps) for (const blocks of snap?.keyed?.values() ?? []) chain = Math.max(chain, blocks.length);
  const job = new M.Job(plan, M.jobOptionsFrom(session.options, { jobId: 'bench-restore-2' }), M.prepareRestore(plan, loaded).state);
  await job.open();
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1e6;
  // the restored state answers: the operator holds every key
  // (the global phase: a local pre-aggregating phase precedes it and holds no state)
  const agg = job.tasks.flatMap((t: any) => t.chain).find((c: any) => c.op.constructor.name === 'GroupAggregateOperator');
  const entries = agg.op.stateEntries();
  if (entries !== keys) throw new Error(`restored ${entries} groups, expected ${keys}`);
  process.stdout.write(JSON.stringify({ readS: (t1 - t0) / 1000, openS: (t2 - t1) / 1000, readCpu: cpu(c0, c1), openCpu: cpu(c1, c2), chain, peakRss: peak() }) + '\n');
}

if (a2 === 'build') await build(a3!, a4!, Number(a5));
else if (a2 === 'restore') await restore(a3!, a4!, Number(a5));
else {
  const keys = Number(a2 ?? 2_000_000);
  const roots = (process.argv.length > 3 ? process.argv.slice(3) : [join(here, '..', '..')]).map((r) => resolve(r));
  const rounds = Number(process.env.WEIR_BENCH_RESTORE_ROUNDS ?? 1);
  const keep = process.env.WEIR_BENCH_RESTORE_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'weir-bench-restore-'));
  const node = (args: string[]): any => JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=16384', here, ...args], { maxBuffer: 1 << 26 }).toString().trim().split('\n').pop()!);
  const load = (): string => loadavg().map((x) => x.toFixed(1)).join(', ');
  try {
    if (keep === undefined || !existsSync(keep) || readdirSync(keep).length === 0) {
      const b = node(['build', roots[0]!, dir, String(keys)]);
      console.log(`${keys.toLocaleString('en-US')} keys, checkpoint written by ${roots[0]} in ${b.seconds.toFixed(1)} s (peak RSS ${(b.peakRss / 1e6).toFixed(0)} MB); load ${load()}`);
    }
    for (let round = 0; round < rounds; round++) {
      for (const root of roots) {
        const r = node(['restore', root, dir, String(keys)]);
        console.log(
          `restore by ${root}: read ${r.readS.toFixed(2)} s (cpu ${r.readCpu.toFixed(2)} s) + open ${r.openS.toFixed(2)} s (cpu ${r.openCpu.toFixed(2)} s) = ${(r.readS + r.openS).toFixed(2)} s wall, ${(r.readCpu + r.openCpu).toFixed(2)} s cpu; chain of ${r.chain}; peak RSS ${(r.peakRss / 1e6).toFixed(0)} MB; load ${load()}`,
        );
      }
    }
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
