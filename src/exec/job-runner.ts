// Runs a planned job for a client (CLI `run`, the REPL, `verify`): starts it with the
// session's options, reports progress, and gathers the end-of-run summary.

import { miniBatchFrom } from '../plan/mini-batch.js';
import type { PhysicalNode, PhysicalPlan } from '../plan/physical.js';
import type { ResultListener } from './operators/collect.js';
import { Job } from './job.js';
import type { RestoreState } from './job.js';
import { ClusterJob } from './cluster.js';
import type { JobHandle } from './cluster.js';
import { availableParallelism } from 'node:os';
import { formatTimestamp } from '../common/time.js';
import type { SessionOptions } from '../catalog/catalog.js';
import { parseDuration } from '../catalog/catalog.js';
import { WeirError } from '../common/errors.js';
import { planTaskIds } from './job.js';
import { planFingerprint } from '../plan/physical.js';
import { CheckpointStorage } from '../checkpoint/storage.js';
import { CheckpointRunner } from '../checkpoint/runner.js';
import type { CheckpointStats } from '../checkpoint/runner.js';
import type { CoordinatorConfig } from '../checkpoint/coordinator.js';
import type { LoadedCheckpoint, PlanIdentity } from '../checkpoint/restore.js';
import { implOf } from '../connectors/registry.js';
import { loadCheckpoint } from '../checkpoint/restore.js';
import type { OperatorMetrics } from './operator.js';
import { newMetrics } from './operator.js';
import type { RestartStrategy } from './restart-strategy.js';
import { RestartTracker, isRecoverable } from './restart-strategy.js';
import { join } from 'node:path';

export interface CheckpointSettings {
  readonly dir: string;
  readonly config: CoordinatorConfig;
  readonly retained: number;
  /** Called when a checkpoint completes or fails. */
  readonly onChange?: (stats: CheckpointStats) => void;
}

export interface RunSettings {
  readonly jobId: string;
  /** Checkpointing, when on: where and how often. */
  readonly checkpoint?: CheckpointSettings;
  readonly parallelism?: number;
  /** Called per query (in order) for its result rows. */
  readonly listener?: (queryIndex: number) => ResultListener;
  /** Called about four times a second while the job runs. */
  readonly onProgress?: (p: Progress) => void;
  /**
   * Automatic restarts after a failure (restart-strategy.ts), from the latest checkpoint this
   * run completed; they need checkpointing. None when undefined.
   */
  readonly restart?: RestartStrategy;
  /** Called when the job failed and is about to restart (after `delayMs`). */
  readonly onRestart?: (r: RestartEvent) => void;
}

export interface RestartEvent {
  /** Restarts so far, this one included. */
  readonly restarts: number;
  readonly cause: string;
  readonly delayMs: number;
}

export interface Progress {
  readonly elapsedMs: number;
  readonly rowsRead: number;
  readonly rowsPerSecond: number;
  readonly watermark: number;
}

export interface OperatorSummary {
  /** The physical node's id (its index in the plan). */
  readonly node: number;
  readonly operator: string;
  readonly description: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly lateDropped: number;
  readonly skipped: number;
  readonly stateExpired: number;
  readonly passedThrough: number;
}

export interface JobSummary {
  readonly elapsedMs: number;
  readonly checkpoints: CheckpointStats | undefined;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly lateDropped: number;
  readonly skipped: number;
  /** Rows and groups dropped by state TTL (0 when no TTL is set). */
  readonly stateExpired: number;
  /** Adaptive local pre-aggregation (two-phase window aggregates): rows in, and rows passed straight through. */
  readonly localAgg: { readonly rowsIn: number; readonly passedThrough: number };
  /** The state TTL in ms ('table.exec.state.ttl'), 0 when unset; hints are in `ttlHints`. */
  readonly stateTtlMs: number;
  /** Operators whose TTL a STATE_TTL hint set. */
  readonly ttlHints: number;
  readonly operators: readonly OperatorSummary[];
  /** Watermark delays of the sources read, for explaining late drops. */
  readonly watermarkDelays: readonly { table: string; column: string; delayMs: number | undefined }[];
  /** Automatic restarts after failures, and the cause of the last one. */
  readonly restarts: number;
  readonly lastRestartCause: string | undefined;
  readonly restartStrategy: RestartStrategy | undefined;
}

