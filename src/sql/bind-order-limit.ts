// ORDER BY and LIMIT on a stream (Flink's rules):
// - ORDER BY <time attribute> [ASC] [, other keys] is a temporal sort: rows are emitted in that
//   order as the watermark passes their time. Any other first key (or DESC on the time) is
//   refused: sorting by it would wait for the end of an unbounded stream.
// - LIMIT n [OFFSET m] keeps the first n rows (after skipping m) in the order they arrive;
//   after a temporal sort, in time order.
// Keys name output columns (by name or alias, or 1-based position).

import type { Span } from '../common/errors.js';
import { WeirError, bindError } from '../common/errors.js';
import { isIntegral } from '../common/types.js';
import type { LogicalPlan, SortKey } from '../plan/logical.js';
import type * as ast from './ast.js';
import type { Binder } from './binder.js';
import { unparen } from './binder.js';

function refuse(message: string, span: Span, hint: string): WeirError {
  return new WeirError('not-supported', message, { span, hint });
}

const SORT_HINT =
  'as in Flink ("Sort on a non-time-attribute field is not supported"), a stream can only be sorted by a time attribute, ascending: ORDER BY ts [, other columns], emitted as the watermark passes. ' +
  'For the top rows by another column use Top-N: SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY x DESC) AS rn FROM t) WHERE rn <= 10; or aggregate in windows and order within each window';

function count(binder: Binder, e: ast.Expr, what: string): number {
  const b = binder.bindExpr(e, { schema: [], clause: what });
  if (b.kind !== 'const' || typeof b.value !== 'number' || !isIntegral(b.type) || b.value < 0) throw bindError(`${what} takes a non-negative integer constant`, e.span);
  return b.value;
}

function sortKey(binder: Binder, plan: LogicalPlan, item: ast.OrderItem): SortKey {
  const e = unparen(item.expr);
  let index: number;
  if (e.kind === 'literal' && e.type === 'number') {
    const pos = Number(e.text);
    if (!Number.isInteger(pos) || pos < 1 || pos > plan.schema.length) throw bindError(`ORDER BY position ${e.text} is not in the select list (1 to ${plan.schema.length})`, e.span);
    index = pos - 1;
  } else {
    let b;
    try {
      b = binder.bindExpr(item.expr, { schema: plan.schema, clause: 'ORDER BY' });
    } catch (err) {
      if (err instanceof WeirError && e.kind === 'column') throw new WeirError(err.kind, err.message, { span: err.span, hint: `${err.hint !== undefined ? `${err.hint}; ` : ''}on a stream, ORDER BY names columns of the SELECT list` });
      throw err;
    }
    if (b.kind !== 'input') throw refuse('ORDER BY an expression is not supported on a stream', item.span, `${SORT_HINT}. Put the expression in the SELECT list and order by its alias`);
    index = b.index;
  }
  const desc = item.direction === 'DESC';
  // Flink's default null order: NULLS FIRST ascending, NULLS LAST descending
  const nullsFirst = item.nulls === undefined ? !desc : item.nulls === 'FIRST';
  return { index, desc, nullsFirst };
}

export function bindOrderLimit(binder: Binder, input: LogicalPlan, orderBy: readonly ast.OrderItem[], limit: ast.Expr | undefined, offset: ast.Expr | undefined): LogicalPlan {
  let plan = input;
  if (orderBy.length > 0) {
    const keys = orderBy.map((o) => sortKey(binder, plan, o));
    const first = keys[0]!;
    const f = plan.schema[first.index]!;
    const span = orderBy[0]!.span;
    if (!f.rowtime) {
      const why = f.joinDroppedRowtime === true ? ' (a regular join\'s output has no time attribute)' : '';
      throw refuse(`ORDER BY ${f.name} is not supported on a stream: ${f.name} is not a time attribute${why}`, span, SORT_HINT);
    }
    if (first.desc) throw refuse(`ORDER BY ${f.name} DESC is not supported on a stream`, span, `a stream is sorted by its time attribute ascending only (rows arrive forward in time): ORDER BY ${f.name} [ASC]`);
    plan = { kind: 'sort', input: plan, keys, schema: plan.schema };
  }
  if (offset !== undefined && limit === undefined) {
    throw refuse('OFFSET without LIMIT is not supported on a stream', offset.span, 'add a LIMIT: LIMIT n OFFSET m');
  }
  if (limit !== undefined) {
    const fetch = count(binder, limit, 'LIMIT');
    const skip = offset === undefined ? 0 : count(binder, offset, 'OFFSET');
    plan = { kind: 'limit', input: plan, offset: skip, fetch, schema: plan.schema };
  }
  return plan;
}
