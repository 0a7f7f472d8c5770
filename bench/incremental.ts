// `node dist/bench/incremental.js`: full against incremental checkpoints (issue 14), side by
// side, on an updating `GROUP BY k` (COUNT, SUM) over datagen: first every one of KEYS keys
// is inserted (a sequence), then UPDATES rows hit a hot set of 1% of the keys (every 100th
// key, spread over the whole state), so about 1% of the keys change between checkpoints.
// Each mode runs in a child process of its own (peak RSS is per process):
//   none          no checkpoints, not even a final one (the baseline, and the live state's RSS;
//                 WEIR_BENCH_NONE_FINAL=1: with the final full checkpoint, as before)
//   full          a checkpoint every INTERVAL, every one full
//   incremental   'state.backend.incremental' = 'true' (full snapshots by the default rule)
// Reported: time and throughput cost, the size of each checkpoint (a full one, a delta),
// the time to restore the final checkpoint (read, verify, decode, rebuild the operator),
// peak RSS per key, and the CPU time of the run beside its wall time. Checkpoints are retained
// as a user's are ('state.checkpoints.num-retained', default 3); each one's size is read from its
// _metadata when it completes. Writes the section "Incremental checkpoints" of bench/RESULTS.md.
//
// The update phase is the steady state; the job ends with a final checkpoint at the end of the
// input, which it waits for: its time is reported on its own, and the update phase's cost both
// with it and without it (until the source has read its last row).
//
// WEIR_BENCH_INCR_KEYS (default 1,000,000), WEIR_BENCH_INCR_UPDATES (default 4 x keys),
// WEIR_BENCH_INCR_INTERVAL (default 1s), WEIR_BENCH_INCR_MODES (default none,full,incremental),
// WEIR_BENCH_INCR_FULL_EVERY: 'state.backend.incremental.full-every' of the incremental mode (default: the option's default),
// WEIR_BENCH_ROOT: the dist/ directory whose modules the children run (default this build), to
// measure another build with the same bench (A/B); WEIR_BENCH_NO_WRITE=1 leaves RESULTS.md alone.
// `node dist/bench/incremental.js MODE > FILE` runs one mode and prints its result (JSON);
// WEIR_BENCH_INCR_FROM=FILE,... reports such results (their modes are then not run again), so
// the runs of an A/B can be interleaved and share one `none` run.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from '../src/sql/session.js';
import type { SinkNode } from '../src/plan/logical.js';
import type * as JobRunner from '../src/exec/job-runner.js';
import type * as JobModule from '../src/exec/job.js';
import type * as RestoreModule from '../src/checkpoint/restore.js';
import type * as StorageModule from '../src/checkpoint/storage.js';
import type * as SessionModule from '../src/sql/session.js';
import { writeSection } from './common.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROOT = process.env.WEIR_BENCH_ROOT ?? join(fileURLToPath(import.meta.url), '..', '..');
const M = {
  ...((await import(join(ROOT, 'src/sql/session.js'))) as typeof SessionModule),
  ...((await import(join(ROOT, 'src/exec/job-runner.js'))) as typeof JobRunner),
  ...((await import(join(ROOT, 'src/exec/job.js'))) as typeof JobModule),
  ...((await import(join(ROOT, 'src/checkpoint/restore.js'))) as typeof RestoreModule),
  ...((await import(join(ROOT, 'src/checkpoint/storage.js'))) as typeof StorageModule),
};

const KEYS = Number(process.env.WEIR_BENCH_INCR_KEYS ?? 1_000_000);
const UPDATES = Number(process.env.WEIR_BENCH_INCR_UPDATES ?? 4 * KEYS);
const INTERVAL = process.env.WEIR_BENCH_INCR_INTERVAL ?? '1s';
const HOT = Math.floor(KEYS / 100);

const SQL = `CREATE TABLE ev (i BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${KEYS + UPDATES}',
  'fields.i.kind' = 'sequence', 'fields.i.start' = '0', 'fields.i.end' = '${KEYS + UPDATES}', 'fields.v.min' = '0', 'fields.v.max' = '1000');
CREATE TABLE sink_t (k BIGINT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink_t SELECT k, COUNT(*), SUM(v) FROM (
  SELECT CASE WHEN i < ${KEYS} THEN i ELSE MOD(i * 7919, ${HOT}) * 100 END AS k, v FROM ev) GROUP BY k;`;

