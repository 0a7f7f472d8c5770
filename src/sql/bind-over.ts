// Binding of OVER aggregation (Flink's "Over Aggregation"):
//
//   SELECT a, SUM(x) OVER w, LAG(x) OVER (PARTITION BY k ORDER BY ts) FROM t WHERE ...
//     => Project(items) <- OverAggregate(partition keys, ts, frame, calls) <- Project(input ++ keys ++ args) <- ...
//
// Flink's streaming rules, which weir follows: ORDER BY exactly one time attribute, ascending
// (over an updating input, beyond Flink, a TIMESTAMP column will do: over-aggregate-updating.ts);
// a frame from UNBOUNDED or n PRECEDING to CURRENT ROW (the default with ORDER BY is RANGE
// UNBOUNDED PRECEDING); every OVER call of a SELECT on the same window; functions COUNT, SUM,
// MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, LISTAGG, the variance family (rewritten to SUM(x * x),
// SUM(x) and COUNT(x), as in a GROUP BY) and LAG (LEAD refused, as Flink refuses it in
// streaming; LAG only on unbounded frames, where it needs no retraction, as in Flink).
// ROW_NUMBER, RANK and DENSE_RANK (Top-N, deduplication) are bound elsewhere.

import type { Scalar } from '../common/batch.js';
import type { Span } from '../common/errors.js';
import { WeirError, bindError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, isIntegral, isNumeric, typeToString } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { exprKey, inputRef } from '../expr/bound.js';
import { castAllowed } from '../expr/cast.js';
import { evaluateConstant } from '../expr/compile.js';
import { AGGREGATE_NAMES, VARIANCE_FUNCTIONS, avgResultType, isAggregateName, resolveAggregate } from '../expr/aggregate-types.js';
import type { Field, LogicalPlan, OverCall, OverFrame, OverFunction } from '../plan/logical.js';
import { describeFrame, isUpdating } from '../plan/logical.js';
import type * as ast from './ast.js';
import type { Binder, ExprContext, VarianceParts } from './binder.js';
import { castTo, notTimeAttribute, project, unparen, varianceExpr, walkExpr } from './binder.js';

/** Bound by the Top-N / deduplication path, not here. */
const RANK_FUNCTIONS = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);

function refuse(message: string, span: Span, hint?: string): WeirError {
  return new WeirError('not-supported', message, { span, hint });
}

/** OVER calls in the SELECT items that this file binds (outermost first). */
export function collectOverCalls(exprs: readonly ast.Expr[]): ast.FunctionCall[] {
  const out: ast.FunctionCall[] = [];
  for (const e of exprs) {
    walkExpr(e, (x) => {
      if (x.kind === 'function' && x.over !== undefined && !RANK_FUNCTIONS.has(x.upper)) {
        out.push(x);
        return false;
      }
      return true;
    });
  }
  return out;
}

interface ResolvedWindow {
  readonly spec: ast.OverSpec;
  /** Where the call names it (for messages). */
  readonly span: Span;
}

function windowOf(s: ast.Select, fc: ast.FunctionCall): ResolvedWindow {
  const over = fc.over!;
  if ('partitionBy' in over) return { spec: over, span: over.span };
  const named = s.windows.find((w) => w.name.value.toLowerCase() === over.value.toLowerCase());
  if (named === undefined) {
    const names = s.windows.map((w) => w.name.value);
    throw bindError(`window '${over.value}' is not defined`, over.span, names.length > 0 ? `windows defined in WINDOW: ${names.join(', ')}` : `define it after WHERE: WINDOW ${over.value} AS (PARTITION BY ... ORDER BY ...)`);
  }
  return { spec: named.spec, span: over.span };
}

