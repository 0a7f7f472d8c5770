// GROUPING SETS / ROLLUP / CUBE and the set operations INTERSECT / EXCEPT [ALL], as rewrites
// into operators weir already has (so checkpoints, restore and rescaling need nothing new).
//
// Grouping sets. `GROUP BY a, ROLLUP (b, c)` is the cross product of its elements' sets:
// (a, b, c), (a, b), (a). Flink plans it as an Expand (each row copied once per set, the
// columns outside the set NULL, plus a set id) under one aggregate keyed by the columns and
// the id. weir binds the SELECT once per grouping set instead: an ordinary aggregation
// grouped by that set's columns, in which a grouping column outside the set reads as a typed
// NULL and GROUPING(...), GROUPING_ID(...) and GROUP_ID() are constants, and the branches are
// unioned (UNION ALL). The rows are the same: every group of every set is one row, HAVING
// applies per group. The branches share their input (common sub-plan reuse plans it once),
// each aggregation keeps its own state, and each is a window aggregation when its set
// contains window_start and window_end of a window TVF. A duplicated set is a second branch
// whose GROUP_ID() is 1 (the k-th repeat: k), as in Calcite.
//
// INTERSECT / EXCEPT. As Flink's rules for the ALL variants (and equivalent to its semi/anti
// join rewrite of the distinct ones): the two inputs, each with a side marker, are unioned
// and counted per distinct row, NULLs equal (an aggregate grouped by every column with
// COUNT(*) FILTER per side). INTERSECT keeps a row with both counts > 0, EXCEPT one with a
// left count > 0 and a right count of 0; INTERSECT ALL repeats a row LEAST(l, r) times,
// EXCEPT ALL l - r times (when > 0), through an unnest of that count (UnnestNode over an INT:
// the row repeated, no columns added). The result is updating: a count that changes
// retracts the row's old repetitions and emits the new ones.

import { bindError } from '../common/errors.js';
import type { Span } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, commonType, sameType, typeToString } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { constant, inputRef } from '../expr/bound.js';
import type { AggCall, Field, LogicalPlan } from '../plan/logical.js';
import type * as ast from './ast.js';

const CONSTRUCTS: ReadonlySet<string> = new Set(['GROUPING SETS', 'ROLLUP', 'CUBE']);

/** GROUPING(...), GROUPING_ID(...), GROUP_ID(): constants per grouping set. */
export const GROUPING_FUNCTIONS: ReadonlySet<string> = new Set(['GROUPING', 'GROUPING_ID', 'GROUP_ID']);

/** More sets than this is refused (CUBE of n columns has 2^n). */
const MAX_SETS = 4096;

function isConstruct(e: ast.Expr): e is ast.FunctionCall {
  return e.kind === 'function' && e.over === undefined && CONSTRUCTS.has(e.upper);
}

/**
 * The grouping sets of a GROUP BY, each a list of expressions (possibly empty); undefined for
 * a plain GROUP BY (no GROUPING SETS, ROLLUP, CUBE or `()`).
 */
export function expandGroupingSets(groupBy: readonly ast.Expr[]): ast.Expr[][] | undefined {
  if (!groupBy.some((g) => isConstruct(g) || (g.kind === 'row' && g.items.length === 0))) return undefined;
  let sets: ast.Expr[][] = [[]];
  for (const g of groupBy) {
    const inner = elementSets(g);
    if (sets.length * inner.length > MAX_SETS) throw bindError(`GROUP BY gives more than ${MAX_SETS} grouping sets`, g.span);
    sets = sets.flatMap((s) => inner.map((t) => [...s, ...t]));
  }
  return sets;
}

