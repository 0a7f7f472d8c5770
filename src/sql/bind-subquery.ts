// IN and EXISTS subqueries in WHERE, planned as semi and anti joins (as Flink does).
//
// A conjunct of WHERE that is `x [NOT] IN (SELECT y ...)` or `[NOT] EXISTS (SELECT ...)`
// becomes a join of the query's FROM (after the other WHERE conjuncts) with the subquery:
//   x IN (SELECT y FROM r)           SEMI JOIN on x = y
//   x NOT IN (SELECT y FROM r)       ANTI JOIN on (x = y) OR (x = y) IS NULL
//   EXISTS (SELECT .. WHERE r.k = o.k AND p)   SEMI JOIN on r.k = o.k, p filters r
//   NOT EXISTS (...)                 ANTI JOIN on the same
// The output is the outer row, once, whatever the number of matches.
//
// A row value on the left, `(a, b) [NOT] IN (SELECT x, y ...)`, compares column by column:
// IN is `a = x AND b = y`; NOT IN's anti join condition is `(a = x OR (a = x) IS NULL) AND
// (b = y OR (b = y) IS NULL)`: a subquery row excludes the outer row unless some column is
// definitely different (SQL's row comparison, which Flink's subquery rewrite follows).
//
// A quantified comparison `x op ANY (SELECT y ...)` (SOME is ANY) or `x op ALL (...)` is the
// same join with `x op y` for `x = y` (IN is `= ANY`, NOT IN is `<> ALL`), kept to SQL's
// three-valued logic: only a TRUE condition keeps a row, so
//   x op ANY (...)          SEMI JOIN on x op y            (some row makes it true)
//   NOT (x op ALL (...))    SEMI JOIN on NOT (x op y)      (some row makes x op y false)
//   x op ALL (...)          ANTI JOIN on NOT (x op y) OR (x op y) IS NULL
//   NOT (x op ANY (...))    ANTI JOIN on (x op y) OR (x op y) IS NULL
// (ALL over no rows is true, ANY over no rows false; a NULL x or y makes `x op y` unknown,
// which neither proves ALL nor disproves ANY.)
//
// NOT IN keeps SQL's three-valued logic: `x NOT IN (...)` is not true when x is NULL and the
// subquery has rows, nor when the subquery yields a NULL. The anti join's condition
// `x = y OR (x = y) IS NULL` (Flink's form) matches exactly those pairs, so such a row is
// dropped. When neither side can be NULL, the condition is the plain key `x = y`.
//
// A correlated subquery (EXISTS or IN whose WHERE refers to the outer query's columns) is
// decorrelated: its WHERE conjuncts that read outer columns become join conditions, the others
// filter the subquery's FROM. Correlation is supported in the subquery's WHERE over a plain
// SELECT ... FROM ... WHERE (no GROUP BY or aggregates there); an uncorrelated subquery may be
// any query (aggregates, joins, UNION, updating inputs).
//
// Scalar subqueries `(SELECT ...)` in WHERE and in the select list of a query without GROUP BY
// become LEFT joins, as Flink decorrelates them (its plan: a left join with the subquery's
// single value; no match gives NULL):
//   uncorrelated: LEFT JOIN (subquery) ON TRUE. The subquery must return one column and at most
//     one row, which weir checks when it plans the query (an aggregate without GROUP BY, a
//     VALUES of one row); Flink checks the row count at run time and fails the job, weir
//     refuses the query instead. An aggregate over an input with no rows yet has emitted no
//     row in a stream, so the value is NULL until it has.
//   correlated, `(SELECT agg(...) FROM r WHERE r.k = o.k AND p)`: the subquery grouped by its
//     sides of the equalities, LEFT JOIN on them. An outer row with no match gets the value of
//     the aggregate over no rows (COUNT is 0, the others NULL), as SQL defines it and Flink's
//     decorrelation computes it.

