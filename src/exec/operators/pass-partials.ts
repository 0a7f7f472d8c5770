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

/** Appends to `columns` one partial column per entry of `plan`; the type of each is outputTypes[its position in columns]. */
export function pushPassedPartials(batch: Batch, plan: readonly PassPartial[], outputTypes: readonly DataType[], columns: Column[]): void {
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
    if (p.kind === 'one') {
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