function frameOf(binder: Binder, spec: ast.OverSpec): OverFrame {
  const f = spec.frame;
  if (f === undefined) return { unit: 'range', preceding: undefined };
  const unit = f.unit === 'ROWS' ? 'rows' : 'range';
  const end = f.end ?? { kind: 'current-row' as const };
  if (end.kind !== 'current-row') {
    throw refuse(`an OVER frame ending at ${end.kind === 'following' ? 'n FOLLOWING' : end.kind === 'unbounded-following' ? 'UNBOUNDED FOLLOWING' : 'a preceding row'} is not supported on a stream`, f.span, 'as in Flink, a streaming OVER window ends at CURRENT ROW: ... BETWEEN n PRECEDING AND CURRENT ROW (a row cannot wait for rows that have not arrived)');
  }
  switch (f.start.kind) {
    case 'unbounded-preceding':
      return { unit, preceding: undefined };
    case 'current-row':
      return { unit, preceding: 0 };
    case 'preceding': {
      const e = binder.bindExpr(f.start.offset, { schema: [], clause: 'OVER frame' });
      if (unit === 'rows') {
        if (e.kind !== 'const' || typeof e.value !== 'number' || !isIntegral(e.type) || e.value < 0) throw bindError('ROWS frames take a non-negative integer: ROWS BETWEEN 10 PRECEDING AND CURRENT ROW', f.start.offset.span);
        return { unit, preceding: e.value };
      }
      if (e.kind !== 'const' || e.type.kind !== 'INTERVAL_DAY_TIME' || typeof e.value !== 'number' || e.value < 0) {
        throw bindError('a RANGE frame over a time attribute takes a day-time INTERVAL', f.start.offset.span, "RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW");
      }
      return { unit, preceding: e.value };
    }
    default:
      throw refuse('an OVER frame starting after the current row is not supported on a stream', f.span, 'start the frame at UNBOUNDED PRECEDING, n PRECEDING or CURRENT ROW');
  }
}

interface BoundWindow {
  readonly partition: BoundExpr[];
  readonly timeIndex: number;
  readonly frame: OverFrame;
  readonly key: string;
}

function bindWindow(binder: Binder, input: LogicalPlan, w: ResolvedWindow): BoundWindow {
  const spec = w.spec;
  const ctx: ExprContext = { schema: input.schema, clause: 'PARTITION BY' };
  const partition = spec.partitionBy.map((p) => binder.bindExpr(p, ctx));
  if (spec.orderBy.length === 0) {
    throw refuse('an OVER window needs ORDER BY a time attribute on a stream', spec.span, 'as in Flink: OVER (PARTITION BY ... ORDER BY ts ...), where ts has a WATERMARK');
  }
  if (spec.orderBy.length > 1) {
    throw refuse('an OVER window on a stream is ordered by one time attribute only', spec.orderBy[1]!.span, 'as in Flink: ORDER BY the time attribute alone; rows of equal time are peers');
  }
  const item = spec.orderBy[0]!;
  const o = unparen(item.expr);
  const bound = binder.bindExpr(item.expr, { schema: input.schema, clause: 'ORDER BY' });
  if (o.kind !== 'column' || bound.kind !== 'input') {
    throw refuse('an OVER window on a stream must be ordered by a time attribute', item.span, 'as in Flink: ORDER BY a column declared with WATERMARK FOR (sorting by other values would wait for the whole stream)');
  }
  const f = input.schema[bound.index]!;
  // Over an updating input (beyond Flink) rows are not emitted by the watermark but as the input
  // changes, so a plain TIMESTAMP column orders the window as well as a time attribute does:
  // after a regular join or a Top-N (Nexmark q6) the event time is no longer a time attribute.
  const updatingTimestamp = f.type.kind === 'TIMESTAMP' && isUpdating(input);
  if (!f.rowtime && !updatingTimestamp) {
    const e = notTimeAttribute(f, item.span);
    const also = f.type.kind === 'TIMESTAMP' ? ' (over an updating input, such as a GROUP BY or Top-N result, a TIMESTAMP column that is not one will do)' : '';
    throw new WeirError('not-supported', `OVER ... ORDER BY ${f.name}: ${e.message}`, { span: item.span, hint: `as in Flink, a streaming OVER window over an append-only input is ordered by a time attribute, ascending${also}. ${e.hint ?? ''}`.trim() });
  }
  if (item.direction === 'DESC') {
    throw refuse(`an OVER window ordered by ${f.name} DESC is not supported on a stream`, item.span, 'as in Flink, OVER windows are ordered by time ascending (rows arrive forward in time)');
  }
  const frame = frameOf(binder, spec);
  return { partition, timeIndex: bound.index, frame, key: `${partition.map(exprKey).join(',')}|${bound.index}|${frame.unit}|${frame.preceding}` };
}

