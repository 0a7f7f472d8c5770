// A job whose state outgrows the memory it may use must stop with a message that says which
// operator holds the state and how much, never die in V8's "heap out of memory" crash (issue 14
// item 4). Each thread that runs subtasks (the main thread, every worker thread) has its own V8
// heap with its own limit; this guard watches it.
//
// The live heap is what is left after a full (mark-compact) garbage collection: a
// PerformanceObserver hears of each one, and when the heap used after it is above
// LIVE_FRACTION of the limit, the job fails. The heap used between collections also counts
// garbage, so a sample of it only fails the job above SAMPLED_FRACTION, where V8 is out of room
// whatever the garbage. The operator named is the one with the most state entries on this
// thread (groups of an aggregate, rows of a join, partitions of a Top-N); its size is its share
// of the live heap by entries, an estimate.

import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { WeirError } from '../common/errors.js';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { isMainThread } from 'node:worker_threads';

export const LIVE_FRACTION = 0.7;
export const SAMPLED_FRACTION = 0.9;
export const RSS_FRACTION = 0.9;
/** A worker thread reads the process's resident set at every this many ticks of its guard's timer. */
export const RSS_WORKER_TICKS = 10;

/** The memory this process may use: the machine's, or its cgroup's limit when lower. */
export function machineMemory(): number {
  let limit = totalmem();
  for (const f of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const v = Number(readFileSync(f, 'utf8').trim());
      if (Number.isFinite(v) && v > 0 && v < limit) limit = v;
    } catch {
      // no cgroup limit there
    }
  }
  return limit;
}

export interface GuardedOperator {
  readonly operatorId: string;
  readonly subtask: number;
  /** State entries now (keys, rows or partitions). */
  entries(): number;
}

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MiB`;
}

/** The error that ends a job whose state no longer fits: names the largest state. */
export function stateTooLarge(used: number, limit: number, ops: readonly GuardedOperator[], baseline = 0, what = 'heap limit'): WeirError {
  let total = 0;
  let top: GuardedOperator | undefined;
  let topEntries = -1;
  for (const o of ops) {
    const n = o.entries();
    total += n;
    if (n > topEntries) {
      topEntries = n;
      top = o;
    }
  }
  const detail =
    top === undefined || topEntries <= 0
      ? 'no operator on this thread holds keyed state'
      : `the largest state is operator [${top.operatorId}] (subtask ${top.subtask}) with ${topEntries.toLocaleString('en-US')} entries, about ${mib((Math.max(0, used - baseline) * topEntries) / Math.max(1, total))} by its share of the memory the job's state took (about ${Math.round(Math.max(0, used - baseline) / Math.max(1, total))} bytes per entry)`;
  return new WeirError('execution', `the job's state no longer fits in memory: ${mib(used)} of the ${mib(limit)} ${what} in use; ${detail}`, {
    hint: "bound the state (SET 'table.exec.state.ttl', a window, fewer distinct keys), run with a larger heap (NODE_OPTIONS=--max-old-space-size=<MiB>), or spread the keys over more worker threads (-p)",
    permanent: true,
  });
}

/**
 * V8's heap limit (heap_size_limit) is the old generation's limit (--max-old-space-size) plus
 * a reserve for the young generation, three semi-spaces (16 MiB each unless
 * --max-semi-space-size says otherwise); V8 runs out of memory when the old generation reaches
 * its limit. Used: the heap without the young generation.
 */
export function oldGeneration(): { used: number; limit: number } {
  const h = getHeapStatistics();
  let youngUsed = 0;
  for (const sp of getHeapSpaceStatistics()) if (sp.space_name === 'new_space' || sp.space_name === 'new_large_object_space') youngUsed += sp.space_used_size;
  const flags = `${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`;
  const semi = /--max-semi-space-size[= ](\d+)/.exec(flags);
  const young = 3 * (semi !== null ? Number(semi[1]) : 16) * 1024 * 1024;
  const reserve = young < h.heap_size_limit ? young : h.heap_size_limit / 2;
  return { used: h.used_heap_size - youngUsed, limit: h.heap_size_limit - reserve };
}

/** The heap check of this thread's running guard, for pollMemory (null: no guard running). */
let pollHook: (() => void) | null = null;
let polls = 0;

/**
 * Called by source tasks for every batch they read: every 32nd call checks the heap at once. A
 * thread whose pipeline runs from batch to batch without giving the event loop a turn delays
 * the guard's timer and GC observer, and a small heap could run out before either ran.
 */
export function pollMemory(): void {
  if (pollHook !== null && (++polls & 31) === 0) pollHook();
}

/** Watches this thread's heap while `ops` run; `fail` is called once. Returns a stop function. */
export function watchMemory(ops: () => readonly GuardedOperator[], fail: (e: WeirError) => void, opts: { sampleMs?: number } = {}): () => void {
  let done = false;
  const baseline = oldGeneration().used;
  const machine = machineMemory();
  const rssBaseline = process.memoryUsage.rss();
  const trip = (used: number, limit: number, base: number, what: string): void => {
    if (done) return;
    done = true;
    fail(stateTooLarge(used, limit, ops(), base, what));
  };
  const check = (fraction: number): void => {
    const { used, limit } = oldGeneration();
    if (used > fraction * limit) trip(used, limit, baseline, 'heap limit (after garbage collection)');
  };
  // state in typed arrays lives outside the heap: the process as a whole must fit the machine
  const checkProcess = (): void => {
    const rss = process.memoryUsage.rss();
    if (rss > RSS_FRACTION * machine) trip(rss, machine, rssBaseline, 'memory of this machine (resident set of the process)');
  };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) check(LIVE_FRACTION);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  // The resident set is the process's, whichever thread reads it, and reading it can wait on
  // the kernel's lock of the address space while another thread's heap grows or shrinks: the
  // main thread reads it at every tick, a worker thread at every RSS_WORKER_TICKS-th.
  const rssEvery = isMainThread ? 1 : RSS_WORKER_TICKS;
  let ticks = 0;
  const timer = setInterval(() => {
    check(SAMPLED_FRACTION);
    if (++ticks % rssEvery === 0) checkProcess();
  }, opts.sampleMs ?? 50);
  timer.unref();
  const hook = (): void => check(SAMPLED_FRACTION);
  pollHook = hook;
  return () => {
    done = true;
    obs.disconnect();
    clearInterval(timer);
    if (pollHook === hook) pollHook = null;
  };
}
