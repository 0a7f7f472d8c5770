// Binding of MATCH_RECOGNIZE (Flink's "Pattern Recognition"):
//
//   FROM t MATCH_RECOGNIZE (PARTITION BY k ORDER BY rowtime MEASURES ... PATTERN (...) DEFINE ...) AS r
//     => MatchRecognize(partition keys, rowtime, spec) <- t
//
// Flink's rules, which weir follows (its PatternTranslator, MatchCodeGenerator and
// MatchRecognizeValidationTest): ORDER BY an event-time attribute ascending first (other sort
// keys may follow); ONE ROW PER MATCH (ALL ROWS PER MATCH refused); the pattern is a sequence
// of distinct variables with quantifiers, strictly contiguous (alternation `|`, groups and a
// reluctant `??` refused); a greedy quantifier may not end the pattern and a pattern must not
// match the empty sequence. In DEFINE and MEASURES, `v.col` is the last row mapped to v (in
// DEFINE of v itself: the row being tested), `col` the last row of the match (in DEFINE: the
// row being tested), FIRST(v.col, n) and LAST(v.col, n) count from the first or last row of v,
// aggregates (COUNT, SUM, MIN, MAX, AVG) run over the rows of one variable, and PREV(x) with an
// offset other than 0 is refused as Flink refuses it ("physical offsets"). CLASSIFIER() and
// MATCH_NUMBER() are not in Flink either.

import type { Span } from '../common/errors.js';
import { WeirError, bindError } from '../common/errors.js';
import { T, typeToString } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { inputRef } from '../expr/bound.js';
import { evaluateConstant } from '../expr/compile.js';
import { resolveAggregate } from '../expr/aggregate-types.js';
import type { Field, LogicalPlan, SortKey } from '../plan/logical.js';
import { isUpdating } from '../plan/logical.js';
import type { AfterMatch, MatchRecognizeNode, MatchSpec, NavTerm, PatternElement, TermExpr } from '../plan/match.js';
import type * as ast from './ast.js';
import type { Binder } from './binder.js';
import { notTimeAttribute, unparen } from './binder.js';

function refuse(message: string, span: Span, hint?: string): WeirError {
  return new WeirError('not-supported', message, { span, hint });
}

const MATCH_AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);

/** The pattern as a list of elements (refusing what Flink's CEP cannot run). */
function flattenPattern(p: ast.RowPattern, variables: string[], names: Map<string, number>): PatternElement[] {
  const element = (v: ast.RowPattern, min: number, max: number, reluctant: boolean, span: Span): PatternElement => {
    if (v.kind === 'alternation') throw refuse('alternation (|) in PATTERN is not supported: Flink\'s CEP does not support branching patterns', v.span, 'match each alternative in a query of its own and UNION ALL them');
    if (v.kind !== 'variable') throw refuse('group patterns (a parenthesised part of a PATTERN) are not supported, as in Flink', v.span, 'quantify single variables: PATTERN (A B+ C)');
    const name = v.name.value;
    if (names.has(name)) throw refuse(`pattern variable ${name} appears twice: pattern variables must be unique, as in Flink`, v.span);
    if (max === 0) throw bindError(`a quantifier of at most 0 rows matches nothing`, span);
    if (max >= 0 && min > max) throw bindError(`quantifier {${min},${max}}: the minimum is above the maximum`, span);
    if (reluctant && min === 0 && max === 1) throw refuse('reluctant optional variables (A??) are not supported, as in Flink', span, 'write A?');
    names.set(name, variables.length);
    variables.push(name);
    return { variable: variables.length - 1, min, max, greedy: !reluctant && !(min === 0 && max === 1) && min !== max };
  };
  const one = (x: ast.RowPattern): PatternElement => {
    if (x.kind === 'quantified') return element(x.inner, x.min, x.max ?? -1, x.reluctant, x.span);
    return element(x, 1, 1, false, x.span);
  };
  if (p.kind === 'sequence') return p.items.map(one);
  return [one(p)];
}

/** The name of a pattern variable a qualifier names, or undefined. */
function variableOf(names: ReadonlyMap<string, number>, part: ast.Ident): number | undefined {
  const exact = names.get(part.value);
  if (exact !== undefined) return exact;
  if (part.quoted) return undefined;
  for (const [n, i] of names) if (n.toLowerCase() === part.value.toLowerCase()) return i;
  return undefined;
}

