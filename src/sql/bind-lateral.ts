// LATERAL subqueries: `FROM t, LATERAL (SELECT ... FROM u WHERE u.k = t.k) AS x`,
// `t [INNER | CROSS] JOIN LATERAL (...) [ON c]` and `t LEFT JOIN LATERAL (...) ON TRUE`,
// decorrelated into the joins and aggregates the engine has, as Flink decorrelates them:
//
// - a subquery that reads no column of the left side is an ordinary join with it;
// - `SELECT items FROM u WHERE p` (no aggregates, GROUP BY, DISTINCT, ORDER BY or LIMIT): a join
//   of the left side with u filtered by p's conjuncts over u alone, on the conjuncts that read
//   the left side (any condition: an equality becomes a join key, the rest a join condition);
//   the items, which may read the left side too, are computed after the join. With LEFT JOIN,
//   a left row without match gets NULL in every column of the subquery, also for an item that
//   is not NULL over NULL inputs (a constant, COALESCE), as SQL's outer join defines it;
// - `SELECT agg1, agg2 FROM u WHERE u.k = t.k` (aggregates without GROUP BY): one row for every
//   left row, so each item is planned as the correlated scalar subquery
//   `(SELECT agg FROM u WHERE ...)` (bind-subquery.ts: the aggregate grouped by the correlation
//   columns, LEFT JOIN; COUNT over no rows is 0), for INNER and LEFT JOIN alike.
// A correlated subquery with GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT or a set operation is
// refused, naming the construct; so are RIGHT/FULL JOIN LATERAL and LEFT JOIN LATERAL with a
// condition other than ON TRUE (Flink's rule for LATERAL TABLE too).

import { bindError, notSupported } from '../common/errors.js';
import { T } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { constant, inputRef, referencedInputs, remapInputs } from '../expr/bound.js';
import { conjuncts, makeJoin } from '../plan/join-build.js';
import type { LogicalPlan, Schema } from '../plan/logical.js';
import type * as ast from './ast.js';
import type { Binder, ExprContext } from './binder.js';
import { containsAggregate, implicitName, project, resolveField, tryResolveField } from './binder.js';
import { applySubqueryPredicate, attachScalarSubqueries, splitWhere } from './bind-subquery.js';

/** `left <join> LATERAL (query)`: see the head of this file. */
export function bindLateralJoin(binder: Binder, f: ast.Join, left: LogicalPlan, sub: ast.SubqueryRef): LogicalPlan {
  if (f.joinType === 'right' || f.joinType === 'full') throw notSupported(`${f.joinType.toUpperCase()} JOIN LATERAL (subquery)`, f.span, 'use [CROSS] JOIN LATERAL (...) or LEFT JOIN LATERAL (...) ON TRUE');
  if (f.using !== undefined) throw notSupported('JOIN LATERAL (subquery) USING (...)', f.span, 'correlate inside the subquery: LATERAL (SELECT ... FROM u WHERE u.k = t.k)');
  const isTrue = f.on !== undefined && f.on.kind === 'literal' && f.on.value === true;
  if (f.joinType === 'left' && !isTrue) throw notSupported('LEFT JOIN LATERAL (subquery) with a condition other than ON TRUE', f.on?.span ?? f.span, 'as in Flink, write LEFT JOIN LATERAL (...) ON TRUE and put the condition in the subquery\'s WHERE');
  const outer = left.schema;
  const nl = outer.length;
  const q = sub.query;
  const alias = sub.alias?.value;
  const names = sub.columnAliases?.map((c) => c.value);
  let joined: LogicalPlan | undefined = q.kind === 'select' && q.from !== undefined ? correlatedLateral(binder, f.joinType === 'left', left, q, q.from, sub) : undefined;
  if (joined === undefined) {
    // uncorrelated: an ordinary join
    const right = binder.bindQuery(q);
    joined = makeJoin(f.joinType === 'left' ? 'left' : 'inner', left, right, []);
  }
  if (names !== undefined && names.length !== joined.schema.length - nl) throw bindError(`${names.length} column aliases given for ${joined.schema.length - nl} columns`, sub.span);
  const plan: LogicalPlan = { ...joined, schema: joined.schema.map((fl, i) => (i < nl ? fl : { ...fl, name: names?.[i - nl] ?? fl.name, qualifier: alias })) } as LogicalPlan;
  if (f.on === undefined || isTrue) return plan;
  const on = binder.bindExpr(f.on, { schema: plan.schema, clause: 'ON' });
  binder.expectBoolean(on, f.on, 'ON');
  return { kind: 'filter', input: plan, predicate: on, schema: plan.schema };
}

/**
 * The lateral SELECT decorrelated: its join with `left` followed by a projection to the left
 * columns and the subquery's items. Undefined when it reads no column of `left`.
 */
