// Crash-and-restore driver for the recovery tests: runs a query file as a real `weir run`
// process, kills it with SIGKILL at seeded random moments, restarts it with
// `--restore latest` (at the parallelism the schedule gives), and finally lets it finish.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEIR } from '../cli/weir.js';
import { CheckpointStorage, filesOf } from '../../src/checkpoint/storage.js';

export function tmp(prefix = 'weir-rec-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

import { prng } from '../../src/common/random.js';

export { prng };

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly args: readonly string[];
  /** The checkpoint this run restored (crashAfterCheckpoints), if any. */
  readonly restoredFrom?: number;
  /** Operators whose state in that checkpoint was a chain reaching into earlier checkpoints. */
  readonly restoredDeltas?: readonly string[];
}

export function start(args: readonly string[], cwd: string): { child: ReturnType<typeof spawn>; done: Promise<Run> } {
  const child = spawn(process.execPath, [WEIR, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, args })));
  return { child, done };
}

export interface CrashOptions {
  /** Directory holding job.sql; checkpoints go to <dir>/chk. */
  readonly dir: string;
  readonly kills: number;
  readonly seed: number;
  /** Parallelism of run i (0 = the first start). */
  readonly parallelism: (run: number) => number;
  /**
   * Kill this long after a start, uniformly in [min, max] ms (seeded). A run reads at most
   * `rows-per-second` times its lifetime, so a job whose rate-limited sources last longer
   * than the sum of its seeded delays is killed every time however fast the machine starts
   * it; a shorter job can finish before its last kill on a fast machine (CI failed so once).
   */
  readonly killAfterMs: readonly [number, number];
  readonly interval?: string;
  readonly extraArgs?: readonly string[];
}

/** Runs the crash loop; returns every run. The last run must finish by itself. */
export async function crashLoop(o: CrashOptions): Promise<Run[]> {
  const rand = prng(o.seed);
  const runs: Run[] = [];
  const chk = join(o.dir, 'chk');
  for (let i = 0; ; i++) {
    const restore = new CheckpointStorage(chk).latest().id !== undefined;
    const args = ['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', o.interval ?? '300ms', '-p', String(o.parallelism(i)), '-q', ...(restore ? ['--restore', 'latest'] : []), ...(o.extraArgs ?? [])];
    const { child, done } = start(args, o.dir);
    if (i < o.kills) {
      const [lo, hi] = o.killAfterMs;
      const delay = lo + rand() * (hi - lo);
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await done;
      clearTimeout(timer);
      runs.push(r);
      if (r.code === 0) return runs; // finished before the kill: nothing left to do
      if (r.signal !== 'SIGKILL') throw new Error(`run ${i} (${args.join(' ')}) failed: code ${r.code}\n${r.stderr}`);
      continue;
    }
    const r = await done;
    runs.push(r);
    if (r.code !== 0) throw new Error(`final run (${args.join(' ')}) failed: code ${r.code}\n${r.stderr}`);
    return runs;
  }
}

/**
 * Runs the job once, uninterrupted, to completion: the reference the crashed runs' output must
 * equal. Its sources read at full speed (their 'rows-per-second' is removed from its job.sql):
 * the pace only spreads the crashed runs' input over time so that the kills land mid-stream,
 * and the results compared (append-only rows, a changelog's folded table) do not depend on it.
 * Rate-limited, this run cost as much CPU as the crashed ones (a checkpoint every 300 ms of a
 * 24 s input). A test whose result depends on the pace (processing time) passes `paced`.
 */
export async function runClean(dir: string, parallelism: number, extraArgs: readonly string[] = [], opts: { paced?: boolean } = {}): Promise<Run> {
  if (opts.paced !== true) {
    const file = join(dir, 'job.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/,\s*'rows-per-second'\s*=\s*'[^']*'/g, ''));
  }
  const { done } = start(['run', 'job.sql', '--checkpoint-dir', join(dir, 'chk'), '--checkpoint-interval', '1s', '-p', String(parallelism), '-q', ...extraArgs], dir);
  const r = await done;
  if (r.code !== 0) throw new Error(`clean run failed: code ${r.code}\n${r.stderr}`);
  return r;
}

/** The committed (visible) output lines of a filesystem sink directory; in-progress files ignored. */
export function committedLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith('.') || f.startsWith('_')) continue;
    const text = readFileSync(join(dir, f), 'utf8');
    for (const line of text.split('\n')) if (line !== '') out.push(line);
  }
  return out;
}

export function writeJob(dir: string, sql: string): void {
  writeFileSync(join(dir, 'job.sql'), sql);
}

/**
 * Folds committed debezium-json records into the final table: +1 for every `after`, -1 for
 * every `before`. Returns the rows with a positive count (as JSON text of the value array) and
 * any row whose count went negative (a retraction of something never inserted).
 */
