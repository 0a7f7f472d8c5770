// Binding of ROW_NUMBER() / RANK() / DENSE_RANK() OVER (PARTITION BY ... ORDER BY ...) in a
// SELECT list: the call becomes a rank node over the FROM/WHERE result, whose last column is
// the rank; the select list reads it by reference. The outer query's filter on that column
// (rank-rewrite.ts foldRankFilter) makes it a Top-N; without one it is refused at planning.

import type { Span } from '../common/errors.js';
import { bindError, notSupported } from '../common/errors.js';
import { T } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import type { LogicalPlan, RankFunction, RankNode, Schema, SortKey } from '../plan/logical.js';
import type * as ast from './ast.js';

const RANK_FUNCTIONS: Record<string, RankFunction> = { ROW_NUMBER: 'row_number', RANK: 'rank', DENSE_RANK: 'dense_rank' };

export function isRankCall(e: ast.Expr): e is ast.FunctionCall {
  return e.kind === 'function' && e.over !== undefined && RANK_FUNCTIONS[e.upper] !== undefined;
}

function collect(e: unknown, out: ast.FunctionCall[]): void {
  if (e === null || typeof e !== 'object') return;
  if (Array.isArray(e)) {
    for (const x of e) collect(x, out);
    return;
  }
  const node = e as { kind?: unknown };
  if (typeof node.kind === 'string' && isRankCall(node as ast.Expr)) {
    out.push(node as ast.FunctionCall);
    return;
  }
  if (node.kind === 'subquery' || node.kind === 'exists' || node.kind === 'in-subquery') return;
  for (const [k, v] of Object.entries(node)) if (k !== 'span') collect(v, out);
}

/** The ranking calls in a select list (anywhere inside its expressions). */
export function rankCallsOf(items: readonly ast.SelectItem[]): ast.FunctionCall[] {
  const out: ast.FunctionCall[] = [];
  for (const it of items) if (it.kind === 'expr') collect(it.expr, out);
  return out;
}

/**
 * The rank node for `call` over `input`. PARTITION BY and ORDER BY take columns of the input
 * (as Flink's Top-N does); `bindColumn` binds one over the input's schema.
 */
export function bindRank(call: ast.FunctionCall, input: LogicalPlan, bindColumn: (e: ast.Expr, schema: Schema, clause: string) => BoundExpr): RankNode {
  const fn = RANK_FUNCTIONS[call.upper]!;
  const over = call.over!;
  if (!('partitionBy' in over)) throw notSupported(`${call.upper}() OVER a named window`, over.span, `write the window inline: ${call.upper}() OVER (PARTITION BY ... ORDER BY ...)`);
  if (call.args.length > 0 || call.star || call.distinct) throw bindError(`${call.upper}() takes no arguments`, call.span);
  if (over.frame !== undefined) throw bindError(`${call.upper}() does not take a window frame`, over.frame.span, 'remove the ROWS/RANGE clause');
  if (over.orderBy.length === 0) throw bindError(`${call.upper}() needs ORDER BY in its OVER clause`, over.span, `e.g. ${call.upper}() OVER (PARTITION BY k ORDER BY v DESC)`);
  const column = (e: ast.Expr, clause: string, span: Span): number => {
    const b = bindColumn(e, input.schema, clause);
    if (b.kind !== 'input') throw notSupported(`an expression in ${clause} of ${call.upper}()`, span, 'compute it as a column in a subquery first and use the column here');
    return b.index;
  };
  const partitionKeys = over.partitionBy.map((e) => column(e, 'PARTITION BY', e.span));
  const orderKeys: SortKey[] = over.orderBy.map((o) => {
    const desc = o.direction === 'DESC';
    // Flink's null order: NULLs sort lowest (ASC NULLS FIRST, DESC NULLS LAST) unless stated
    const nullsFirst = o.nulls === undefined ? !desc : o.nulls === 'FIRST';
    return { index: column(o.expr, 'ORDER BY', o.expr.span), desc, nullsFirst };
  });
  const schema: Schema = [...input.schema, { name: `$${fn}`, type: T.BIGINT, nullable: false, rowtime: false }];
  return { kind: 'rank', input, fn, partitionKeys, orderKeys, range: undefined, outputRank: true, strategy: { kind: 'topn' }, schema, span: call.span };
}
