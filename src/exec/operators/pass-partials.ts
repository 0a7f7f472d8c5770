// A local aggregation phase that passes rows straight on (the adaptive two-phase window
// aggregate and updating GROUP BY) turns each input row into a one-row partial: per partial
// column either a constant count (COUNT(*)), a 0/1 count of non-NULL values (COUNT(x)), or the
// value itself (SUM, MIN, MAX, ...), with FILTER (WHERE ...) applied.

import type { Batch, Column } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';

export type PassPartial =
  | { readonly kind: 'one'; readonly filter: number | undefined }
  | { readonly kind: 'non-null'; readonly column: number; readonly filter: number | undefined }
  | { readonly kind: 'value'; readonly column: number; readonly filter: number | undefined };

/**
 * A column of ones kept across batches, for a consumer that reads each batch at once and keeps
 * none of its arrays (a local phase chained to its global phase without an exchange).
 */
export interface OnesCache {
  ones: Float64Array;
}

/**
 * Appends to `columns` one partial column per entry of `plan`; the type of each is
 * outputTypes[its position in columns]. With `cache`, a COUNT(*) without FILTER reads the
 * cached ones (no array per batch).
 */
export function pushPassedPartials(batch: Batch, plan: readonly PassPartial[], outputTypes: readonly DataType[], columns: Column[], cache?: OnesCache): void {
  const n = batch.length;
  for (let j = 0; j < plan.length; j++) {
    const p = plan[j]!;
    const type = outputTypes[columns.length]!;
    // FILTER (WHERE ...): the rows it passes (1), as the accumulators read it
    let pass: Uint8Array | null = null;
    if (p.filter !== undefined) {
      const f = batch.columns[p.filter]!;
      const fv = f.values as Uint8Array;
      const fnulls = f.nulls;
      pass = new Uint8Array(n);
      for (let i = 0; i < n; i++) pass[i] = fv[i] === 1 && (fnulls === null || fnulls[i] === 0) ? 1 : 0;
    }
    if (p.kind === 'one' && pass === null && cache !== undefined) {
      if (cache.ones.length < n) cache.ones = new Float64Array(Math.max(n, 4096)).fill(1);
      columns.push({ type, values: cache.ones.length === n ? cache.ones : cache.ones.subarray(0, n), nulls: null });
    } else if (p.kind === 'one') {
      const v = new Float64Array(n);
      if (pass === null) v.fill(1);
      else for (let i = 0; i < n; i++) v[i] = pass[i]!;
      columns.push({ type, values: v, nulls: null });
    } else if (p.kind === 'non-null') {
      const c = batch.columns[p.column]!;
      const v = new Float64Array(n);
      const cn = c.nulls;
      for (let i = 0; i < n; i++) v[i] = (cn === null || cn[i] === 0) && (pass === null || pass[i] === 1) ? 1 : 0;
      columns.push({ type, values: v, nulls: null });
    } else {
      const c = batch.columns[p.column]!;
      if (pass === null) columns.push({ type, values: c.values, nulls: c.nulls });
      else {
        // a row the FILTER drops gives a NULL partial, which every aggregate that passes rows skips
        const nulls = new Uint8Array(n);
        const cn = c.nulls;
        for (let i = 0; i < n; i++) nulls[i] = pass[i] === 0 || (cn !== null && cn[i] === 1) ? 1 : 0;
        columns.push({ type, values: c.values, nulls });
      }
    }
  }
}

/** Passing periods, in sample sizes: the first one, doubled while passing still pays, up to the last. */
const FIRST_PASS_PERIODS = 4;
const MAX_PASS_PERIODS = 256;

/**
 * When an adaptive local phase pre-aggregates and when it passes rows on. Pre-aggregating, it
 * counts the rows it folds and the partial rows it emits; once it has measured `sampleRows`
 * rows, fewer than `minRowsPerPartial` rows per partial switch it to passing. Passing, it
 * switches back to measure again after a period that starts at FIRST_PASS_PERIODS samples and
 * doubles each time a measurement confirms passing (up to MAX_PASS_PERIODS); a measurement that
 * finds pre-aggregating pays resets the period.
 */
export class PassSwitch {
  /** Passing rows straight on (true) or pre-aggregating (false). */
  passing = false;
  /** Switches between the two modes (tests, job statistics). */
  switches = 0;
  private measuredRows = 0;
  private measuredPartials = 0;
  private passedRows = 0;
  private period = 0;

  constructor(private readonly adaptive: { readonly sampleRows: number; readonly minRowsPerPartial: number }) {}

  /** Pre-aggregating: `rows` input rows became `partials` partial rows. */
  measured(rows: number, partials: number): void {
    this.measuredRows += rows;
    this.measuredPartials += partials;
  }

  /** After measuring: true when this switched to passing. */
  decide(): boolean {
    const a = this.adaptive;
    if (this.measuredRows < a.sampleRows) return false;
    const pays = this.measuredRows >= a.minRowsPerPartial * this.measuredPartials;
    this.measuredRows = 0;
    this.measuredPartials = 0;
    if (pays) {
      // pre-aggregating pays again: the next passing period starts short
      this.period = 0;
      return false;
    }
    this.period = Math.min(MAX_PASS_PERIODS, this.period === 0 ? FIRST_PASS_PERIODS : this.period * 2);
    this.passedRows = 0;
    this.passing = true;
    this.switches++;
    return true;
  }

  /** Passing: `n` more rows passed on; true when the period is over and this switched back to pre-aggregating. */
  passed(n: number): boolean {
    this.passedRows += n;
    if (this.passedRows < this.period * this.adaptive.sampleRows) return false;
    this.passing = false;
    this.switches++;
    return true;
  }
}
