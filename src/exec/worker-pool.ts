// The worker threads of cluster jobs (cluster.ts), kept between jobs. This module imports
// nothing of the engine, so the launcher (bin/weir.js) can start a parallel run's workers
// before the main thread loads the engine's modules: both loads then overlap.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { existsSync } from 'node:fs';

/** The compiled worker script (under vitest the sources are .ts; workers run dist/). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'worker-main.js');
  const dist = join(dirname(here), '..', '..', 'dist', 'src', 'exec', 'worker-main.js');
  if (!existsSync(dist)) throw new Error(`internal error: worker script not built: ${dist} (run npm run build)`);
  return dist;
}

/**
 * Worker threads kept between jobs. Starting a thread and loading the engine's modules in it
 * takes about 200 ms, more than a small job runs; a worker whose job ended well is kept here
 * (unreferenced, so it never holds the process open) and runs the next job. A failed or
 * cancelled job's workers are stopped, so no state of a broken job can reach another.
 */
const idleWorkers: Worker[] = [];
const MAX_IDLE_WORKERS = 8;
/** A worker idle this long is stopped, so a shell left open does not hold threads and their heaps. */
const IDLE_MS = 60_000;
const idleTimers = new Map<Worker, NodeJS.Timeout>();
let started = 0;

/** Worker threads started by this process so far (a kept worker is not counted again). */
export function workerThreadsStarted(): number {
  return started;
}

export function takeWorker(): Worker {
  const w = idleWorkers.pop();
  if (w !== undefined) {
    w.off('exit', forgetIdle);
    w.off('error', ignoreIdleError);
    clearTimeout(idleTimers.get(w));
    idleTimers.delete(w);
    w.ref();
    return w;
  }
  started++;
  return new Worker(workerScript());
}

function forgetIdle(this: Worker): void {
  const i = idleWorkers.indexOf(this);
  if (i >= 0) idleWorkers.splice(i, 1);
  clearTimeout(idleTimers.get(this));
  idleTimers.delete(this);
}

/** An idle worker that fails is only forgotten (its 'exit' follows). */
function ignoreIdleError(): void {}

export function keepWorker(w: Worker): void {
  if (idleWorkers.length >= MAX_IDLE_WORKERS) {
    void w.terminate();
    return;
  }
  w.unref();
  w.on('exit', forgetIdle);
  w.on('error', ignoreIdleError);
  idleWorkers.push(w);
  const t = setTimeout(() => void w.terminate(), IDLE_MS);
  t.unref();
  idleTimers.set(w, t);
}

/**
 * Starts workers ahead of a parallel job, so that their start (a thread and the engine's
 * modules, about 200 ms) overlaps the main thread's parsing and planning instead of following it.
 */
export function prestartWorkers(n: number): void {
  while (idleWorkers.length < Math.min(n, MAX_IDLE_WORKERS)) {
    started++;
    keepWorker(new Worker(workerScript()));
  }
}

/** Stops the kept workers (tests; a process that ends does not need it). */
export async function stopIdleWorkers(): Promise<void> {
  const all = idleWorkers.splice(0);
  await Promise.all(all.map((w) => w.terminate()));
}

/**
 * The launcher's early start: `weir run|verify ... -p N` (or `--parallelism N`, or
 * `--set parallelism.default=N`) with N > 1 starts min(N, cores) - 1 workers at once (the main
 * thread runs a share of the subtasks: job-runner.ts workerThreadsFor). Anything
 * unusual (other commands, `execution.worker-threads` set) starts nothing; the job then
 * starts what it needs itself.
 */
export function prestartFromArgv(argv: readonly string[]): void {
  if (argv[0] !== 'run' && argv[0] !== 'verify') return;
  let p = 1;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    let v: string | undefined;
    if (a === '-p' || a === '--parallelism') v = argv[i + 1];
    else if (a.startsWith('--parallelism=')) v = a.slice('--parallelism='.length);
    else if (/^-p\d+$/.test(a)) v = a.slice(2);
    else if (a === '--set') {
      const kv = argv[i + 1] ?? '';
      if (kv.startsWith('execution.worker-threads')) return;
      if (kv.startsWith('parallelism.default=')) v = kv.slice('parallelism.default='.length);
    }
    if (v !== undefined && /^\d+$/.test(v)) p = Number(v);
  }
  if (p > 1) prestartWorkers(Math.min(p, availableParallelism()) - 1);
}
