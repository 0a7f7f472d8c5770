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

export interface RunSettings {
  readonly jobId: string;
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
  readonly operator: string;
  readonly description: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly lateDropped: number;
  readonly skipped: number;
}

export interface JobSummary {
  readonly elapsedMs: number;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly lateDropped: number;
  readonly skipped: number;
  readonly operators: readonly OperatorSummary[];
  /** Watermark delays of the sources read, for explaining late drops. */
  readonly watermarkDelays: readonly { table: string; column: string; delayMs: number | undefined }[];
}

export function jobOptionsFrom(options: SessionOptions, settings: RunSettings) {
  return {
    jobId: settings.jobId,
    batchSize: Number(options.get('execution.batch-size') ?? 4096),
    channelCapacity: 8,
    exactlyOnce: (options.get('execution.checkpointing.mode') ?? 'EXACTLY_ONCE') === 'EXACTLY_ONCE',
    idleTimeoutMs: parseDuration(options.get('table.exec.source.idle-timeout') ?? '0') || 0,
    resultListener: settings.listener,
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

export class RunningJob {
  readonly job: JobHandle;
  private readonly started = performance.now();

  constructor(
    readonly plan: PhysicalPlan,
    options: SessionOptions,
    readonly settings: RunSettings,
    restore?: RestoreState,
  ) {
    const workers = workerThreadsFor(plan, options);
    const opts = jobOptionsFrom(options, settings);
    this.job = workers > 0 ? new ClusterJob(plan, opts, workers, restore) : new Job(plan, opts, restore);
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
      await this.job.run();
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
    return this.summary();
  }

  cancel(): void {
    this.job.cancel();
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
    const delays: { table: string; column: string; delayMs: number | undefined }[] = [];
    for (const { node, total } of this.job.nodeMetrics()) {
      const s = node.spec;
      if (s.kind === 'source') {
        rowsRead += total.rowsIn;
        skipped += total.skipped;
        if (s.watermark !== undefined) {
          const rt = node.schema.find((f) => f.rowtime);
          delays.push({ table: s.table.name, column: rt?.name ?? s.table.watermark?.column ?? '?', delayMs: s.watermarkDelay });
        }
      }
      if (s.kind === 'values') rowsRead += total.rowsIn;
      if (s.kind === 'sink' || s.kind === 'collect') rowsWritten += total.rowsIn;
      late += total.lateDropped;
      ops.push({ operator: node.name, description: s.kind === 'source' ? `${s.kind} ${s.table.name}` : s.kind, rowsIn: total.rowsIn, rowsOut: total.rowsOut, lateDropped: total.lateDropped, skipped: total.skipped });
    }
    return { elapsedMs: performance.now() - this.started, rowsRead, rowsWritten, lateDropped: late, skipped, operators: ops, watermarkDelays: delays };
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
