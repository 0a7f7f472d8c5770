// Flink's mini-batch options for the updating aggregation (README "Session options"):
// 'table.exec.mini-batch.enabled' (default false), 'table.exec.mini-batch.allow-latency'
// (default 0 ms) and 'table.exec.mini-batch.size' (default -1). With mini-batch on, the
// updating GROUP BY (one phase, or the global phase of two) holds its changes across input
// batches and emits one net change per touched group when the bundle is flushed: `size` input
// rows, the next multiple of `allow-latency` of processing time, before a checkpoint barrier,
// when its input goes idle, and at the end of input (group-aggregate.ts).
//
// Flink's checks, with its messages: enabled without a positive latency fails every query
// (the optimizer sets the mini-batch interval on each sink block); a size of 0 or less fails
// only a query with a mini-batch operator (it is read when the operator is built).

import { parseDuration } from '../catalog/catalog.js';
import { planError } from '../common/errors.js';

export const MINI_BATCH_ENABLED = 'table.exec.mini-batch.enabled';
export const MINI_BATCH_LATENCY = 'table.exec.mini-batch.allow-latency';
export const MINI_BATCH_SIZE = 'table.exec.mini-batch.size';

export interface MiniBatch {
  /** Bundles end at multiples of this much processing time (ms, > 0). */
  readonly latencyMs: number;
  /** Input rows after which a bundle ends (> 0). */
  readonly size: number;
}

/**
 * The mini-batch settings of a job, or undefined when mini-batch is off. `hasBundleOperator`:
 * the plan holds an operator that bundles (the updating group aggregate), so the size is read.
 */
export function miniBatchFrom(get: (key: string) => string | undefined, hasBundleOperator: boolean): MiniBatch | undefined {
  if ((get(MINI_BATCH_ENABLED) ?? 'false').trim().toLowerCase() !== 'true') return undefined;
  const latency = parseDuration(get(MINI_BATCH_LATENCY) ?? '0 ms');
  if (!(latency >= 1)) throw planError('MiniBatch Latency must be greater than 0 ms.', undefined, `SET '${MINI_BATCH_LATENCY}' = '2 s' (and '${MINI_BATCH_SIZE}' = '5000') to use mini-batch`);
  const size = Number(get(MINI_BATCH_SIZE) ?? '-1');
  if (hasBundleOperator && !(size > 0)) throw planError(`Key: '${MINI_BATCH_SIZE}' , default: -1 (fallback keys: []) must be > 0.`, undefined, `SET '${MINI_BATCH_SIZE}' = '5000' (input rows per mini-batch)`);
  return { latencyMs: Math.floor(latency), size: size > 0 ? Math.floor(size) : 1 };
}