/** The sets one element stands for. */
function elementSets(e: ast.Expr): ast.Expr[][] {
  if (e.kind === 'row') return [[...e.items]];
  if (!isConstruct(e)) return [[e]];
  if (e.distinct || e.star || e.filter !== undefined) throw bindError(`${e.upper} takes a list of GROUP BY expressions`, e.span);
  if (e.upper === 'GROUPING SETS') return e.args.flatMap((a) => elementSets(a));
  // ROLLUP and CUBE take columns or parenthesised lists of columns
  const units = e.args.map((a): ast.Expr[] => {
    if (isConstruct(a)) throw bindError(`${a.upper} cannot be nested in ${e.upper}`, a.span);
    return a.kind === 'row' ? [...a.items] : [a];
  });
  if (e.upper === 'ROLLUP') {
    const out: ast.Expr[][] = [];
    for (let i = units.length; i >= 0; i--) out.push(units.slice(0, i).flat());
    return out;
  }
  if (units.length > 12) throw bindError('CUBE takes at most 12 elements', e.span);
  // CUBE: every subset, the full set first and the empty one last (bit i set = unit i kept)
  const out: ast.Expr[][] = [];
  for (let mask = (1 << units.length) - 1; mask >= 0; mask--) out.push(units.filter((_, i) => (mask & (1 << (units.length - 1 - i))) !== 0).flat());
  return out;
}

/** One grouping set as the aggregation of one branch sees it. */
export interface GroupingSet {
  /** exprKey of every grouping expression of the GROUP BY (all sets). */
  readonly all: ReadonlySet<string>;
  /** exprKey of this set's expressions. */
  readonly keys: ReadonlySet<string>;
  /** Grouping expressions outside this set (exprKey -> type): NULL in this branch. */
  readonly nulled: ReadonlyMap<string, DataType>;
  /** GROUP_ID(): how many times this set came before. */
  readonly groupId: number;
}

/**
 * GROUPING(a, ...) / GROUPING_ID(a, ...): one bit per argument, the first the most
 * significant, 1 when the argument is not in the set; GROUP_ID(): the set's repeat index.
 * All BIGINT, as in Flink. `keyOf` binds an argument and returns its exprKey.
 */
export function groupingFunction(call: ast.FunctionCall, set: GroupingSet, keyOf: (e: ast.Expr) => string): BoundExpr {
  if (call.distinct || call.star || call.filter !== undefined) throw bindError(`${call.upper} takes GROUP BY expressions`, call.span);
  if (call.upper === 'GROUP_ID') {
    if (call.args.length > 0) throw bindError('GROUP_ID takes no arguments', call.span);
    return constant(set.groupId, T.BIGINT);
  }
  if (call.args.length === 0) throw bindError(`${call.upper} needs at least one GROUP BY expression`, call.span);
  let v = 0;
  for (const a of call.args) {
    const k = keyOf(a);
    if (!set.all.has(k)) throw bindError(`the arguments of ${call.upper} must be GROUP BY expressions`, a.span);
    v = v * 2 + (set.keys.has(k) ? 0 : 1);
  }
  return constant(v, T.BIGINT);
}

/**
 * UNION ALL of plans with the same number of columns: each column of the common type of its
 * inputs (inputs cast where they differ), nullable when any input's is, a time attribute when
 * every input's is; the names are the first input's.
 */
export function unionAll(plans: readonly LogicalPlan[], span: Span, what: string): LogicalPlan {
  const first = plans[0]!;
  for (const p of plans) if (p.schema.length !== first.schema.length) throw bindError(`${what} inputs have ${first.schema.length} and ${p.schema.length} columns`, span);
  const types = first.schema.map((f, i) =>
    plans.reduce<DataType>((t, p) => {
      const c = commonType(t, p.schema[i]!.type);
      if (c === null) {
        const sides = plans.length === 2 ? ['on the left', 'on the right'] : ['in one input', 'in another'];
        throw bindError(`${what} column ${i + 1} (${f.name}) is ${typeToString(t)} ${sides[0]} and ${typeToString(p.schema[i]!.type)} ${sides[1]}`, span);
      }
      return c;
    }, first.schema[i]!.type),
  );
  const align = (p: LogicalPlan): LogicalPlan => {
    if (p.schema.every((f, i) => sameType(f.type, types[i]!))) return p;
    const exprs = p.schema.map((f, i): BoundExpr => {
      const ref = inputRef(i, f.type, f.name);
      return sameType(f.type, types[i]!) ? ref : { kind: 'cast', operand: ref, type: types[i]!, safe: false };
    });
    // a cast column is no longer a time attribute
    const schema: Field[] = p.schema.map((f, i) => (sameType(f.type, types[i]!) ? { ...f, name: first.schema[i]!.name } : { ...f, name: first.schema[i]!.name, type: types[i]!, rowtime: false, proctime: false }));
    return { kind: 'project', input: p, exprs, schema };
  };
  const schema: Field[] = first.schema.map((f, i) => ({
    name: f.name,
    type: types[i]!,
    nullable: plans.some((p) => p.schema[i]!.nullable),
    rowtime: plans.every((p) => p.schema[i]!.rowtime),
  }));
  return { kind: 'union', inputs: plans.map(align), schema };
}