/** Binds a SELECT whose items hold OVER calls, over `input` (FROM and WHERE done). */
export function bindOver(binder: Binder, s: ast.Select, input: LogicalPlan, calls: readonly ast.FunctionCall[]): LogicalPlan {
  // 1. the window: every call's the same (Flink's rule for streaming)
  let win: BoundWindow | undefined;
  for (const fc of calls) {
    const w = bindWindow(binder, input, windowOf(s, fc));
    if (win === undefined) win = w;
    else if (w.key !== win.key) {
      throw refuse('all OVER windows of a SELECT must be the same on a stream', fc.over !== undefined && 'partitionBy' in fc.over ? fc.over.span : fc.span, 'as in Flink: give them one definition, WINDOW w AS (PARTITION BY ... ORDER BY ... ), and write agg(x) OVER w; for different windows, join two queries');
    }
  }
  const window = win!;
  // 2. below: the input columns, then computed partition keys and arguments
  const n = input.schema.length;
  const pre: BoundExpr[] = input.schema.map((f, i) => inputRef(i, f.type, f.name));
  const preNames: string[] = input.schema.map((f) => f.name);
  const index = new Map<string, number>();
  pre.forEach((e, i) => index.set(exprKey(e), i));
  const add = (e: BoundExpr, hint: string): number => {
    const k = exprKey(e);
    let i = index.get(k);
    if (i === undefined) {
      i = pre.length;
      pre.push(e);
      preNames.push(hint);
      index.set(k, i);
    }
    return i;
  };
  const partitionKeys = window.partition.map((e, i) => add(e, `$partition${i}`));
  const argCtx = (fc: ast.FunctionCall): ExprContext => ({ schema: input.schema, clause: `${fc.upper}(...) OVER` });
  const overCalls: OverCall[] = [];
  const callIndex = new Map<ast.FunctionCall, number>();
  const varianceParts = new Map<ast.FunctionCall, VarianceParts>();
  for (const fc of calls) {
    const variance = VARIANCE_FUNCTIONS[fc.upper];
    if (variance !== undefined) {
      // as in a GROUP BY (and in Flink, by Calcite's AggregateReduceFunctionsRule): SUM(x * x),
      // SUM(x) and COUNT(x) over the same window, and the variance expression over them
      varianceParts.set(fc, varianceOver(binder, fc, variance, argCtx(fc), overCalls, (e) => add(e, `$arg${overCalls.length}`)));
      continue;
    }
    const call = bindCall(binder, fc, window.frame, argCtx(fc), (e) => add(e, `$arg${overCalls.length}`));
    callIndex.set(fc, overCalls.length);
    overCalls.push(call);
  }
  const below = pre.length === n ? input : project(input, pre, preNames);
  const width = below.schema.length;
  const callFields: Field[] = overCalls.map((c, i) => ({ name: `$over${i}`, type: c.type, nullable: true, rowtime: false }));
  // over an updating input the output is updating too: no column of it is a time attribute
  const updating = isUpdating(below);
  const over: LogicalPlan = {
    kind: 'over-aggregate',
    input: below,
    partitionKeys,
    timeIndex: window.timeIndex,
    frame: window.frame,
    calls: overCalls,
    schema: [...(updating ? below.schema.map((f) => (f.rowtime || f.proctime === true ? { ...f, rowtime: false, proctime: false } : f)) : below.schema), ...callFields],
  };
  // 3. the SELECT items over the input columns, OVER calls by reference
  const ctx: ExprContext = {
    schema: over.schema.slice(0, n),
    clause: 'SELECT',
    intercept: (e) => {
      if (e.kind !== 'function' || e.over === undefined) return undefined;
      const v = varianceParts.get(e);
      if (v !== undefined) return varianceExpr(v, (j) => inputRef(width + j, over.schema[width + j]!.type, over.schema[width + j]!.name));
      const i = callIndex.get(e);
      if (i === undefined) return undefined;
      const f = over.schema[width + i]!;
      return inputRef(width + i, f.type, f.name);
    },
  };
  const { exprs, names } = binder.bindSelectItems(s.items, ctx);
  return project(over, exprs, names);
}