/** 'table.exec.state.ttl' in ms (0: state is kept forever). */
export function stateTtlOf(options: SessionOptions): number {
  const v = parseDuration(options.get('table.exec.state.ttl') ?? '0');
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * The default cap on the files of an incremental checkpoint's chain (one full snapshot and its
 * deltas), 'state.backend.incremental.full-every'. The operators take a full snapshot before
 * the chain reaches it, or sooner when the chain would hold more superseded entries than live
 * ones (deltaFits in operators/delta-policy.ts): that bounds what a restore reads, this the
 * files it opens. Flink's incremental checkpoints have no periodic full snapshot at all.
 */
export const DEFAULT_FULL_EVERY = 100;

/**
 * Incremental checkpoints: 0 when 'state.backend.incremental' (or Flink 2.x's
 * 'execution.checkpointing.incremental') is off, else the most files a chain may have
 * ('state.backend.incremental.full-every', default DEFAULT_FULL_EVERY).
 */
export function incrementalFullEvery(options: SessionOptions): number {
  const on = (key: string): boolean => (options.get(key) ?? 'false').toLowerCase() === 'true';
  if (!on('state.backend.incremental') && !on('execution.checkpointing.incremental')) return 0;
  return Number(options.get('state.backend.incremental.full-every') ?? String(DEFAULT_FULL_EVERY));
}

export function jobOptionsFrom(options: SessionOptions, settings: RunSettings) {
  return {
    jobId: settings.jobId,
    checkpointDir: settings.checkpoint?.dir,
    batchSize: Number(options.get('execution.batch-size') ?? 4096),
    channelCapacity: 8,
    exactlyOnce: (options.get('execution.checkpointing.mode') ?? 'EXACTLY_ONCE') === 'EXACTLY_ONCE',
    idleTimeoutMs: parseDuration(options.get('table.exec.source.idle-timeout') ?? '0') || 0,
    defaultRowsPerSecond: options.get('table.exec.source.rows-per-second') === undefined ? undefined : Number(options.get('table.exec.source.rows-per-second')),
    resultListener: settings.listener,
    stateTtlMs: stateTtlOf(options),
    // (checked when the plan was built: Session.physicalPlan)
    miniBatch: miniBatchFrom((k) => options.get(k), false),
    incrementalFullEvery: incrementalFullEvery(options),
    timeZone: options.get('table.local-time-zone') ?? 'default',
  };
}

/**
 * Threads for a plan. `execution.worker-threads` = 'auto' runs a parallel job on min(parallelism,
 * cores) threads: the main thread and one worker fewer, the main thread taking its share of the
 * subtasks (one isolate fewer to start and warm up: a short job pays each isolate's cold start).
 * A serial job runs on the main thread alone. A number n puts the subtasks on n workers and none
 * on the main thread (0: everything on the main thread).
 */
export function workerThreadsFor(plan: PhysicalPlan, options: SessionOptions): { readonly workers: number; readonly mainShare: boolean } {
  const setting = options.get('execution.worker-threads') ?? 'auto';
  const maxP = Math.max(1, ...plan.nodes.map((n) => n.parallelism));
  if (setting === 'auto') return maxP > 1 ? { workers: Math.min(maxP, availableParallelism()) - 1, mainShare: true } : { workers: 0, mainShare: false };
  return { workers: Math.min(Number(setting), maxP), mainShare: false };
}

/** Checkpoint coordinator settings from the session options (Flink's names). */
export function coordinatorConfig(options: SessionOptions): CoordinatorConfig {
  const ms = (key: string): number => {
    const v = parseDuration(options.get(key) ?? '0');
    if (Number.isNaN(v)) throw new WeirError('usage', `option '${key}' must be a duration such as '5s', got '${options.get(key)}'`);
    return v;
  };
  const tolerable = Number(options.get('execution.checkpointing.tolerable-failed-checkpoints') ?? '0');
  return { intervalMs: ms('execution.checkpointing.interval'), timeoutMs: ms('execution.checkpointing.timeout'), minPauseMs: ms('execution.checkpointing.min-pause'), tolerableFailures: Number.isFinite(tolerable) ? tolerable : 0 };
}

