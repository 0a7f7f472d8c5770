// Union: rows of every input pass through unchanged (UNION ALL). The task merges the
// inputs' watermarks (minimum) like any multi-input operator.

import type { Batch } from '../../common/batch.js';
import type { Collector, Operator } from '../operator.js';

export class UnionOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): passes batches on as they are. */
  readonly wideInts = true;
  processBatch(batch: Batch, out: Collector): void {
    out.emit(batch);
  }
}