/** Adds the SUM(x * x), SUM(x) and COUNT(x) calls of a variance-family call to `calls`. */
function varianceOver(binder: Binder, fc: ast.FunctionCall, variance: { readonly sample: boolean; readonly sqrt: boolean }, ctx: ExprContext, calls: OverCall[], add: (e: BoundExpr) => number): VarianceParts {
  if (fc.distinct) throw refuse(`${fc.upper}(DISTINCT ...) OVER is not supported`, fc.span, 'aggregate the distinct values in a subquery first');
  if (fc.filter !== undefined) throw refuse(`FILTER on an OVER aggregate is not supported`, fc.filter.span, 'use CASE WHEN ... THEN x END as the argument instead');
  if (fc.star || fc.args.length !== 1) throw bindError(`${fc.upper} takes one argument`, fc.span);
  const a = binder.bindExpr(fc.args[0]!, ctx);
  if (a.type.kind !== 'NULL' && !isNumeric(a.type)) throw bindError(`${fc.upper} needs a numeric argument, got ${typeToString(a.type)}`, fc.span);
  const x: BoundExpr = a.type.kind === 'DOUBLE' ? a : { kind: 'cast', operand: a, type: T.DOUBLE, safe: false };
  const name = `${fc.upper}(...)`;
  const part = (fn: OverCall['fn'], e: BoundExpr, type: DataType, what: string): number => {
    calls.push({ fn, args: [add(e)], type, offset: 0, default: null, name: `${what} of ${name}` });
    return calls.length - 1;
  };
  const sumSq = part('sum', { kind: 'call', fn: 'mul', args: [x, x], type: T.DOUBLE }, T.DOUBLE, 'SUM(x * x)');
  const sum = part('sum', x, T.DOUBLE, 'SUM(x)');
  const count = part('count', a, T.BIGINT, 'COUNT(x)');
  return { sumSq, sum, count, sample: variance.sample, sqrt: variance.sqrt, type: avgResultType(a.type) };
}

function constantArg(binder: Binder, e: ast.Expr, what: string): BoundExpr {
  const b = binder.bindExpr(e, { schema: [], clause: what });
  if (b.kind !== 'const') throw bindError(`${what} must be a constant`, e.span);
  return b;
}