function correlatedLateral(binder: Binder, leftJoin: boolean, left: LogicalPlan, q: ast.Select, from: ast.FromItem, sub: ast.SubqueryRef): LogicalPlan | undefined {
  const outer = left.schema;
  const nl = outer.length;
  const inner = binder.bindFrom(from);
  const n = inner.schema.length;
  let usedOuter = false;
  const ctx = (clause: string): ExprContext => ({
    schema: inner.schema,
    clause,
    onUnresolvedColumn: (c: ast.ColumnRef): BoundExpr => {
      const i = tryResolveField(outer, c.parts);
      if (i === 'ambiguous') throw bindError(`column reference '${c.parts.map((x) => x.value).join('.')}' is ambiguous`, c.span, 'qualify it with a table name or alias');
      if (i === undefined) {
        resolveField(inner.schema, c.parts, c.span, binder);
        throw bindError(`column '${c.parts.map((x) => x.value).join('.')}' not found`, c.span);
      }
      usedOuter = true;
      return inputRef(n + i, outer[i]!.type, outer[i]!.name);
    },
  });
  const split = q.where !== undefined ? splitWhere(q.where) : { rest: undefined, subqueries: [] };
  const local: BoundExpr[] = [];
  const correlated: BoundExpr[] = [];
  if (split.rest !== undefined) {
    const pred = binder.bindExpr(split.rest, ctx('WHERE'));
    binder.expectBoolean(pred, split.rest, 'WHERE');
    for (const c of conjuncts(pred)) ([...referencedInputs(c)].some((i) => i >= n) ? correlated : local).push(c);
  }
  const aggregating = q.groupBy.length > 0 || q.having !== undefined || q.items.some((it) => it.kind === 'expr' && containsAggregate(it.expr));
  // the items (with aggregates, the correlation is in WHERE: see aggregateLateral)
  const items = aggregating ? undefined : binder.bindSelectItems(q.items, ctx('SELECT'));
  if (!usedOuter) return undefined;
  if (q.groupBy.length > 0 || q.having !== undefined || q.distinct || q.orderBy.length > 0 || q.limit !== undefined || q.offset !== undefined) {
    throw notSupported('a correlated LATERAL subquery with GROUP BY, HAVING, DISTINCT, ORDER BY or LIMIT', sub.span, 'aggregate in a subquery that is not LATERAL and join with it on the correlation columns, or aggregate without GROUP BY: LATERAL (SELECT COUNT(*) AS n FROM u WHERE u.k = t.k)');
  }
  if (aggregating) return aggregateLateral(binder, left, q);
  // the subquery's FROM filtered by its own conditions (and IN/EXISTS among them)
  let right: LogicalPlan = local.length > 0 ? { kind: 'filter', input: inner, predicate: local.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: T.BOOLEAN })), schema: inner.schema } : inner;
  for (const sq of split.subqueries) right = applySubqueryPredicate(binder, right, sq);
  // LEFT JOIN: a marker column, NULL exactly on a left row without match
  const marker = leftJoin && items!.exprs.some((e) => e.kind !== 'input');
  if (marker) right = project(right, [...right.schema.map((fl, i) => inputRef(i, fl.type, fl.name)), constant(true, T.BOOLEAN)], [...right.schema.map((fl) => fl.name), '$matched']);
  // [inner, outer] -> [outer, inner]
  const move = (e: BoundExpr): BoundExpr =>
    remapInputs(e, (i) => {
      const fl = i < n ? inner.schema[i]! : outer[i - n]!;
      return inputRef(i < n ? nl + i : i - n, fl.type, fl.name);
    });
  const join = makeJoin(leftJoin ? 'left' : 'inner', left, right, correlated.map(move));
  const matched = inputRef(nl + n, T.BOOLEAN, '$matched');
  const exprs = items!.exprs.map((e) => {
    const m = move(e);
    if (!marker || e.kind === 'input') return m;
    return { kind: 'case', whens: [{ cond: { kind: 'call', fn: 'is_null', args: [matched], type: T.BOOLEAN }, then: constant(null, m.type) }], else: m, type: m.type } satisfies BoundExpr;
  });
  return project(join, [...outer.map((fl, i) => inputRef(i, fl.type, fl.name)), ...exprs], [...outer.map((fl) => fl.name), ...items!.names]);
}

/** `LATERAL (SELECT agg, ... FROM u WHERE ...)` without GROUP BY: each item a correlated scalar subquery. */
function aggregateLateral(binder: Binder, left: LogicalPlan, q: ast.Select): LogicalPlan {
  const nodes = q.items.map((it): ast.Expr => {
    if (it.kind === 'star') throw bindError('SELECT * is not allowed with aggregates', it.span);
    return { kind: 'scalar-subquery', query: { ...q, items: [it] }, span: it.span };
  });
  const scalar = attachScalarSubqueries(binder, left, nodes)!;
  const exprs = nodes.map((node) => scalar.intercept(node)!);
  const names = q.items.map((it, i) => (it.kind === 'expr' ? (it.alias?.value ?? implicitName(it.expr, i)) : ''));
  return project(scalar.plan, [...left.schema.map((fl, i) => inputRef(i, fl.type, fl.name)), ...exprs], [...left.schema.map((fl) => fl.name), ...names]);
}
