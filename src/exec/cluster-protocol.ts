// Messages between the main thread and the worker threads of a cluster job.

import type { WireError } from '../common/errors.js';
import type { Job } from './job.js';
import type { BarrierKind } from './source-task.js';
import type { StateHandle } from '../checkpoint/storage.js';
import type { OperatorMetrics } from './operator.js';
import type { MessagePort } from 'node:worker_threads';
import type { PhysicalPlan } from '../plan/physical.js';
import type { JobOptions, PlacementInfo, RestoreState } from './job.js';

/** What a worker needs to run its part of a cluster job. */
export interface WorkerInit {
  readonly plan: PhysicalPlan;
  readonly options: JobOptions;
  readonly restore: RestoreState | undefined;
  readonly thread: number;
  readonly placement: PlacementInfo;
  readonly ports: readonly [number, MessagePort][];
  /** The user-defined function modules of the job (src/expr/udf.ts), imported before the job is built. */
  readonly udfModules: readonly string[];
}

export interface MetricsReport {
  /** [node id, subtask, metrics] for this thread's subtasks. */
  readonly metrics: readonly [number, number, OperatorMetrics][];
  /** Watermark of each running source subtask of this thread. */
  readonly sourceWatermarks: readonly number[];
}

export type ToWorker =
  /** Run a job (a worker runs one job at a time, and is kept for the next one: cluster.ts). */
  | { readonly type: 'start'; readonly init: WorkerInit }
  | { readonly type: 'cancel' }
  | { readonly type: 'trigger'; readonly id: number; readonly kind: BarrierKind }
  | { readonly type: 'complete'; readonly id: number }
  | { readonly type: 'fail'; readonly error: WireError };

export type ToMain =
  | { readonly type: 'ack'; readonly taskId: string; readonly id: number; readonly handles: readonly StateHandle[]; readonly alignmentMs: number }
  | { readonly type: 'ack-failed'; readonly taskId: string; readonly id: number; readonly reason: string }
  | { readonly type: 'exhausted'; readonly taskId: string }
  | ({ readonly type: 'metrics' } & MetricsReport)
  | ({ readonly type: 'done' } & MetricsReport)
  | ({ readonly type: 'error'; readonly error: WireError } & MetricsReport);

export function metricsReport(job: Job): MetricsReport {
  const metrics: [number, number, OperatorMetrics][] = [];
  for (const [node, list] of job.rawMetrics()) list.forEach((m, s) => m !== undefined && metrics.push([node, s, { ...m }]));
  return { metrics, sourceWatermarks: job.sourceTasks.filter((t) => !t.finished).map((t) => t.currentWatermark) };
}