interface TermScope {
  readonly binder: Binder;
  readonly input: LogicalPlan;
  readonly names: ReadonlyMap<string, number>;
  readonly clause: 'DEFINE' | 'MEASURES';
  readonly timeField: Field;
}

/**
 * Binds `arg` (the argument of FIRST/LAST/PREV or an aggregate) as an expression over one input
 * row, with the variable its columns are qualified by (-1: unqualified, all rows).
 */
function bindRowExpr(scope: TermScope, arg: ast.Expr, what: string): { expr: BoundExpr; variable: number } {
  let variable: number | undefined;
  let span: Span | undefined;
  const expr = scope.binder.bindExpr(arg, {
    schema: scope.input.schema,
    clause: scope.clause,
    intercept: (e) => {
      if (e.kind === 'function' && (NAVIGATION.has(e.upper) || MATCH_AGGREGATES.has(e.upper) || e.upper.startsWith('MATCH_'))) {
        throw refuse(`${e.upper}(...) inside ${what} is not supported`, e.span);
      }
      if (e.kind !== 'column') return undefined;
      const v = e.parts.length >= 2 ? variableOf(scope.names, e.parts[0]!) : undefined;
      const x = v ?? -1;
      if (variable !== undefined && variable !== x) {
        throw refuse(`${what} must read one pattern variable only, as in Flink`, span !== undefined ? { start: span.start, end: e.span.end } : e.span, `e.g. SUM(A.price * A.tax), not SUM(A.price * B.tax)`);
      }
      variable = x;
      span ??= e.span;
      return v === undefined ? undefined : scope.binder.bindExpr({ ...e, parts: e.parts.slice(1) }, { schema: scope.input.schema, clause: scope.clause });
    },
  });
  return { expr, variable: variable ?? -1 };
}

const NAVIGATION = new Set(['FIRST', 'LAST', 'PREV', 'NEXT']);

/** A non-negative whole-number literal (a navigation offset). */
function offsetOf(scope: TermScope, e: ast.Expr | undefined, fn: string): number {
  if (e === undefined) return fn === 'PREV' || fn === 'NEXT' ? 1 : 0;
  const b = scope.binder.bindExpr(e, { schema: [], clause: scope.clause });
  const v = b.kind === 'const' ? evaluateConstant(b) : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bindError(`the offset of ${fn} is a whole number literal, 0 or more`, e.span);
  return v;
}