import type { Span } from '../common/errors.js';
import { bindError, notSupported } from '../common/errors.js';
import { T } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { constant, inputRef, referencedInputs, remapInputs } from '../expr/bound.js';
import { isAggregateName } from '../expr/aggregate-types.js';
import { conjuncts, joinLeaves, makeJoin } from '../plan/join-build.js';
import type { Field, LogicalPlan, Schema } from '../plan/logical.js';
import type * as ast from './ast.js';
import type { Binder } from './binder.js';
import { containsAggregate, flattenable, resolveField, tryResolveField, walkExpr } from './binder.js';

export interface SubqueryPredicate {
  readonly kind: 'in' | 'exists';
  /** NOT IN / NOT EXISTS. */
  readonly not: boolean;
  /** `operand op ANY | SOME | ALL (query)` (kind 'in'); IN itself is `= ANY`. */
  readonly quantified?: NonNullable<ast.InSubquery['quantified']>;
  /** The left operand of IN. */
  readonly operand: ast.Expr | undefined;
  readonly query: ast.Query;
  readonly span: Span;
}

export function containsSubquery(e: ast.Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'in-subquery' || x.kind === 'exists' || x.kind === 'scalar-subquery') found = true;
  });
  return found;
}

function unparen(e: ast.Expr): ast.Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}

/** A conjunct that is an IN/EXISTS subquery predicate (possibly under NOT), or undefined. */
function asSubqueryPredicate(e: ast.Expr): SubqueryPredicate | undefined {
  const u = unparen(e);
  if (u.kind === 'in-subquery') return { kind: 'in', not: u.not, operand: u.operand, query: u.query, span: u.span, ...(u.quantified !== undefined ? { quantified: u.quantified } : {}) };
  if (u.kind === 'exists') return { kind: 'exists', not: u.not, operand: undefined, query: u.query, span: u.span };
  if (u.kind === 'unary' && u.op === 'NOT') {
    const inner = asSubqueryPredicate(u.operand);
    if (inner !== undefined) return { ...inner, not: !inner.not, span: u.span };
  }
  return undefined;
}

/** The operands of a condition's top-level ANDs (through parentheses), in order. */
export function astConjuncts(e: ast.Expr): ast.Expr[] {
  const u = unparen(e);
  return u.kind === 'binary' && u.op === 'AND' ? [...astConjuncts(u.left), ...astConjuncts(u.right)] : [e];
}

/**
 * Splits a WHERE condition into its IN/EXISTS subquery conjuncts and the rest (AND-ed again).
 * A subquery elsewhere (under OR, in a CASE) stays in the rest, where binding reports it.
 */
export function splitWhere(where: ast.Expr): { rest: ast.Expr | undefined; subqueries: SubqueryPredicate[] } {
  const subqueries: SubqueryPredicate[] = [];
  const rest: ast.Expr[] = [];
  for (const e of astConjuncts(where)) {
    const p = asSubqueryPredicate(unparen(e));
    if (p !== undefined) subqueries.push(p);
    else rest.push(e);
  }
  const joined = rest.length === 0 ? undefined : rest.reduce((a, b): ast.Expr => ({ kind: 'binary', op: 'AND', left: a, right: b, span: { start: a.span.start, end: b.span.end } }));
  return { rest: joined, subqueries };
}

/** The subquery as a relation: its plan, the columns of its select list, and the correlation. */
interface SubqueryRelation {
  readonly plan: LogicalPlan;
  /** Columns of `plan` that are the select list (for IN). */
  readonly items: readonly number[];
  /** Conditions over the outer columns followed by `plan`'s columns. */
  readonly correlated: readonly BoundExpr[];
}