export class RunningJob {
  private current: JobHandle;
  private currentRunner: CheckpointRunner | null = null;
  private readonly started = performance.now();
  private readonly stateTtlMs: number;
  private readonly workers: { readonly workers: number; readonly mainShare: boolean };
  private readonly jobOptions: ReturnType<typeof jobOptionsFrom>;
  /** Metrics of earlier attempts (a restart starts new subtasks from zero). */
  private readonly earlier = new Map<number, OperatorMetrics>();
  /** Checkpoint counts of earlier attempts' coordinators. */
  private readonly earlierStats: CheckpointStats = { completed: 0, failed: 0, last: undefined, lastFailure: undefined };
  private readonly tracker: RestartTracker | null;
  /** The newest checkpoint completed in this run (or restored from): where a restart starts. */
  private latestCheckpoint: number | undefined;
  /** The first checkpoint id of this run: older ones in the directory belong to other runs. */
  private firstId = 0;
  private readonly restoredId: number | undefined;
  /** Automatic restarts so far, and the cause of the last failure. */
  restarts = 0;
  lastCause: string | undefined;
  /** Set when a failure ended the job because the restart strategy allowed no more restarts. */
  exhausted = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly plan: PhysicalPlan,
    options: SessionOptions,
    readonly settings: RunSettings,
    restore?: { readonly state: RestoreState; readonly checkpointId: number },
  ) {
    this.workers = workerThreadsFor(plan, options);
    this.jobOptions = { ...jobOptionsFrom(options, settings), resultListener: this.limitedListeners(plan, settings.listener) };
    this.stateTtlMs = this.jobOptions.stateTtlMs;
    this.restoredId = restore?.checkpointId;
    this.latestCheckpoint = restore?.checkpointId;
    this.tracker = settings.restart !== undefined && settings.checkpoint !== undefined && settings.restart.type !== 'none' ? new RestartTracker(settings.restart) : null;
    this.current = this.startAttempt(restore);
  }

  /** The job of the current attempt. */
  get job(): JobHandle {
    return this.current;
  }

  /** The checkpoint coordinator of the current attempt (null without checkpointing). */
  get runner(): CheckpointRunner | null {
    return this.currentRunner;
  }

  /** Builds the job (and its checkpoint coordinator) for an attempt. */
  private startAttempt(restore: { readonly state: RestoreState; readonly checkpointId: number } | undefined): JobHandle {
    // each attempt is told its number and restore point (sinks name their prepared transactions by them)
    const options = { ...this.jobOptions, attempt: this.restarts, restoredCheckpointId: restore?.checkpointId };
    const job = this.workers.workers > 0 ? new ClusterJob(this.plan, options, this.workers.workers, restore?.state, this.workers.mainShare) : new Job(this.plan, options, restore?.state);
    const c = this.settings.checkpoint;
    if (c !== undefined) {
      const storage = new CheckpointStorage(c.dir);
      const ids = planTaskIds(this.plan);
      const first = Math.max(storage.nextId(), (restore?.checkpointId ?? 0) + 1);
      if (this.currentRunner === null) this.firstId = first;
      this.currentRunner = new CheckpointRunner(
        job,
        storage,
        c.config,
        { fingerprint: planFingerprint(this.plan), maxParallelism: this.plan.maxParallelism, tasks: ids.all, sources: ids.sources },
        c.retained,
        first,
        c.onChange === undefined ? undefined : (st) => c.onChange!(this.mergedStats(st)),
      );
    }
    return job;
  }

  private mergedStats(cur: CheckpointStats | undefined): CheckpointStats {
    const e = this.earlierStats;
    if (cur === undefined) return { ...e };
    const cleanupFailure = cur.cleanupFailure ?? e.cleanupFailure;
    return { completed: e.completed + cur.completed, failed: e.failed + cur.failed, last: cur.last ?? e.last, lastFailure: cur.lastFailure ?? e.lastFailure, ...(cleanupFailure !== undefined ? { cleanupFailure } : {}) };
  }

  /**
   * A job whose every result is a LIMIT (bare SELECTs, no INSERT) ends as soon as each has its
   * rows, even over an unbounded source (as a shell peeks at a table): the listeners count the
   * rows, and when all are complete the job is cancelled (not failed) and each listener ends.
   */
  private limitedListeners(plan: PhysicalPlan, listener: RunSettings['listener']): RunSettings['listener'] {
    if (listener === undefined) return undefined;
    const collects = plan.nodes.filter((n) => n.spec.kind === 'collect');
    const fetches = collects.map((c) => {
      const input = plan.nodes[c.inputs[0]!.from]!;
      return input.spec.kind === 'limit' ? input.spec.fetch : undefined;
    });
    const limitedOnly = collects.length > 0 && fetches.every((f) => f !== undefined) && !plan.nodes.some((n) => n.spec.kind === 'sink');
    if (!limitedOnly) return listener;
    const counts = fetches.map(() => 0);
    let ended = false;
    const wrapped: ResultListener[] = [];
    const check = async (): Promise<void> => {
      if (ended || !counts.every((n, i) => n >= fetches[i]!)) return;
      ended = true;
      this.job.cancel();
      for (const l of wrapped) await l.onEnd?.();
    };
    return (i) => {
      const inner = listener(i);
      const l: ResultListener = {
        onBatch: async (b) => {
          if (ended) return;
          await inner.onBatch(b);
          counts[i]! += b.length;
          await check();
        },
        onWatermark: (wm) => inner.onWatermark?.(wm),
        onEnd: async () => {
          if (ended) return;
          await inner.onEnd?.();
        },
      };
      wrapped[i] = { onBatch: () => undefined, onEnd: () => inner.onEnd?.() };
      return l;
    };
  }

  /** Stops the job: with a savepoint when checkpointing is on, else by cancelling it. */
  stop(): void {
    this.stopRequested = true;
    // waiting to restart: nothing runs, so there is nothing to save
    if (this.wake !== null) this.wake();
    else if (this.runner !== null) this.runner.requestStop();
    else this.job.cancel();
  }

  async run(): Promise<JobSummary> {
    let timer: NodeJS.Timeout | undefined;
    if (this.settings.onProgress !== undefined) {
      let lastRows = 0;
      let lastAt = performance.now();
      timer = setInterval(() => {
        const now = performance.now();
        const rows = this.rowsRead();
        const rate = ((rows - lastRows) * 1000) / Math.max(1, now - lastAt);
        lastRows = rows;
        lastAt = now;
        this.settings.onProgress!({ elapsedMs: now - this.started, rowsRead: rows, rowsPerSecond: rate, watermark: this.job.sourceWatermark() });
      }, 250);
    }
    try {
      for (;;) {
        this.runner?.start();
        let failure: unknown;
        try {
          await this.job.run();
        } catch (e) {
          failure = e;
        } finally {
          this.runner?.stop();
          // retention's deletes of this attempt end before the job does (or restarts)
          await this.runner?.settled();
        }
        if (failure === undefined) break;
        const next = await this.recover(failure);
        if (next === 'stopped') break;
      }
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
    return this.summary();
  }

  /**
   * After a failure: restarts the job from the latest checkpoint of this run, if the failure
   * is recoverable and the restart strategy allows it (after its delay); throws the failure
   * otherwise. A failure to restart (the checkpoint cannot be loaded, a sink directory cannot
   * be cleaned) counts as another failure.
   */
  private async recover(failure: unknown): Promise<'restarted' | 'stopped'> {
    let cause = failure;
    for (;;) {
      if (this.tracker === null || this.cancelled || this.stopRequested || !isRecoverable(cause)) throw cause;
      const delayMs = this.tracker.onFailure(Date.now());
      if (delayMs === undefined) {
        this.exhausted = this.restarts > 0 || this.tracker.strategy.type !== 'none';
        throw cause;
      }
      this.restarts++;
      this.lastCause = causeText(cause);
      this.foldAttempt();
      this.settings.onRestart?.({ restarts: this.restarts, cause: this.lastCause, delayMs });
      await this.backoff(delayMs);
      if (this.cancelled || this.stopRequested) return 'stopped';
      try {
        this.current = this.startAttempt(this.restartState());
        return 'restarted';
      } catch (e) {
        cause = e;
      }
    }
  }

  /** Keeps the finished attempt's metrics and checkpoint counts, and its newest checkpoint. */
  private foldAttempt(): void {
    for (const { node, total } of this.job.nodeMetrics()) {
      const m = this.earlier.get(node.id) ?? newMetrics();
      m.rowsIn += total.rowsIn;
      m.rowsOut += total.rowsOut;
      m.lateDropped += total.lateDropped;
      m.skipped += total.skipped;
      m.stateExpired += total.stateExpired;
      m.passedThrough += total.passedThrough;
      this.earlier.set(node.id, m);
    }
    const st = this.runner?.stats;
    if (st !== undefined) {
      this.earlierStats.completed += st.completed;
      this.earlierStats.failed += st.failed;
      this.earlierStats.last = st.last ?? this.earlierStats.last;
      this.earlierStats.lastFailure = st.lastFailure ?? this.earlierStats.lastFailure;
      if (st.cleanupFailure !== undefined) this.earlierStats.cleanupFailure = st.cleanupFailure;
      if (st.last !== undefined) this.latestCheckpoint = st.last.id;
    }
  }

  private backoff(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /**
   * The state a restart starts from: the newest intact checkpoint this run completed (or the
   * one it was restored from), with the sinks' uncommitted files of the failed attempt
   * removed; none (a start from the beginning) when no checkpoint completed yet.
   */
  private restartState(): { state: RestoreState; checkpointId: number } | undefined {
    const c = this.settings.checkpoint!;
    const storage = new CheckpointStorage(c.dir);
    const latest = this.latestCheckpoint;
    if (latest === undefined) {
      removeUncommittedSinkFiles(this.plan, new Set());
      return undefined;
    }
    const candidates = storage
      .ids()
      .filter((id) => id <= latest && (id >= this.firstId || id === this.restoredId))
      .reverse();
    const skipped: string[] = [];
    for (const id of candidates) {
      try {
        const loaded = loadCheckpoint(join(c.dir, `chk-${id}`), c.dir, planIdentity(this.plan), false);
        const r = prepareRestore(this.plan, loaded);
        return { state: r.state, checkpointId: r.checkpointId };
      } catch (e) {
        skipped.push(`chk-${id}: ${causeText(e)}`);
      }
    }
    throw new WeirError('checkpoint', `cannot restart: no intact checkpoint of this run in ${c.dir}${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`);
  }

  /** Where the next restart starts: a checkpoint, or the beginning. */
  restartPoint(): string {
    const st = this.runner?.stats.last?.id ?? this.latestCheckpoint;
    return st === undefined ? 'the beginning (no checkpoint completed yet)' : `checkpoint chk-${st}`;
  }

  /** Set once cancel() was called. */
  cancelled = false;

  cancel(): void {
    this.cancelled = true;
    if (this.wake !== null) this.wake();
    this.job.cancel();
  }

  /** Metrics per plan node over every attempt. */
  private nodeMetrics(): { node: PhysicalNode; total: OperatorMetrics }[] {
    const now = this.job.nodeMetrics();
    if (this.earlier.size === 0) return now;
    return now.map(({ node, total }) => {
      const e = this.earlier.get(node.id);
      if (e === undefined) return { node, total };
      return { node, total: { rowsIn: e.rowsIn + total.rowsIn, rowsOut: e.rowsOut + total.rowsOut, lateDropped: e.lateDropped + total.lateDropped, skipped: e.skipped + total.skipped, stateExpired: e.stateExpired + total.stateExpired, passedThrough: e.passedThrough + total.passedThrough } };
    });
  }

  /** Rows read so far and the sources' watermark, now: a display samples them when it draws. */
  progressNow(): { elapsedMs: number; rowsRead: number; watermark: number } {
    return { elapsedMs: performance.now() - this.started, rowsRead: this.rowsRead(), watermark: this.job.sourceWatermark() };
  }

  private rowsRead(): number {
    let rows = 0;
    for (const { node, total } of this.nodeMetrics()) if (node.spec.kind === 'source' || node.spec.kind === 'values') rows += total.rowsIn;
    return rows;
  }

  summary(): JobSummary {
    const ops: OperatorSummary[] = [];
    let rowsRead = 0;
    let rowsWritten = 0;
    let late = 0;
    let skipped = 0;
    let expired = 0;
    let ttlHints = 0;
    const localAgg = { rowsIn: 0, passedThrough: 0 };
    const delays: { table: string; column: string; delayMs: number | undefined }[] = [];
    for (const { node, total } of this.nodeMetrics()) {
      const s = node.spec;
      if (s.kind === 'source') {
        rowsRead += total.rowsIn;
        skipped += total.skipped;
        // (a processing-time job's sources emit the clock, not their WATERMARK clause)
        if (s.watermark !== undefined && this.plan.timeDomain !== 'processing') {
          const rt = node.schema.find((f) => f.rowtime);
          const d = { table: s.table.name, column: rt?.name ?? s.table.watermark?.column ?? '?', delayMs: s.watermarkDelay };
          // one entry per table, however many queries read it
          if (!delays.some((x) => x.table === d.table && x.column === d.column && x.delayMs === d.delayMs)) delays.push(d);
        }
      }
      if (s.kind === 'values') rowsRead += total.rowsIn;
      if (s.kind === 'sink' || s.kind === 'collect') rowsWritten += total.rowsIn;
      late += total.lateDropped;
      expired += total.stateExpired;
      if ((s.kind === 'window-aggregate' && s.phase.kind === 'local' && s.phase.adaptive !== undefined) || (s.kind === 'local-group-aggregate' && s.adaptive !== undefined)) {
        localAgg.rowsIn += total.rowsIn;
        localAgg.passedThrough += total.passedThrough;
      }
      if ((s.kind === 'join' && (s.leftTtlMs !== undefined || s.rightTtlMs !== undefined)) || (s.kind === 'group-aggregate' && s.stateTtlMs !== undefined)) ttlHints++;
      ops.push({ node: node.id, operator: node.name, description: s.kind === 'source' ? `${s.kind} ${s.table.name}` : s.kind, rowsIn: total.rowsIn, rowsOut: total.rowsOut, lateDropped: total.lateDropped, skipped: total.skipped, stateExpired: total.stateExpired, passedThrough: total.passedThrough });
    }
    return { elapsedMs: performance.now() - this.started, checkpoints: this.settings.checkpoint === undefined ? undefined : this.mergedStats(this.runner?.stats), rowsRead, rowsWritten, lateDropped: late, skipped, stateExpired: expired, localAgg, stateTtlMs: this.stateTtlMs, ttlHints, operators: ops, watermarkDelays: delays, restarts: this.restarts, lastRestartCause: this.lastCause, restartStrategy: this.tracker?.strategy };
  }
}

export function formatWatermark(wm: number): string {
  if (wm === -Infinity) return '-';
  if (wm === Infinity) return 'end of input';
  return formatTimestamp(wm);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatDelay(ms: number | undefined): string {
  if (ms === undefined) return 'custom watermark expression';
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The state to start a job from a loaded checkpoint, after removing what crashed runs left
 * behind: in-progress files of filesystem sinks that the checkpoint does not hold as pending
 * (they were written after it, and their rows will be written again).
 */
export function prepareRestore(plan: PhysicalPlan, loaded: LoadedCheckpoint): { state: RestoreState; checkpointId: number; removedFiles: number } {
  const keep = new Set<string>();
  for (const n of plan.nodes) {
    if (n.spec.kind !== 'sink' || n.spec.table.options.get('connector') !== 'filesystem') continue;
    for (const snap of loaded.operators.get(n.name) ?? []) {
      const pending = (snap?.operator as { pending?: [number, unknown][] } | null)?.pending ?? [];
      for (const [, files] of pending) for (const f of implOf('filesystem').pendingFilesOf(files)) if (typeof f?.hidden === 'string') keep.add(f.hidden);
    }
  }
  const removedFiles = removeUncommittedSinkFiles(plan, keep);
  return { state: { operators: loaded.operators }, checkpointId: loaded.id, removedFiles };
}

/** Removes the in-progress files of the plan's filesystem sinks, except those in `keep`. */
function removeUncommittedSinkFiles(plan: PhysicalPlan, keep: ReadonlySet<string>): number {
  let removedFiles = 0;
  for (const n of plan.nodes) {
    if (n.spec.kind !== 'sink' || n.spec.table.options.get('connector') !== 'filesystem') continue;
    const fs = implOf('filesystem');
    removedFiles += fs.removeUncommitted(fs.filesystemPath(n.spec.table), keep);
  }
  return removedFiles;
}

/** A failure's message on one line (status line, summary). */
export function causeText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s*\n\s*/g, ' ');
}

export function planIdentity(plan: PhysicalPlan): PlanIdentity {
  return { fingerprint: planFingerprint(plan), maxParallelism: plan.maxParallelism, operatorIds: new Set(plan.nodes.map((n) => n.name)) };
}
