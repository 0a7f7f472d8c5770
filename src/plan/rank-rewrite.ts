// Top-N recognition on the logical plan (Flink's rank rules):
// - foldRankFilter: a filter on the rank column of a subquery with ROW_NUMBER/RANK/DENSE_RANK
//   OVER (...) becomes the rank node's range (`rn <= N`, `rn < N`, `rn = N`, `rn BETWEEN a AND
//   b`, `rn >= a`); the other conjuncts stay a filter. When the range is one value the rank
//   column is that constant, so a query reading it (`SELECT *`) does not need the operator to
//   carry it (Flink's RankNumberColumnRemoveRule) and keep-first/keep-last deduplication applies.
// - chooseRankStrategy: after pruning (when it is known whether the rank number is output),
//   picks window rank, deduplication or the general Top-N.

import type { BoundExpr } from '../expr/bound.js';
import { constant } from '../expr/bound.js';
import { andAll, conjuncts } from './join-build.js';
import type { FilterNode, LogicalPlan, RankFunction, RankNode, RankStrategy, SortKey } from './logical.js';
import { isUpdating } from './logical.js';

const FLIP: Record<string, string> = { le: 'ge', lt: 'gt', ge: 'le', gt: 'lt', eq: 'eq' };

function constInt(e: BoundExpr): number | undefined {
  if (e.kind === 'cast') return constInt(e.operand);
  if (e.kind === 'const' && typeof e.value === 'number' && Number.isInteger(e.value)) return e.value;
  return undefined;
}

function stripCast(e: BoundExpr): BoundExpr {
  return e.kind === 'cast' ? stripCast(e.operand) : e;
}

export function foldRankFilter(f: FilterNode): LogicalPlan {
  // the filter may sit on projections of the rank (a view, a CTE, a subquery's select list)
  const projs: Extract<LogicalPlan, { kind: 'project' }>[] = [];
  let inner = f.input;
  while (inner.kind === 'project') {
    projs.push(inner);
    inner = inner.input;
  }
  if (inner.kind !== 'rank' || inner.range !== undefined) return f;
  const rank: RankNode = inner;
  const rankCol = rank.input.schema.length;
  const isRankRef = (e0: BoundExpr): boolean => {
    const e = stripCast(e0);
    if (e.kind !== 'input') return false;
    let i = e.index;
    for (const p of projs) {
      const x = p.exprs[i];
      if (x === undefined || x.kind !== 'input') return false;
      i = x.index;
    }
    return i === rankCol;
  };
  let start = 1;
  let end = Infinity;
  const rest: BoundExpr[] = [];
  for (const c of conjuncts(f.predicate)) {
    if (c.kind === 'call' && c.args.length === 2 && FLIP[c.fn] !== undefined) {
      let [a, b] = c.args as [BoundExpr, BoundExpr];
      let fn = c.fn;
      if (isRankRef(b) && constInt(a) !== undefined) {
        [a, b] = [b, a];
        fn = FLIP[fn]!;
      }
      const v = constInt(b);
      if (isRankRef(a) && v !== undefined) {
        if (fn === 'le') end = Math.min(end, v);
        else if (fn === 'lt') end = Math.min(end, v - 1);
        else if (fn === 'eq') {
          start = Math.max(start, v);
          end = Math.min(end, v);
        } else if (fn === 'ge') start = Math.max(start, v);
        else start = Math.max(start, v + 1);
        continue;
      }
    }
    rest.push(c);
  }
  // No upper bound: not a Top-N (physical planning refuses the unbounded rank with a hint).
  if (end === Infinity) return f;
  const range = { start, end };
  const bottom = projs[projs.length - 1];
  let top: LogicalPlan;
  if (bottom !== undefined && start === end) {
    // the rank is a constant: the node need not carry it (it is the last column, so dropping
    // it moves no other column)
    const exprs = bottom.exprs.map((e) => (e.kind === 'input' && e.index === rankCol ? constant(start, e.type) : e));
    top = { ...bottom, input: { ...rank, range, outputRank: false, schema: rank.input.schema, strategy: chooseRankStrategy(rank.input, rank.fn, rank.partitionKeys, rank.orderKeys, range, false) }, exprs };
  } else {
    const ranked: RankNode = { ...rank, range, strategy: chooseRankStrategy(rank.input, rank.fn, rank.partitionKeys, rank.orderKeys, range, rank.outputRank) };
    top = bottom === undefined ? ranked : { ...bottom, input: ranked };
  }
  for (let k = projs.length - 2; k >= 0; k--) top = { ...projs[k]!, input: top };
  const pred = andAll(rest);
  return pred === undefined ? top : { kind: 'filter', input: top, predicate: pred, schema: top.schema };
}

/** Column `i` of `p` is window_start (0) or window_end (1) of a window TVF or window aggregation. */
function windowColumn(p: LogicalPlan, i: number): 0 | 1 | undefined {
  switch (p.kind) {
    case 'project': {
      const e = p.exprs[i];
      return e !== undefined && e.kind === 'input' ? windowColumn(p.input, e.index) : undefined;
    }
    case 'filter':
      return windowColumn(p.input, i);
    case 'window-tvf': {
      if (p.window.kind === 'session') return undefined;
      const n = p.input.schema.length;
      return i === n ? 0 : i === n + 1 ? 1 : undefined;
    }
    case 'window-aggregate': {
      const n = p.schema.length;
      return i === n - 3 ? 0 : i === n - 2 ? 1 : undefined;
    }
    default:
      return undefined;
  }
}

export function chooseRankStrategy(
  input: LogicalPlan,
  fn: RankFunction,
  partitionKeys: readonly number[],
  orderKeys: readonly SortKey[],
  range: { readonly start: number; readonly end: number } | undefined,
  outputRank: boolean,
): RankStrategy {
  const updating = isUpdating(input);
  const firstRow = fn === 'row_number' && range !== undefined && range.start === 1 && range.end === 1 && !outputRank && orderKeys.length === 1;
  const timeKey = firstRow ? orderKeys[0]! : undefined;
  if (!updating) {
    let start = false;
    let endIndex: number | undefined;
    for (const k of partitionKeys) {
      const w = windowColumn(input, k);
      if (w === 0) start = true;
      else if (w === 1) endIndex = k;
    }
    if (start && endIndex !== undefined) {
      const t = timeKey === undefined ? undefined : input.schema[timeKey.index]!;
      const dedup = t !== undefined && (t.rowtime || t.proctime === true || t.type.kind === 'TIMESTAMP' || t.type.kind === 'TIMESTAMP_LTZ') ? (timeKey!.desc ? 'last' : 'first') : undefined;
      return { kind: 'window', endIndex, dedup };
    }
    // on processing time as on event time: the stamped times order the rows, and the job's
    // watermark is the clock (plan/time-domain.ts), so keep-first emits a key's row as the
    // clock passes it, and keep-last replaces the kept row by each later one
    if (timeKey !== undefined && (input.schema[timeKey.index]!.rowtime || input.schema[timeKey.index]!.proctime === true)) return { kind: 'deduplicate', timeIndex: timeKey.index, keepLast: timeKey.desc };
  }
  return { kind: 'topn' };
}
