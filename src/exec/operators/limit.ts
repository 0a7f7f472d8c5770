// LIMIT n [OFFSET m] on a stream: passes rows m+1 .. m+n in the order they arrive (Flink's
// streaming limit without ORDER BY), then drops everything. Runs on one subtask.
//
// State: the number of rows seen, as operator state. No watermark rule; append-only output.
// A client that collects a LIMIT query ends the job once its n rows have arrived (job-runner).

import type { Batch } from '../../common/batch.js';
import { sliceBatch } from '../../common/batch.js';
import type { Collector, Operator, OperatorSnapshot } from '../operator.js';

export class LimitOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): slices batches without reading values. */
  readonly wideInts = true;
  private seen = 0;

  constructor(
    private readonly offset: number,
    private readonly fetch: number,
  ) {}

  processBatch(batch: Batch, out: Collector): void {
    const end = this.offset + this.fetch;
    const before = this.seen;
    this.seen = Math.min(end, before + batch.length);
    if (before >= end) return;
    const from = Math.max(0, this.offset - before);
    const to = Math.min(batch.length, end - before);
    if (to <= from) return;
    out.emit(from === 0 && to === batch.length ? batch : sliceBatch(batch, from, to));
  }

  snapshot(): OperatorSnapshot {
    return { keyed: new Map(), operator: { seen: this.seen } };
  }

  restore(_keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    for (const s of operatorStates) {
      const n = (s as { seen?: number } | null)?.seen;
      if (typeof n === 'number') this.seen = Math.max(this.seen, n);
    }
  }
}
