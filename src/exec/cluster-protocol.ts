// Messages between the main thread and the worker threads of a cluster job.

import type { WireError } from '../common/errors.js';
import type { Job } from './job.js';
import type { BarrierKind } from './source-task.js';
import type { StateHandle } from '../checkpoint/storage.js';
import type { OperatorMetrics } from './operator.js';

export interface MetricsReport {
  /** [node id, subtask, metrics] for this thread's subtasks. */
  readonly metrics: readonly [number, number, OperatorMetrics][];
  /** Watermark of each running source subtask of this thread. */
  readonly sourceWatermarks: readonly number[];
}

export type ToWorker =
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