/** Joins `outer` with the subquery of `p`: a semi or anti join whose output is `outer`'s columns. */
export function applySubqueryPredicate(binder: Binder, outer: LogicalPlan, p: SubqueryPredicate): LogicalPlan {
  const rel = bindSubqueryRelation(binder, p, outer.schema);
  const no = outer.schema.length;
  const conds: BoundExpr[] = [];
  if (p.kind === 'in') {
    const operand = p.operand!;
    // `(a, b) IN (SELECT x, y ...)`: one comparison per column
    const row = unparen(operand);
    if (p.quantified !== undefined && row.kind === 'row') throw notSupported(`a row value before ${p.quantified.op} ${p.quantified.all ? 'ALL' : 'ANY'}`, operand.span, 'compare one value, or write (a, b) IN (SELECT x, y ...)');
    const operands = row.kind === 'row' ? row.items : [operand];
    if (rel.items.length !== operands.length) {
      const want = operands.length === 1 ? 'one column' : `${operands.length} columns, as many as the row on its left`;
      throw bindError(`the subquery of IN must return ${want}, it returns ${rel.items.length}`, p.query.span, operands.length === 1 ? 'select the one column to compare with' : `select ${operands.length} columns to compare with`);
    }
    if (containsSubquery(operand)) throw notSupported('a subquery inside the operand of IN', operand.span);
    const { op, all } = p.quantified ?? { op: '=', all: false };
    operands.forEach((o, k) => {
      const x = binder.bindExpr(o, { schema: outer.schema, clause: 'WHERE' });
      const yi = rel.items[k]!;
      const yf = rel.plan.schema[yi]!;
      const y = inputRef(no + yi, yf.type, yf.name);
      let cmp = binder.call(COMPARISON_FUNCTIONS[op], [x, y], p.span, p.quantified === undefined ? 'IN' : op);
      // ALL and NOT ... ANY hold when no subquery row makes the comparison false (ALL) or
      // true (NOT ANY): anti joins; ANY and NOT ... ALL: semi joins (see the head of the file)
      if (all) cmp = binder.call('not', [cmp], p.span, 'NOT');
      if (all !== p.not && (nullableExpr(x, outer.schema) || yf.nullable)) {
        // per column (x = y) OR (x = y) IS NULL: the row is excluded by a subquery row none
        // of whose columns is definitely different (a NULL on either side is not different)
        const isNull = binder.call('is_null', [cmp], p.span, 'IS NULL');
        conds.push(binder.call('or', [cmp, isNull], p.span, 'OR'));
      } else conds.push(cmp);
    });
    conds.push(...rel.correlated);
    return makeJoin(all !== p.not ? 'anti' : 'semi', outer, rel.plan, conds);
  }
  conds.push(...rel.correlated);
  return makeJoin(p.not ? 'anti' : 'semi', outer, rel.plan, conds);
}