export function foldDebezium(lines: readonly string[], columns: readonly string[]): { rows: string[]; negative: string[] } {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const r = JSON.parse(line) as { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    if (r.after !== null) {
      const k = JSON.stringify(columns.map((c) => r.after![c]));
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    if (r.before !== null) {
      const k = JSON.stringify(columns.map((c) => r.before![c]));
      counts.set(k, (counts.get(k) ?? 0) - 1);
    }
  }
  const rows: string[] = [];
  const negative: string[] = [];
  for (const [k, n] of counts) {
    for (let i = 0; i < n; i++) rows.push(k);
    if (n < 0) negative.push(k);
  }
  return { rows: rows.sort(), negative };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 20 ms until it holds; throws naming `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The operators (ids) whose state in checkpoint `id` is a chain that reaches into an earlier
 * checkpoint's files: a base snapshot elsewhere and this checkpoint's delta (incremental
 * checkpoints). Empty when the checkpoint is gone or holds only full snapshots.
 */
export function deltaOperators(chk: string, id: number): string[] {
  const m = new CheckpointStorage(chk).metadata(id);
  if (m === undefined) return [];
  const own = `chk-${id}/`;
  return [...new Set(m.states.filter((h) => filesOf(m, h).some((f) => !f.path.startsWith(own))).map((h) => h.operatorId))];
}

export interface AfterCheckpointOptions {
  /**
   * Incremental checkpoints: an operator-id part (e.g. 'interval-join'). A killed run then
   * waits, after its first new checkpoint, for a new checkpoint whose state of that operator is
   * a delta chain (at most 3 new checkpoints: the first after a restore is always full) before
   * its seeded delay, so restores read chains.
   */
  readonly deltaOf?: string;
  readonly interval?: string;
}

/**
 * crashLoop, but each kill comes a seeded random time after the run's first new complete
 * checkpoint rather than after its start: on a loaded machine a process can take seconds to
 * start, and a kill before any checkpoint would restore nothing. Each run after the first
 * records the checkpoint it restored and which operators' state there was a delta chain.
 */
export async function crashAfterCheckpoints(dir: string, kills: number, seed: number, parallelism: (run: number) => number, afterMs: readonly [number, number], o: AfterCheckpointOptions = {}): Promise<Run[]> {
  const rand = prng(seed);
  const chk = join(dir, 'chk');
  const storage = new CheckpointStorage(chk);
  const runs: Run[] = [];
  /** The newest checkpoint with _metadata (cheap: no checksums; polled). */
  const newest = (): number => {
    const ids = storage.ids();
    for (let k = ids.length - 1; k >= 0; k--) if (storage.metadata(ids[k]!) !== undefined) return ids[k]!;
    return 0;
  };
  for (let i = 0; ; i++) {
    const before = storage.latest().id;
    const restored = before === undefined ? {} : { restoredFrom: before, restoredDeltas: deltaOperators(chk, before) };
    const args = ['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', o.interval ?? '300ms', '-p', String(parallelism(i)), '-q', ...(before !== undefined ? ['--restore', 'latest'] : [])];
    const { child, done } = start(args, dir);
    if (i < kills) {
      let ended = false;
      void done.then(() => (ended = true));
      const waited = (): boolean => {
        const n = newest();
        if (n <= (before ?? 0)) return false;
        // not forever: a run reads on while it waits and could reach the end of its input
        if (o.deltaOf === undefined || n - (before ?? 0) >= 3) return true;
        return deltaOperators(chk, n).some((op) => op.includes(o.deltaOf!));
      };
      const t0 = Date.now();
      while (!ended && !waited()) await sleep(25);
      if (!ended) {
        await sleep(afterMs[0] + rand() * (afterMs[1] - afterMs[0]));
        child.kill('SIGKILL');
      }
      if (process.env.WEIR_CRASH_DEBUG) console.error(`run ${i}: restored chk-${before} (deltas: ${restored.restoredDeltas?.join(' ')}), killed after ${Date.now() - t0} ms, newest chk-${newest()}`);
      const r = { ...(await done), ...restored };
      runs.push(r);
      if (r.code === 0) return runs;
      if (r.signal !== 'SIGKILL') throw new Error(`run ${i} (${args.join(' ')}) failed: code ${r.code}\n${r.stderr}`);
      continue;
    }
    const r = { ...(await done), ...restored };
    runs.push(r);
    if (r.code !== 0) throw new Error(`final run (${args.join(' ')}) failed: code ${r.code}\n${r.stderr}`);
    return runs;
  }
}

/** How many runs restored a checkpoint whose state of an operator matching `op` was a delta chain. */
export function restoresFromDeltas(runs: readonly Run[], op: string): number {
  return runs.filter((r) => r.restoredDeltas?.some((id) => id.includes(op)) === true).length;
}
