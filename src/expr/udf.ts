// User-defined functions written in JavaScript (CREATE FUNCTION f AS 'module.js' LANGUAGE
// JAVASCRIPT). A function is an ES module whose default export (or whose named exports) follow
// the contract below; README "User-defined functions" documents it for users.
//
//   kind:     'scalar' | 'aggregate' | 'table' (inferred when absent: createAccumulator means
//             aggregate, otherwise scalar)
//   args:     SQL type names of the arguments, e.g. ['STRING', 'INT']
//   returns:  SQL type name of the result; a table function gives its columns as an object
//             { word: 'STRING', length: 'INT' } (or one type name: one column named f0)
//   scalar:   eval(...args) -> value
//   table:    eval(...args) -> iterable of rows (an array per row; a bare value for one column)
//   aggregate (Flink's AggregateFunction): createAccumulator() -> acc; accumulate(acc, ...args);
//             retract(acc, ...args) (needed over an updating input); merge(acc, accs) (needed
//             for SESSION windows, and it lets window aggregations pre-aggregate in two
//             phases); getValue(acc) -> value. accumulate/retract change acc in place or return
//             the new accumulator. An accumulator goes into checkpoints: it must be plain data
//             (numbers, strings, booleans, null, arrays, plain objects), or the module gives
//             serialize(acc) -> plain data and deserialize(data) -> acc.
//
// Modules are imported asynchronously (dynamic import) before the statements that create
// them run: `loadFunctionModule` is awaited by the CLI, the shell and verify, and by each
// worker thread for the modules of its job. The session then finds the module in the cache
// synchronously. A module is keyed by its file URL plus its modification time, so editing the
// file and creating the function again loads the new text.
//
// Calls run per row inside a compiled batch loop, with one argument array reused for every
// row: no allocation per row beyond what the function itself does.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Column, Scalar } from '../common/batch.js';
import { ColumnBuilder } from '../common/batch.js';
import { WeirError, bindError, internalError } from '../common/errors.js';
import { msgpackr } from '../common/msgpack.js';
import type { Span } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { INT32_MAX, INT32_MIN, T, physicalKind, typeToString } from '../common/types.js';
import { formatTimestamp, formatDate } from '../common/time.js';
import type { Kernel } from './kernels.js';
import type { ScalarFunction } from './registry.js';
import { setUserFunctionResolver } from './registry.js';
import { INT64_MAX, INT64_MIN, canonical } from '../common/int64.js';

export type UdfKind = 'scalar' | 'aggregate' | 'table';

type Fn = (...args: unknown[]) => unknown;

/** A loaded, checked function module. */
export interface UdfDefinition {
  /** The module's import specifier (file URL with its version); identifies it in plans. */
  readonly specifier: string;
  readonly kind: UdfKind;
  readonly args: readonly DataType[];
  /** Result type (scalar, aggregate). */
  readonly ret: DataType;
  /** Output columns (table functions). */
  readonly columns: readonly { readonly name: string; readonly type: DataType }[];
  readonly impl: Record<string, unknown>;
  readonly mergeable: boolean;
  readonly retractable: boolean;
}

type Loaded = { readonly ok: true; readonly exports: Record<string, unknown> } | { readonly ok: false; readonly error: string };
const modules = new Map<string, Loaded>();

/**
 * Where a module path of CREATE FUNCTION points: a relative path is resolved against the
 * working directory, as the 'path' of a filesystem table is (so a query file and the data and
 * modules it names move together when run from the same directory).
 */
export function moduleLocation(text: string): { path: string; specifier: string | undefined } {
  const path = resolve(process.cwd(), text);
  try {
    const st = statSync(path);
    if (!st.isFile()) return { path, specifier: undefined };
    return { path, specifier: `${pathToFileURL(path).href}?v=${Math.trunc(st.mtimeMs)}` };
  } catch {
    return { path, specifier: undefined };
  }
}