const COMPARISON_FUNCTIONS: Readonly<Record<NonNullable<SubqueryPredicate['quantified']>['op'], string>> = { '=': 'eq', '<>': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

/** Whether an expression over `schema` may be NULL (columns by their nullability). */
function nullableExpr(e: BoundExpr, schema: Schema): boolean {
  if (e.kind === 'input') return schema[e.index]?.nullable ?? true;
  if (e.kind === 'const') return e.value === null;
  return true;
}

function bindSubqueryRelation(binder: Binder, p: SubqueryPredicate, outer: Schema): SubqueryRelation {
  const q = p.query;
  if (q.kind === 'select' && q.where !== undefined && q.from !== undefined) {
    const correlated = bindCorrelated(binder, q, q.from, q.where, outer, p);
    if (correlated !== undefined) return correlated;
  }
  // Uncorrelated: any query.
  const plan = binder.bindQuery(q);
  return { plan, items: plan.schema.map((_, i) => i), correlated: [] };
}

/**
 * A SELECT whose WHERE refers to outer columns: the FROM filtered by the local conjuncts, the
 * select list appended (for IN), and the correlated conjuncts as join conditions. Undefined
 * when no conjunct refers to the outer query.
 */
function bindCorrelated(binder: Binder, q: ast.Select, from: ast.FromItem, where: ast.Expr, outer: Schema, p: SubqueryPredicate): SubqueryRelation | undefined {
  const split = splitWhere(where);
  const flat = from.kind === 'join' && flattenable(from);
  const leaves = flat ? binder.flattenJoin(from) : undefined;
  const base: LogicalPlan | undefined = flat ? undefined : binder.bindFrom(from);
  const schema: Schema = leaves !== undefined ? leaves.leaves.flatMap((l) => l.schema) : base!.schema;
  const n = schema.length;
  let usedOuter = false;
  const ctx = {
    schema,
    clause: 'WHERE',
    onUnresolvedColumn: (c: ast.ColumnRef): BoundExpr => {
      const i = tryResolveField(outer, c.parts);
      if (i === 'ambiguous') throw bindError(`column reference '${c.parts.map((x) => x.value).join('.')}' is ambiguous`, c.span, 'qualify it with a table name or alias');
      if (i === undefined) {
        // throws: not found (in the outer query when the qualifier names one of its inputs)
        const q = c.parts.length > 1 ? c.parts[c.parts.length - 2]!.value.toLowerCase() : undefined;
        const outerQualifier = q !== undefined && outer.some((f) => f.qualifier?.toLowerCase() === q) && !schema.some((f) => f.qualifier?.toLowerCase() === q);
        resolveField(outerQualifier ? outer : schema, c.parts, c.span, binder);
        throw bindError(`column '${c.parts.map((x) => x.value).join('.')}' not found`, c.span);
      }
      usedOuter = true;
      const f = outer[i]!;
      return inputRef(n + i, f.type, f.name);
    },
  };
  const local: BoundExpr[] = [];
  const correlated: BoundExpr[] = [];
  if (split.rest !== undefined) {
    const pred = binder.bindExpr(split.rest, ctx);
    binder.expectBoolean(pred, split.rest, 'WHERE');
    for (const c of conjuncts(pred)) {
      if ([...referencedInputs(c)].some((i) => i >= n)) correlated.push(c);
      else local.push(c);
    }
  }
  if (!usedOuter) return undefined;
  if (q.groupBy.length > 0 || q.having !== undefined || q.items.some((it) => it.kind === 'expr' && containsAggregate(it.expr))) {
    throw notSupported(
      'a correlated subquery with GROUP BY or aggregates',
      p.span,
      'aggregate in a subquery in FROM and correlate outside it, e.g. EXISTS (SELECT 1 FROM (SELECT k, COUNT(*) AS c FROM r GROUP BY k) x WHERE x.k = o.k AND x.c > 1)',
    );
  }
  let plan: LogicalPlan = leaves !== undefined ? joinLeaves(leaves.leaves, [...leaves.conds, ...local]) : local.length > 0 ? { kind: 'filter', input: base!, predicate: and(local), schema: base!.schema } : base!;
  // nested IN/EXISTS in the subquery's WHERE apply to the subquery's FROM
  for (const sq of split.subqueries) plan = applySubqueryPredicate(binder, plan, sq);
  // the select list (IN compares with it; EXISTS ignores it)
  let items: number[] = [];
  if (p.kind === 'in') {
    const exprs: BoundExpr[] = [];
    for (const it of q.items) {
      if (it.kind === 'star') {
        plan.schema.forEach((f, i) => {
          if (it.qualifier === undefined || f.qualifier?.toLowerCase() === it.qualifier.parts.map((x) => x.value).join('.').toLowerCase()) exprs.push(inputRef(i, f.type, f.name));
        });
      } else exprs.push(binder.bindExpr(it.expr, { schema: plan.schema, clause: 'SELECT' }));
    }
    const extra = exprs.filter((e) => e.kind !== 'input');
    if (extra.length > 0) {
      const w = plan.schema.length;
      const all = [...plan.schema.map((f, i) => inputRef(i, f.type, f.name)), ...extra];
      const fields: Field[] = [...plan.schema, ...extra.map((e, i) => ({ name: `$item${i}`, type: e.type.kind === 'NULL' ? T.INT : e.type, nullable: true, rowtime: false }))];
      plan = { kind: 'project', input: plan, exprs: all, schema: fields };
      let k = 0;
      items = exprs.map((e) => (e.kind === 'input' ? e.index : w + k++));
    } else items = exprs.map((e) => (e as Extract<BoundExpr, { kind: 'input' }>).index);
  }
  // correlated conditions: [subquery cols, outer cols] -> [outer cols, subquery cols]
  const no = outer.length;
  const moved = correlated.map((c) => remapInputs(c, (i) => {
    const f = i < n ? schema[i]! : outer[i - n]!;
    return inputRef(i < n ? no + i : i - n, f.type, f.name);
  }));
  return { plan, items, correlated: moved };
}

type ScalarNode = Extract<ast.Expr, { kind: 'scalar-subquery' }>;

/**
 * The scalar subqueries of `exprs` (not those inside another subquery, which binds its own;
 * with `outsideAggregates`, not those inside an aggregate call's arguments either).
 */
function scalarSubqueries(exprs: readonly (ast.Expr | undefined)[], outsideAggregates: boolean): ScalarNode[] {
  const found: ScalarNode[] = [];
  for (const e of exprs) {
    if (e === undefined) continue;
    walkExpr(e, (x) => {
      if (x.kind === 'scalar-subquery') found.push(x);
      if (outsideAggregates && x.kind === 'function' && x.over === undefined && isAggregateName(x.upper)) return false;
      return undefined;
    });
  }
  return found;
}

export interface ScalarOptions {
  /**
   * The schema a correlated subquery resolves the outer query's columns in (default:
   * `outer`'s); field i is column i of `outer`. Over an aggregation: its group keys under the
   * names of the grouped columns, so `t.k` correlates with the group key `t.k`.
   */
  readonly correlation?: Schema;
  /** Leave out the subqueries inside aggregate calls (bound below the aggregation). */
  readonly outsideAggregates?: boolean;
  /** The aggregation's input: a correlated column found there but not among the group keys is not grouped. */
  readonly ungrouped?: Schema;
  /** Subqueries to leave out (those inside a select-list expression that is a group key). */
  readonly skip?: ReadonlySet<ast.Expr>;
}

/**
 * Joins `outer` with each scalar subquery of `exprs` (see the head of this file). Returns the
 * joined plan, whose first columns are `outer`'s, and an intercept that binds each subquery
 * node to its value over the joined plan; undefined when there is none.
 */
export function attachScalarSubqueries(binder: Binder, outer: LogicalPlan, exprs: readonly (ast.Expr | undefined)[], opts: ScalarOptions = {}): { plan: LogicalPlan; intercept: (e: ast.Expr) => BoundExpr | undefined } | undefined {
  const found = scalarSubqueries(exprs, opts.outsideAggregates === true).filter((sq) => opts.skip?.has(sq) !== true);
  if (found.length === 0) return undefined;
  let plan = outer;
  const values = new Map<ast.Expr, BoundExpr>();
  for (const sq of found) {
    const joined = joinScalar(binder, plan, opts.correlation ?? outer.schema, sq, opts.ungrouped);
    plan = joined.plan;
    values.set(sq, joined.value);
  }
  return { plan, intercept: (e) => values.get(e) };
}

/**
 * The correlation schema over an aggregation's output (ScalarOptions.correlation): group key i
 * under the name and qualifier of the column it groups by; the aggregates are not columns a
 * subquery can name.
 */
export function groupCorrelation(aggSchema: Schema, keys: number, groupExprs: readonly BoundExpr[], input: Schema): Schema {
  return aggSchema.map((f, i) => {
    const e = groupExprs[i];
    if (i >= keys || e === undefined) return { ...f, name: '', qualifier: undefined };
    if (e.kind !== 'input') return f;
    const src = input[e.index]!;
    return { ...f, name: src.name, qualifier: src.qualifier };
  });
}

/** Whether a plan yields at most one row at any time (an aggregate without GROUP BY, one VALUES row). */
function atMostOneRow(p: LogicalPlan): boolean {
  switch (p.kind) {
    case 'project':
    case 'filter':
      return atMostOneRow(p.input);
    case 'aggregate':
      return p.groupKeys.length === 0;
    case 'values':
      return p.rows.length <= 1;
    default:
      return false;
  }
}

const MORE_THAN_ONE_ROW_HINT = 'aggregate its column, without GROUP BY: (SELECT MAX(x) FROM t), or join with the subquery in FROM';

/** `plan` (whose first columns are `outer`'s) left-joined with the subquery, and its value over the result. */
function joinScalar(binder: Binder, plan: LogicalPlan, outer: Schema, sq: ScalarNode, ungrouped: Schema | undefined): { plan: LogicalPlan; value: BoundExpr } {
  const q = sq.query;
  if (q.kind === 'select' && q.where !== undefined && q.from !== undefined) {
    const correlated = correlatedScalar(binder, plan, outer, q, q.from, q.where, sq, ungrouped);
    if (correlated !== undefined) return correlated;
  }
  const sub = binder.bindQuery(q);
  if (sub.schema.length !== 1) throw bindError(`a scalar subquery must return one column, this one returns ${sub.schema.length}`, q.span, 'select the one value to use');
  if (!atMostOneRow(sub)) throw notSupported('a scalar subquery that may return more than one row', sq.span, MORE_THAN_ONE_ROW_HINT);
  const joined = makeJoin('left', plan, sub, []);
  const at = joined.schema.length - 1;
  const f = joined.schema[at]!;
  return { plan: joined, value: inputRef(at, f.type, f.name) };
}

function splitAnd(e: ast.Expr, out: ast.Expr[]): ast.Expr[] {
  const u = unparen(e);
  if (u.kind === 'binary' && u.op === 'AND') {
    splitAnd(u.left, out);
    splitAnd(u.right, out);
  } else out.push(e);
  return out;
}

function andAst(es: readonly ast.Expr[]): ast.Expr | undefined {
  return es.length === 0 ? undefined : es.reduce((a, b): ast.Expr => ({ kind: 'binary', op: 'AND', left: a, right: b, span: { start: a.span.start, end: b.span.end } }));
}

/**
 * A correlated scalar subquery: `SELECT <aggregate expression> FROM ... WHERE ...` whose WHERE
 * conjuncts that read the outer query are equalities `inner = outer`. Undefined when no conjunct
 * reads the outer query.
 */
function correlatedScalar(binder: Binder, plan: LogicalPlan, outer: Schema, q: ast.Select, from: ast.FromItem, where: ast.Expr, sq: ScalarNode, ungrouped: Schema | undefined): { plan: LogicalPlan; value: BoundExpr } | undefined {
  const inner = binder.bindFrom(from).schema;
  const n = inner.length;
  /** Which sides an expression reads: its inner columns, its outer columns. */
  const sides = (e: ast.Expr): { inner: boolean; outer: boolean } => {
    let usesOuter = false;
    const bound = binder.bindExpr(e, {
      schema: inner,
      clause: 'WHERE',
      onUnresolvedColumn: (c: ast.ColumnRef): BoundExpr => {
        const i = tryResolveField(outer, c.parts);
        if (i === 'ambiguous') throw bindError(`column reference '${c.parts.map((x) => x.value).join('.')}' is ambiguous`, c.span, 'qualify it with a table name or alias');
        if (i === undefined) {
          if (ungrouped !== undefined && typeof tryResolveField(ungrouped, c.parts) === 'number') {
            const name = c.parts.map((x) => x.value).join('.');
            throw bindError(`column '${name}' of the outer query is not grouped: a subquery of an aggregating query can refer to its GROUP BY columns only`, c.span, `add ${name} to GROUP BY, or correlate with a grouped column`);
          }
          resolveField(inner, c.parts, c.span, binder);
          throw bindError(`column '${c.parts.map((x) => x.value).join('.')}' not found`, c.span);
        }
        usesOuter = true;
        return inputRef(n + i, outer[i]!.type, outer[i]!.name);
      },
    });
    return { inner: [...referencedInputs(bound)].some((i) => i < n), outer: usesOuter };
  };
  const local: ast.Expr[] = [];
  const pairs: { inner: ast.Expr; outer: ast.Expr }[] = [];
  for (const c of splitAnd(where, [])) {
    if (containsSubquery(c)) {
      local.push(c);
      continue;
    }
    if (!sides(c).outer) {
      local.push(c);
      continue;
    }
    const u = unparen(c);
    if (u.kind === 'binary' && u.op === '=') {
      const l = sides(u.left);
      const r = sides(u.right);
      if (!l.outer && r.outer && !r.inner) {
        pairs.push({ inner: u.left, outer: u.right });
        continue;
      }
      if (l.outer && !l.inner && !r.outer) {
        pairs.push({ inner: u.right, outer: u.left });
        continue;
      }
    }
    throw notSupported('a condition on the outer query other than an equality in a scalar subquery', c.span, 'correlate with equalities between a column of the subquery and one of the outer query: WHERE r.k = o.k');
  }
  if (pairs.length === 0) return undefined;
  const item = q.items.length === 1 ? q.items[0]! : undefined;
  if (item === undefined || item.kind !== 'expr') throw bindError('a scalar subquery must return one column', q.span, 'select the one value to use');
  if (q.groupBy.length > 0 || q.having !== undefined || q.distinct || q.limit !== undefined || q.orderBy.length > 0 || !containsAggregate(item.expr)) {
    throw notSupported('a correlated scalar subquery that is not one aggregate without GROUP BY', sq.span, 'aggregate its column: (SELECT MAX(x) FROM r WHERE r.k = o.k), or join with the subquery in FROM');
  }
  const span = sq.span;
  const ident = (value: string): ast.Ident => ({ value, quoted: true, span });
  // SELECT k1 AS $k0, ..., <item> AS $v FROM ... WHERE <local> GROUP BY k1, ...
  const grouped: ast.Select = {
    ...q,
    items: [...pairs.map((p, i): ast.SelectItem => ({ kind: 'expr', expr: p.inner, alias: ident(`$k${i}`), span })), { kind: 'expr', expr: item.expr, alias: ident('$v'), span }],
    where: andAst(local),
    groupBy: pairs.map((p) => p.inner),
  };
  const sub = binder.bindQuery(grouped);
  const no = plan.schema.length;
  const conds = pairs.map((p, i) => {
    const o = binder.bindExpr(p.outer, { schema: outer, clause: 'WHERE' });
    const f = sub.schema[i]!;
    return binder.call('eq', [o, inputRef(no + i, f.type, f.name)], span, '=');
  });
  const joined = makeJoin('left', plan, sub, conds);
  const start = joined.schema.length - sub.schema.length;
  const key = inputRef(start, joined.schema[start]!.type, joined.schema[start]!.name);
  const vf = joined.schema[start + pairs.length]!;
  const value = inputRef(start + pairs.length, vf.type, vf.name);
  // the aggregate expression over no rows: COUNT is 0, the other aggregates NULL
  let empty: BoundExpr;
  try {
    empty = binder.bindExpr(item.expr, {
      schema: [],
      clause: 'SELECT',
      intercept: (e) => (e.kind === 'function' && e.over === undefined && isAggregateName(e.upper) ? (e.upper === 'COUNT' ? constant(0, T.BIGINT) : constant(null, T.NULL)) : undefined),
    });
  } catch {
    empty = constant(null, T.NULL);
  }
  if (empty.kind === 'const' && empty.value === null) return { plan: joined, value };
  // CASE WHEN <a key of the subquery row> IS NULL THEN <over no rows> ELSE <value> END (a
  // matched row's keys are not NULL: they equal the outer row's)
  const keyNode: ast.Expr = { kind: 'literal', type: 'null', value: null, text: 'NULL', span };
  const valueNode: ast.Expr = { kind: 'literal', type: 'null', value: null, text: 'NULL', span };
  const emptyNode: ast.Expr = { kind: 'literal', type: 'null', value: null, text: 'NULL', span };
  const choice: ast.Expr = { kind: 'case', operand: undefined, whens: [{ when: { kind: 'is', operand: keyNode, not: false, test: 'NULL', span }, then: emptyNode }], else: valueNode, span };
  const bound = binder.bindExpr(choice, { schema: [], clause: 'SELECT', intercept: (e) => (e === keyNode ? key : e === valueNode ? value : e === emptyNode ? empty : undefined) });
  return { plan: joined, value: bound };
}

function and(es: readonly BoundExpr[]): BoundExpr {
  return es.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: T.BOOLEAN }));
}