type Mode = 'none' | 'full' | 'incremental';

interface ModeResult {
  readonly mode: Mode;
  readonly seconds: number;
  /** CPU time of the run (user + system, all threads of the process). */
  readonly cpuSeconds: number;
  readonly peakRss: number;
  /** At the peak RSS sample: the V8 heap in use and the array buffers (typed arrays). */
  readonly atPeak: { heapUsed: number; arrayBuffers: number };
  /** After the restore, following a full GC: heap in use + array buffers (the restored state and the process). */
  readonly liveAfterRestore?: number;
  readonly checkpoints: { id: number; own: number; referenced: number; durationMs: number; incremental: boolean; at: number }[];
  readonly restore?: { readMs: number; rebuildMs: number; chain: number };
  /** When the source had read KEYS rows (the end of the insert phase): wall and CPU seconds since the start. */
  readonly insertEnd?: { seconds: number; cpuSeconds: number };
  /** When the source had read its last row (what follows is the final checkpoint, which the job waits for). */
  readonly inputEnd?: { seconds: number; cpuSeconds: number };
  /** Peak RSS from the end of the insert phase on (the update phase and the final checkpoint). */
  readonly peakRssUpdate?: number;
}

function plan(): { session: Session; plan: ReturnType<Session['physicalPlan']> } {
  const session = new M.Session();
  const sinks: SinkNode[] = [];
  for (const { result } of session.executeScript({ name: 'incr.sql', text: SQL })) if (result.kind === 'insert') sinks.push(...result.sinks);
  return { session, plan: session.physicalPlan(sinks, [], 1) };
}