/** Imports a module once per specifier; a failure is remembered and reported by `definition`. */
export async function loadFunctionModule(specifier: string): Promise<void> {
  if (modules.has(specifier)) return;
  try {
    const ns = (await import(specifier)) as Record<string, unknown>;
    modules.set(specifier, { ok: true, exports: ns });
  } catch (e) {
    modules.set(specifier, { ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

/** Specifiers of the modules loaded in this thread (a cluster job's workers load the same). */
export function loadedFunctionModules(): string[] {
  return [...modules].filter(([, m]) => m.ok).map(([s]) => s);
}

const definitions = new Map<string, UdfDefinition>();

/** Parses a type name of the module contract ('STRING', 'DECIMAL(10, 2)', 'TIMESTAMP(3)'). */
function parseTypeName(text: unknown, what: string): DataType {
  if (typeof text !== 'string') throw new Error(`${what} must be a SQL type name such as 'STRING' or 'BIGINT', got ${describeValue(text)}`);
  const m = /^\s*([A-Za-z_]+(?:\s+[A-Za-z_]+)*)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  const name = m?.[1]?.toUpperCase().replace(/\s+/g, ' ');
  switch (name) {
    case 'BOOLEAN':
    case 'BOOL':
      return T.BOOLEAN;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'INTEGER':
      return T.INT;
    case 'BIGINT':
      return T.BIGINT;
    case 'FLOAT':
    case 'REAL':
    case 'DOUBLE':
    case 'DOUBLE PRECISION':
      return T.DOUBLE;
    case 'DECIMAL':
    case 'NUMERIC':
      return T.decimal(Number(m?.[2] ?? 10), Number(m?.[3] ?? 0));
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return T.STRING;
    case 'TIMESTAMP':
      return T.TIMESTAMP;
    case 'DATE':
      return T.DATE;
    case 'TIME':
      // TIME(p) for p 0..3 (finer precisions are carried as TIME(3), as in column types)
      return T.time(Math.min(Number(m?.[2] ?? 0), 3));
    case 'BYTES':
    case 'BINARY':
    case 'VARBINARY':
      return T.BYTES;
    default:
      throw new Error(`${what}: unknown or unsupported type '${text}' (use BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING, TIMESTAMP(3), DATE, TIME(p) or BYTES)`);
  }
}

/**
 * The checked definition of a loaded module; `name` is the SQL name, `span` the CREATE
 * FUNCTION statement's module string (errors point there).
 */
export function udfDefinition(specifier: string, name: string, span?: Span): UdfDefinition {
  const cached = definitions.get(specifier);
  if (cached !== undefined) return cached;
  const loaded = modules.get(specifier);
  if (loaded === undefined) throw internalError(`function module ${specifier} was not loaded before use`);
  if (!loaded.ok) throw bindError(`cannot load the module of function ${name}: ${loaded.error}`, span, 'the module must be an ES module (.js or .mjs) that Node.js can import');
  const ns = loaded.exports;
  const impl = (typeof ns.default === 'object' && ns.default !== null ? ns.default : ns) as Record<string, unknown>;
  const bad = (msg: string): WeirError => bindError(`function ${name}: ${msg}`, span, "see README 'User-defined functions' for the module contract: kind, args, returns and eval (or createAccumulator, accumulate, getValue)");
  const kindText = impl.kind ?? (typeof impl.createAccumulator === 'function' ? 'aggregate' : 'scalar');
  if (kindText !== 'scalar' && kindText !== 'aggregate' && kindText !== 'table') throw bad(`kind must be 'scalar', 'aggregate' or 'table', got ${describeValue(kindText)}`);
  const kind = kindText as UdfKind;
  const need = (f: string): void => {
    if (typeof impl[f] !== 'function') throw bad(`a${kind === 'aggregate' ? 'n' : ''} ${kind} function module must export a function ${f}`);
  };
  if (kind === 'aggregate') ['createAccumulator', 'accumulate', 'getValue'].forEach(need);
  else need('eval');
  if (!Array.isArray(impl.args)) throw bad("args must list the argument types, e.g. args: ['STRING', 'INT']");
  let args: DataType[];
  let ret: DataType = T.NULL;
  let columns: { name: string; type: DataType }[] = [];
  try {
    args = (impl.args as unknown[]).map((a, i) => parseTypeName(a, `argument ${i + 1}`));
    if (kind === 'table' && typeof impl.returns === 'object' && impl.returns !== null) {
      columns = Object.entries(impl.returns as Record<string, unknown>).map(([n, t]) => ({ name: n, type: parseTypeName(t, `column ${n}`) }));
      if (columns.length === 0) throw new Error('returns must name at least one column');
    } else {
      ret = parseTypeName(impl.returns, 'returns');
      if (kind === 'table') columns = [{ name: 'f0', type: ret }];
    }
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
  const hasSerialize = typeof impl.serialize === 'function';
  if (hasSerialize !== (typeof impl.deserialize === 'function')) throw bad('serialize and deserialize come together');
  const def: UdfDefinition = { specifier, kind, args, ret, columns, impl, mergeable: typeof impl.merge === 'function', retractable: typeof impl.retract === 'function' };
  definitions.set(specifier, def);
  return def;
}

/** The function key in bound expressions and aggregate calls: `udf:<sql name>|<specifier>`. */
export function udfKey(name: string, specifier: string): string {
  return `udf:${name}|${specifier}`;
}

export function parseUdfKey(key: string): { name: string; specifier: string } | undefined {
  if (!key.startsWith('udf:')) return undefined;
  const bar = key.indexOf('|');
  return { name: key.slice(4, bar), specifier: key.slice(bar + 1) };
}

export function udfByKey(key: string): { name: string; def: UdfDefinition } {
  const k = parseUdfKey(key);
  if (k === undefined) throw internalError(`not a user function key: ${key}`);
  return { name: k.name, def: udfDefinition(k.specifier, k.name) };
}

// ---------------------------------------------------------------------------------------
// Values between columns and JavaScript

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 60) + '...' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (Array.isArray(v)) return `an array`;
  return `a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}`;
}

/** SQL text of an argument value, for error messages. */
function describeArg(v: unknown, t: DataType | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (t?.kind === 'TIMESTAMP' && typeof v === 'number') return `TIMESTAMP '${formatTimestamp(v)}'`;
  if (t?.kind === 'DATE' && typeof v === 'number') return `DATE '${formatDate(v)}'`;
  if (typeof v === 'string') return `'${v.length > 60 ? v.slice(0, 60) + '...' : v}'`;
  return String(v);
}

function describeArgs(args: readonly unknown[], types: readonly DataType[], from = 0): string {
  const parts: string[] = [];
  for (let i = from; i < args.length; i++) parts.push(describeArg(args[i], types[i - from]));
  return `(${parts.join(', ')})`;
}

/**
 * Row i of a column as the JavaScript value a function receives. A BIGINT is a number within
 * ±(2^53-1) and a bigint beyond (the value's canonical form, common/int64.ts), so a function
 * gets every BIGINT exactly and pays nothing for small values.
 */
function readValue(c: Column, i: number): unknown {
  if (c.nulls !== null && c.nulls[i] === 1) return null;
  const v = c.values[i];
  // BYTES (a binary string inside weir, common/bytes.ts) reach the function as a Buffer
  if (c.type.kind === 'BYTES') return Buffer.from(v as string, 'latin1');
  return physicalKind(c.type) === 'bool' ? v === 1 : v;
}

/**
 * A returned value checked against the declared type and converted to what weir carries;
 * returns `undefined` (with `problem` set) when it does not fit.
 */
export function checkValue(v: unknown, t: DataType): Scalar | undefined {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : undefined;
    case 'INT':
      return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? v : undefined;
    case 'BIGINT':
      // a number only when it is exact (a safe integer: never a rounded value), or any bigint
      // of the 64-bit range, carried in its canonical form (common/int64.ts)
      if (typeof v === 'number') return Number.isSafeInteger(v) ? v + 0 : undefined;
      if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? canonical(v) : undefined;
      return undefined;
    case 'DOUBLE':
    case 'DECIMAL':
      return typeof v === 'number' ? v : undefined;
    case 'STRING':
      return typeof v === 'string' ? v : undefined;
    case 'TIMESTAMP':
      if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
      return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
    case 'DATE':
      if (v instanceof Date) return Number.isFinite(v.getTime()) ? Math.floor(v.getTime() / 86400000) : undefined;
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    case 'TIME': {
      // milliseconds of the day, cut to the declared precision as a CAST to TIME(p) does
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 86_400_000) return undefined;
      const unit = 10 ** (3 - (t.precision ?? 0));
      return v - (v % unit);
    }
    case 'BYTES':
      return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1') : undefined;
    default:
      return undefined;
  }
}

function wrongType(name: string, v: unknown, t: DataType, args: readonly unknown[], argTypes: readonly DataType[], from = 0): WeirError {
  const why =
    t.kind === 'BIGINT' && typeof v === 'number' && Number.isInteger(v)
      ? ' (a number beyond ±(2^53-1), which may have been rounded: return a bigint for such values)'
      : typeof v === 'number' && (t.kind === 'INT' || t.kind === 'BIGINT')
        ? ` (not a whole number in the range of ${t.kind})`
        : typeof v === 'bigint' && t.kind === 'BIGINT'
          ? ' (beyond the 64-bit range of BIGINT)'
          : '';
  return new WeirError('execution', `function ${name} returned ${describeValue(v)}${why} for the row ${describeArgs(args, argTypes, from)}, but it is declared to return ${typeToString(t)}`, {
    hint: `make the function return a ${jsTypeOf(t)} (or null), or change 'returns' in its module`,
    permanent: true,
  });
}

function jsTypeOf(t: DataType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'STRING':
      return 'string';
    case 'TIMESTAMP':
      return 'number of epoch milliseconds or a Date';
    case 'DATE':
      return 'number of days since 1970-01-01';
    case 'TIME':
      return 'whole number of milliseconds of the day (0 to 86399999)';
    case 'BYTES':
      return 'Uint8Array or Buffer';
    case 'INT':
      return 'whole number';
    case 'BIGINT':
      return 'safe whole number or a bigint';
    default:
      return 'number';
  }
}

