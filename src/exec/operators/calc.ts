// Calc: a filter and/or a projection, compiled once. Stateless; watermarks pass through.
// A changelog input keeps its row kinds (a filter may drop a -U whose +U it keeps: the
// result stays correct when the changelog is materialised).

import type { Batch } from '../../common/batch.js';
import { filterBatch } from '../../common/batch.js';
import type { BoundExpr } from '../../expr/bound.js';
import { compileExpr, compileProjection } from '../../expr/compile.js';
import { readsWatermark, withEvaluationWatermark } from '../../expr/functions/watermark.js';
import type { Collector, Operator } from '../operator.js';

export class CalcOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): expressions check wide BIGINT columns per function (expr/compile.ts). */
  readonly wideInts = true;
  private readonly predicate: ((b: Batch) => Batch) | null;
  private readonly projection: ((b: Batch) => Batch) | null;

  constructor(predicate: BoundExpr | undefined, projection: readonly BoundExpr[] | undefined) {
    if (predicate !== undefined) {
      const p = compileExpr(predicate);
      this.predicate = (b) => {
        const c = p(b);
        return filterBatch(b, c.values as Uint8Array, c.nulls);
      };
    } else this.predicate = null;
    this.projection = projection !== undefined ? compileProjection(projection) : null;
    if (readsWatermark([...(predicate === undefined ? [] : [predicate]), ...(projection ?? [])])) {
      // CURRENT_WATERMARK(...): the batches are evaluated with the last watermark received
      let wm = -Infinity;
      const run = this.processBatch.bind(this);
      this.processWatermark = (w) => {
        wm = w;
      };
      this.processBatch = (batch, out) => withEvaluationWatermark(wm, () => run(batch, out));
    }
  }

  processWatermark?: (wm: number, out: Collector) => void;

  processBatch(batch: Batch, out: Collector): void {
    let b = batch;
    if (this.predicate !== null) {
      b = this.predicate(b);
      if (b.length === 0) return;
    }
    if (this.projection !== null) b = this.projection(b);
    out.emit(b);
  }
}