function bindCall(binder: Binder, fc: ast.FunctionCall, frame: OverFrame, ctx: ExprContext, add: (e: BoundExpr) => number): OverCall {
  const upper = fc.upper;
  const name = `${upper}(...)`;
  if (fc.distinct) throw refuse(`${upper}(DISTINCT ...) OVER is not supported`, fc.span, 'aggregate the distinct values in a subquery first');
  if (fc.filter !== undefined) throw refuse(`FILTER on an OVER aggregate is not supported`, fc.filter.span, 'use CASE WHEN ... THEN x END as the argument instead');
  const args = fc.star ? [] : fc.args.map((a) => binder.bindExpr(a, ctx));
  const one = (fn: OverFunction, type: DataType): OverCall => ({ fn, args: args.slice(0, 1).map(add), type, offset: 0, default: null, name });
  if (isAggregateName(upper) && !AGGREGATE_NAMES.has(upper)) {
    throw refuse(`the user-defined aggregate function ${fc.name.value} in an OVER window is not supported yet`, fc.span, 'use it in GROUP BY or a window aggregation (TUMBLE, HOP, CUMULATE, SESSION)');
  }
  if (upper === 'ARRAY_AGG' || upper === 'COLLECT') throw refuse(`${upper}(...) OVER is not supported yet`, fc.span, 'aggregate with GROUP BY or a window table function instead');
  // Flink: "currently not supported in OVER windows"
  if (upper === 'JSON_OBJECTAGG' || upper === 'JSON_ARRAYAGG') throw refuse(`${upper}(...) OVER is not supported (nor in Flink)`, fc.span, 'aggregate with GROUP BY or a window table function instead');
  if (upper === 'LISTAGG') {
    // Flink's LISTAGG OVER: the frame's non-NULL values in time order, joined by the separator
    const r = resolveAggregate(upper, args.map((a) => a.type), fc.star);
    if (typeof r === 'string') throw bindError(r, fc.span);
    let separator: string | undefined;
    if (args[1] !== undefined) {
      const sep = args[1];
      if (sep.kind !== 'const' || typeof sep.value !== 'string') throw bindError('the LISTAGG separator must be a STRING literal', fc.args[1]!.span, "LISTAGG(name, '; ')");
      separator = sep.value;
    }
    return { fn: r.fn, args: args.slice(0, 1).map(add), type: r.type, offset: 0, default: null, name, ...(separator !== undefined ? { separator } : {}) };
  }
  if (isAggregateName(upper) && upper !== 'SUM0' && upper !== 'FIRST_VALUE' && upper !== 'LAST_VALUE') {
    const r = resolveAggregate(upper, args.map((a) => a.type), fc.star);
    if (typeof r === 'string') throw bindError(r, fc.span);
    return { fn: r.fn, args: args.map(add), type: r.type, offset: 0, default: null, name };
  }
  switch (upper) {
    case 'FIRST_VALUE':
    case 'LAST_VALUE': {
      if (args.length !== 1) throw bindError(`${upper} takes one argument`, fc.span);
      const t = args[0]!.type.kind === 'NULL' ? T.INT : args[0]!.type;
      return one(upper === 'FIRST_VALUE' ? 'first_value' : 'last_value', t);
    }
    case 'LAG': {
      if (args.length < 1 || args.length > 3) throw bindError('LAG takes one to three arguments: LAG(x [, offset [, default]])', fc.span);
      if (frame.preceding !== undefined) {
        throw refuse(`LAG over a bounded frame (${describeFrame(frame)}) is not supported on a stream`, fc.span, 'as in Flink (LAG cannot be retracted): use the default frame, OVER (PARTITION BY ... ORDER BY ts), or ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
      }
      const t = args[0]!.type.kind === 'NULL' ? T.INT : args[0]!.type;
      let offset = 1;
      if (fc.args[1] !== undefined) {
        const o = constantArg(binder, fc.args[1], 'the LAG offset');
        if (o.kind !== 'const' || typeof o.value !== 'number' || !isIntegral(o.type) || o.value < 1) throw bindError('the LAG offset must be a positive integer', fc.args[1].span);
        offset = o.value;
      }
      let def: Scalar = null;
      if (fc.args[2] !== undefined) {
        const d = constantArg(binder, fc.args[2], 'the LAG default');
        if (!castAllowed(d.type, t)) throw bindError(`the LAG default (${typeToString(d.type)}) does not fit ${typeToString(t)}`, fc.args[2].span);
        const c = castTo(d, t);
        def = c.kind === 'const' ? c.value : evaluateConstant(c);
      }
      return { fn: 'lag', args: [add(args[0]!)], type: t, offset, default: def, name };
    }
    case 'LEAD':
      throw refuse('LEAD is not supported on a stream (Flink: "LEAD Function is not supported in stream mode")', fc.span, 'a row would wait for rows that have not arrived yet; LAG looks back instead: compare each row with the one before it');
    case 'NTILE':
    case 'PERCENT_RANK':
    case 'CUME_DIST':
    case 'NTH_VALUE':
      throw refuse(`${upper} OVER is not supported on a stream`, fc.span, 'streaming OVER windows take COUNT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, LISTAGG, the variance family (VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP) and LAG');
    default:
      throw refuse(`${upper}(...) OVER is not supported`, fc.span, 'streaming OVER windows take COUNT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, LISTAGG, the variance family (VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP) and LAG');
  }
}
