// User-defined functions on the DuckDB side of `weir verify`: the same JavaScript module runs
// in DuckDB, registered with @duckdb/node-api's registerScalarFunction.
//
// - A scalar function becomes a DuckDB scalar function calling the module's eval.
// - DuckDB has no JavaScript aggregate functions, so a user-defined aggregate is written as
//   list() of its arguments (one STRUCT per row) per group, handed to a scalar function that
//   runs createAccumulator, accumulate for each element and getValue. That is the aggregate's
//   batch meaning (no retractions: the final group's rows, each accumulated once); the order
//   of the rows inside a group is DuckDB's, so the aggregate must not depend on it.
//
// Values cross in weir's representation (TIMESTAMP as epoch milliseconds, DATE as days, DECIMAL
// as DOUBLE), converted in SQL on both sides, so the function sees what the stream gives it.

import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBListValue, DuckDBScalarFunction, DuckDBStructValue, INTEGER, LIST, STRUCT, VARCHAR, listValue, structValue } from '@duckdb/node-api';
import type { DataType } from '../common/types.js';
import { TableFunctionRunner, UdafRunner, checkValue, udfByKey } from '../expr/udf.js';
import type { Column } from '../common/batch.js';
import { columnFromScalars } from '../common/batch.js';
import { DuckDbTranslationError, typeToDuckDb } from './duck-expr.js';
import { canonical } from '../common/int64.js';

interface Registered {
  readonly duckName: string;
  readonly key: string;
  readonly kind: 'scalar' | 'aggregate' | 'table';
}

/** Functions the translation used, by key; registered on a connection before queries run. */
const used = new Map<string, Registered>();

function duckNameFor(key: string, kind: 'scalar' | 'aggregate' | 'table'): string {
  const k = `${kind}:${key}`;
  let r = used.get(k);
  if (r === undefined) {
    const { name } = udfByKey(key);
    r = { duckName: `weir_${kind === 'scalar' ? 'udf' : kind === 'table' ? 'udtf' : 'udaf'}_${used.size}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`, key, kind };
    used.set(k, r);
  }
  return r.duckName;
}

/** DuckDB type of a value in weir's representation as a function gets it. */
function jsDuckType(t: DataType): DuckDBType {
  switch (t.kind) {
    case 'BOOLEAN':
      return BOOLEAN;
    case 'INT':
      return INTEGER;
    case 'BIGINT':
    case 'TIMESTAMP':
      return BIGINT;
    case 'DATE':
      return INTEGER;
    case 'STRING':
      return VARCHAR;
    default:
      return DOUBLE;
  }
}

/** SQL turning a DuckDB value of weir type `t` into what the function gets. */
function toJsSql(sql: string, t: DataType): string {
  switch (t.kind) {
    case 'TIMESTAMP':
      return `epoch_ms(${sql})`;
    case 'DATE':
      return `CAST((${sql}) - DATE '1970-01-01' AS INTEGER)`;
    case 'BIGINT':
      return `CAST(${sql} AS BIGINT)`;
    case 'INT':
      return `CAST(${sql} AS INTEGER)`;
    case 'STRING':
    case 'BOOLEAN':
      return sql;
    default:
      return `CAST(${sql} AS DOUBLE)`;
  }
}

/** SQL turning a function's result (in weir's representation) back into the DuckDB type weir's translation uses. */
function fromJsSql(sql: string, t: DataType): string {
  switch (t.kind) {
    case 'TIMESTAMP':
      return `epoch_ms(${sql})`;
    case 'DATE':
      return `(DATE '1970-01-01' + ${sql})`;
    default:
      return `CAST(${sql} AS ${typeToDuckDb(t)})`;
  }
}

/** A JavaScript value from DuckDB (BIGINT comes as a bigint) to weir's scalar. */
function fromDuck(v: DuckDBValue): unknown {
  if (typeof v === 'bigint') return canonical(v); // beyond ±(2^53-1) it stays a bigint, exactly (common/int64.ts)
  return v;
}

function toDuck(v: unknown, t: DataType): DuckDBValue {
  if (v === null || v === undefined) return null;
  if (t.kind === 'BIGINT' || t.kind === 'TIMESTAMP') return BigInt(v as number);
  return v as DuckDBValue;
}

/** TIME and BYTES arguments and results are not carried through DuckDB's JS functions yet. */
function refuseTimeBytes(key: string, types: readonly DataType[]): void {
  const t = types.find((x) => x.kind === 'TIME' || x.kind === 'BYTES');
  if (t !== undefined) throw new DuckDbTranslationError(udfByKey(key).name, `a ${t.kind} argument or result of a user-defined function is not passed to DuckDB yet`);
}

/** A scalar call in DuckDB SQL (args already translated). */
export function udfCallToDuckDb(key: string, args: readonly { sql: string; type: DataType }[], ret: DataType): string {
  refuseTimeBytes(key, [...args.map((a) => a.type), ret]);
  const name = duckNameFor(key, 'scalar');
  return fromJsSql(`${name}(${args.map((a) => toJsSql(a.sql, a.type)).join(', ')})`, ret);
}

/**
 * A table function call in DuckDB SQL: a scalar function returning the rows as a list of
 * structs (unnested by the caller as `u`), and the SQL of each output column over `r.u`.
 */