/** Binds a DEFINE condition (of variable `defining`) or a measure over navigation terms. */
function bindTermExpr(scope: TermScope, e: ast.Expr): TermExpr {
  const terms: NavTerm[] = [];
  const keys = new Map<string, number>();
  const term = (t: NavTerm, name: string): BoundExpr => {
    const key = JSON.stringify(t, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    let i = keys.get(key);
    if (i === undefined) {
      i = terms.length;
      terms.push(t);
      keys.set(key, i);
    }
    return inputRef(i, t.type, name);
  };
  const intercept = (x: ast.Expr): BoundExpr | undefined => {
      if (x.kind === 'column') {
        const { expr, variable } = bindRowExpr(scope, x, 'a column reference');
        return term({ kind: 'row', variable, first: false, offset: 0, expr, type: expr.type }, x.parts.map((p) => p.value).join('.'));
      }
      if (x.kind !== 'function') return undefined;
      const fn = x.upper;
      if (NAVIGATION.has(fn)) {
        if (x.over !== undefined || x.distinct || x.star) return undefined;
        const [arg, off] = x.args;
        if (arg === undefined || x.args.length > 2) throw bindError(`${fn} takes a column of a pattern variable and an optional offset: ${fn}(A.price, 1)`, x.span);
        const offset = offsetOf(scope, off, fn);
        if ((fn === 'PREV' || fn === 'NEXT') && offset !== 0) {
          throw refuse(`${fn} with an offset other than 0 is not supported: Flink does not support physical offsets within a partition`, x.span, `use logical offsets over the rows of a variable: LAST(A.price, 1) is the row of A before the last one`);
        }
        const { expr, variable } = bindRowExpr(scope, arg, `${fn}(...)`);
        return term({ kind: 'row', variable, first: fn === 'FIRST', offset, expr, type: expr.type }, `${fn}(...)`);
      }
      if (MATCH_AGGREGATES.has(fn) && x.over === undefined) {
        if (x.distinct) throw refuse(`${fn}(DISTINCT ...) in MATCH_RECOGNIZE is not supported, as in Flink`, x.span);
        if (x.filter !== undefined) throw refuse(`${fn}(...) FILTER (WHERE ...) in MATCH_RECOGNIZE is not supported`, x.span);
        if (x.star) return term({ kind: 'agg', variable: -1, fn: 'count_star', expr: undefined, type: T.BIGINT }, 'COUNT(*)');
        const [arg] = x.args;
        if (arg === undefined || x.args.length !== 1) throw bindError(`${fn} takes one argument`, x.span);
        const { expr, variable } = bindRowExpr(scope, arg, `${fn}(...)`);
        const r = resolveAggregate(fn, [expr.type], false);
        if (typeof r === 'string') throw bindError(r, x.span);
        return term({ kind: 'agg', variable, fn: r.fn, expr, type: r.type }, `${fn}(...)`);
      }
      if (fn === 'MATCH_ROWTIME' || fn === 'MATCH_PROCTIME') {
        if (x.args.length > 0) throw bindError(`${fn}() takes no arguments`, x.span);
        if (scope.clause !== 'MEASURES') throw refuse(`${fn}() is allowed in MEASURES only`, x.span);
        if (fn === 'MATCH_ROWTIME') return term({ kind: 'rowtime', type: scope.timeField.type }, 'MATCH_ROWTIME()');
        return term({ kind: 'proctime', type: T.TIMESTAMP_LTZ }, 'MATCH_PROCTIME()');
      }
      // FINAL(x) in MEASURES: with ONE ROW PER MATCH every measure is over the final match (Flink's MatchCodeGenerator passes FINAL through)
      if (fn === 'FINAL' && scope.clause === 'MEASURES' && x.args.length === 1 && x.over === undefined && !x.distinct && !x.star) {
        return scope.binder.bindExpr(x.args[0]!, { schema: scope.input.schema, clause: scope.clause, intercept });
      }
      if (fn === 'CLASSIFIER' || fn === 'MATCH_NUMBER' || fn === 'RUNNING' || fn === 'FINAL') {
        throw refuse(`${fn}() in ${fn === 'FINAL' ? 'DEFINE' : 'MATCH_RECOGNIZE'} is not supported, as in Flink`, x.span);
      }
      return undefined;
  };
  const expr = scope.binder.bindExpr(e, { schema: scope.input.schema, clause: scope.clause, intercept });
  return { expr, terms };
}

/** `FROM table MATCH_RECOGNIZE (...) [AS alias]`. */
export function bindMatchRecognize(binder: Binder, input: LogicalPlan, mr: ast.MatchRecognize, alias: string): LogicalPlan {
  if (mr.allRows !== undefined) throw refuse('ALL ROWS PER MATCH is not supported, as in Flink', mr.allRows, 'write ONE ROW PER MATCH (the default)');
  if (isUpdating(input)) {
    // Flink: "Match Recognize doesn't support consuming update changes which is produced by node ..."
    throw refuse("MATCH_RECOGNIZE doesn't support consuming update changes: its input is an updating table (a changelog), and Flink requires an append-only input", mr.span, 'match over an append-only table, view or subquery (no GROUP BY without a window, no regular join)');
  }
  const column = (e: ast.Expr, what: string): number => {
    const b = binder.bindExpr(e, { schema: input.schema, clause: what });
    if (b.kind !== 'input') throw bindError(`${what} of MATCH_RECOGNIZE takes columns, not expressions`, e.span);
    return b.index;
  };
  const partitionKeys = mr.partitionBy.map((e) => column(e, 'PARTITION BY'));
  const [first, ...rest] = mr.orderBy;
  if (first === undefined) throw bindError('MATCH_RECOGNIZE needs ORDER BY a time attribute', mr.span, 'ORDER BY rowtime, the event-time column of the table');
  const timeIndex = column(unparen(first.expr), 'ORDER BY');
  const timeField = input.schema[timeIndex]!;
  if (timeField.proctime === true) throw refuse('MATCH_RECOGNIZE ordered by a processing-time attribute is not supported yet', first.span, 'order by an event-time attribute (a column with a WATERMARK)');
  if (!timeField.rowtime) throw notTimeAttribute(timeField, first.expr.span);
  if (first.direction !== 'ASC') throw bindError('MATCH_RECOGNIZE must be ordered by its time attribute ascending, as in Flink', first.span);
  const orderKeys: SortKey[] = rest.map((o) => ({ index: column(o.expr, 'ORDER BY'), desc: o.direction === 'DESC', nullsFirst: o.nulls !== undefined ? o.nulls === 'FIRST' : o.direction === 'ASC' }));

  const variables: string[] = [];
  const names = new Map<string, number>();
  const elements = flattenPattern(mr.pattern, variables, names);
  // Flink checks empty matches first (StreamExecMatch)
  if (elements.every((el) => el.min === 0)) throw refuse('a pattern that can match no rows is not supported, as in Flink: at least one variable must not be optional', mr.pattern.span);
  const lastElement = elements[elements.length - 1]!;
  if (lastElement.greedy) {
    throw refuse('a greedy quantifier may not end the pattern, as in Flink', mr.pattern.kind === 'sequence' ? mr.pattern.items[mr.pattern.items.length - 1]!.span : mr.pattern.span, `finish the pattern with a single variable or a reluctant quantifier (${variables[lastElement.variable]}+?)`);
  }

  let after: AfterMatch = { kind: 'to-next-row' }; // Calcite's default
  if (mr.after !== undefined) {
    const a = mr.after;
    if (a.kind === 'past-last-row') after = { kind: 'past-last-row' };
    else if (a.kind === 'to-next-row') after = { kind: 'to-next-row' };
    else {
      const v = variableOf(names, a.variable);
      if (v === undefined) throw bindError(`AFTER MATCH SKIP names ${a.variable.value}, which is not a variable of the PATTERN`, a.variable.span, `variables: ${variables.join(', ')}`);
      if (a.kind === 'to-first' && elements[0]!.variable === v) throw bindError(`SKIP TO FIRST ${a.variable.value}, the first variable of the pattern, would find the same match again and again`, a.span, 'skip to a later variable, or SKIP TO NEXT ROW');
      after = a.kind === 'to-first' ? { kind: 'to-first', variable: v } : { kind: 'to-last', variable: v };
    }
  }

  let within: number | undefined;
  if (mr.within !== undefined) {
    const w = binder.bindExpr(mr.within, { schema: [], clause: 'WITHIN' });
    if (w.type.kind !== 'INTERVAL_DAY_TIME') throw bindError(`WITHIN takes a day-time interval, got ${typeToString(w.type)}`, mr.within.span, "e.g. WITHIN INTERVAL '10' MINUTE");
    const ms = Number(evaluateConstant(w));
    if (!(ms > 0)) throw bindError('WITHIN takes a positive interval', mr.within.span);
    within = ms;
  }

  const defines: (TermExpr | undefined)[] = variables.map(() => undefined);
  for (const d of mr.define) {
    const v = variableOf(names, d.name);
    if (v === undefined) throw bindError(`DEFINE names ${d.name.value}, which the PATTERN does not use`, d.name.span, `variables: ${variables.join(', ')}`);
    if (defines[v] !== undefined) throw bindError(`${d.name.value} is defined twice`, d.name.span);
    const te = bindTermExpr({ binder, input, names, clause: 'DEFINE', timeField }, d.condition);
    binder.expectBoolean(te.expr, d.condition, 'DEFINE');
    // `v.col` in v's own condition is the row being tested: LAST(v.col, 0) with that row appended
    defines[v] = te;
  }
  const measures = mr.measures.map((m) => bindTermExpr({ binder, input, names, clause: 'MEASURES', timeField }, m.expr));
  const seen = new Set<string>();
  const schema: Field[] = [];
  for (const k of partitionKeys) {
    const f = input.schema[k]!;
    schema.push({ name: f.name, type: f.type, nullable: f.nullable, rowtime: false, qualifier: alias });
  }
  mr.measures.forEach((m, i) => {
    const te = measures[i]!;
    const isRowtime = te.expr.kind === 'input' && te.terms[te.expr.index]!.kind === 'rowtime';
    schema.push({ name: m.name.value, type: te.expr.type.kind === 'NULL' ? T.INT : te.expr.type, nullable: !isRowtime, rowtime: isRowtime, qualifier: alias });
  });
  for (const f of schema) {
    const k = f.name.toLowerCase();
    if (seen.has(k)) throw bindError(`MATCH_RECOGNIZE outputs two columns named ${f.name}`, mr.span, 'partition columns come first, then the measures: rename the measure');
    seen.add(k);
  }
  const spec: MatchSpec = { variables, elements, after, within, defines, measures };
  const node: MatchRecognizeNode = { kind: 'match-recognize', input, partitionKeys, timeIndex, orderKeys, spec, schema };
  return node;
}

