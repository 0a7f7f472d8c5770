// Type rules of the aggregate functions (Flink's): COUNT is BIGINT; SUM keeps an integer
// type's width (INT stays INT); AVG of an integer type is that integer type, truncated
// (Flink's IntAvgAggFunction), of DOUBLE is DOUBLE, of DECIMAL(p, s) is DECIMAL(38, max(6, s)).

import type { DataType } from '../common/types.js';
import { T, isNumeric, typeToString } from '../common/types.js';
import type { AggFunction } from '../plan/logical.js';

export const AGGREGATE_NAMES = new Set([
  'COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'SUM0',
  'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG', 'ARRAY_AGG',
  'STDDEV_POP', 'STDDEV_SAMP', 'STDDEV', 'VAR_POP', 'VAR_SAMP', 'VARIANCE',
  'JSON_OBJECTAGG', 'JSON_ARRAYAGG', 'COLLECT',
]);

/**
 * The variance family. As in Flink (Calcite's AggregateReduceFunctionsRule), the binder
 * rewrites each into SUM(x * x), SUM(x) and COUNT(x) and an expression over them, so they
 * take retractions, merge in two phases and checkpoint as SUM and COUNT do. STDDEV and
 * VARIANCE are Flink's aliases of STDDEV_SAMP and VAR_SAMP.
 */
export const VARIANCE_FUNCTIONS: Readonly<Record<string, { readonly sample: boolean; readonly sqrt: boolean }>> = {
  VAR_POP: { sample: false, sqrt: false },
  VAR_SAMP: { sample: true, sqrt: false },
  VARIANCE: { sample: true, sqrt: false },
  STDDEV_POP: { sample: false, sqrt: true },
  STDDEV_SAMP: { sample: true, sqrt: true },
  STDDEV: { sample: true, sqrt: true },
};

/** The result type of AVG and of the variance family for an argument type (Flink's deriveAvgAggType). */
export function avgResultType(a: DataType): DataType {
  if (a.kind === 'NULL') return T.INT;
  return a.kind === 'DECIMAL' ? T.decimal(38, Math.max(6, a.scale ?? 0)) : a;
}

/**
 * Upper-case names of the user-defined aggregate functions of the session being bound (set by
 * the binder when it starts: binding is synchronous, so one session binds at a time).
 */
let userAggregates: ReadonlySet<string> = new Set();

export function setUserAggregateNames(names: ReadonlySet<string>): void {
  userAggregates = names;
}

export function isAggregateName(upper: string): boolean {
  return AGGREGATE_NAMES.has(upper) || userAggregates.has(upper);
}

export function resolveAggregate(upper: string, args: readonly DataType[], star: boolean): { fn: AggFunction; type: DataType } | string {
  switch (upper) {
    case 'COUNT':
      if (star) return { fn: 'count_star', type: T.BIGINT };
      if (args.length !== 1) return 'COUNT takes one argument (or *)';
      return { fn: 'count', type: T.BIGINT };
    case 'SUM':
    case 'SUM0': {
      const a = args[0];
      if (args.length !== 1 || a === undefined) return `${upper} takes one argument`;
      if (a.kind === 'NULL') return { fn: upper === 'SUM' ? 'sum' : 'sum0', type: T.INT };
      if (!isNumeric(a)) return `${upper} needs a numeric argument, got ${typeToString(a)}`;
      const type = a.kind === 'DECIMAL' ? T.decimal(38, a.scale ?? 0) : a;
      return { fn: upper === 'SUM' ? 'sum' : 'sum0', type };
    }
    case 'AVG': {
      const a = args[0];
      if (args.length !== 1 || a === undefined) return 'AVG takes one argument';
      if (a.kind === 'NULL') return { fn: 'avg', type: T.INT };
      if (!isNumeric(a)) return `AVG needs a numeric argument, got ${typeToString(a)}`;
      const type = a.kind === 'DECIMAL' ? T.decimal(38, Math.max(6, a.scale ?? 0)) : a;
      return { fn: 'avg', type };
    }
    case 'MIN':
    case 'MAX': {
      const a = args[0];
      if (args.length !== 1 || a === undefined) return `${upper} takes one argument`;
      if (a.kind === 'INTERVAL_DAY_TIME' || a.kind === 'INTERVAL_YEAR_MONTH') return `${upper} of an interval is not supported`;
      return { fn: upper === 'MIN' ? 'min' : 'max', type: a.kind === 'NULL' ? T.INT : a };
    }
    case 'ARRAY_AGG': {
      // Flink's: ARRAY<T> of the values in arrival order, NULLs kept (IGNORE NULLS drops them)
      const a = args[0];
      if (args.length !== 1 || a === undefined) return 'ARRAY_AGG takes one argument';
      return { fn: 'array_agg', type: T.array(a.kind === 'NULL' ? T.INT : a) };
    }
    case 'COLLECT': {
      // Flink's CollectAggFunction: MULTISET<T> of the non-NULL values with their counts
      const a = args[0];
      if (args.length !== 1 || a === undefined) return 'COLLECT takes one argument';
      return { fn: 'collect', type: T.multiset(a.kind === 'NULL' ? T.INT : a) };
    }
    case 'FIRST_VALUE':
    case 'LAST_VALUE': {
      const a = args[0];
      if (args.length !== 1 || a === undefined) return `${upper} takes one argument`;
      return { fn: upper === 'FIRST_VALUE' ? 'first_value' : 'last_value', type: a.kind === 'NULL' ? T.INT : a };
    }
    case 'LISTAGG': {
      const a = args[0];
      if (args.length < 1 || args.length > 2 || a === undefined) return 'LISTAGG takes one or two arguments: LISTAGG(expr [, separator])';
      if (a.kind !== 'STRING' && a.kind !== 'NULL') return `LISTAGG needs a STRING argument, got ${typeToString(a)} (CAST it to STRING)`;
      const sep = args[1];
      if (sep !== undefined && sep.kind !== 'STRING') return `the LISTAGG separator must be a STRING literal, got ${typeToString(sep)}`;
      return { fn: 'listagg', type: T.STRING };
    }
    case 'JSON_OBJECTAGG':
    case 'JSON_ARRAYAGG': {
      // the binder has made the arguments STRING: the key, and the value as JSON text (bind-json.ts)
      const n = upper === 'JSON_OBJECTAGG' ? 2 : 1;
      if (args.length !== n || args.some((a) => a.kind !== 'STRING')) return `${upper} takes ${n === 2 ? 'a key and a value' : 'one value'}`;
      return { fn: upper === 'JSON_OBJECTAGG' ? 'json_objectagg' : 'json_arrayagg', type: T.STRING };
    }
    default:
      return `unknown aggregate function ${upper}`;
  }
}
