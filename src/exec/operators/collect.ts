// Collect: hands the rows of a bare SELECT to the client (the CLI printer, the REPL's live
// view, `weir verify`). The client sees every batch, with its changelog kinds, in order,
// and the watermark as it advances.

import type { Batch } from '../../common/batch.js';
import type { Operator } from '../operator.js';

export interface ResultListener {
  onBatch(batch: Batch): void | Promise<void>;
  onWatermark?(wm: number): void;
  onEnd?(): void | Promise<void>;
}

export class CollectOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): the client formats cells with formatCell / getScalar, exact for bigints. */
  readonly wideInts = true;
  constructor(private readonly listener: ResultListener) {}

  processBatch(batch: Batch): void | Promise<void> {
    return this.listener.onBatch(batch);
  }

  processWatermark(wm: number): void {
    this.listener.onWatermark?.(wm);
  }

  finish(): void | Promise<void> {
    return this.listener.onEnd?.();
  }
}