export function tableFunctionToDuckDb(key: string, args: readonly { sql: string; type: DataType }[]): { call: string; columns: string[] } {
  const { def } = udfByKey(key);
  refuseTimeBytes(key, [...args.map((a) => a.type), ...def.columns.map((c) => c.type)]);
  const name = duckNameFor(key, 'table');
  return { call: `${name}(${args.map((a) => toJsSql(a.sql, a.type)).join(', ')})`, columns: def.columns.map((c, j) => fromJsSql(`r.u.f${j}`, c.type)) };
}

/** A user-defined aggregate in DuckDB SQL: its apply function over list() of the arguments' rows. */
export function udafCallToDuckDb(key: string, args: readonly string[], filter: string): string {
  const { def } = udfByKey(key);
  refuseTimeBytes(key, [...def.args, def.ret]);
  const name = duckNameFor(key, 'aggregate');
  const struct = `struct_pack(${args.map((a, i) => `a${i} := ${toJsSql(a, def.args[i]!)}`).join(', ')})`;
  return fromJsSql(`${name}(list(${struct})${filter})`, def.ret);
}

/**
 * Registers the functions translated so far on `conn`. The scalar path reuses weir's own
 * kernel over a column built from the DuckDB chunk, so the checks (declared result type,
 * errors naming the function) are the same.
 */
export function registerUdfs(conn: DuckDBConnection): void {
  for (const r of used.values()) {
    const { name, def } = udfByKey(r.key);
    if (r.kind === 'scalar') {
      const evalFn = def.impl.eval as (...a: unknown[]) => unknown;
      conn.registerScalarFunction(
        DuckDBScalarFunction.create({
          name: r.duckName,
          returnType: jsDuckType(def.ret),
          parameterTypes: def.args.map(jsDuckType),
          specialHandling: true,
          mainFunction: (info, input, output) => {
            const argv = new Array<unknown>(def.args.length);
            for (let row = 0; row < input.rowCount; row++) {
              for (let a = 0; a < def.args.length; a++) argv[a] = fromDuck(input.getColumnVector(a).getItem(row));
              try {
                const v = evalFn.apply(def.impl, argv);
                const checked = checkValue(v, def.ret);
                if (checked === undefined) throw new Error(`returned a value that is not ${def.ret.kind}`);
                output.setItem(row, toDuck(checked, def.ret));
              } catch (e) {
                info.setError(`function ${name}: ${e instanceof Error ? e.message : String(e)}`);
                return;
              }
            }
            output.flush();
          },
        }),
      );
    } else if (r.kind === 'table') {
      const runner = new TableFunctionRunner(name, r.key);
      const entries: Record<string, DuckDBType> = {};
      def.columns.forEach((c, j) => (entries[`f${j}`] = jsDuckType(c.type)));
      conn.registerScalarFunction(
        DuckDBScalarFunction.create({
          name: r.duckName,
          returnType: LIST(STRUCT(entries)),
          parameterTypes: def.args.map(jsDuckType),
          specialHandling: true,
          mainFunction: (info, input, output) => {
            try {
              for (let row = 0; row < input.rowCount; row++) {
                const cols: Column[] = def.args.map((t, a) => columnFromScalars(t, [fromDuck(input.getColumnVector(a).getItem(row)) as never]));
                const items: DuckDBValue[] = [];
                runner.run(cols, 0, (vals) => {
                  const e: Record<string, DuckDBValue> = {};
                  def.columns.forEach((c, j) => (e[`f${j}`] = toDuck(vals[j], c.type)));
                  items.push(structValue(e));
                });
                output.setItem(row, listValue(items));
              }
            } catch (e) {
              info.setError(e instanceof Error ? e.message : String(e));
              return;
            }
            output.flush();
          },
        }),
      );
    } else {
      const runner = new UdafRunner(name, r.key);
      const entries: Record<string, DuckDBType> = {};
      def.args.forEach((t, i) => (entries[`a${i}`] = jsDuckType(t)));
      conn.registerScalarFunction(
        DuckDBScalarFunction.create({
          name: r.duckName,
          returnType: jsDuckType(def.ret),
          parameterTypes: [LIST(STRUCT(entries))],
          specialHandling: true,
          mainFunction: (info, input, output) => {
            const vec = input.getColumnVector(0);
            try {
              for (let row = 0; row < input.rowCount; row++) {
                const list = vec.getItem(row) as DuckDBListValue | null;
                let acc = runner.createAccumulator();
                const items = list?.items ?? [];
                // one row at a time through weir's own update (a one-row column per argument)
                for (const item of items) {
                  const e = (item as DuckDBStructValue).entries;
                  const cols: Column[] = def.args.map((t, i) => columnFromScalars(t, [fromDuck(e[`a${i}`] ?? null) as never]));
                  acc = runner.update(acc, cols, ARG_INDEXES.slice(0, def.args.length), 0, false);
                }
                output.setItem(row, toDuck(runner.value(acc), def.ret));
              }
            } catch (e) {
              info.setError(e instanceof Error ? e.message : String(e));
              return;
            }
            output.flush();
          },
        }),
      );
    }
  }
}

const ARG_INDEXES = Array.from({ length: 64 }, (_, i) => i);
