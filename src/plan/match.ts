// MATCH_RECOGNIZE (row pattern recognition, Flink's CEP in SQL) as a plan node: the pattern
// compiled to a list of elements, the DEFINE conditions and the MEASURES over "navigation
// terms". The binder is src/sql/bind-match.ts, the operator src/exec/operators/match-recognize.ts.
//
// A navigation term is one value read from a (partial) match: the row `offset` rows from the
// last (or first) of the rows mapped to a variable (or to any variable: `*`), an aggregate over
// those rows, or the match's rowtime / the processing time. A DEFINE condition or a MEASURES
// expression is an ordinary bound expression whose input column i is term i.

import type { DataType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { exprToString } from '../expr/bound.js';
import type { AggFunction, LogicalPlan, Schema, SortKey } from './logical.js';

/** A pattern variable with a quantifier: `min` to `max` rows (max -1: unbounded). */
export interface PatternElement {
  readonly variable: number;
  readonly min: number;
  readonly max: number;
  /**
   * Flink's GREEDY property (PatternTranslator.applyQuantifier): a greedy element leaves its
   * loop only on a row its condition rejects. Set for a quantifier that is not reluctant, not
   * `?` and not a fixed count.
   */
  readonly greedy: boolean;
}

/** All rows of the match: `variable` -1. */
export type NavTerm =
  | { readonly kind: 'row'; readonly variable: number; readonly first: boolean; readonly offset: number; readonly expr: BoundExpr; readonly type: DataType }
  | { readonly kind: 'agg'; readonly variable: number; readonly fn: AggFunction; readonly expr: BoundExpr | undefined; readonly type: DataType }
  | { readonly kind: 'rowtime'; readonly type: DataType }
  | { readonly kind: 'proctime'; readonly type: DataType };

/** An expression over terms: input column i of `expr` is `terms[i]`. */
export interface TermExpr {
  readonly expr: BoundExpr;
  readonly terms: readonly NavTerm[];
}

export type AfterMatch =
  | { readonly kind: 'past-last-row' }
  | { readonly kind: 'to-next-row' }
  | { readonly kind: 'to-first'; readonly variable: number }
  | { readonly kind: 'to-last'; readonly variable: number };

export interface MatchSpec {
  readonly variables: readonly string[];
  readonly elements: readonly PatternElement[];
  readonly after: AfterMatch;
  /** WITHIN, in ms. */
  readonly within: number | undefined;
  /** By variable: its DEFINE condition (undefined: always true). */
  readonly defines: readonly (TermExpr | undefined)[];
  readonly measures: readonly TermExpr[];
}

/**
 * ONE ROW PER MATCH: output the partition columns, then one column per measure. The input is
 * append-only; rows are matched per partition in (time, then `orderKeys`, then arrival) order
 * once the watermark passes their time.
 */
export interface MatchRecognizeNode {
  readonly kind: 'match-recognize';
  readonly input: LogicalPlan;
  readonly partitionKeys: readonly number[];
  readonly timeIndex: number;
  readonly orderKeys: readonly SortKey[];
  readonly spec: MatchSpec;
  readonly schema: Schema;
}

function termToString(t: NavTerm, spec: MatchSpec, names: readonly string[]): string {
  const v = (i: number): string => (i < 0 ? '*' : spec.variables[i]!);
  switch (t.kind) {
    case 'row':
      return `${t.first ? 'FIRST' : 'LAST'}(${v(t.variable)}.${exprToString(t.expr, names)}, ${t.offset})`;
    case 'agg':
      return `${t.fn.toUpperCase()}(${v(t.variable)}.${t.expr === undefined ? '*' : exprToString(t.expr, names)})`;
    case 'rowtime':
      return 'MATCH_ROWTIME()';
    case 'proctime':
      return 'MATCH_PROCTIME()';
  }
}

function termExprToString(e: TermExpr, spec: MatchSpec, names: readonly string[]): string {
  return exprToString(
    e.expr,
    e.terms.map((t) => termToString(t, spec, names)),
  );
}

function quantifier(e: PatternElement): string {
  const q = e.min === 1 && e.max === 1 ? '' : e.min === 0 && e.max === -1 ? '*' : e.min === 1 && e.max === -1 ? '+' : e.min === 0 && e.max === 1 ? '?' : e.max === -1 ? `{${e.min},}` : e.min === e.max ? `{${e.min}}` : `{${e.min},${e.max}}`;
  const reluctant = q !== '' && q !== '?' && e.min !== e.max && !e.greedy;
  return q + (reluctant ? '?' : '');
}

/** EXPLAIN's text of the node. */
export function describeMatch(partitionKeys: readonly number[], timeIndex: number, spec: MatchSpec, names: readonly string[]): string {
  const a = spec.after;
  const after = a.kind === 'past-last-row' ? 'SKIP PAST LAST ROW' : a.kind === 'to-next-row' ? 'SKIP TO NEXT ROW' : `SKIP TO ${a.kind === 'to-first' ? 'FIRST' : 'LAST'} ${spec.variables[a.variable]}`;
  const pattern = spec.elements.map((e) => spec.variables[e.variable]! + quantifier(e)).join(' ');
  const defines = spec.defines.flatMap((d, i) => (d === undefined ? [] : [`${spec.variables[i]} AS ${termExprToString(d, spec, names)}`]));
  const measures = spec.measures.map((m) => termExprToString(m, spec, names));
  return `Match(partitionBy=[${partitionKeys.map((k) => names[k]).join(', ')}], orderBy=[${names[timeIndex]}], measures=[${measures.join(', ')}], after=[${after}], pattern=[${pattern}]${spec.within !== undefined ? `, within=${spec.within}ms` : ''}, define=[${defines.join(', ')}])`;
}