/** INTERSECT [ALL] / EXCEPT [ALL] of two plans (see the file comment). */
export function intersectExcept(left: LogicalPlan, right: LogicalPlan, op: 'intersect' | 'except', all: boolean, span: Span): LogicalPlan {
  const what = op.toUpperCase() + (all ? ' ALL' : '');
  const n = left.schema.length;
  if (right.schema.length !== n) throw bindError(`${what} inputs have ${n} and ${right.schema.length} columns`, span);
  const marked = (p: LogicalPlan, isLeft: boolean): LogicalPlan => ({
    kind: 'project',
    input: p,
    exprs: [...p.schema.map((f, i) => inputRef(i, f.type, f.name)), constant(isLeft, T.BOOLEAN), constant(!isLeft, T.BOOLEAN)],
    schema: [...p.schema.map((f) => ({ ...f, rowtime: false, proctime: false })), { name: '$left', type: T.BOOLEAN, nullable: false, rowtime: false }, { name: '$right', type: T.BOOLEAN, nullable: false, rowtime: false }],
  });
  const union = unionAll([marked(left, true), marked(right, false)], span, what);
  const count = (filter: number, name: string): AggCall => ({ fn: 'count_star', args: [], distinct: false, filter, type: T.BIGINT, name });
  const keys = left.schema.map((_, i) => i);
  const agg: LogicalPlan = {
    kind: 'aggregate',
    input: union,
    groupKeys: keys,
    aggs: [count(n, 'left rows'), count(n + 1, 'right rows')],
    schema: [...union.schema.slice(0, n).map((f) => ({ ...f, rowtime: false, proctime: false })), { name: '$left_count', type: T.BIGINT, nullable: false, rowtime: false }, { name: '$right_count', type: T.BIGINT, nullable: false, rowtime: false }],
  };
  const l = inputRef(n, T.BIGINT, '$left_count');
  const r = inputRef(n + 1, T.BIGINT, '$right_count');
  const zero = constant(0, T.BIGINT);
  const call = (fn: string, args: BoundExpr[], type: DataType): BoundExpr => ({ kind: 'call', fn, args, type });
  const columns = (p: LogicalPlan): LogicalPlan => ({ kind: 'project', input: p, exprs: keys.map((i) => inputRef(i, p.schema[i]!.type, p.schema[i]!.name)), schema: p.schema.slice(0, n) });
  if (!all) {
    const keep = op === 'intersect' ? call('and', [call('gt', [l, zero], T.BOOLEAN), call('gt', [r, zero], T.BOOLEAN)], T.BOOLEAN) : call('and', [call('gt', [l, zero], T.BOOLEAN), call('eq', [r, zero], T.BOOLEAN)], T.BOOLEAN);
    return columns({ kind: 'filter', input: agg, predicate: keep, schema: agg.schema });
  }
  // the number of copies, then the rows repeated that many times
  const times: BoundExpr = op === 'intersect' ? { kind: 'case', whens: [{ cond: call('le', [l, r], T.BOOLEAN), then: l }], else: r, type: T.BIGINT } : call('sub', [l, r], T.BIGINT);
  const withTimes: LogicalPlan = {
    kind: 'project',
    input: agg,
    exprs: [...keys.map((i) => inputRef(i, agg.schema[i]!.type, agg.schema[i]!.name)), { kind: 'cast', operand: times, type: T.INT, safe: false }],
    schema: [...agg.schema.slice(0, n), { name: '$times', type: T.INT, nullable: false, rowtime: false }],
  };
  const positive: LogicalPlan = { kind: 'filter', input: withTimes, predicate: call('gt', [inputRef(n, T.INT, '$times'), constant(0, T.INT)], T.BOOLEAN), schema: withTimes.schema };
  const repeated: LogicalPlan = { kind: 'unnest', input: positive, exprs: [inputRef(n, T.INT, '$times')], ordinality: false, outer: false, schema: positive.schema };
  return columns(repeated);
}
