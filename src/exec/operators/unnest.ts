// Unnest: `t CROSS JOIN UNNEST(t.arr) AS u(x)` (and LEFT JOIN UNNEST ... ON TRUE, WITH
// ORDINALITY). Each input row is repeated once per element of its collections, with the
// element's columns appended: an ARRAY of ROWs gives one column per field, a MAP its key and
// value (in the map's entry order), any other ARRAY one column. Several collections are
// zipped, the shorter padded with NULLs.
//
// State: none. Watermarks pass through (the rows keep their input's time attributes).
// Retractions: a row's kind is copied to every row it expands to, so -U/-D retract exactly
// the rows the matching +I/+U produced (the expansion is deterministic).

import type { Batch, Column } from '../../common/batch.js';
import { ColumnBuilder, takeBatch } from '../../common/batch.js';
import type { MapValue } from '../../common/composite.js';
import type { DataType } from '../../common/types.js';
import type { BoundExpr } from '../../expr/bound.js';
import { compileExpr } from '../../expr/compile.js';
import type { Collector, Operator } from '../operator.js';

/**
 * How one collection's elements become columns. An INT is a count (the rewrite of INTERSECT
 * ALL / EXCEPT ALL, sql/bind-grouping-sets.ts): the row repeated that many times, no columns.
 */
type Shape = { readonly kind: 'array'; readonly width: 1 } | { readonly kind: 'rows'; readonly width: number } | { readonly kind: 'map'; readonly width: 2 } | { readonly kind: 'count'; readonly width: 0 };

export function unnestShape(t: DataType): Shape {
  if (t.kind === 'INT') return { kind: 'count', width: 0 };
  if (t.kind === 'MAP') return { kind: 'map', width: 2 };
  if (t.kind === 'ARRAY' && t.element!.kind === 'ROW') return { kind: 'rows', width: t.element!.fields!.length };
  return { kind: 'array', width: 1 };
}

export class UnnestOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): the input columns are gathered as they are (takeBatch). */
  readonly wideInts = true;
  private readonly evals: ((b: Batch) => Column)[];
  private readonly shapes: Shape[];
  private readonly builders: ColumnBuilder[];

  constructor(
    exprs: readonly BoundExpr[],
    private readonly ordinality: boolean,
    private readonly outer: boolean,
    outTypes: readonly DataType[],
    private readonly inputWidth: number,
  ) {
    this.evals = exprs.map((e) => compileExpr(e));
    this.shapes = exprs.map((e) => unnestShape(e.type));
    this.builders = outTypes.slice(inputWidth).map((t) => new ColumnBuilder(t));
  }

  processBatch(batch: Batch, out: Collector): void {
    const cols = this.evals.map((f) => f(batch));
    const n = batch.length;
    const k = cols.length;
    // rows out per input row
    let total = 0;
    const counts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let len = 0;
      for (let c = 0; c < k; c++) len = Math.max(len, lengthAt(cols[c]!, i));
      if (len === 0 && this.outer) len = 1;
      counts[i] = len;
      total += len;
    }
    if (total === 0) return;
    const idx = new Int32Array(total);
    const b = this.builders;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const len = counts[i]!;
      for (let j = 0; j < len; j++) {
        idx[m++] = i;
        let col = 0;
        for (let c = 0; c < k; c++) {
          const shape = this.shapes[c]!;
          if (shape.kind === 'count') continue;
          const coll = cols[c]!;
          const present = j < lengthAt(coll, i);
          const v = present ? (coll.values as unknown[])[i] : null;
          if (shape.kind === 'map') {
            const mv = v as MapValue | null;
            b[col]!.push(mv === null ? null : (mv.keys[j] as never));
            b[col + 1]!.push(mv === null ? null : (mv.values[j] as never));
          } else if (shape.kind === 'rows') {
            const row = v === null ? null : ((v as readonly unknown[])[j] as readonly unknown[] | null);
            for (let f = 0; f < shape.width; f++) b[col + f]!.push(row === null ? null : (row[f] as never));
          } else {
            b[col]!.push(v === null ? null : ((v as readonly unknown[])[j] as never));
          }
          col += shape.width;
        }
        if (this.ordinality) b[col]!.push(j + 1);
      }
    }
    const base = takeBatch(batch, idx, total);
    const extra = b.map((x) => x.finish());
    out.emit({ length: total, columns: [...base.columns.slice(0, this.inputWidth), ...extra], ops: base.ops, owned: true });
  }
}

function lengthAt(c: Column, i: number): number {
  if (c.nulls !== null && c.nulls[i] === 1) return 0;
  const v = (c.values as unknown[])[i];
  if (typeof v === 'number') return v > 0 ? v : 0;
  return Array.isArray(v) ? v.length : (v as MapValue).keys.length;
}
