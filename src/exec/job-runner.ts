// Runs a planned job for a client (CLI `run`, the REPL, `verify`): starts it with the
// session's options, reports progress, and gathers the end-of-run summary.

import type { PhysicalPlan } from '../plan/physical.js';
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
import { pendingFilesOf, removeUncommitted } from '../connectors/filesystem/filesystem.js';
import { filesystemPath } from '../connectors/filesystem/partitions.js';

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
  /** The state TTL in ms ('table.exec.state.ttl'), 0 when unset; hints are in `ttlHints`. */
  readonly stateTtlMs: number;
  /** Operators whose TTL a STATE_TTL hint set. */
  readonly ttlHints: number;
  readonly operators: readonly OperatorSummary[];
  /** Watermark delays of the sources read, for explaining late drops. */
  readonly watermarkDelays: readonly { table: string; column: string; delayMs: number | undefined }[];
}

/** 'table.exec.state.ttl' in ms (0: state is kept forever). */
export function stateTtlOf(options: SessionOptions): number {
  const v = parseDuration(options.get('table.exec.state.ttl') ?? '0');
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * Incremental checkpoints: 0 when 'state.backend.incremental' (or Flink 2.x's
 * 'execution.checkpointing.incremental') is off, else how often a full
 * snapshot is taken ('state.backend.incremental.full-every', default 10 checkpoints).
 */
export function incrementalFullEvery(options: SessionOptions): number {
  const on = (key: string): boolean => (options.get(key) ?? 'false').toLowerCase() === 'true';
  if (!on('state.backend.incremental') && !on('execution.checkpointing.incremental')) return 0;
  return Number(options.get('state.backend.incremental.full-every') ?? '10');
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
    incrementalFullEvery: incrementalFullEvery(options),
    timeZone: options.get('table.local-time-zone') ?? 'default',
  };
}

/**
 * Worker threads for a plan: `execution.worker-threads` = 'auto' uses one per subtask up to
 * the cores available when the job is parallel, none (everything on the main thread) when it
 * is not; a number forces that many (0: all on the main thread).
 */
export function workerThreadsFor(plan: PhysicalPlan, options: SessionOptions): number {
  const setting = options.get('execution.worker-threads') ?? 'auto';
  const maxP = Math.max(1, ...plan.nodes.map((n) => n.parallelism));
  if (setting === 'auto') return maxP > 1 ? Math.min(maxP, availableParallelism()) : 0;
  return Math.min(Number(setting), maxP);
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
  readonly job: JobHandle;
  readonly runner: CheckpointRunner | null = null;
  private readonly started = performance.now();
  private readonly stateTtlMs: number;

  constructor(
    readonly plan: PhysicalPlan,
    options: SessionOptions,
    readonly settings: RunSettings,
    restore?: { readonly state: RestoreState; readonly checkpointId: number },
  ) {
    const workers = workerThreadsFor(plan, options);
    const opts = { ...jobOptionsFrom(options, settings), resultListener: this.limitedListeners(plan, settings.listener) };
    this.stateTtlMs = opts.stateTtlMs;
    this.job = workers > 0 ? new ClusterJob(plan, opts, workers, restore?.state) : new Job(plan, opts, restore?.state);
    const c = settings.checkpoint;
    if (c !== undefined) {
      const storage = new CheckpointStorage(c.dir);
      const ids = planTaskIds(plan);
      this.runner = new CheckpointRunner(
        this.job,
        storage,
        c.config,
        { fingerprint: planFingerprint(plan), maxParallelism: plan.maxParallelism, tasks: ids.all, sources: ids.sources },
        c.retained,
        Math.max(storage.nextId(), (restore?.checkpointId ?? 0) + 1),
        c.onChange,
      );
    }
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
    if (this.runner !== null) this.runner.requestStop();
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
    this.runner?.start();
    try {
      await this.job.run();
    } finally {
      this.runner?.stop();
      if (timer !== undefined) clearInterval(timer);
    }
    return this.summary();
  }

  /** Set once cancel() was called. */
  cancelled = false;

  cancel(): void {
    this.cancelled = true;
    this.job.cancel();
  }

  /** Rows read so far and the sources' watermark, now: a display samples them when it draws. */
  progressNow(): { elapsedMs: number; rowsRead: number; watermark: number } {
    return { elapsedMs: performance.now() - this.started, rowsRead: this.rowsRead(), watermark: this.job.sourceWatermark() };
  }

  private rowsRead(): number {
    let rows = 0;
    for (const { node, total } of this.job.nodeMetrics()) if (node.spec.kind === 'source' || node.spec.kind === 'values') rows += total.rowsIn;
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
    const delays: { table: string; column: string; delayMs: number | undefined }[] = [];
    for (const { node, total } of this.job.nodeMetrics()) {
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
      if ((s.kind === 'join' && (s.leftTtlMs !== undefined || s.rightTtlMs !== undefined)) || (s.kind === 'group-aggregate' && s.stateTtlMs !== undefined)) ttlHints++;
      ops.push({ node: node.id, operator: node.name, description: s.kind === 'source' ? `${s.kind} ${s.table.name}` : s.kind, rowsIn: total.rowsIn, rowsOut: total.rowsOut, lateDropped: total.lateDropped, skipped: total.skipped, stateExpired: total.stateExpired });
    }
    return { elapsedMs: performance.now() - this.started, checkpoints: this.runner?.stats, rowsRead, rowsWritten, lateDropped: late, skipped, stateExpired: expired, stateTtlMs: this.stateTtlMs, ttlHints, operators: ops, watermarkDelays: delays };
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
    if (n.spec.kind !== 'sink') continue;
    for (const snap of loaded.operators.get(n.name) ?? []) {
      const pending = (snap?.operator as { pending?: [number, unknown][] } | null)?.pending ?? [];
      for (const [, files] of pending) for (const f of pendingFilesOf(files)) if (typeof f?.hidden === 'string') keep.add(f.hidden);
    }
  }
  let removedFiles = 0;
  for (const n of plan.nodes) {
    if (n.spec.kind !== 'sink' || n.spec.table.options.get('connector') !== 'filesystem') continue;
    removedFiles += removeUncommitted(filesystemPath(n.spec.table), keep);
  }
  return { state: { operators: loaded.operators }, checkpointId: loaded.id, removedFiles };
}

export function planIdentity(plan: PhysicalPlan): PlanIdentity {
  return { fingerprint: planFingerprint(plan), maxParallelism: plan.maxParallelism, operatorIds: new Set(plan.nodes.map((n) => n.name)) };
}