function failed(name: string, e: unknown, args: readonly unknown[], argTypes: readonly DataType[], from = 0): WeirError {
  if (e instanceof WeirError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new WeirError('execution', `function ${name} failed on the row ${describeArgs(args, argTypes, from)}: ${msg}`, { hint: 'the error was thrown by the JavaScript function; fix it or guard the input' });
}

// ---------------------------------------------------------------------------------------
// Scalar functions: a ScalarFunction of the registry, built from the module

function scalarFunction(key: string): ScalarFunction | undefined {
  const k = parseUdfKey(key);
  if (k === undefined) return undefined;
  const { name } = k;
  const def = udfDefinition(k.specifier, name);
  if (def.kind !== 'scalar') return undefined;
  const evalFn = def.impl.eval as Fn;
  const impl = def.impl;
  return {
    name: key,
    sqlNames: [],
    doc: `${name}(${def.args.map(typeToString).join(', ')}) user-defined`,
    // a BIGINT argument beyond ±(2^53-1) arrives as a JS bigint (readValue), exactly
    wideInts: true,
    resolve: (args) => (args.length === def.args.length ? { args: def.args, ret: def.ret } : `${def.args.length} arguments`),
    kernel(): Kernel {
      const argTypes = def.args;
      const ret = def.ret;
      const argv = new Array<unknown>(argTypes.length);
      const out = new ColumnBuilder(ret);
      return (cols, n) => {
        for (let i = 0; i < n; i++) {
          for (let a = 0; a < cols.length; a++) argv[a] = readValue(cols[a]!, i);
          let r: unknown;
          try {
            r = evalFn.apply(impl, argv);
          } catch (e) {
            throw failed(name, e, argv, argTypes);
          }
          const v = checkValue(r, ret);
          if (v === undefined) throw wrongType(name, r, ret, argv, argTypes);
          out.push(v);
        }
        return out.finish();
      };
    },
  };
}

const scalarCache = new Map<string, ScalarFunction | undefined>();
setUserFunctionResolver((key) => {
  if (!scalarCache.has(key)) scalarCache.set(key, scalarFunction(key));
  return scalarCache.get(key);
});

// ---------------------------------------------------------------------------------------
// Aggregate functions

/**
 * The calls of a UDAF on accumulators, with errors that name the function. `phase`: a
 * two-phase window aggregation's local part emits the accumulator itself (encoded), and the
 * global part merges such encoded accumulators.
 */
export class UdafRunner {
  readonly def: UdfDefinition;
  private readonly argv: unknown[];
  private readonly create: Fn;
  private readonly acc: Fn;
  private readonly ret: Fn | undefined;
  private readonly mergeFn: Fn | undefined;
  private readonly get: Fn;

  constructor(
    readonly name: string,
    key: string,
  ) {
    this.def = udfByKey(key).def;
    const impl = this.def.impl;
    this.argv = new Array<unknown>(this.def.args.length + 1);
    this.create = impl.createAccumulator as Fn;
    this.acc = impl.accumulate as Fn;
    this.ret = impl.retract as Fn | undefined;
    this.mergeFn = impl.merge as Fn | undefined;
    this.get = impl.getValue as Fn;
  }

  createAccumulator(): unknown {
    try {
      const a = this.create.call(this.def.impl);
      if (a === undefined) throw new Error('createAccumulator returned undefined');
      return a;
    } catch (e) {
      throw failed(this.name, e, [], []);
    }
  }

  /** Calls accumulate (or retract) with row `row` of `cols`; returns the accumulator after it. */
  update(acc: unknown, cols: readonly Column[], argCols: readonly number[], row: number, retract: boolean): unknown {
    const argv = this.argv;
    argv[0] = acc;
    for (let a = 0; a < argCols.length; a++) argv[a + 1] = readValue(cols[argCols[a]!]!, row);
    let r: unknown;
    try {
      r = (retract ? this.ret! : this.acc).apply(this.def.impl, argv);
    } catch (e) {
      throw failed(`${this.name} (${retract ? 'retract' : 'accumulate'})`, e, argv, this.def.args, 1);
    }
    return r === undefined ? acc : r;
  }

  merge(acc: unknown, others: unknown[]): unknown {
    if (this.mergeFn === undefined) throw internalError(`merge of ${this.name}, which has none`);
    let r: unknown;
    try {
      r = this.mergeFn.call(this.def.impl, acc, others);
    } catch (e) {
      throw failed(`${this.name} (merge)`, e, [], []);
    }
    return r === undefined ? acc : r;
  }

  value(acc: unknown): Scalar {
    let r: unknown;
    try {
      r = this.get.call(this.def.impl, acc);
    } catch (e) {
      throw failed(`${this.name} (getValue)`, e, [], []);
    }
    const v = checkValue(r, this.def.ret);
    if (v === undefined) {
      throw new WeirError('execution', `function ${this.name} returned ${describeValue(r)} from getValue, but it is declared to return ${typeToString(this.def.ret)}`, { hint: `getValue must return a ${jsTypeOf(this.def.ret)} (or null)`, permanent: true });
    }
    return v;
  }

  /** The accumulator as plain data for a checkpoint (a copy: the live one changes later). */
  save(acc: unknown): unknown {
    const impl = this.def.impl;
    try {
      const data = typeof impl.serialize === 'function' ? (impl.serialize as Fn).call(impl, acc) : acc;
      return structuredClone(data);
    } catch (e) {
      throw new WeirError('execution', `the accumulator of function ${this.name} cannot go into a checkpoint: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'keep accumulators plain data (numbers, strings, booleans, null, arrays, plain objects), or export serialize(acc) and deserialize(data) from the module',
        permanent: true,
      });
    }
  }

  load(data: unknown): unknown {
    const impl = this.def.impl;
    return typeof impl.deserialize === 'function' ? (impl.deserialize as Fn).call(impl, data) : data;
  }

  /** An accumulator as text, for the partial rows of a two-phase aggregation. */
  encode(acc: unknown): string {
    return Buffer.from(msgpackr().pack(this.save(acc))).toString('base64');
  }

  decode(text: string): unknown {
    return this.load(msgpackr().unpack(Buffer.from(text, 'base64')));
  }
}

// ---------------------------------------------------------------------------------------
// Table functions

/** Calls a table function for one row; `emit` gets each produced row's values (reused array). */
export class TableFunctionRunner {
  readonly def: UdfDefinition;
  private readonly argv: unknown[];
  private readonly row: Scalar[];
  private readonly evalFn: Fn;

  constructor(
    readonly name: string,
    key: string,
  ) {
    this.def = udfByKey(key).def;
    this.argv = new Array<unknown>(this.def.args.length);
    this.row = new Array<Scalar>(this.def.columns.length);
    this.evalFn = this.def.impl.eval as Fn;
  }

  /** Runs the function on row i of the argument columns; returns how many rows it produced. */
  run(cols: readonly Column[], i: number, emit: (row: readonly Scalar[]) => void): number {
    const argv = this.argv;
    for (let a = 0; a < cols.length; a++) argv[a] = readValue(cols[a]!, i);
    let produced = 0;
    try {
      const it = this.evalFn.apply(this.def.impl, argv);
      if (it === null || it === undefined) return 0;
      if (typeof (it as Iterable<unknown>)[Symbol.iterator] !== 'function') throw new Error(`eval must return an iterable of rows (an array, or use a generator: *eval(...) { yield ... }), got ${describeValue(it)}`);
      const cols1 = this.def.columns;
      for (const r of it as Iterable<unknown>) {
        if (cols1.length === 1 && !Array.isArray(r)) {
          this.setCell(0, r, argv);
        } else {
          if (!Array.isArray(r) || r.length !== cols1.length) throw this.rowShape(r, argv);
          for (let c = 0; c < cols1.length; c++) this.setCell(c, r[c], argv);
        }
        emit(this.row);
        produced++;
      }
    } catch (e) {
      throw failed(this.name, e, argv, this.def.args);
    }
    return produced;
  }

  private setCell(c: number, v: unknown, argv: readonly unknown[]): void {
    const col = this.def.columns[c]!;
    const s = checkValue(v, col.type);
    if (s === undefined) {
      const e = wrongType(this.name, v, col.type, argv, this.def.args);
      throw new WeirError('execution', e.message.replace('declared to return', `declared to return, in column ${col.name},`), { hint: e.hint, permanent: true });
    }
    this.row[c] = s;
  }

  private rowShape(r: unknown, argv: readonly unknown[]): WeirError {
    return new WeirError('execution', `function ${this.name} produced ${describeValue(r)} as a row for ${describeArgs(argv, this.def.args)}, but its rows have ${this.def.columns.length} columns (${this.def.columns.map((c) => c.name).join(', ')}): give each row as an array of that length`, { permanent: true });
  }
}