async function child(mode: Mode): Promise<ModeResult> {
  let peakRss = 0;
  let peakRssUpdate = 0;
  let atPeak = { heapUsed: 0, arrayBuffers: 0 };
  // rss() is cheap; the whole memoryUsage() (heap statistics) only at a new peak
  const sample = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (insertEnd !== undefined) peakRssUpdate = Math.max(peakRssUpdate, rss);
    if (rss <= peakRss) return;
    const m = process.memoryUsage();
    peakRss = Math.max(rss, m.rss);
    atPeak = { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
  }, 20);
  // the insert phase ends when the source has read KEYS rows (sampled every 20 ms)
  let insertEnd: ModeResult['insertEnd'];
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-incr-'));
  const { session, plan: p } = plan();
  session.options.set('execution.checkpointing.interval', mode === 'none' ? '0ms' : INTERVAL);
  if (mode === 'incremental') session.options.set('state.backend.incremental', 'true');
  if (mode === 'incremental' && process.env.WEIR_BENCH_INCR_FULL_EVERY !== undefined) session.options.set('state.backend.incremental.full-every', process.env.WEIR_BENCH_INCR_FULL_EVERY);
  // retention as a user gets it; each checkpoint's sizes are read when it completes
  const retained = Math.max(1, Number(session.options.get('state.checkpoints.num-retained') ?? 3));
  const st = new M.CheckpointStorage(dir);
  const checkpoints: ModeResult['checkpoints'] = [];
  const seen = new Set<number>();
  const onChange = (stats: { last?: { id: number } }): void => {
    const id = stats.last?.id;
    if (id === undefined || seen.has(id)) return;
    seen.add(id);
    const m = st.metadata(id);
    if (m === undefined) return;
    const agg = m.states.filter((h) => h.operatorId.includes('group-aggregate'));
    checkpoints.push({ id, own: agg.reduce((a, h) => a + h.bytes, 0), referenced: agg.reduce((a, h) => a + (h.chain ?? []).reduce((b, f) => b + f.bytes, 0), 0), durationMs: m.durationMs, incremental: m.incremental === true, at: (m.triggeredAt - startedAt) / 1000 });
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const startedAt = Date.now();
  // none: no checkpointing at all (a checkpoint directory alone would still take a final full
  // checkpoint at the end of the input, several seconds at 5M keys, and understate every cost)
  const checkpoint = mode === 'none' && process.env.WEIR_BENCH_NONE_FINAL !== '1' ? undefined : { dir, config: M.coordinatorConfig(session.options), retained, onChange };
  const rj = new M.RunningJob(p, session.options, { jobId: 'bench-incr', ...(checkpoint !== undefined ? { checkpoint } : {}) });
  // and the input when it has read every row
  let inputEnd: ModeResult['inputEnd'];
  const phase = setInterval(() => {
    if (inputEnd !== undefined) return;
    const read = rj.progressNow().rowsRead;
    if (read < KEYS) return;
    const c = process.cpuUsage(c0);
    const at = { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
    if (insertEnd === undefined) {
      insertEnd = at;
      if (process.env.WEIR_BENCH_PHASE_MARK === '1') console.error(`insert phase ended at hrtime ${(process.hrtime.bigint() / 1000n).toString()} us`);
    }
    if (read >= KEYS + UPDATES) inputEnd = at;
  }, 20);
  await rj.run();
  if (process.env.WEIR_BENCH_PHASE_MARK === '1') console.error(`run ended at hrtime ${(process.hrtime.bigint() / 1000n).toString()} us`);
  const seconds = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpuSeconds = (cu.user + cu.system) / 1e6;
  clearInterval(sample);
  clearInterval(phase);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakRssUpdate = Math.max(peakRssUpdate, process.memoryUsage.rss());
  let liveAfterRestore: number | undefined;
  let restore: ModeResult['restore'];
  if (mode !== 'none' && checkpoints.length > 0) {
    // restore the newest checkpoint, as `--restore latest` does: read, verify, decode, rebuild
    const fresh = plan();
    const r0 = performance.now();
    let loaded: ReturnType<typeof M.loadCheckpoint> | null = M.loadCheckpoint('latest', dir, M.planIdentity(fresh.plan), false);
    const r1 = performance.now();
    const j = new M.Job(fresh.plan, M.jobOptionsFrom(fresh.session.options, { jobId: 'bench-incr-restore' }), M.prepareRestore(fresh.plan, loaded).state);
    await j.open();
    const r2 = performance.now();
    const agg = loaded.meta.states.find((h) => h.operatorId.includes('group-aggregate'));
    restore = { readMs: r1 - r0, rebuildMs: r2 - r1, chain: agg?.chain?.length ?? 1 };
    loaded = null; // what the restored job keeps is what counts
    gc();
    gc();
    const mu = process.memoryUsage();
    liveAfterRestore = mu.heapUsed + mu.arrayBuffers;
    if (j.tasks.length < 0) console.log(j); // keeps the restored job (and its state) alive until here
  }
  rmSync(dir, { recursive: true, force: true });
  return { mode, seconds, cpuSeconds, peakRss, atPeak, checkpoints, restore, ...(insertEnd !== undefined ? { insertEnd, peakRssUpdate } : {}), ...(inputEnd !== undefined ? { inputEnd } : {}), ...(liveAfterRestore !== undefined ? { liveAfterRestore } : {}) };
}

/**
 * The cost over the whole run and over each phase apart: the insert phase (until the source has
 * read KEYS rows: every key is new) and the update phase (1% of the keys change between
 * checkpoints: the steady state issue 14's goal describes), against the run without checkpoints.
 * The update phase ends with the final checkpoint at the end of the input, which the job waits
 * for: the update phase is given with it and without it (until the source read its last row),
 * and the final checkpoint on its own.
 */
function phases(rs: readonly ModeResult[]): string {
  const none = rs.find((r) => r.mode === 'none');
  if (none?.insertEnd === undefined) return '';
  const pct = (a: number, b: number): string => `${(((a - b) / b) * 100).toFixed(1)}%`;
  type Span = { seconds: number; cpuSeconds: number };
  const span = (a: Span, b: Span): Span => ({ seconds: b.seconds - a.seconds, cpuSeconds: b.cpuSeconds - a.cpuSeconds });
  const lines = [
    '| mode | whole run: wall, CPU (cost wall / CPU) | insert phase: wall, CPU (cost wall / CPU) | update phase with the final checkpoint: wall, CPU (cost wall / CPU) | update phase without it (steady state): wall, CPU (cost wall / CPU) | final checkpoint: kind, size, takes; wall, CPU after the last row | checkpoints in insert / update phase (full) | checkpoint takes, median: insert / update phase | peak RSS per key: whole run / update phase |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const ins = none.insertEnd;
  const noneEnd = none.inputEnd ?? none;
  for (const r of rs) {
    const e = r.insertEnd;
    if (e === undefined) continue;
    const end = r.inputEnd ?? r;
    const cell = (x: Span, base: Span): string => `${x.seconds.toFixed(1)} s, ${x.cpuSeconds.toFixed(1)} s${r.mode === 'none' ? '' : ` (${pct(x.seconds, base.seconds)} / ${pct(x.cpuSeconds, base.cpuSeconds)})`}`;
    const a = r.checkpoints.filter((c) => c.at < e.seconds);
    const b = r.checkpoints.filter((c) => c.at >= e.seconds);
    const med = (xs: number[]): string => (xs.length === 0 ? '–' : `${[...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]} ms`);
    const fulls = (xs: typeof a): number => xs.filter((c) => !c.incremental).length;
    // the final checkpoint: the last one, triggered once the input had ended
    const last = r.checkpoints[r.checkpoints.length - 1];
    const fin = last !== undefined && r.inputEnd !== undefined && last.at >= r.inputEnd.seconds - 0.05 ? last : undefined;
    const tail = span(end, r);
    const finCell = `${fin !== undefined ? `${fin.incremental ? 'delta' : 'full'}, ${mib(fin.own)}, ${fin.durationMs} ms` : '–'}; ${tail.seconds.toFixed(1)} s, ${tail.cpuSeconds.toFixed(1)} s`;
    const perKey = (x: number | undefined): string => (x === undefined ? '–' : `${(x / KEYS).toFixed(0)} B`);
    lines.push(
      `| ${r.mode} | ${cell(r, none)} | ${cell(e, ins)} | ${cell(span(e, r), span(ins, none))} | ${cell(span(e, end), span(ins, noneEnd))} | ${finCell} | ${a.length} (${fulls(a)}) / ${b.length} (${fulls(b)}) | ${med(a.map((c) => c.durationMs))} / ${med(b.map((c) => c.durationMs))} | ${perKey(r.peakRss)} / ${perKey(r.peakRssUpdate)} |`,
    );
  }
  return lines.join('\n');
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

function report(rs: readonly ModeResult[]): string {
  const none = rs.find((r) => r.mode === 'none');
  const rows = (KEYS + UPDATES) / 1e6;
  const lines = [
    '| mode | time | CPU time | rows/s | checkpoint cost (wall) | checkpoint cost (CPU) | checkpoints | full checkpoint (aggregate) | delta (aggregate, median of all) | delta / full | checkpoint takes (median) | restore: read + rebuild | peak RSS | per key |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rs) {
    const fulls = r.checkpoints.filter((c) => !c.incremental && c.own > 0);
    const deltas = r.checkpoints.filter((c) => c.incremental);
    const med = (xs: number[]): number => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
    const full = med(fulls.map((c) => c.own));
    const delta = med(deltas.map((c) => c.own));
    const cost = r.mode === 'none' || none === undefined ? '–' : `${(((r.seconds - none.seconds) / none.seconds) * 100).toFixed(1)}%`;
    const cpuCost = r.mode === 'none' || none === undefined ? '–' : `${(((r.cpuSeconds - none.cpuSeconds) / none.cpuSeconds) * 100).toFixed(1)}%`;
    lines.push(
      `| ${r.mode} | ${r.seconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${(rows / r.seconds).toFixed(2)}M | ${cost} | ${cpuCost} | ${r.checkpoints.length} (${fulls.length} full) | ${fulls.length > 0 ? mib(full) : '–'} | ${deltas.length > 0 ? mib(delta) : '–'} | ${deltas.length > 0 && fulls.length > 0 ? `${((delta / full) * 100).toFixed(1)}%` : '–'} | ${r.checkpoints.length > 0 ? `${med(r.checkpoints.map((c) => c.durationMs))} ms` : '–'} | ${r.restore !== undefined ? `${(r.restore.readMs / 1000).toFixed(2)} + ${(r.restore.rebuildMs / 1000).toFixed(2)} s (chain of ${r.restore.chain})` : '–'} | ${(r.peakRss / 1e6).toFixed(0)} MB | ${(r.peakRss / KEYS).toFixed(0)} B |`,
    );
  }
  lines.push('');
  lines.push(phases(rs));
  lines.push('');
  lines.push('Memory (bytes per key): at the peak RSS sample, the V8 heap in use and the array buffers (typed arrays: the state, and snapshot copies); after the restore, following a full GC, heap in use + array buffers, which is the restored state plus the process itself.');
  lines.push('');
  for (const r of rs) lines.push(`- ${r.mode}: peak RSS ${(r.peakRss / KEYS).toFixed(0)} = heap ${(r.atPeak.heapUsed / KEYS).toFixed(0)} + array buffers ${(r.atPeak.arrayBuffers / KEYS).toFixed(0)} + other ${((r.peakRss - r.atPeak.heapUsed - r.atPeak.arrayBuffers) / KEYS).toFixed(0)}${r.liveAfterRestore !== undefined ? `; live after restore ${(r.liveAfterRestore / KEYS).toFixed(0)}` : ''}`);
  lines.push('');
  lines.push('Each checkpoint in order (F full, D delta; the aggregate\'s own file, MiB): deltas taken while keys are still being inserted are larger than those of the update phase.');
  lines.push('');
  for (const r of rs) if (r.mode !== 'none') lines.push(`- ${r.mode}: ${r.checkpoints.map((c) => `${c.incremental ? 'D' : 'F'} ${(c.own / 2 ** 20).toFixed(2)}`).join(', ')}`);
  return lines.join('\n');
}

const mode = process.argv[2] as Mode | undefined;
if (mode !== undefined) {
  process.stdout.write(JSON.stringify(await child(mode)) + '\n');
} else {
  const results: ModeResult[] = [];
  for (const f of (process.env.WEIR_BENCH_INCR_FROM ?? '').split(',').filter((x) => x !== '')) results.push(JSON.parse(readFileSync(f, 'utf8').trim().split('\n').pop()!) as ModeResult);
  const modes = (process.env.WEIR_BENCH_INCR_MODES ?? 'none,full,incremental').split(',').filter((m) => !results.some((r) => r.mode === m)) as Mode[];
  for (const m of modes) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), m], { env: process.env, maxBuffer: 1 << 26 }).toString();
    const r = JSON.parse(out.trim().split('\n').pop()!) as ModeResult;
    results.push(r);
    console.error(`${m}: ${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s), ${r.checkpoints.length} checkpoints, peak RSS ${(r.peakRss / 1e6).toFixed(0)} MB`);
  }
  const order: Mode[] = ['none', 'full', 'incremental'];
  results.sort((a, b) => order.indexOf(a.mode) - order.indexOf(b.mode));
  const table = report(results);
  console.log(table);
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  const intro = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`node dist/bench/incremental.js\` (modules of ${ROOT}), one run per mode, each in its own process; Node ${process.version}, ${cpus().length} cores, load average at the end ${load}. ${KEYS.toLocaleString('en-US')} keys inserted, then ${UPDATES.toLocaleString('en-US')} updates to a hot set of ${HOT.toLocaleString('en-US')} keys (1%, every 100th key); parallelism 1, a checkpoint every ${INTERVAL}, checkpoints retained as by default ('state.checkpoints.num-retained' = 3). Sizes are the group aggregate's state files; restore is of the final checkpoint.`;
  // other benches' subsections (the joins') stay
  if (process.env.WEIR_BENCH_NO_WRITE !== '1') writeSection('## Incremental checkpoints (issue 14)', `${intro}\n\n${table}`, true);
  else console.log(`\n${intro}`);
}
