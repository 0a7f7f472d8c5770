// Translation of bound weir expressions into DuckDB SQL, for checking a streaming result
// against a batch run in DuckDB (DESIGN §6). The SQL computes, for every input row, the
// value weir computes: every place where weir's (Flink's) semantics differ from DuckDB's is
// compensated here, and where no faithful translation exists the translator throws a
// `DuckDbTranslationError` naming the function and the reason ("cannot translate").
//
// Contract (values in the translated SQL):
//   weir type              DuckDB value
//   BOOLEAN                BOOLEAN
//   INT                    INTEGER   (an INT-typed expression may come out as BIGINT: weir
//                                     does INT arithmetic without 32-bit overflow, so the
//                                     translation computes it in BIGINT)
//   BIGINT                 BIGINT
//   DOUBLE                 DOUBLE
//   DECIMAL(p, s)          DECIMAL(p, s) (exact; every DECIMAL result is cast to Flink's
//                                     result type, duck-decimal.ts; functions that weir
//                                     computes in doubles take DOUBLE arguments here too)
//   STRING                 VARCHAR
//   TIMESTAMP(3)           TIMESTAMP (weir's epoch milliseconds, UTC, no zone)
//   DATE                   DATE      (weir's days since 1970-01-01)
//   INTERVAL DAY TO SECOND BIGINT    milliseconds (as weir carries it)
//   INTERVAL YEAR TO MONTH INTEGER   months
//   ROW<a T, ...>          STRUCT("a" T', ...)   (fields in the representations above)
//   ARRAY<T>               T'[]      (DuckDB lists are 1-based, as Flink's arrays)
//   MAP<K, V>              MAP(K', V')
// Input column i is the SQL text `column(i)` and must hold values of that representation.
// Constants are written in it too: a TIMESTAMP constant (epoch ms) becomes a TIMESTAMP
// literal, an interval constant a number of milliseconds or months.
//
// Compared values: numbers exactly or to a relative 1e-12 (libm functions may differ in the
// last bit), NaN equal to NaN.
//
// Known limits, each reported as a DuckDbTranslationError when it is hit: regular
// expressions must be constants and use only what RE2 supports (no look-around, no
// backreferences); REGEXP_EXTRACT of a group that may not take part in the match (weir gives
// NULL, DuckDB cannot tell it from ''); REGEXP_REPLACE with a pattern that can match the
// empty string (Java and JavaScript also replace an empty match right after a match, RE2
// does not); ROUND/TRUNCATE at more than 36 places, or with a non-constant number of digits
// outside -20..20 (a DuckDB error at run time); date patterns must be constants.
// Not detected (documented differences): UPPER/LOWER/INITCAP follow JavaScript's full
// Unicode case mapping, which the translation reproduces for the multi-character mappings
// (ß -> SS, ﬁ -> FI, İ -> i̇, ...) and approximates for the Greek final sigma (case-ignorable
// characters between the letters are not skipped); characters newer than DuckDB's Unicode
// tables (Unicode 16 letters such as U+A7CB) keep their case there; a LIKE pattern ending in
// its escape character is an error in weir and FALSE in DuckDB; timestamps beyond DuckDB's
// range (after year 294246) make the DuckDB query fail; integers past 2^53 are inexact in
// weir (doubles) and exact in DuckDB (int64, an error past 2^63).

import { duckHuge, duckWrap } from './duck-int64.js';
import type { TimeZoneRules } from '../common/time-zone.js';
import { sessionTimeZone } from '../common/time-zone.js';
import type { Scalar } from '../common/batch.js';
import type { MapValue } from '../common/composite.js';
import type { DataType } from '../common/types.js';
import { INT32_MAX, INT32_MIN, T, isComposite, isIntegral, multisetAsMap, typeToString } from '../common/types.js';
import { formatDate, formatTimestamp, civilFromDays, numericWidth, tokenizeJavaPattern } from '../common/time.js';
import { hexOfBinary } from '../common/bytes.js';
import type { PatternItem } from '../common/time.js';
import type { BoundExpr } from '../expr/bound.js';
import { isIdentityCast } from '../expr/cast.js';
import { compileJavaRegex } from '../expr/functions/strings.js';
import { javaTimeZone } from '../expr/functions/temporal.js';
import { similarToRegexBody } from '../expr/functions/similar-to.js';
import type { JsonPath } from '../expr/functions/json.js';
import { parsePath } from '../expr/functions/json.js';
import { udfCallToDuckDb } from './duck-udf.js';
import { asDuckDecimal, duckDecimalDivide, duckDecimalMod, duckDecimalType, duckWideAdd, duckWideMultiply, operandScale } from './duck-decimal.js';

/** A function or cast that has no faithful DuckDB translation. */
export class DuckDbTranslationError extends Error {
  constructor(
    readonly fn: string,
    readonly reason: string,
  ) {
    super(`cannot translate ${fn} to DuckDB: ${reason}`);
    this.name = 'DuckDbTranslationError';
  }
}

/** The DuckDB type that holds values of a weir type (see the contract above). */
export function typeToDuckDb(t: DataType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INT':
    case 'NULL':
      return 'INTEGER';
    case 'BIGINT':
    case 'INTERVAL_DAY_TIME':
      return 'BIGINT';
    case 'INTERVAL_YEAR_MONTH':
      return 'INTEGER';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL':
      return duckDecimalType(t);
    case 'STRING':
      return 'VARCHAR';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
      return 'TIMESTAMPTZ';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'BYTES':
      return 'BLOB';
    case 'ROW':
      return `STRUCT(${(t.fields ?? []).map((f) => `${duckIdent(f.name)} ${typeToDuckDb(f.type)}`).join(', ')})`;
    case 'ARRAY':
      return `${typeToDuckDb(t.element!)}[]`;
    case 'MAP':
      return `MAP(${typeToDuckDb(t.key!)}, ${typeToDuckDb(t.element!)})`;
    case 'MULTISET':
      // DuckDB has no multiset: the MAP of each element to its count, as weir carries it
      return typeToDuckDb(multisetAsMap(t));
  }
}

/**
 * TIME in DuckDB: a TIME of the milliseconds of the day `ms` (an SQL BIGINT expression),
 * truncated to `precision` fraction digits as weir's TIME(p) (common/time-of-day.ts).
 */
export function duckTimeOfMs(ms: string, precision: number): string {
  const unit = precision >= 3 ? 1 : precision === 2 ? 10 : precision === 1 ? 100 : 1000;
  const v = unit === 1 ? `CAST(${ms} AS BIGINT)` : `(CAST(${ms} AS BIGINT) // ${unit} * ${unit})`;
  return `(TIME '00:00:00' + to_milliseconds(${v}))`;
}

/** A double-quoted DuckDB identifier. */
export function duckIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB SQL computing weir's value of `e`; `column(i)` is the SQL text of input column i. */
export function exprToDuckDb(e: BoundExpr, column: (index: number) => string): string {
  return new Translator(column).expr(e);
}

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * TIMESTAMP_LTZ in DuckDB: TIMESTAMPTZ, whose conversions to and from local TIMESTAMPs are
 * written out with the zone (never through DuckDB's TimeZone setting): ICU's timezone() for
 * IANA zones, arithmetic for weir's fixed GMT offsets (which ICU does not know by that name).
 */
export function duckLocalOf(x: string, z: TimeZoneRules): string {
  if (z.fixed) return `make_timestamp((epoch_ms(${x}) + ${z.offsetAt(0)}) * 1000)`;
  return `timezone(${sqlString(z.id)}, ${x})`;
}

/**
 * The instant of a local TIMESTAMP `l`; a local time that occurs twice gives the later
 * instant (ICU's rule, and Flink's for a window's end), a skipped one moves forward.
 */
export function duckInstantLatest(l: string, z: TimeZoneRules): string {
  if (z.fixed) return `make_timestamptz((epoch_ms(${l}) - ${z.offsetAt(0)}) * 1000)`;
  return `timezone(${sqlString(z.id)}, ${l})`;
}

/** A zone DuckDB's `SET TimeZone` accepts for weir's zone, or undefined (a fixed offset off the hour). */
export function duckTimeZoneName(z: TimeZoneRules): string | undefined {
  if (!z.fixed) return z.id;
  const h = z.offsetAt(0) / 3_600_000;
  if (!Number.isInteger(h)) return undefined;
  return h === 0 ? 'UTC' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`; // POSIX signs are inverted
}

/** A constant of a weir type, in the DuckDB representation of the contract. */
export function constantToDuckDb(value: Scalar, type: DataType): string {
  const dt = typeToDuckDb(type);
  if (value === null) return `CAST(NULL AS ${dt})`;
  switch (type.kind) {
    case 'BOOLEAN':
      return value === true || value === 1 ? 'TRUE' : 'FALSE';
    case 'STRING':
      return sqlString(String(value));
    case 'INT':
    case 'NULL':
    case 'BIGINT':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      if (typeof value === 'bigint') return `CAST(${value} AS ${dt})`; // a BIGINT beyond ±(2^53-1), exactly
      return `CAST(${intText(Number(value))} AS ${dt})`;
    case 'DOUBLE':
      return doubleLiteral(Number(value));
    case 'DECIMAL':
      // exact: a DECIMAL(p <= 15) value is the double nearest it, a wider one its text
      return `CAST('${typeof value === 'number' ? (Object.is(value, -0) ? 0 : value).toFixed(type.scale ?? 0) : String(value)}' AS ${dt})`;
    case 'TIMESTAMP': {
      const ms = Math.floor(Number(value));
      const year = civilFromDays(Math.floor(ms / 86_400_000)).year;
      if (year >= 1 && year <= 9999) return `TIMESTAMP '${formatTimestamp(ms)}'`;
      return `make_timestamp(CAST(${intText(ms)} AS BIGINT) * 1000)`;
    }
    case 'TIMESTAMP_LTZ':
      // an instant: epoch milliseconds, whatever DuckDB's TimeZone setting
      return `make_timestamptz(CAST(${intText(Math.floor(Number(value)))} AS BIGINT) * 1000)`;
    case 'DATE': {
      const days = Math.floor(Number(value));
      const year = civilFromDays(days).year;
      if (year >= 1 && year <= 9999) return `DATE '${formatDate(days)}'`;
      return `(DATE '1970-01-01' + CAST(${intText(days)} AS INTEGER))`;
    }
    case 'TIME':
      return duckTimeOfMs(intText(Number(value)), 3);
    case 'BYTES':
      return `unhex('${hexOfBinary(String(value))}')`;
    case 'ROW': {
      const a = value as readonly Scalar[];
      const fields = type.fields ?? [];
      return `CAST(struct_pack(${fields.map((f, i) => `${duckIdent(f.name)} := ${constantToDuckDb(a[i] ?? null, f.type)}`).join(', ')}) AS ${dt})`;
    }
    case 'ARRAY':
      return `CAST([${(value as readonly Scalar[]).map((x) => constantToDuckDb(x ?? null, type.element!)).join(', ')}] AS ${dt})`;
    case 'MAP': {
      const m = value as MapValue;
      return `CAST(MAP {${m.keys.map((k, i) => `${constantToDuckDb(k as Scalar, type.key!)}: ${constantToDuckDb((m.values[i] ?? null) as Scalar, type.element!)}`).join(', ')}} AS ${dt})`;
    }
    case 'MULTISET':
      return constantToDuckDb(value, multisetAsMap(type));
  }
}

function intText(x: number): string {
  if (!Number.isFinite(x)) throw new DuckDbTranslationError('constant', `${x} is not a finite integer`);
  return Number.isInteger(x) ? BigInt(x).toString() : String(Math.trunc(x));
}

function doubleLiteral(x: number): string {
  if (Number.isNaN(x)) return `CAST('NaN' AS DOUBLE)`;
  if (x === Infinity) return `CAST('Infinity' AS DOUBLE)`;
  if (x === -Infinity) return `CAST('-Infinity' AS DOUBLE)`;
  if (Object.is(x, -0)) return `CAST('-0.0' AS DOUBLE)`;
  return `CAST('${String(x)}' AS DOUBLE)`;
}

const NAN = `CAST('NaN' AS DOUBLE)`;

/** IS_DECIMAL's test in RE2: Integer/Long.parseLong text (any decimal digits) or Double.parseDouble text. */
const IS_DECIMAL_RE2 = '[+-]?\\p{Nd}{1,19}|[\\x00-\\x20]*[+-]?(NaN|Infinity|((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?[fFdD]?)|(0[xX]([0-9A-Fa-f]+\\.?|[0-9A-Fa-f]*\\.[0-9A-Fa-f]+)[pP][+-]?\\d+[fFdD]?))[\\x00-\\x20]*';
const POS_INF = `CAST('Infinity' AS DOUBLE)`;
const NEG_INF = `CAST('-Infinity' AS DOUBLE)`;

/** JavaScript's String.prototype.trim whitespace, as an RE2 class body. */
const JS_WHITESPACE = '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** Java's Character.isWhitespace, as an RE2 class. */
const JAVA_WHITESPACE_CLASS = '[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x{1680}\\x{2000}-\\x{2006}\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}]';
/** weir's text of a number that CAST accepts (cast.ts NUMERIC_TEXT). */
const NUMERIC_TEXT = '[+-]?([0-9]+\\.?[0-9]*([eE][+-]?[0-9]+)?|\\.[0-9]+([eE][+-]?[0-9]+)?|NaN|Infinity)';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000, WEEK: 7 * 86_400_000, MILLISECOND: 1 };
const UNIT_MONTHS: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

function isFloat(t: DataType): boolean {
  return t.kind === 'DOUBLE';
}

/** Calls whose DECIMAL result the translation computes exactly at Flink's type (duck-decimal.ts). */
const EXACT_DECIMAL_CALLS = new Set(['add', 'sub', 'mul', 'div', 'mod', 'mod_fn', 'neg']);

/** SQL text that can be repeated without cost or change of meaning. */
function isSimple(sql: string): boolean {
  return /^(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*)(?:\.(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*))*$/.test(sql) || /^(?:'(?:[^']|'')*'|TRUE|FALSE|-?\d+|CAST\('[^']*' AS (?:DOUBLE|DECIMAL\(\d+, \d+\))\)|CAST\(-?\d+ AS (?:INTEGER|BIGINT)\)|CAST\(NULL AS [A-Z]+\))$/.test(sql);
}

// Code points whose JavaScript upper case is several code points (ß -> SS, ﬁ -> FI, ...):
// DuckDB maps them to one character or leaves them, so the translation replaces them first.
let upperExpansions: [string, string][] | null = null;
function upperSpecials(): [string, string][] {
  if (upperExpansions === null) {
    upperExpansions = [];
    for (let c = 0x80; c < 0x20000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      const up = ch.toUpperCase();
      if ([...up].length !== 1) upperExpansions.push([ch, up]);
    }
  }
  return upperExpansions;
}

class Translator {
  private vars = 0;
  /** The session zone of TIMESTAMP_LTZ conversions, as weir's kernels read it. */
  private readonly zone: TimeZoneRules = sessionTimeZone();

  constructor(private readonly column: (index: number) => string) {}

  /** Binds `value` once and builds `body` over it (a DuckDB lambda used as LET). */
  private let(value: string, body: (v: string) => string): string {
    if (isSimple(value)) return body(value);
    const v = `__w${++this.vars}`;
    return `list_transform([${value}], lambda ${v}: ${body(v)})[1]`;
  }

  private let2(a: string, b: string, body: (x: string, y: string) => string): string {
    return this.let(a, (x) => this.let(b, (y) => body(x, y)));
  }

  expr(e: BoundExpr): string {
    switch (e.kind) {
      case 'input':
        return this.column(e.index);
      case 'const':
        return constantToDuckDb(e.value, e.type);
      case 'case': {
        const whens = e.whens.map((w) => `WHEN ${this.expr(w.cond)} THEN ${this.castRepr(this.expr(w.then), w.then.type, e.type)}`).join(' ');
        return `(CASE ${whens} ELSE ${this.castRepr(this.expr(e.else), e.else.type, e.type)} END)`;
      }
      case 'cast':
        return this.cast(this.expr(e.operand), e.operand.type, e.type, e.safe);
      case 'call': {
        const r = this.call(e);
        // a function weir computes in doubles (ABS, ROUND, COALESCE, a UDF, ...) gives its
        // DECIMAL result as Flink's type: cast there (CAST of a DOUBLE rounds HALF_UP)
        if (e.type.kind === 'DECIMAL' && !EXACT_DECIMAL_CALLS.has(e.fn)) return `CAST(${r} AS ${duckDecimalType(e.type)})`;
        return r;
      }
    }
  }

  /**
   * IS JSON, JSON_EXISTS (FALSE ON ERROR) and JSON_VALUE (NULL ON EMPTY, NULL ON ERROR) with a
   * constant definite path, in DuckDB's JSON functions: invalid JSON gives FALSE / NULL as in
   * weir; a definite path finds the same value in strict and lax mode under these defaults
   * (a missing value is an error in one and empty in the other, and both give FALSE / NULL).
   * JSON_VALUE prints numbers as Java does (Flink): integers as written, a DOUBLE in
   * [0.001, 10^7) as DuckDB prints it; outside that range Java writes 1.0E10, so the translation
   * writes a text that cannot match and verify reports the row rather than accept it.
   */
  private json(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const fn = e.fn.toUpperCase();
    const args = e.args;
    const x = this.expr(args[0]!);
    if (e.fn === 'is_json') {
      const kind = this.constString(args[1], 'IS JSON', 'the kind');
      return this.let(x, (v) => {
        const test = kind === 'OBJECT' ? `json_type(${v}) = 'OBJECT'` : kind === 'ARRAY' ? `json_type(${v}) = 'ARRAY'` : kind === 'SCALAR' ? `json_type(${v}) NOT IN ('OBJECT', 'ARRAY')` : 'TRUE';
        return `(CASE WHEN ${v} IS NULL THEN FALSE WHEN json_valid(${v}) THEN ${test} ELSE FALSE END)`;
      });
    }
    const path = duckJsonPath(this.constString(args[1], fn, 'the path'), fn);
    if (e.fn === 'json_exists') {
      const mode = this.constString(args[2], fn, 'ON ERROR');
      if (mode !== 'FALSE') throw new DuckDbTranslationError(fn, `${mode} ON ERROR has no DuckDB form`);
      return this.let(x, (v) => `(CASE WHEN ${v} IS NULL THEN NULL WHEN json_valid(${v}) THEN coalesce(json_type(${v}, ${path}) <> 'NULL', FALSE) ELSE FALSE END)`);
    }
    const onEmpty = this.constString(args[2], fn, 'ON EMPTY');
    const onError = this.constString(args[4], fn, 'ON ERROR');
    if (onEmpty !== 'NULL' || onError !== 'NULL') throw new DuckDbTranslationError(fn, 'only NULL ON EMPTY and NULL ON ERROR have a DuckDB form');
    return this.let(x, (v) => {
      const t = `json_type(${v}, ${path})`;
      const text = `json_extract_string(${v}, ${path})`;
      const d = `CAST(${text} AS DOUBLE)`;
      const dbl = `(CASE WHEN ${d} = 0 OR (abs(${d}) >= 0.001 AND abs(${d}) < 10000000) THEN CAST(${d} AS VARCHAR) ELSE 'Java form of ' || ${text} END)`;
      return `(CASE WHEN ${v} IS NULL OR NOT json_valid(${v}) THEN NULL ELSE (CASE ${t} WHEN 'VARCHAR' THEN ${text} WHEN 'BOOLEAN' THEN ${text} WHEN 'BIGINT' THEN ${text} WHEN 'UBIGINT' THEN ${text} WHEN 'DOUBLE' THEN ${dbl} ELSE NULL END) END)`;
    });
  }

  /** Makes the representation of a value of type `from` that of `to` (CASE branches, same family). */
  private castRepr(sql: string, from: DataType, to: DataType): string {
    if (typeToDuckDb(from) === typeToDuckDb(to) || from.kind === 'NULL') return sql;
    return `CAST(${sql} AS ${typeToDuckDb(to)})`;
  }

  private dbl(e: BoundExpr): string {
    const s = this.expr(e);
    return isFloat(e.type) ? s : `CAST(${s} AS DOUBLE)`;
  }

  private big(e: BoundExpr): string {
    const s = this.expr(e);
    return e.type.kind === 'BIGINT' || e.type.kind === 'INTERVAL_DAY_TIME' ? s : `CAST(${s} AS BIGINT)`;
  }

  private int(e: BoundExpr): string {
    const s = this.expr(e);
    // INT-typed computations may be BIGINT on the DuckDB side; columns and constants are not
    return (e.kind === 'input' || e.kind === 'const') && (e.type.kind === 'INT' || e.type.kind === 'INTERVAL_YEAR_MONTH') ? s : `CAST(${s} AS INTEGER)`;
  }

  private constString(e: BoundExpr | undefined, fn: string, what: string): string {
    if (e === undefined || e.kind !== 'const' || typeof e.value !== 'string') throw new DuckDbTranslationError(fn, `${what} must be a constant`);
    return e.value;
  }

  // -------------------------------------------------------------------------------------
  // Calls

  private call(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const args = e.args;
    const A = (i: number): string => this.expr(args[i]!);
    const fn = e.fn;
    switch (fn) {
      case 'proctime':
        // verify/verify.ts gives DuckDB the recorded times of the node that stamped them; a
        // PROCTIME() anywhere else (a WHERE clause, a join condition) has no recorded value
        throw new DuckDbTranslationError('PROCTIME()', 'outside a SELECT item or computed column has no recorded value (only the times a projection or a table stamped on its rows are given to DuckDB)');
      case 'add':
      case 'sub':
      case 'mul':
        return this.arithmetic(e);
      case 'div': {
        // Java division: truncates toward zero, and MIN / -1 wraps (duck-int64.ts)
        if (isIntegral(e.type)) return duckWrap(`(${duckHuge(this.expr(args[0]!))} // NULLIF(${duckHuge(this.expr(args[1]!))}, 0))`, e.type.kind === 'INT' ? 32 : 64);
        // DECIMAL: exactly, HALF_UP at Flink's scale (DuckDB's decimal division is a DOUBLE)
        if (e.type.kind === 'DECIMAL') return this.decimalDiv(args[0]!, args[1]!, e.type);
        return `(${this.dbl(args[0]!)} / NULLIF(${this.dbl(args[1]!)}, 0))`;
      }
      case 'mod':
      case 'mod_fn': {
        // in HUGEINT: DuckDB's BIGINT MIN % -1 raises an overflow; Java's is 0
        if (isIntegral(e.type)) return `CAST(${duckHuge(this.expr(args[0]!))} % NULLIF(${duckHuge(this.expr(args[1]!))}, 0) AS ${e.type.kind === 'INT' ? 'INTEGER' : 'BIGINT'})`;
        if (e.type.kind === 'DECIMAL') return this.let2(A(0), A(1), (a, b) => duckDecimalMod(a, args[0]!.type, b, args[1]!.type, e.type));
        return `(${this.dbl(args[0]!)} % NULLIF(${this.dbl(args[1]!)}, 0))`;
      }
      case 'neg': {
        const t = args[0]!.type;
        if (isFloat(t)) return `(-${A(0)})`;
        if (t.kind === 'DECIMAL') return `TRY_CAST((-${A(0)}) AS ${duckDecimalType(e.type)})`;
        if (t.kind === 'INTERVAL_YEAR_MONTH') return `(-${A(0)})`;
        if (isIntegral(e.type)) return duckWrap(`(-${duckHuge(A(0))})`, e.type.kind === 'INT' ? 32 : 64); // -MIN wraps to MIN
        return `(-${this.big(args[0]!)})`;
      }
      case 'row_ctor':
        return `CAST(struct_pack(${args.map((a, i) => `${duckIdent(`EXPR$${i}`)} := ${A(i)}`).join(', ')}) AS ${typeToDuckDb(e.type)})`;
      case 'array_ctor':
        return `CAST([${args.map((_, i) => A(i)).join(', ')}] AS ${typeToDuckDb(e.type)})`;
      case 'map_ctor': {
        const keys = args.filter((_, i) => i % 2 === 0).map((a) => this.expr(a));
        const vals = args.filter((_, i) => i % 2 === 1).map((a) => this.expr(a));
        // DuckDB refuses repeated keys: keep each key's last entry, as weir's map does
        const entries = `[${keys.map((k, i) => `struct_pack(k := ${k}, v := ${vals[i]!})`).join(', ')}]`;
        return `CAST(${this.mapOfEntries(entries)} AS ${typeToDuckDb(e.type)})`;
      }
      case 'row_field': {
        const pos = args[1]!.kind === 'const' ? Number(args[1]!.value) : -1;
        const f = args[0]!.type.fields?.[pos];
        if (f === undefined) throw new DuckDbTranslationError('r.f', 'the field position is not a constant');
        return `struct_extract(${A(0)}, ${sqlString(f.name)})`;
      }
      case 'element_at':
        if (args[0]!.type.kind === 'MAP') return `(${A(0)})[${A(1)}]`;
        // Flink: an index below 1 is NULL (DuckDB counts negative indexes from the end)
        return this.let(A(1), (i) => `CASE WHEN ${i} >= 1 THEN list_extract(${A(0)}, ${i}) END`);
      case 'cardinality':
        return args[0]!.type.kind === 'MAP' ? `CAST(cardinality(${A(0)}) AS INTEGER)` : `CAST(len(${A(0)}) AS INTEGER)`;
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return this.comparison(fn, args[0]!, args[1]!);
      case 'is_distinct_from':
      case 'is_not_distinct_from': {
        let d: string;
        if (isFloat(args[0]!.type) || isFloat(args[1]!.type)) {
          d = this.let2(A(0), A(1), (a, b) => `(${a} IS DISTINCT FROM ${b} OR coalesce(isnan(${a}) OR isnan(${b}), FALSE))`);
        } else d = `(${A(0)} IS DISTINCT FROM ${A(1)})`;
        return fn === 'is_distinct_from' ? d : `(NOT ${d})`;
      }
      case 'and':
        return `(${A(0)} AND ${A(1)})`;
      case 'or':
        return `(${A(0)} OR ${A(1)})`;
      case 'not':
        return `(NOT ${A(0)})`;
      case 'is_null':
        return `(${A(0)} IS NULL)`;
      case 'is_not_null':
        return `(${A(0)} IS NOT NULL)`;
      case 'is_true':
        return `(${A(0)} IS TRUE)`;
      case 'is_not_true':
        return `(${A(0)} IS NOT TRUE)`;
      case 'is_false':
        return `(${A(0)} IS FALSE)`;
      case 'is_not_false':
        return `(${A(0)} IS NOT FALSE)`;

      // strings
      case 'upper':
        return this.upper(A(0));
      case 'lower':
        return this.lower(A(0));
      case 'initcap':
        return this.initcap(A(0));
      case 'char_length':
        return `length(${A(0)})`;
      case 'trim_both':
      case 'trim_leading':
      case 'trim_trailing': {
        const f = fn === 'trim_both' ? 'trim' : fn === 'trim_leading' ? 'ltrim' : 'rtrim';
        return `${f}(${A(0)}, ${args.length > 1 ? A(1) : `' '`})`;
      }
      case 'substring':
        return this.substring(A(0), A(1), args.length > 2 ? A(2) : undefined);
      case 'left':
        return this.let2(A(0), A(1), (s, n) => `(CASE WHEN ${s} IS NULL THEN NULL WHEN ${n} <= 0 THEN '' ELSE left(${s}, CAST(${n} AS BIGINT)) END)`);
      case 'right':
        return this.let2(A(0), A(1), (s, n) => `(CASE WHEN ${s} IS NULL THEN NULL WHEN ${n} <= 0 THEN '' ELSE right(${s}, CAST(${n} AS BIGINT)) END)`);
      case 'replace':
        return this.let(A(2), (rep) => `(CASE WHEN ${A(1)} = '' THEN regexp_replace(${A(0)}, '', replace(${rep}, '\\', '\\\\'), 'g') ELSE replace(${A(0)}, ${A(1)}, ${rep}) END)`);
      case 'reverse':
        return `array_to_string(list_reverse(string_split(${A(0)}, '')), '')`;
      case 'repeat':
        return `repeat(${A(0)}, CAST(greatest(${A(1)}, 0) AS BIGINT))`;
      case 'ascii':
        return `CAST(ascii(${A(0)}) AS INTEGER)`;
      case 'chr':
        return this.let(A(0), (n) => `(CASE WHEN ${n} < 0 THEN '' ELSE chr(CAST(${n} % 256 AS INTEGER)) END)`);
      case 'position':
        if (e.args.length > 2) {
          // LOCATE(needle, s, from): search the suffix from character max(from, 1)
          return this.let2(A(2), A(0), (from, needle) => `(CASE WHEN ${needle} = '' THEN 1 ELSE CAST(` + this.let(`greatest(${from}, 1)`, (f) => `(CASE WHEN strpos(substr(${A(1)}, ${f}), ${needle}) = 0 THEN 0 ELSE strpos(substr(${A(1)}, ${f}), ${needle}) + ${f} - 1 END)`) + ' AS INTEGER) END)');
        }
        return `CAST(strpos(${A(1)}, ${A(0)}) AS INTEGER)`;
      case 'instr':
        return `CAST(strpos(${A(0)}, ${A(1)}) AS INTEGER)`;
      case 'lpad':
      case 'rpad':
        return this.let2(A(1), A(2), (len, pad) => `(CASE WHEN ${len} < 0 OR ${pad} = '' THEN NULL ELSE ${fn}(${A(0)}, CAST(${len} AS INTEGER), ${pad}) END)`);
      case 'split_index':
        return this.let2(A(0), A(2), (s, i) => `(CASE WHEN ${i} < 0 OR ${s} = '' THEN NULL ELSE ` + this.let(A(1), (sep) => `(CASE WHEN ${sep} = '' THEN regexp_split_to_array(${s}, '${JAVA_WHITESPACE_CLASS}') ELSE string_split(${s}, ${sep}) END)[${i} + 1]`) + ' END)');
      case 'regexp_extract':
        return this.regexpExtract(e);
      case 'regexp': {
        const p = this.constString(args[1], 'REGEXP', 'the regular expression');
        if (p === '') return `(CASE WHEN ${A(0)} IS NULL THEN NULL ELSE FALSE END)`;
        return `regexp_matches(${A(0)}, ${sqlString(jsRegexToRe2(p, 'REGEXP').re2)})`;
      }
      case 'regexp_replace': {
        const p = this.constString(args[1], 'REGEXP_REPLACE', 'the regular expression');
        const translated = jsRegexToRe2(p, 'REGEXP_REPLACE');
        // Java and JavaScript also replace an empty match right after a match ('b' with '.*'
        // gives two replacements); RE2 skips it. Not expressible in DuckDB.
        if (translated.canMatchEmpty) throw new DuckDbTranslationError('REGEXP_REPLACE', `'${p}' can match the empty string, and RE2 replaces empty matches differently from Java`);
        const re = translated.re2;
        const rep = args[2]!.kind === 'const' && typeof args[2]!.value === 'string' ? sqlString(args[2]!.value.replace(/\\/g, '\\\\')) : `replace(${A(2)}, '\\', '\\\\')`;
        return `regexp_replace(${A(0)}, ${sqlString(re)}, ${rep}, 'g')`;
      }
      case 'concat':
        return `(${args.map((_, i) => A(i)).join(' || ')})`;
      case 'encode':
      case 'decode': {
        // DuckDB's encode/decode are UTF-8 only (decode fails on bytes that are no UTF-8,
        // where weir gives U+FFFD: an error, never a different value)
        const cs = this.constString(args[1], fn.toUpperCase(), 'the charset').trim().toUpperCase();
        if (cs !== 'UTF-8' && cs !== 'UTF8') throw new DuckDbTranslationError(fn.toUpperCase(), `DuckDB encodes and decodes UTF-8 only, not '${cs}'`);
        return `${fn}(${A(0)})`;
      }
      case 'concat_ws':
        return `concat_ws(${args.map((_, i) => A(i)).join(', ')})`;
      case 'like': {
        const esc = args.length > 2 ? ` ESCAPE ${A(2)}` : '';
        return `(${A(0)} LIKE ${A(1)}${esc})`;
      }
      case 'in_list': {
        const list = args.slice(1).map((a) => this.expr(a));
        return `(${A(0)} IN (${list.join(', ')}))`;
      }

      // math
      case 'abs':
        // Java's Math.abs: ABS(MIN) wraps to MIN (INT and BIGINT)
        return isIntegral(e.type) ? duckWrap(`abs(${duckHuge(A(0))})`, e.type.kind === 'INT' ? 32 : 64) : `abs(${A(0)})`;
      case 'floor':
      case 'ceil':
        return isIntegral(args[0]!.type) ? A(0) : `${fn}(${this.dbl(args[0]!)})`;
      case 'sign':
        if (isIntegral(args[0]!.type)) return `sign(${A(0)})`;
        return this.let(this.dbl(args[0]!), (x) => `(CASE WHEN isnan(${x}) OR ${x} = 0 THEN ${x} ELSE CAST(sign(${x}) AS DOUBLE) END)`);
      case 'sqrt':
        return this.let(this.dbl(args[0]!), (x) => `(CASE WHEN ${x} < 0 THEN ${NAN} ELSE sqrt(${x}) END)`);
      case 'exp':
      case 'atan':
        return `${fn}(${this.dbl(args[0]!)})`;
      case 'sin':
      case 'cos':
      case 'tan':
        // DuckDB refuses infinite arguments; JavaScript gives NaN
        return this.let(this.dbl(args[0]!), (x) => `(CASE WHEN isinf(${x}) THEN ${NAN} ELSE ${fn}(${x}) END)`);
      case 'ln':
      case 'log10':
      case 'log2':
        return this.logarithm(fn, this.dbl(args[0]!));
      case 'asin':
      case 'acos':
        return this.let(this.dbl(args[0]!), (x) => `(CASE WHEN abs(${x}) > 1 THEN ${NAN} ELSE ${fn}(${x}) END)`);
      case 'degrees':
        return `((${this.dbl(args[0]!)} * CAST(180 AS DOUBLE)) / pi())`;
      case 'radians':
        return `((${this.dbl(args[0]!)} * pi()) / CAST(180 AS DOUBLE))`;
      case 'pi':
        return 'pi()';
      case 'power':
        // Java/JavaScript: a NaN exponent gives NaN, and (+-1)^(+-Infinity) is NaN; C gives 1.
        return this.let2(this.dbl(args[0]!), this.dbl(args[1]!), (x, y) => `(CASE WHEN ${x} IS NULL THEN NULL WHEN isnan(${y}) THEN ${y} WHEN abs(${x}) = 1 AND isinf(${y}) THEN ${NAN} ELSE pow(${x}, ${y}) END)`);
      case 'atan2':
        return `atan2(${this.dbl(args[0]!)}, ${this.dbl(args[1]!)})`;
      case 'log':
        // LOG(base, x) = ln(x) / ln(base) in doubles (a zero divisor gives +-Infinity or NaN)
        return this.let2(this.logarithm('ln', this.dbl(args[1]!)), this.logarithm('ln', this.dbl(args[0]!)), (n, d) => `(${n} / ${d})`);
      case 'round':
      case 'truncate':
        return this.roundLike(e);

      // strings, hashes, math and conditionals added together (one block; moreFunctions below)
      case 'overlay':
      case 'translate':
      case 'regexp_count':
      case 'regexp_extract_all':
      case 'regexp_instr':
      case 'regexp_substr':
      case 'printf':
      case 'url_encode':
      case 'url_decode':
      case 'parse_url':
      case 'elt':
      case 'json_quote':
      case 'json_unquote':
      case 'to_base64':
      case 'from_base64':
      case 'str_to_map':
      case 'is_alpha':
      case 'is_decimal':
      case 'is_digit':
      case 'md5':
      case 'sha1':
      case 'sha224':
      case 'sha256':
      case 'sha384':
      case 'sha512':
      case 'sha2':
      case 'e':
      case 'cot':
      case 'sinh':
      case 'cosh':
      case 'tanh':
      case 'bin':
      case 'hex':
      case 'rand':
      case 'rand_integer':
      case 'uuid':
      case 'greatest':
      case 'least':
        return this.moreFunctions(e);

      // time
      case 'year':
      case 'quarter':
      case 'month':
      case 'week':
      case 'dayofyear':
      case 'hour':
      case 'minute':
      case 'second':
      case 'millisecond':
        return `${fn}(${A(0)})`;
      case 'dayofmonth':
        return `day(${A(0)})`;
      case 'dayofweek':
        return `(dayofweek(${A(0)}) + 1)`;
      case 'date_format': {
        const pattern = this.constString(args[1], 'DATE_FORMAT', 'the date pattern');
        const t = args[0]!.type;
        const ts = t.kind === 'STRING' ? this.parseTimestamp(A(0)) : t.kind === 'DATE' ? `CAST(${A(0)} AS TIMESTAMP)` : A(0);
        return this.formatWithPattern(ts, pattern);
      }
      case 'from_unixtime': {
        const pattern = args.length > 1 ? this.constString(args[1], 'FROM_UNIXTIME', 'the date pattern') : 'yyyy-MM-dd HH:mm:ss';
        return this.formatWithPattern(`make_timestamp(${this.big(args[0]!)} * 1000000)`, pattern);
      }
      case 'to_timestamp':
        if (args.length === 1) return this.parseTimestamp(jsTrim(A(0)));
        return this.parseWithPattern(A(0), this.constString(args[1], 'TO_TIMESTAMP', 'the date pattern'));
      case 'to_date':
        if (args.length === 1) return this.parseDate(jsTrim(A(0)));
        return `CAST(${this.parseWithPattern(A(0), this.constString(args[1], 'TO_DATE', 'the date pattern'))} AS DATE)`;
      case 'unix_timestamp': {
        const ts = args.length === 1 ? this.parseTimestamp(jsTrim(A(0))) : this.parseWithPattern(A(0), this.constString(args[1], 'UNIX_TIMESTAMP', 'the date pattern'));
        return `CAST(floor(epoch_ms(${ts}) / 1000) AS BIGINT)`;
      }
      case 'to_timestamp_ltz': {
        const x = this.dbl(args[0]!);
        const toTs = (ms: string): string => `make_timestamptz(CAST(floor(${ms}) AS BIGINT) * 1000)`;
        const p = args[1];
        if (p === undefined) return toTs(x);
        if (p.kind === 'const') return p.value === 0 ? toTs(`(${x} * 1000)`) : p.value === 3 ? toTs(x) : `CAST(NULL AS TIMESTAMPTZ)`;
        return this.let(x, (v) => `(CASE ${A(1)} WHEN 0 THEN ${toTs(`(${v} * 1000)`)} WHEN 3 THEN ${toTs(v)} END)`);
      }
      case 'timestampadd': {
        const unit = this.constString(args[0], 'TIMESTAMPADD', 'the unit').toUpperCase();
        const isDate = args[2]!.type.kind === 'DATE';
        const ts = isDate ? `CAST(${A(2)} AS TIMESTAMP)` : A(2);
        let r: string;
        if (UNIT_MS[unit] !== undefined) r = `(${ts} + to_milliseconds(${this.big(args[1]!)} * ${UNIT_MS[unit]}))`;
        else if (UNIT_MONTHS[unit] !== undefined) r = `(${ts} + to_months(${this.int(args[1]!)} * ${UNIT_MONTHS[unit]}))`;
        else throw new DuckDbTranslationError('TIMESTAMPADD', `unknown unit ${unit}`);
        return isDate ? `CAST(${r} AS DATE)` : r;
      }
      case 'timestampdiff':
        return this.timestampDiff(e);
      case 'is_json':
      case 'json_exists':
      case 'json_value':
        return this.json(e);
      case 'json_string': {
        // STRING, BOOLEAN and integer values (JSON_OBJECTAGG's values) print alike in DuckDB;
        // other numbers print in Java's forms, which DuckDB's do not reproduce
        const t = args[0]!.type;
        if (t.kind === 'STRING') return duckJsonQuote(A(0));
        if (t.kind === 'BOOLEAN') return `(CASE WHEN ${A(0)} THEN 'true' WHEN NOT ${A(0)} THEN 'false' END)`;
        if (isIntegral(t)) return `CAST(${A(0)} AS VARCHAR)`;
        throw new DuckDbTranslationError('JSON_STRING', `a ${typeToString(t)} value prints in Java's number form, which DuckDB's JSON text does not reproduce`);
      }
      case 'json_query':
      case 'json_object':
      case 'json_array':
        // weir writes JSON text as Flink (Jackson) does: key order kept, Java's number forms
        // (1.0E10), \u00XX escapes; DuckDB's JSON text differs in such details, so a comparison
        // could call a difference OK or a match a DIFF
        throw new DuckDbTranslationError(fn.toUpperCase(), "the JSON text it makes is Flink's (Jackson's) form, which DuckDB's JSON functions do not reproduce");
      // collection functions, FLOOR/CEIL(t TO unit), CONVERT_TZ (branch fncoll)
      case 'element':
      case 'array_append':
      case 'array_prepend':
      case 'array_contains':
      case 'array_position':
      case 'array_remove':
      case 'array_distinct':
      case 'array_reverse':
      case 'array_slice':
      case 'array_sort':
      case 'array_union':
      case 'array_concat':
      case 'array_except':
      case 'array_intersect':
      case 'array_max':
      case 'array_min':
      case 'array_join':
      case 'split':
      case 'map_keys':
      case 'map_values':
      case 'map_entries':
      case 'map_from_arrays':
      case 'map_union':
        return `CAST(${this.collection(e)} AS ${typeToDuckDb(e.type)})`;
      case 'floor_time':
      case 'ceil_time':
        return this.roundTime(e);
      case 'convert_tz':
        return this.convertTz(e);
      case 'current_watermark':
        throw new DuckDbTranslationError('CURRENT_WATERMARK', "its value depends on when watermarks reach the operator among the rows, which DuckDB's batch run has no notion of");
      case 'similar_to':
        return `regexp_full_match(${this.expr(args[0]!)}, ${sqlString(similarToRegexBody(this.constString(args[1], 'SIMILAR TO', 'the pattern')))})`;
      case 'current_timestamp':
      case 'current_row_timestamp':
      case 'localtimestamp':
      case 'current_date':
      case 'current_time':
      case 'unix_timestamp_now':
        throw new DuckDbTranslationError(
          fn === 'current_row_timestamp' ? 'CURRENT_ROW_TIMESTAMP()' : fn === 'unix_timestamp_now' ? 'UNIX_TIMESTAMP()' : fn.toUpperCase(),
          'it reads the wall clock, so the streaming run and DuckDB\'s batch run see different values and no comparison of them is meaningful; to verify the rest of the query, replace it by a constant (e.g. TIMESTAMP \'2024-01-01 00:00:00\') in a copy of the file',
        );
      default:
        if (fn.startsWith('udf:')) return udfCallToDuckDb(fn, args.map((a) => ({ sql: this.expr(a), type: a.type })), e.type);
        throw new DuckDbTranslationError(fn.toUpperCase(), 'no DuckDB translation is known for this function');
    }
  }

  // -------------------------------------------------------------------------------------
  // Collection functions, FLOOR/CEIL(t TO unit), CONVERT_TZ (branch fncoll). DuckDB's list
  // functions differ from Flink's in NULL handling (list_distinct drops NULLs, list_concat
  // skips a NULL list, list_contains never finds NULL) and order, so most are written out
  // with list_filter / list_transform, elements compared with IS NOT DISTINCT FROM as weir
  // compares them.

  /** A fresh lambda parameter name. */
  private lambdaVar(): string {
    return `__l${++this.vars}`;
  }

  /** A MAP of a list of STRUCT(k, v): a repeated key keeps its last value (weir's buildMap). */
  private mapOfEntries(entries: string): string {
    const [x, i, y] = [this.lambdaVar(), this.lambdaVar(), this.lambdaVar()];
    return this.let(entries, (l) => `map_from_entries(list_filter(${l}, lambda ${x}, ${i}: list_position(list_reverse(list_transform(${l}, lambda ${y}: ${y}.k)), ${x}.k) = len(${l}) - ${i} + 1))`);
  }

  /** Whether list `l` holds `v` (NULL holds NULL). */
  private listHas(l: string, v: string): string {
    const w = this.lambdaVar();
    return `(len(list_filter(${l}, lambda ${w}: ${w} IS NOT DISTINCT FROM ${v})) > 0)`;
  }

  /** The elements of `l` at their first occurrence, in order, with `keep(element)` true. */
  private firstOccurrences(l: string, keep?: (w: string) => string): string {
    const [w, i, z] = [this.lambdaVar(), this.lambdaVar(), this.lambdaVar()];
    return this.let(l, (x) => `list_filter(${x}, lambda ${w}, ${i}: list_position(list_transform(${x}, lambda ${z}: ${z} IS NOT DISTINCT FROM ${w}), true) = ${i}${keep === undefined ? '' : ` AND ${keep(w)}`})`);
  }

  private collection(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const args = e.args;
    const A = (i: number): string => this.expr(args[i]!);
    const anyNull = (xs: string[]): string => xs.map((x) => `${x} IS NULL`).join(' OR ');
    const empty = `CAST([] AS ${typeToDuckDb(e.type)})`;
    switch (e.fn) {
      case 'element':
        return this.let(A(0), (x) => `(CASE WHEN len(${x}) > 1 THEN error('ELEMENT of an array with more than one element') ELSE ${x}[1] END)`);
      case 'array_append':
      case 'array_prepend':
        return this.let(A(0), (x) => `(CASE WHEN ${x} IS NULL THEN NULL ELSE ${e.fn === 'array_append' ? `list_append(${x}, ${A(1)})` : `list_prepend(${A(1)}, ${x})`} END)`);
      case 'array_contains':
        return this.let2(A(0), A(1), (x, v) => `(CASE WHEN ${x} IS NULL THEN NULL ELSE ${this.listHas(x, v)} END)`);
      case 'array_position': {
        const w = this.lambdaVar();
        return this.let2(A(0), A(1), (x, v) => `(CASE WHEN ${anyNull([x, v])} THEN NULL ELSE CAST(coalesce(list_position(list_transform(${x}, lambda ${w}: ${w} IS NOT DISTINCT FROM ${v}), true), 0) AS INTEGER) END)`);
      }
      case 'array_remove': {
        const w = this.lambdaVar();
        return this.let(A(1), (v) => `list_filter(${A(0)}, lambda ${w}: ${w} IS DISTINCT FROM ${v})`);
      }
      case 'array_distinct':
        return this.firstOccurrences(A(0));
      case 'array_reverse':
        return `list_reverse(${A(0)})`;
      case 'array_slice': {
        const end = args.length > 2 ? A(2) : undefined;
        return this.let(A(0), (x) =>
          this.let2(A(1), end ?? `len(${x})`, (s, en) => {
            // Flink's ArraySliceFunction (see the kernel)
            const s1 = `greatest(1, CASE WHEN ${s} < 0 THEN ${s} + len(${x}) + 1 ELSE ${s} END)`;
            const e0 = `(CASE WHEN ${en} < 0 THEN ${en} + len(${x}) + 1 ELSE ${en} END)`;
            const e1 = `(CASE WHEN ${e0} = 0 THEN 1 ELSE least(${e0}, len(${x})) END)`;
            return `(CASE WHEN ${anyNull([x, s, en])} THEN NULL WHEN len(${x}) = 0 THEN ${x} WHEN ${e1} < ${s1} THEN ${empty} ELSE list_slice(${x}, ${s1}, ${e1}) END)`;
          }),
        );
      }
      case 'array_sort': {
        const flag = (i: number): boolean | null | undefined => {
          const a = args[i];
          if (a === undefined) return undefined;
          if (a.kind !== 'const') throw new DuckDbTranslationError('ARRAY_SORT', 'the ascending_order and null_first arguments must be constants');
          return a.value === null ? null : a.value === true || a.value === 1;
        };
        const asc = flag(1);
        const nf = flag(2);
        if (asc === null || nf === null) return 'NULL';
        const up = asc ?? true;
        return `list_sort(${A(0)}, '${up ? 'ASC' : 'DESC'}', '${(nf ?? up) ? 'NULLS FIRST' : 'NULLS LAST'}')`;
      }
      case 'array_union':
        return this.let2(A(0), A(1), (x, y) => `(CASE WHEN ${anyNull([x, y])} THEN NULL ELSE ${this.firstOccurrences(`list_concat(${x}, ${y})`)} END)`);
      case 'array_concat': {
        const xs = args.map((_, i) => A(i));
        return `(CASE WHEN ${anyNull(xs)} THEN NULL ELSE ${xs.slice(1).reduce((acc, x) => `list_concat(${acc}, ${x})`, xs[0]!)} END)`;
      }
      case 'array_except':
      case 'array_intersect':
        return this.let2(A(0), A(1), (x, y) => `(CASE WHEN ${anyNull([x, y])} THEN NULL ELSE ${this.firstOccurrences(x, (w) => `${e.fn === 'array_except' ? 'NOT ' : ''}${this.listHas(y, w)}`)} END)`);
      case 'array_max':
        return `list_max(${A(0)})`;
      case 'array_min':
        return `list_min(${A(0)})`;
      case 'array_join': {
        const w = this.lambdaVar();
        const xs = args.map((_, i) => A(i));
        const parts = args.length > 2 ? `list_transform(${xs[0]}, lambda ${w}: coalesce(${w}, ${xs[2]}))` : `list_filter(${xs[0]}, lambda ${w}: ${w} IS NOT NULL)`;
        // (array_to_string takes only a constant delimiter)
        const [acc, y] = [this.lambdaVar(), this.lambdaVar()];
        return this.let(parts, (p) => `(CASE WHEN ${anyNull(xs)} THEN NULL WHEN len(${p}) = 0 THEN '' ELSE list_reduce(${p}, lambda ${acc}, ${y}: ${acc} || ${xs[1]} || ${y}) END)`);
      }
      case 'split':
        // Flink: an empty string has no parts (DuckDB: one empty part)
        return this.let2(A(0), A(1), (s, d) => `(CASE WHEN ${anyNull([s, d])} THEN NULL WHEN ${s} = '' THEN ${empty} ELSE string_split(${s}, ${d}) END)`);
      case 'map_keys':
        return `map_keys(${A(0)})`;
      case 'map_values':
        return `map_values(${A(0)})`;
      case 'map_entries':
        return `map_entries(${A(0)})`;
      case 'map_from_arrays': {
        const [w, i] = [this.lambdaVar(), this.lambdaVar()];
        return this.let2(A(0), A(1), (k, v) => `(CASE WHEN ${anyNull([k, v])} THEN NULL WHEN len(${k}) <> len(${v}) THEN error('MAP_FROM_ARRAYS of arrays of different lengths') ELSE ${this.mapOfEntries(`list_transform(${k}, lambda ${w}, ${i}: struct_pack(k := ${w}, v := ${v}[${i}]))`)} END)`);
      }
      case 'map_union': {
        const xs = args.map((_, i) => A(i));
        const entries = xs.map((m) => `map_entries(${m})`).reduce((acc, x) => `list_concat(${acc}, ${x})`);
        const w = this.lambdaVar();
        return `(CASE WHEN ${anyNull(xs)} THEN NULL ELSE ${this.mapOfEntries(`list_transform(${entries}, lambda ${w}: struct_pack(k := ${w}.key, v := ${w}.value))`)} END)`;
      }
      default:
        throw new DuckDbTranslationError(e.fn.toUpperCase(), 'no DuckDB translation is known for this function');
    }
  }

  /** FLOOR / CEIL (t TO unit): date_trunc, WEEK from Sunday; CEIL adds a unit unless on a boundary. */
  private roundTime(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const sql = e.fn === 'floor_time' ? 'FLOOR' : 'CEIL';
    const unit = this.constString(e.args[0], sql, 'the unit').toUpperCase();
    const t = e.args[1]!;
    if (t.type.kind === 'TIMESTAMP_LTZ') throw new DuckDbTranslationError(`${sql}(... TO ${unit})`, 'of a TIMESTAMP_LTZ (rounded in the session zone) has no DuckDB translation here');
    if (t.type.kind === 'TIME') throw new DuckDbTranslationError(`${sql}(... TO ${unit})`, 'of a TIME has no DuckDB translation here');
    const ts = t.type.kind === 'DATE' ? `CAST(${this.expr(t)} AS TIMESTAMP)` : this.expr(t);
    const step = unit === 'WEEK' ? 'INTERVAL 7 DAY' : unit === 'QUARTER' ? 'INTERVAL 3 MONTH' : `INTERVAL 1 ${unit}`;
    const r = this.let(ts, (x) => {
      const floor = unit === 'WEEK' ? `(date_trunc('week', ${x} + INTERVAL 1 DAY) - INTERVAL 1 DAY)` : `date_trunc('${unit.toLowerCase()}', ${x})`;
      if (sql === 'FLOOR') return `CAST(${floor} AS TIMESTAMP)`;
      return this.let(`CAST(${floor} AS TIMESTAMP)`, (f) => `(CASE WHEN ${f} = ${x} THEN ${x} ELSE ${f} + ${step} END)`);
    });
    return t.type.kind === 'DATE' ? `CAST(${r} AS DATE)` : r;
  }

  /** CONVERT_TZ with constant zones: the local time read in one zone (java.time's rule), written in the other. */
  private convertTz(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const [from, to] = [1, 2].map((i) => javaTimeZone(this.constString(e.args[i], 'CONVERT_TZ', 'the time zone')));
    const local = this.parseTimestamp(jsTrim(this.expr(e.args[0]!)));
    return this.formatWithPattern(duckLocalOf(this.instantEarliest(local, from!), to!), 'yyyy-MM-dd HH:mm:ss');
  }

  /**
   * OVERLAY ... LEAST (src/expr/functions/strings-more.ts, hashes.ts, conditionals.ts, the end
   * of math.ts): DuckDB's function where it has the same semantics, else an equivalent
   * expression, else a refusal that says why.
   */
  private moreFunctions(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const args = e.args;
    const A = (i: number): string => this.expr(args[i]!);
    const fn = e.fn;
    const refuse = (why: string): never => {
      throw new DuckDbTranslationError(fn.toUpperCase(), why);
    };
    const regex = (what: string): string => {
      const t = jsRegexToRe2(this.constString(args[1], fn.toUpperCase(), 'the regular expression'), fn.toUpperCase());
      if (t.canMatchEmpty && what !== 'first') refuse(`'${String((args[1] as { value: unknown }).value)}' can match the empty string, and RE2 steps past empty matches differently from Java`);
      return t.re2;
    };
    switch (fn) {
      case 'overlay':
        // SqlFunctionUtils.overlay: s as is for a start outside 1..length; the tail only when start + n <= length and n > 0
        return this.let2(A(0), A(1), (s, r) =>
          this.let2(A(2), args.length > 3 ? A(3) : `length(${r})`, (p, n) => `(CASE WHEN ${n} IS NULL OR ${r} IS NULL THEN NULL WHEN ${p} <= 0 OR ${p} > length(${s}) THEN ${s} ELSE substring(${s}, 1, ${p} - 1) || ${r} || (CASE WHEN ${p} + ${n} <= length(${s}) AND ${n} > 0 THEN substring(${s}, ${p} + ${n}) ELSE '' END) END)`),
        );
      case 'translate':
        return this.let(A(0), (s) => `(CASE WHEN ${A(1)} IS NULL THEN ${s} ELSE translate(${s}, ${A(1)}, coalesce(${A(2)}, '')) END)`);
      case 'regexp_count':
        return `CAST(len(regexp_extract_all(${A(0)}, ${sqlString(regex('all'))})) AS INTEGER)`;
      case 'regexp_extract_all':
        return `regexp_extract_all(${A(0)}, ${sqlString(regex('all'))}, ${args.length > 2 ? A(2) : '1'})`;
      case 'regexp_instr': {
        // the shortest prefix before a match: RE2 finds the leftmost match first
        const re = regex('first');
        return this.let(A(0), (s) => `(CASE WHEN regexp_matches(${s}, ${sqlString(re)}) THEN CAST(length(regexp_extract(${s}, ${sqlString(`^((?s:.*?))(?:${re})`)}, 1)) + 1 AS INTEGER) WHEN ${s} IS NOT NULL THEN 0 END)`);
      }
      case 'regexp_substr': {
        const re = sqlString(regex('first'));
        return this.let(A(0), (s) => `(CASE WHEN regexp_matches(${s}, ${re}) THEN regexp_extract(${s}, ${re}) END)`);
      }
      case 'url_encode':
        // DuckDB encodes as RFC 3986 (space %20, keeps ~, encodes *); Java's URLEncoder: '+', %7E, *
        return `replace(replace(replace(url_encode(${A(0)}), '%20', '+'), '~', '%7E'), '%2A', '*')`;
      case 'url_decode':
        // Java's URLDecoder: '+' is a space, and a '%' without two hex digits after it fails (NULL)
        return this.let(A(0), (s) => `(CASE WHEN regexp_matches(${s}, '(?s)%($|.$|[^0-9A-Fa-f]|.[^0-9A-Fa-f])') THEN NULL ELSE url_decode(replace(${s}, '+', ' ')) END)`);
      case 'elt': {
        const branches = args.slice(1).map((_, i) => `WHEN ${i + 1} THEN ${A(i + 1)}`);
        return `(CASE ${A(0)} ${branches.join(' ')} ELSE CAST(NULL AS ${typeToDuckDb(e.type)}) END)`;
      }
      case 'json_unquote':
        // a quoted JSON string stands for its text; anything else as it is
        return this.let(A(0), (s) => `(CASE WHEN starts_with(${s}, '"') AND ends_with(${s}, '"') AND length(${s}) >= 2 AND json_valid(${s}) THEN (${s})::JSON->>'$' ELSE ${s} END)`);
      case 'to_base64':
        return args[0]!.type.kind === 'BYTES' ? `to_base64(${A(0)})` : `to_base64(encode(${A(0)}))`;
      case 'from_base64':
        // Java's decoder accepts a last unit without its padding; DuckDB wants it
        return this.let(A(0), (s) => `TRY(decode(from_base64(CASE WHEN contains(${s}, '=') THEN ${s} ELSE ${s} || repeat('=', CAST((4 - length(${s}) % 4) % 4 AS BIGINT)) END)))`);
      case 'is_alpha':
      case 'is_digit':
      case 'is_decimal': {
        const re = fn === 'is_alpha' ? '[\\p{L}]+' : fn === 'is_digit' ? '[\\p{Nd}]+' : IS_DECIMAL_RE2;
        return this.let(A(0), (s) => `coalesce(regexp_full_match(${s}, ${sqlString(re)}), FALSE)`);
      }
      case 'md5':
      case 'sha1':
      case 'sha256':
        return `${fn}(${A(0)})`;
      case 'sha2': {
        const bits = args[1]!.kind === 'const' ? Number(args[1]!.value) : NaN;
        if (bits === 256) return `sha256(${A(0)})`;
        return refuse('DuckDB has SHA-256 only (sha256), not SHA-224, SHA-384 or SHA-512');
      }
      case 'sha224':
      case 'sha384':
      case 'sha512':
        return refuse('DuckDB has no such hash (it has md5, sha1 and sha256)');
      case 'e':
        return 'exp(CAST(1 AS DOUBLE))';
      case 'cot':
        // Java: 1.0 / Math.tan(x), so COT(+-0) is +-Infinity (DuckDB's 1 / 0.0 is NULL)
        return this.let(this.dbl(args[0]!), (x) => `(CASE WHEN isinf(${x}) THEN ${NAN} WHEN ${x} = 0 THEN (CASE WHEN signbit(${x}) THEN ${NEG_INF} ELSE ${POS_INF} END) ELSE 1 / tan(${x}) END)`);
      case 'sinh':
      case 'cosh':
      case 'tanh':
        return `${fn}(${this.dbl(args[0]!)})`;
      case 'bin':
        return `bin(${this.big(args[0]!)})`;
      case 'hex':
        return args[0]!.type.kind === 'STRING' ? `hex(${A(0)})` : `hex(${this.big(args[0]!)})`;
      case 'greatest':
      case 'least': {
        // Flink: NULL if any value is NULL (DuckDB's skip NULLs)
        const vals = args.map((_, i) => A(i));
        return `(CASE WHEN ${vals.map((v) => `${v} IS NULL`).join(' OR ')} THEN NULL ELSE ${fn}(${vals.join(', ')}) END)`;
      }
      case 'rand':
      case 'rand_integer':
      case 'uuid':
        return refuse('it draws random values, so the streaming run and DuckDB see different values and no comparison of them is meaningful; to verify the rest of the query, replace it by a constant in a copy of the file');
      case 'printf':
        return refuse("it formats as Java's java.util.Formatter, which DuckDB's printf (C and fmt syntax) does not reproduce");
      case 'parse_url':
        return refuse('it splits URLs as java.net.URL does, which DuckDB has no function for');
      case 'json_quote':
        return refuse('DuckDB\'s json_quote escapes differently (Flink escapes / and every non-ASCII character as \\uXXXX)');
      case 'str_to_map':
        return refuse('it splits on Java regular expressions into a MAP, which DuckDB has no function for');
      default:
        return refuse('no DuckDB translation is known for this function');
    }
  }

  private arithmetic(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const [a, b] = e.args as [BoundExpr, BoundExpr];
    const op = e.fn === 'add' ? '+' : e.fn === 'sub' ? '-' : '*';
    const ta = a.type.kind;
    const tb = b.type.kind;
    const isTime = (k: string): boolean => k === 'TIMESTAMP' || k === 'DATE' || k === 'TIMESTAMP_LTZ';
    const isIv = (k: string): boolean => k === 'INTERVAL_DAY_TIME' || k === 'INTERVAL_YEAR_MONTH';
    if (ta === 'TIME' || tb === 'TIME') {
      // around midnight, in milliseconds, truncated to TIME(p) as weir's addToTime
      const [time, iv] = ta === 'TIME' ? [a, b] : [b, a];
      const d = `(${this.big(iv)} % 86400000)`;
      const ms = `(((epoch_ms(${this.expr(time)}) ${op} ${d}) % 86400000 + 86400000) % 86400000)`;
      return duckTimeOfMs(ms, e.type.precision ?? 0);
    }
    if (isTime(ta) || isTime(tb)) {
      const timeFirst = isTime(ta);
      const time = timeFirst ? a : b;
      const other = timeFirst ? b : a;
      const t = this.expr(time);
      if (other.type.kind === 'INTERVAL_DAY_TIME') {
        // Flink: DATE +- day-time interval is a DATE moved by the interval's whole days (toward
        // zero); DuckDB's DATE + INTERVAL would be a TIMESTAMP.
        if (time.type.kind === 'DATE') return `(${t} ${op} CAST(trunc(${this.big(other)} / 86400000) AS INTEGER))`;
        // TIMESTAMP_LTZ: milliseconds on the instant (DuckDB would count a day on the calendar)
        if (time.type.kind === 'TIMESTAMP_LTZ') return `make_timestamptz((epoch_ms(${t}) ${op} ${this.big(other)}) * 1000)`;
        return `(${t} ${op} to_milliseconds(${this.big(other)}))`;
      }
      if (other.type.kind === 'INTERVAL_YEAR_MONTH' && time.type.kind === 'TIMESTAMP_LTZ') {
        // months on the local calendar, back to the instant by java.time's rule, as weir does
        return this.instantEarliest(`(${duckLocalOf(t, this.zone)} ${op} to_months(${this.int(other)}))`);
      }
      if (other.type.kind === 'INTERVAL_YEAR_MONTH') {
        const r = `(${t} ${op} to_months(${this.int(other)}))`;
        return e.type.kind === 'DATE' ? `CAST(${r} AS DATE)` : r;
      }
      throw new DuckDbTranslationError(e.fn, `unexpected operands ${typeToString(a.type)} and ${typeToString(b.type)}`);
    }
    if (isIv(ta) || isIv(tb)) {
      if (e.fn !== 'mul') return `(${this.big(a)} ${op} ${this.big(b)})`;
      const prod = `(${this.dbl(a)} * ${this.dbl(b)})`;
      // weir: year-month intervals truncate, day-time intervals round (Math.round: half up)
      return e.type.kind === 'INTERVAL_YEAR_MONTH' ? `CAST(trunc(${prod}) AS INTEGER)` : `CAST(floor(${prod} + 0.5) AS BIGINT)`;
    }
    // Java's overflow: INT wraps modulo 2^32, BIGINT modulo 2^64 (duck-int64.ts)
    if (isIntegral(e.type)) return duckWrap(`(${duckHuge(this.expr(a))} ${op} ${duckHuge(this.expr(b))})`, e.type.kind === 'INT' ? 32 : 64);
    // DECIMAL: DuckDB's exact value, rounded HALF_UP to Flink's type (NULL on overflow)
    if (e.type.kind === 'DECIMAL') {
      if (op === '*' && duckWideMultiply('a', a.type, 'b', b.type, e.type) !== undefined) {
        return this.let2(this.expr(a), this.expr(b), (x, y) => duckWideMultiply(x, a.type, y, b.type, e.type)!);
      }
      if (op !== '*' && duckWideAdd('a', a.type, op, 'b', b.type, e.type) !== undefined) {
        return this.let2(this.expr(a), this.expr(b), (x, y) => duckWideAdd(x, a.type, op, y, b.type, e.type)!);
      }
      // in DECIMAL(38, ...): DuckDB's own result types are narrower than the exact result
      // (DECIMAL(10, 10) + DECIMAL(12, 2) is its DECIMAL(18, 10), which cannot hold -2147483646;
      // a product of DECIMAL(p1 + p2 <= 18) is computed in 64 bits) and it raises an overflow
      // instead of widening. A sum at scale max(s1, s2) and a product at s1 + s2 are exact here.
      const common = Math.max(operandScale(a.type), operandScale(b.type));
      const operand = (x: BoundExpr): string => `CAST(${asDuckDecimal(this.expr(x), x.type)} AS DECIMAL(38, ${op === '*' ? operandScale(x.type) : common}))`;
      // TRY: an exact result beyond 38 digits overflows Flink's type too (NULL)
      return `TRY_CAST(TRY(${operand(a)} ${op} ${operand(b)}) AS ${duckDecimalType(e.type)})`;
    }
    return `(${this.dbl(a)} ${op} ${this.dbl(b)})`;
  }

  /** DECIMAL division (duck-decimal.ts); a scaling beyond HUGEINT has no exact translation. */
  private decimalDiv(a: BoundExpr, b: BoundExpr, to: DataType): string {
    try {
      return this.let2(this.expr(a), this.expr(b), (x, y) => duckDecimalDivide(x, a.type, y, b.type, to));
    } catch (err) {
      if (err instanceof RangeError) throw new DuckDbTranslationError('/', `${typeToString(a.type)} / ${typeToString(b.type)} as ${typeToString(to)} needs more than 38 digits of scaling`);
      throw err;
    }
  }

  /** Comparisons; weir compares doubles as JavaScript does: NaN is unequal to everything. */
  private comparison(fn: string, a: BoundExpr, b: BoundExpr): string {
    const op = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' }[fn]!;
    // maps and multisets are equal whatever their entry order (DuckDB's MAP = compares in order)
    const unordered = (x: BoundExpr): string => `list_sort(map_entries(${this.expr(x)}))`;
    if ((a.type.kind === 'MAP' || a.type.kind === 'MULTISET') && (fn === 'eq' || fn === 'ne')) return `(${unordered(a)} ${op} ${unordered(b)})`;
    if (!isFloat(a.type) && !isFloat(b.type)) return `(${this.expr(a)} ${op} ${this.expr(b)})`;
    return this.let2(this.expr(a), this.expr(b), (x, y) => `(CASE WHEN ${x} IS NULL OR ${y} IS NULL THEN NULL WHEN isnan(${x}) OR isnan(${y}) THEN ${fn === 'ne' ? 'TRUE' : 'FALSE'} ELSE ${x} ${op} ${y} END)`);
  }

  /** JavaScript's Math.log / log10 / log2: -Infinity at 0, NaN below. */
  private logarithm(fn: string, x: string): string {
    return this.let(x, (v) => `(CASE WHEN isnan(${v}) THEN ${v} WHEN ${v} > 0 THEN ${fn}(${v}) WHEN ${v} = 0 THEN ${NEG_INF} WHEN ${v} < 0 THEN ${NAN} END)`);
  }

  // -------------------------------------------------------------------------------------
  // ROUND, TRUNCATE and DECIMAL rounding: weir rounds the shortest decimal text of the
  // double (Java's BigDecimal.valueOf) at `digits` places, half away from zero or toward
  // zero, then takes the nearest double. DuckDB does the same on a DECIMAL made from the
  // double's text (its shortest form), read back through text (correctly rounded).

  private decimalRound(x: string, digits: number, mode: 'round' | 'trunc'): string {
    const d = Math.trunc(digits);
    if (Math.abs(d) > 36) throw new DuckDbTranslationError(mode === 'round' ? 'ROUND' : 'TRUNCATE', `rounding at ${d} decimal places`);
    const back = (dec: string): string => `CAST(CAST(${mode}(${dec}, ${d}) AS VARCHAR) AS DOUBLE)`;
    // The DECIMAL is read from plain digits (DuckDB rounds scientific text like 8e-20
    // wrongly when casting it to a DECIMAL), with a scale that keeps every digit a double's
    // shortest text can have at that magnitude (at most 17 significant digits).
    return this.let(x, (v) => {
      const dec = (scale: number): string => back(`CAST(${this.plainText(v)} AS DECIMAL(38, ${scale}))`);
      // Values of 1e19 and more have no digits at or after the rounding position when
      // digits >= 0; DECIMAL(38, 0) covers negative digits up to 1e37.
      const large = d >= 0 ? v : `(CASE WHEN abs(${v}) >= 1e37 THEN ${v} ELSE ${dec(0)} END)`;
      return `(CASE WHEN NOT isfinite(${v}) OR ${v} = 0 THEN ${v} WHEN abs(${v}) < 1 THEN ${dec(37)} WHEN abs(${v}) < 1e19 THEN ${dec(18)} ELSE ${large} END)`;
    });
  }

  private roundLike(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const mode = e.fn === 'round' ? 'round' : 'trunc';
    const name = e.fn.toUpperCase();
    const x = e.args[0]!;
    const dArg = e.args[1];
    const integral = isIntegral(x.type);
    const one = (d: number): string => {
      if (integral && d >= 0) return this.expr(x);
      if (e.type.kind === 'BIGINT') {
        // exact in HUGEINT (Flink: BigDecimal setScale, then longValue, which wraps)
        if (d <= -20) return 'CAST(0 AS BIGINT)';
        const p = `CAST(1${'0'.repeat(-d)} AS HUGEINT)`;
        const half = mode === 'round' ? ` + CAST(5${'0'.repeat(-d - 1)} AS HUGEINT)` : '';
        return this.let(duckHuge(this.expr(x)), (h) => duckWrap(`(CASE WHEN ${h} < 0 THEN -((-${h}${half}) // ${p} * ${p}) ELSE (${h}${half}) // ${p} * ${p} END)`, 64));
      }
      const r = this.decimalRound(this.dbl(x), d, mode);
      return integral ? `CAST(${r} AS BIGINT)` : r;
    };
    if (dArg === undefined) return one(0);
    if (dArg.kind === 'const') return dArg.value === null ? `CAST(NULL AS ${typeToDuckDb(e.type)})` : one(Number(dArg.value));
    const branches: string[] = [];
    for (let d = -20; d <= 20; d++) branches.push(`WHEN ${d} THEN ${one(d)}`);
    return this.let(this.expr(dArg), (d) => `(CASE ${d} ${branches.join(' ')} WHEN NULL THEN NULL ELSE error('${name} with ' || ${d} || ' digits: cannot translate digits outside -20..20') END)`);
  }

  // -------------------------------------------------------------------------------------
  // Strings

  private upper(s: string): string {
    const specials = upperSpecials();
    const cls = specials.map(([c]) => regexClassChar(c)).join('');
    return this.let(s, (v) => {
      let chain = v;
      for (const [c, up] of specials) chain = `replace(${chain}, ${sqlString(c)}, ${sqlString(up)})`;
      return `(CASE WHEN regexp_matches(${v}, '[${cls}]') THEN upper(${chain}) ELSE upper(${v}) END)`;
    });
  }

  private lower(s: string): string {
    // İ lowers to i + combining dot in JavaScript; a capital sigma ending a word lowers to ς.
    return `lower(regexp_replace(replace(${s}, 'İ', 'i̇'), '(\\pL)Σ($|[^\\pL])', '\\1ς\\2', 'g'))`;
  }

  private initcap(s: string): string {
    // weir: lower case everything, then upper-case each letter that follows a character
    // that is neither a letter nor a digit (or starts the string).
    return this.let(`string_split(${this.lower(s)}, '')`, (cs) => {
      const c = `__c${++this.vars}`;
      const i = `__i${this.vars}`;
      const cond = `regexp_full_match(${c}, '\\pL') AND (${i} = 1 OR NOT regexp_full_match(${cs}[${i} - 1], '[\\pL\\pN]'))`;
      return `array_to_string(list_transform(${cs}, lambda ${c}, ${i}: CASE WHEN ${cond} THEN ${this.upper(c)} ELSE ${c} END), '')`;
    });
  }

  /** Flink's substringSQL: start 0 = the first character, negative = from the end. */
  private substring(s: string, start: string, len: string | undefined): string {
    return this.let2(s, start, (sv, p) => {
      const body = (l: string | undefined): string => {
        const take = (from: string): string => (l === undefined ? `substring(${sv}, ${from})` : `substring(${sv}, ${from}, ${l})`);
        return `(CASE WHEN ${p} > 0 THEN ${take(p)} WHEN ${p} = 0 THEN ${take('1')} WHEN length(${sv}) + ${p} < 0 THEN '' ELSE ${take(`length(${sv}) + ${p} + 1`)} END)`;
      };
      if (len === undefined) return body(undefined);
      return this.let(len, (l) => `(CASE WHEN ${l} < 0 THEN NULL ELSE ${body(l)} END)`);
    });
  }

  private regexpExtract(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const s = this.expr(e.args[0]!);
    const pattern = this.constString(e.args[1], 'REGEXP_EXTRACT', 'the regular expression');
    const { re2, groups } = jsRegexToRe2(pattern, 'REGEXP_EXTRACT');
    const p = sqlString(re2);
    const g = e.args[2];
    const extract = (v: string, k: number): string => {
      if (k < 0 || k > groups.length) return 'CAST(NULL AS VARCHAR)';
      if (k > 0 && groups[k - 1]!.optional) throw new DuckDbTranslationError('REGEXP_EXTRACT', `group ${k} of '${pattern}' may not take part in a match (weir gives NULL there, DuckDB gives '')`);
      return `regexp_extract(${v}, ${p}, ${k})`;
    };
    return this.let(s, (v) => {
      let value: string;
      if (g === undefined) value = extract(v, 0);
      else if (g.kind === 'const') value = g.value === null ? 'CAST(NULL AS VARCHAR)' : extract(v, Number(g.value));
      else {
        const branches: string[] = [];
        for (let k = 0; k <= groups.length; k++) branches.push(`WHEN ${k} THEN ${extract(v, k)}`);
        value = `(CASE ${this.expr(g)} ${branches.join(' ')} END)`;
      }
      return `(CASE WHEN regexp_matches(${v}, ${p}) THEN ${value} END)`;
    });
  }

  // -------------------------------------------------------------------------------------
  // CAST and TRY_CAST (cast.ts)

  private cast(x: string, from: DataType, to: DataType, safe: boolean): string {
    const dt = typeToDuckDb(to);
    if (from.kind === 'NULL') return `CAST(NULL AS ${dt})`;
    if (isIdentityCast(from, to)) return typeToDuckDb(from) === dt ? x : `CAST(${x} AS ${dt})`;
    const fail = (what: string): string => (safe ? `CAST(NULL AS ${dt})` : `error('cannot cast ' || ${what} || ' to ${typeToString(to)}')`);
    const f = from.kind;
    const t = to.kind;
    if (isComposite(from)) throw new DuckDbTranslationError('CAST', `the text of a ${f} value (Flink's form, such as (1, x) or [1, 2]) has no DuckDB equivalent`);
    if (f === 'BYTES' && t === 'STRING') return `decode(${x})`; // UTF-8 (fails on bytes that are no UTF-8)
    if (f === 'STRING' && t === 'BYTES') return `encode(${x})`;
    if (t === 'STRING') return this.toText(x, from);
    if (f === 'STRING') return this.fromText(x, to, fail);
    if (t === 'BOOLEAN') return `(${x} <> 0)`;
    if (f === 'BOOLEAN') {
      const n = `CAST(${x} AS INTEGER)`;
      if (t === 'DECIMAL') return this.decimalCast(n, T.INT, to, fail);
      return t === 'DOUBLE' ? `CAST(${n} AS DOUBLE)` : `CAST(${n} AS ${dt})`;
    }
    if (f === 'TIMESTAMP' && t === 'DATE') return `CAST(${x} AS DATE)`;
    if (f === 'DATE' && t === 'TIMESTAMP') return `CAST(${x} AS TIMESTAMP)`;
    if (t === 'TIME') {
      const local = f === 'TIMESTAMP_LTZ' ? duckLocalOf(x, this.zone) : x;
      return duckTimeOfMs(`epoch_ms(${f === 'TIME' ? local : `CAST(${local} AS TIME)`})`, to.precision ?? 0);
    }
    if (f === 'TIME' && t === 'TIMESTAMP') return `(DATE '1970-01-01' + ${x})`;
    if (f === 'TIMESTAMP_LTZ' && t === 'TIMESTAMP') return duckLocalOf(x, this.zone);
    if (f === 'TIMESTAMP_LTZ' && t === 'DATE') return `CAST(${duckLocalOf(x, this.zone)} AS DATE)`;
    if (f === 'TIMESTAMP' && t === 'TIMESTAMP_LTZ') return this.instantEarliest(x);
    if (f === 'DATE' && t === 'TIMESTAMP_LTZ') return this.instantEarliest(`CAST(${x} AS TIMESTAMP)`);
    if (t === 'INT' || t === 'BIGINT') {
      // BIGINT: weir carries all 64 bits (common/int64.ts); a double converts when it is in [-2^63, 2^63)
      const range = (v: string): string => (t === 'INT' ? `${v} BETWEEN ${INT32_MIN} AND ${INT32_MAX}` : `${v} >= -9223372036854775808.0 AND ${v} < 9223372036854775808.0`);
      if (t === 'BIGINT' && isIntegral(from)) return `CAST(${x} AS BIGINT)`;
      return this.let(isIntegral(from) ? x : `trunc(${x})`, (v) => `(CASE WHEN ${v} IS NULL THEN NULL WHEN ${isIntegral(from) ? '' : `isfinite(${v}) AND `}${range(v)} THEN CAST(${v} AS ${dt}) ELSE ${fail(`CAST(${x} AS VARCHAR)`)} END)`);
    }
    if (t === 'DECIMAL') return this.decimalCast(x, from, to, fail);
    if (t === 'DOUBLE') return `CAST(${x} AS DOUBLE)`;
    throw new DuckDbTranslationError('CAST', `from ${typeToString(from)} to ${typeToString(to)}`);
  }

  /**
   * CAST to DECIMAL(p, s) as weir's castToDecimal: integers and decimals exactly, a DOUBLE from
   * its shortest text (BigDecimal.valueOf), HALF_UP at s places (DuckDB's decimal casts round
   * half away from zero too); a value that does not fit is NULL (Flink), NaN and infinities
   * are the cast's failure.
   */
  private decimalCast(x: string, from: DataType, to: DataType, fail: (what: string) => string): string {
    const dt = duckDecimalType(to);
    if (from.kind === 'DOUBLE') return this.let(x, (v) => `(CASE WHEN ${v} IS NULL THEN NULL WHEN NOT isfinite(${v}) THEN ${fail(`CAST(${v} AS VARCHAR)`)} WHEN ${v} = 0 THEN CAST(0 AS ${dt}) ELSE TRY_CAST(${this.plainText(v)} AS ${dt}) END)`);
    return `TRY_CAST(${asDuckDecimal(x, from)} AS ${dt})`;
  }

  /** Trimmed numeric text to DECIMAL: plain digits exactly; scientific text through its double. */
  private textToDecimal(t: string, to: DataType, fail: (what: string) => string, x: string): string {
    const dt = duckDecimalType(to);
    const bad = fail(`'''' || ${x} || ''''`);
    return `(CASE WHEN regexp_full_match(${t}, '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)') THEN TRY_CAST(${t} AS ${dt}) WHEN regexp_matches(${t}, '(NaN|Infinity)') THEN ${bad} ELSE ${this.decimalCast(`TRY_CAST(${t} AS DOUBLE)`, T.DOUBLE, to, fail)} END)`;
  }

  private toText(x: string, from: DataType): string {
    switch (from.kind) {
      case 'BOOLEAN':
        return `(CASE ${x} WHEN TRUE THEN 'TRUE' WHEN FALSE THEN 'FALSE' END)`;
      case 'TIMESTAMP':
        return this.timestampText(x);
      case 'TIMESTAMP_LTZ':
        return this.timestampText(duckLocalOf(x, this.zone));
      case 'DATE':
        return this.formatWithPattern(`CAST(${x} AS TIMESTAMP)`, 'yyyy-MM-dd');
      case 'TIME': {
        // HH:mm:ss and p fraction digits (formatTimeOfDay)
        const p = from.precision ?? 0;
        return this.let(x, (v) => `(left(CAST(${v} AS VARCHAR), 8)${p > 0 ? ` || '.' || left(lpad(CAST(epoch_ms(${v}) % 1000 AS VARCHAR), 3, '0'), ${Math.min(p, 3)})` : ''})`);
      }
      case 'INT':
      case 'BIGINT':
        return `CAST(${x} AS VARCHAR)`;
      case 'DECIMAL':
        // DuckDB's text of a DECIMAL(p, s) has exactly s fraction digits, as weir prints it
        return `CAST(${x} AS VARCHAR)`;
      case 'DOUBLE':
        return this.doubleText(x);
      default:
        throw new DuckDbTranslationError('CAST', `from ${typeToString(from)} to STRING`);
    }
  }

  /** formatTimestamp: yyyy-MM-dd HH:mm:ss.SSS, the year with at least four digits. */
  /**
   * The instant of a local TIMESTAMP `l` by java.time's rule (weir's CAST): a local time
   * that occurs twice takes the earlier instant (ICU's timezone() takes the later one), a
   * skipped one moves forward by the gap (as ICU does).
   */
  private instantEarliest(l: string, z: TimeZoneRules = this.zone): string {
    if (z.fixed) return duckInstantLatest(l, z);
    const zone = sqlString(z.id);
    return this.let(`epoch_ms(${l})`, (ms) => {
      const off = (x: string): string => `(epoch_ms(timezone(${zone}, make_timestamptz((${x}) * 1000))) - (${x}))`;
      const before = off(`${ms} - 86400000`);
      return this.let(`${ms} - ${before}`, (a) => {
        const later = `epoch_ms(timezone(${zone}, make_timestamp(${ms} * 1000)))`;
        return `make_timestamptz((CASE WHEN ${off(a)} = ${ms} - ${a} AND ${a} < ${later} THEN ${a} ELSE ${later} END) * 1000)`;
      });
    });
  }

  private timestampText(x: string): string {
    return this.formatWithPattern(x, 'yyyy-MM-dd HH:mm:ss.SSS');
  }

  /** formatDouble: NaN, Infinity, 1.0 for integers below 1e7, else JavaScript's text with E. */
  private doubleText(x: string): string {
    return this.let(`(${x} + CAST(0 AS DOUBLE))`, (v) => {
      const js = this.doubleJsText(v);
      const expo = `regexp_replace(regexp_replace(${js}, '^(-?[0-9]+)e', '\\1.0e'), 'e\\+?', 'E')`;
      return `(CASE WHEN isnan(${v}) THEN 'NaN' WHEN ${v} = ${POS_INF} THEN 'Infinity' WHEN ${v} = ${NEG_INF} THEN '-Infinity' WHEN ${v} = trunc(${v}) AND abs(${v}) < 1e7 THEN printf('%.1f', ${v}) ELSE ${expo} END)`;
    });
  }

  /** JavaScript's String(x) for a finite double: shortest digits, plain from 1e-6 to 1e21. */
  /** JavaScript's String(x) for a finite double: shortest digits, plain from 1e-6 to 1e21. */
  private doubleJsText(v: string): string {
    return this.shortestDigits(v, (sign, d, e) => {
      const n = `length(${d})`;
      const sci = `left(${d}, 1) || (CASE WHEN ${n} > 1 THEN '.' || substring(${d}, 2) ELSE '' END) || 'e' || (CASE WHEN ${e} >= 0 THEN '+' ELSE '-' END) || CAST(abs(${e}) AS VARCHAR)`;
      return `(${sign} || CASE WHEN ${d} = '' THEN '0' WHEN ${e} >= -6 AND ${e} < 21 THEN ${plainDigits(d, e)} ELSE ${sci} END)`;
    });
  }

  /** The shortest decimal text of a finite double without an exponent (1e-7 -> 0.0000001). */
  private plainText(v: string): string {
    return this.shortestDigits(v, (sign, d, e) => `(${sign} || CASE WHEN ${d} = '' THEN '0' ELSE ${plainDigits(d, e)} END)`);
  }

  /**
   * The shortest decimal digits of a finite double (DuckDB's text of a double has the same
   * digits as JavaScript's): `body(sign, digits, exponent)` with the digits without leading
   * or trailing zeros ('' for zero) and the decimal exponent of the first digit.
   */
  private shortestDigits(v: string, body: (sign: string, digits: string, exp: string) => string): string {
    const m = `regexp_extract(CAST(${v} AS VARCHAR), '^(-?)([0-9]+)(?:\\.([0-9]*))?(?:e([+-]?[0-9]+))?$', ['sign', 'int', 'frac', 'exp'])`;
    return this.let(m, (p) => {
      const all = `ltrim(${p}.int || ${p}.frac, '0')`;
      return this.let(`{'d': rtrim(${all}, '0'), 'e': coalesce(TRY_CAST(${p}.exp AS INTEGER), 0) + length(${p}.int) - 1 - (length(${p}.int || ${p}.frac) - length(${all}))}`, (q) => body(`${p}.sign`, `${q}.d`, `${q}.e`));
    });
  }

  private fromText(x: string, to: DataType, fail: (what: string) => string): string {
    const dt = typeToDuckDb(to);
    return this.let(jsTrim(x), (t) => {
      const bad = fail(`'''' || ${x} || ''''`);
      switch (to.kind) {
        case 'INT':
        case 'BIGINT': {
          const range = (n: string): string => (to.kind === 'INT' ? `${n} BETWEEN ${INT32_MIN} AND ${INT32_MAX}` : `${n} >= -9223372036854775808.0 AND ${n} < 9223372036854775808.0`);
          const v = this.let(`trunc(TRY_CAST(${t} AS DOUBLE))`, (n) => `(CASE WHEN isfinite(${n}) AND ${range(n)} THEN CAST(${n} AS ${dt}) ELSE ${bad} END)`);
          // integer text to BIGINT exactly (all 64 bits), not through a double
          const exact = to.kind === 'BIGINT' ? `WHEN regexp_full_match(${t}, '[+-]?[0-9]+') THEN coalesce(TRY_CAST(${t} AS BIGINT), ${bad}) ` : '';
          return `(CASE WHEN ${t} IS NULL THEN NULL ${exact}WHEN regexp_full_match(${t}, '${NUMERIC_TEXT}') THEN ${v} ELSE ${bad} END)`;
        }
        case 'DOUBLE':
          return `(CASE WHEN ${t} IS NULL THEN NULL WHEN regexp_full_match(${t}, '${NUMERIC_TEXT}') THEN TRY_CAST(${t} AS DOUBLE) ELSE ${bad} END)`;
        case 'DECIMAL':
          return `(CASE WHEN ${t} IS NULL THEN NULL WHEN regexp_full_match(${t}, '${NUMERIC_TEXT}') THEN ${this.textToDecimal(t, to, fail, x)} ELSE ${bad} END)`;
        case 'BOOLEAN':
          return `(CASE WHEN ${t} IS NULL THEN NULL WHEN lower(${t}) IN ('true', '1') THEN TRUE WHEN lower(${t}) IN ('false', '0') THEN FALSE ELSE ${bad} END)`;
        case 'TIMESTAMP':
          return this.let(this.parseTimestamp(t), (v) => `(CASE WHEN ${t} IS NULL THEN NULL WHEN ${v} IS NOT NULL THEN ${v} ELSE ${bad} END)`);
        case 'TIMESTAMP_LTZ':
          return this.let(this.parseTimestamp(t), (v) => `(CASE WHEN ${t} IS NULL THEN NULL WHEN ${v} IS NOT NULL THEN ${this.instantEarliest(v)} ELSE ${bad} END)`);
        case 'DATE':
          return this.let(this.parseDate(t), (v) => `(CASE WHEN ${t} IS NULL THEN NULL WHEN ${v} IS NOT NULL THEN ${v} ELSE ${bad} END)`);
        case 'TIME': {
          // weir's parseTimeOfDay: H[H]:m[m][:s[s][.f{1,9}]], fields in range, truncated to ms
          const rx = '^([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]{1,9}))?)?$';
          return this.let(`regexp_extract(${t}, '${rx}', ['h', 'mi', 's', 'f'])`, (m) => {
            const num = (f: string): string => `coalesce(TRY_CAST(${m}.${f} AS INTEGER), 0)`;
            const ms = `(${num('h')} * CAST(3600000 AS BIGINT) + ${num('mi')} * 60000 + ${num('s')} * 1000 + coalesce(TRY_CAST(rpad(left(${m}.f, 3), 3, '0') AS BIGINT), 0))`;
            return `(CASE WHEN ${t} IS NULL THEN NULL WHEN ${m}.h <> '' AND ${num('h')} <= 23 AND ${num('mi')} <= 59 AND ${num('s')} <= 59 THEN ${duckTimeOfMs(ms, to.precision ?? 0)} ELSE ${bad} END)`;
          });
        }
        default:
          throw new DuckDbTranslationError('CAST', `from STRING to ${typeToString(to)}`);
      }
    });
  }

  // -------------------------------------------------------------------------------------
  // Time

  /**
   * weir's parseTimestamp: `[+-]yyyy-M[M]-d[d][( |T)H[H]:m[m][:s[s][.f{1,9}]]]`, year 4 to 6
   * digits, spaces and tabs around, ASCII only, at most 64 characters, fields in range.
   */
  private parseTimestamp(s: string): string {
    const rx = '^[ \\t]*([+-]?)([0-9]{4,6})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]{1,9}))?)?)?[ \\t]*$';
    return this.let(s, (v) =>
      this.let(`regexp_extract(${v}, '${rx}', ['sg', 'y', 'mo', 'd', 'h', 'mi', 's', 'f'])`, (m) => {
        const num = (f: string): string => `coalesce(TRY_CAST(${m}.${f} AS INTEGER), 0)`;
        const year = `(CASE WHEN ${m}.sg = '-' THEN -1 ELSE 1 END * ${num('y')})`;
        const ms = `CAST(rpad(left(${m}.f, 3), 3, '0') AS BIGINT)`;
        const valid = `${num('mo')} BETWEEN 1 AND 12 AND ${num('d')} BETWEEN 1 AND ${daysInMonth(year, num('mo'))} AND ${num('h')} <= 23 AND ${num('mi')} <= 59 AND ${num('s')} <= 59`;
        const value = `(CAST(make_date(${year}, ${num('mo')}, ${num('d')}) AS TIMESTAMP) + to_milliseconds(${num('h')} * CAST(3600000 AS BIGINT) + ${num('mi')} * 60000 + ${num('s')} * 1000 + ${ms}))`;
        return `(CASE WHEN ${m}.y = '' OR length(${v}) > 64 THEN NULL WHEN ${valid} THEN ${value} END)`;
      }),
    );
  }

  /** weir's parseDate: `[+-]yyyy-M[M]-d[d]` with spaces and tabs around. */
  private parseDate(s: string): string {
    const rx = '^[ \\t]*([+-]?)([0-9]{4,6})-([0-9]{1,2})-([0-9]{1,2})[ \\t]*$';
    return this.let(s, (v) =>
      this.let(`regexp_extract(${v}, '${rx}', ['sg', 'y', 'mo', 'd'])`, (m) => {
        const num = (f: string): string => `coalesce(TRY_CAST(${m}.${f} AS INTEGER), 0)`;
        const year = `(CASE WHEN ${m}.sg = '-' THEN -1 ELSE 1 END * ${num('y')})`;
        return `(CASE WHEN ${m}.y = '' OR length(${v}) > 64 THEN NULL WHEN ${num('mo')} BETWEEN 1 AND 12 AND ${num('d')} BETWEEN 1 AND ${daysInMonth(year, num('mo'))} THEN make_date(${year}, ${num('mo')}, ${num('d')}) END)`;
      }),
    );
  }

  /** DATE_FORMAT with a Java pattern, field by field as time.ts formats it. */
  private formatWithPattern(ts: string, pattern: string): string {
    const items = tokenizePattern(pattern, 'DATE_FORMAT');
    return this.let(ts, (x) => {
      const parts = items.map((it): string => {
        if (it.kind === 'literal') return sqlString(it.text);
        const n = it.count;
        switch (it.letter) {
          case 'y':
            if (n === 2) return padSql(`(((year(${x}) % 100) + 100) % 100)`, 2);
            return `(CASE WHEN year(${x}) < 0 THEN '-' ELSE '' END || ${padSql(`abs(year(${x}))`, n)})`;
          case 'M':
            return n === 3 ? `strftime(${x}, '%b')` : n === 4 ? `strftime(${x}, '%B')` : padSql(`month(${x})`, n);
          case 'd':
            return padSql(`day(${x})`, n);
          case 'H':
            return padSql(`hour(${x})`, n);
          case 'h':
            return padSql(`(((hour(${x}) + 11) % 12) + 1)`, n);
          case 'm':
            return padSql(`minute(${x})`, n);
          case 's':
            return padSql(`second(${x})`, n);
          case 'S':
            return `left(${padSql(`(millisecond(${x}) % 1000)`, 3)} || '000000', ${n})`;
          case 'a':
            return `(CASE WHEN hour(${x}) < 12 THEN 'AM' ELSE 'PM' END)`;
          case 'E':
            return n === 4 ? `strftime(${x}, '%A')` : `strftime(${x}, '%a')`;
          case 'D':
            return padSql(`dayofyear(${x})`, n);
          default:
            throw new DuckDbTranslationError('DATE_FORMAT', `pattern letter ${it.letter}`);
        }
      });
      const body = parts.length === 0 ? `''` : parts.join(' || ');
      return `(CASE WHEN ${x} IS NULL THEN NULL ELSE ${body} END)`;
    });
  }

  /**
   * TO_TIMESTAMP(text, pattern) as time.ts parses: the text must match the whole pattern
   * (adjacent numeric fields leave the following fields their minimum width), absent fields
   * default to 1970-01-01 00:00:00.000, fields are range-checked, and a parsed day of week
   * or day of year must agree with the date.
   */
  private parseWithPattern(s: string, pattern: string): string {
    const items = tokenizePattern(pattern, 'TO_TIMESTAMP');
    let rx = '^';
    const names: string[] = [];
    const last: Record<string, { name: string; count: number }> = {};
    for (const it of items) {
      if (it.kind === 'literal') {
        rx += re2Literal(it.text);
        continue;
      }
      const name = `g${names.length}`;
      const w = numericWidth(it.letter, it.count);
      if (w !== null) {
        if (it.letter === 'y' && it.count !== 2) {
          names.push(`${name}s`);
          rx += '([+-]?)';
        }
        rx += `([0-9]{${w[0]},${w[1]}})`;
      } else if (it.letter === 'M') rx += `((?i:${(it.count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS).join('|')}))`;
      else if (it.letter === 'E') rx += `((?i:${(it.count === 4 ? WEEKDAYS : WEEKDAYS.map((d) => d.slice(0, 3))).join('|')}))`;
      else if (it.letter === 'a') rx += '((?i:AM|PM))';
      else throw new DuckDbTranslationError('TO_TIMESTAMP', `pattern letter ${it.letter}`);
      names.push(name);
      last[it.letter] = { name, count: it.count };
    }
    rx += '$';
    if (names.length === 0) {
      // no fields: the text must equal the literal, and the value is the epoch
      return this.let(s, (v) => `(CASE WHEN ${v} IS NULL THEN NULL WHEN regexp_full_match(${v}, ${sqlString(rx.slice(1, -1))}) THEN TIMESTAMP '1970-01-01 00:00:00' END)`);
    }
    return this.let(s, (v) =>
      this.let(`regexp_extract(${v}, ${sqlString(rx)}, [${names.map((n) => `'${n}'`).join(', ')}])`, (m) => {
        const num = (letter: string): string => `TRY_CAST(${m}.${last[letter]!.name} AS INTEGER)`;
        const has = (letter: string): boolean => last[letter] !== undefined;
        const checks: string[] = [];
        let year = '1970';
        if (has('y')) {
          const y = last.y!;
          year = y.count === 2 ? `(2000 + ${num('y')})` : `(CASE WHEN ${m}.${y.name}s = '-' THEN -1 ELSE 1 END * ${num('y')})`;
        }
        let month: string | null = null;
        if (has('M')) {
          const mm = last.M!;
          month = mm.count >= 3 ? `(CASE lower(left(${m}.${mm.name}, 3)) ${MONTHS.map((n, k) => `WHEN '${n.slice(0, 3).toLowerCase()}' THEN ${k + 1}`).join(' ')} END)` : num('M');
        }
        const day = has('d') ? num('d') : null;
        const doy = has('D') ? num('D') : null;
        let hour = has('H') ? num('H') : '0';
        if (has('H')) checks.push(`${num('H')} <= 23`);
        if (has('h')) {
          checks.push(`${num('h')} BETWEEN 1 AND 12`);
          const pm = has('a') ? `(CASE WHEN upper(${m}.${last.a!.name}) = 'PM' THEN 12 ELSE 0 END)` : '0';
          hour = `(${num('h')} % 12 + ${pm})`;
        }
        const minute = has('m') ? num('m') : '0';
        if (has('m')) checks.push(`${num('m')} <= 59`);
        const second = has('s') ? num('s') : '0';
        if (has('s')) checks.push(`${num('s')} <= 59`);
        const millis = has('S') ? `CAST(rpad(left(${m}.${last.S!.name}, 3), 3, '0') AS INTEGER)` : '0';
        return this.let(year, (yv) => {
          let days: string;
          const jan1 = `make_date(${yv}, 1, 1)`;
          if (month === null && day === null && doy !== null) {
            // by day of year (a day of year of 0 is ignored: January 1st)
            checks.push(`(${doy} < 1 OR ${doy} <= (CASE WHEN ${isLeap(yv)} THEN 366 ELSE 365 END))`);
            days = `(CASE WHEN ${doy} >= 1 THEN ${jan1} + (${doy} - 1) ELSE ${jan1} END)`;
          } else {
            const mo = month ?? '1';
            const d = day ?? '1';
            checks.push(`${mo} BETWEEN 1 AND 12`, `${d} BETWEEN 1 AND ${daysInMonth(yv, mo)}`);
            days = `make_date(${yv}, ${mo}, ${d})`;
            if (doy !== null) checks.push(`(${doy} < 1 OR dayofyear(make_date(${yv}, ${mo}, ${d})) = ${doy})`);
          }
          if (has('E')) {
            const e = last.E!;
            checks.push(`dayofweek(${days}) + 1 = (CASE lower(left(${m}.${e.name}, 3)) ${WEEKDAYS.map((n, k) => `WHEN '${n.slice(0, 3).toLowerCase()}' THEN ${k + 1}`).join(' ')} END)`);
          }
          const value = `(CAST(${days} AS TIMESTAMP) + to_milliseconds(CAST(${hour} AS BIGINT) * 3600000 + ${minute} * 60000 + ${second} * 1000 + ${millis}))`;
          // Checks are nested so that no date is built from out-of-range fields.
          let body = value;
          for (let k = checks.length - 1; k >= 0; k--) body = `(CASE WHEN ${checks[k]} THEN ${body} END)`;
          return `(CASE WHEN ${m}.${names[names.length - 1]} = '' THEN NULL ELSE ${body} END)`;
        });
      }),
    );
  }

  private timestampDiff(e: Extract<BoundExpr, { kind: 'call' }>): string {
    const unit = this.constString(e.args[0], 'TIMESTAMPDIFF', 'the unit').toUpperCase();
    const ts = (a: BoundExpr): string => (a.type.kind === 'DATE' ? `CAST(${this.expr(a)} AS TIMESTAMP)` : this.expr(a));
    const a = ts(e.args[1]!);
    const b = ts(e.args[2]!);
    const ms = UNIT_MS[unit];
    if (ms !== undefined) return `CAST(trunc((epoch_ms(${b}) - epoch_ms(${a})) / ${ms}) AS BIGINT)`;
    const k = UNIT_MONTHS[unit];
    if (k === undefined) throw new DuckDbTranslationError('TIMESTAMPDIFF', `unknown unit ${unit}`);
    return this.let2(a, b, (x, y) =>
      this.let(`((year(${y}) - year(${x})) * 12 + month(${y}) - month(${x}))`, (m0) => {
        const m = `(CASE WHEN ${m0} > 0 AND ${x} + to_months(CAST(${m0} AS INTEGER)) > ${y} THEN ${m0} - 1 WHEN ${m0} < 0 AND ${x} + to_months(CAST(${m0} AS INTEGER)) < ${y} THEN ${m0} + 1 ELSE ${m0} END)`;
        return k === 1 ? `CAST(${m} AS BIGINT)` : `CAST(trunc(${m} / ${k}) AS BIGINT)`;
      }),
    );
  }
}

function jsTrim(s: string): string {
  return `regexp_replace(${s}, '^[${JS_WHITESPACE}]+|[${JS_WHITESPACE}]+$', '', 'g')`;
}

function isLeap(y: string): string {
  return `((${y} % 4 = 0 AND ${y} % 100 <> 0) OR ${y} % 400 = 0)`;
}

function daysInMonth(y: string, m: string): string {
  return `(CASE WHEN ${m} = 2 THEN (CASE WHEN ${isLeap(y)} THEN 29 ELSE 28 END) WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
}

/** Plain decimal text of digits d (no leading/trailing zeros) with the first digit at 10^e. */
function plainDigits(d: string, e: string): string {
  const n = `length(${d})`;
  return `(CASE WHEN ${e} >= ${n} - 1 THEN ${d} || repeat('0', ${e} - ${n} + 1) WHEN ${e} >= 0 THEN left(${d}, ${e} + 1) || '.' || substring(${d}, ${e} + 2) ELSE '0.' || repeat('0', -${e} - 1) || ${d} END)`;
}

/** A non-negative integer as text with at least `width` digits (never cut). */
function padSql(n: string, width: number): string {
  const t = `CAST(${n} AS VARCHAR)`;
  return width <= 1 ? t : `lpad(${t}, CAST(greatest(${width}, length(${t})) AS INTEGER), '0')`;
}

function regexClassChar(c: string): string {
  return /[\\\]\[^-]/.test(c) ? '\\' + c : c;
}

function re2Literal(text: string): string {
  return [...text].map((c) => (/[\\^$.|?*+()[\]{}]/.test(c) ? '\\' + c : c)).join('');
}

// ---------------------------------------------------------------------------------------
// Java date patterns, tokenized by time.ts (letters y M d H h m s S a E D, quotes).

function tokenizePattern(pattern: string, fn: string): PatternItem[] {
  try {
    return tokenizeJavaPattern(pattern);
  } catch (e) {
    throw new DuckDbTranslationError(fn, e instanceof Error ? e.message : String(e));
  }
}


// ---------------------------------------------------------------------------------------
// Regular expressions: weir compiles patterns as JavaScript regular expressions (Unicode
// mode when possible); DuckDB uses RE2. The common syntax is the same; what differs is
// rewritten (`.` and `\s` match JavaScript's sets, named groups use RE2's spelling) and what
// RE2 lacks (look-around, backreferences) is refused.

interface GroupInfo {
  /** The group may not take part in a successful match. */
  readonly optional: boolean;
}

interface Re2Pattern {
  readonly re2: string;
  readonly groups: readonly GroupInfo[];
  /** Some match may be empty (then global replacement differs between JavaScript and RE2). */
  readonly canMatchEmpty: boolean;
}

const JS_SPACE_CLASS_BODY = '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

export function jsRegexToRe2(pattern: string, fn: string): Re2Pattern {
  const compiled = compileJavaRegex(pattern);
  if (compiled === null) throw new DuckDbTranslationError(fn, `'${pattern}' is not a valid regular expression`);
  const dotAll = compiled.dotAll;
  const m = /^\(\?([ims]+)\)/.exec(pattern);
  let out = m !== null ? `(?${[...new Set(m[1]!)].join('')})` : '';
  let i = m !== null ? m[0].length : 0;
  const n = pattern.length;
  const refuse = (why: string): never => {
    throw new DuckDbTranslationError(fn, `regular expression '${pattern}' uses ${why}, which RE2 (DuckDB) does not support`);
  };

  // Group bookkeeping for optionality: a stack of open containers (the root is index 0).
  interface Container {
    alternation: boolean;
    capture: number; // group number, 0 for non-capturing and the root
    members: number[]; // capture groups opened inside it (transitively)
  }
  const groups: { optionalSelf: boolean; ancestors: Container[] }[] = [];
  const root: Container = { alternation: false, capture: 0, members: [] };
  const stack: Container[] = [root];
  const closed: Container[] = [];
  const quantifierAllowsZero = (at: number): boolean => {
    const c = pattern[at];
    if (c === '?' || c === '*') return true;
    if (c === '{') {
      const q = /^\{(\d*)(,\d*)?\}/.exec(pattern.slice(at));
      return q !== null && (q[1] === '' || Number(q[1]) === 0);
    }
    return false;
  };
  const zeroContainers = new Set<Container>();

  let inClass = false;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) refuse('a trailing backslash');
      if (/[1-9]/.test(d!)) refuse('a backreference');
      if (d === 'k' && pattern[i + 2] === '<') refuse('a named backreference');
      if (d === 's' || d === 'S') {
        if (inClass) {
          if (d === 'S') refuse('\\S inside a character class');
          out += JS_SPACE_CLASS_BODY;
        } else out += d === 's' ? `[${JS_SPACE_CLASS_BODY}]` : `[^${JS_SPACE_CLASS_BODY}]`;
        i += 2;
        continue;
      }
      if (d === 'u') {
        const b = /^\\u\{([0-9a-fA-F]+)\}/.exec(pattern.slice(i)) ?? /^\\u([0-9a-fA-F]{4})/.exec(pattern.slice(i));
        if (b === null) refuse('an invalid \\u escape');
        out += `\\x{${b![1]}}`;
        i += b![0].length;
        continue;
      }
      if (d === 'c') {
        const l = pattern[i + 2] ?? '';
        out += `\\x{${(l.charCodeAt(0) % 32).toString(16)}}`;
        i += 3;
        continue;
      }
      if (d === '0') {
        out += '\\x00';
        i += 2;
        continue;
      }
      if ((d === 'p' || d === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i);
        const name = pattern.slice(i + 3, close);
        if (name.includes('=')) refuse(`\\${d}{${name}}`);
        out += `\\${d}{${name}}`;
        i = close + 1;
        continue;
      }
      if (d === 'b' && inClass) {
        out += '\\x08';
        i += 2;
        continue;
      }
      out += c + d;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      if (pattern.startsWith('[^]', i)) {
        out += '(?s:.)';
        i += 3;
      } else if (pattern.startsWith('[]', i)) {
        out += '[^\\x00-\\x{10FFFF}]';
        i += 2;
      } else {
        inClass = true;
        out += c;
        i++;
        if (pattern[i] === '^') {
          out += '^';
          i++;
        }
        if (pattern[i] === ']') {
          out += '\\]';
          i++;
        }
      }
      continue;
    }
    if (c === '(') {
      let capture = 0;
      if (pattern.startsWith('(?=', i) || pattern.startsWith('(?!', i) || pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) refuse('look-around');
      if (pattern.startsWith('(?<', i)) {
        capture = groups.length + 1;
        out += '(?P<';
        i += 3;
      } else if (pattern.startsWith('(?', i)) {
        out += '(?';
        i += 2;
      } else {
        capture = groups.length + 1;
        out += '(';
        i++;
      }
      const container: Container = { alternation: false, capture, members: [] };
      if (capture > 0) {
        groups.push({ optionalSelf: false, ancestors: [...stack] });
        for (const s of stack) s.members.push(capture);
      }
      stack.push(container);
      continue;
    }
    if (c === ')') {
      const container = stack.pop()!;
      closed.push(container);
      out += ')';
      i++;
      if (quantifierAllowsZero(i)) zeroContainers.add(container);
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1]!.alternation = true;
      out += '|';
      i++;
      continue;
    }
    if (c === '.') {
      out += dotAll ? '(?s:.)' : '[^\\n\\r\\x{2028}\\x{2029}]';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  const info: GroupInfo[] = groups.map((g, k) => {
    const self = closed.find((c) => c.capture === k + 1);
    const optional = (self !== undefined && zeroContainers.has(self)) || g.ancestors.some((a) => a.alternation || zeroContainers.has(a));
    return { optional };
  });
  if (info.length !== countGroups(compiled)) throw new DuckDbTranslationError(fn, `could not count the groups of '${pattern}'`);
  return { re2: out, groups: info, canMatchEmpty: canMatchEmpty(pattern.slice(m !== null ? m[0].length : 0), compiled.flags) };
}

/**
 * Whether the pattern can match an empty string somewhere: the assertions ^ $ \b \B are
 * dropped (taken as satisfiable) and the rest is tried on ''. Errs toward true.
 */
function canMatchEmpty(body: string, flags: string): boolean {
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const d = body[i + 1] ?? '';
      if (!inClass && (d === 'b' || d === 'B')) {
        i++;
        continue;
      }
      out += c + d;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === '^' || c === '$') continue;
    out += c;
  }
  try {
    return new RegExp(`^(?:${out})$`, flags.replace('g', '')).test('');
  } catch {
    return true;
  }
}

function countGroups(r: RegExp): number {
  const probe = new RegExp(`${r.source}|`, r.flags.replace('g', ''));
  return (probe.exec('') ?? []).length - 1;
}

/** A definite JSON path in DuckDB's syntax (`$.a."b c"[0][#-1]`), or a refusal. */
function duckJsonPath(spec: string, fn: string): string {
  let p: JsonPath;
  try {
    p = parsePath(spec);
  } catch {
    throw new DuckDbTranslationError(fn, `the path '${spec}' is not valid (weir gives the ON ERROR result)`);
  }
  if (!p.definite) throw new DuckDbTranslationError(fn, `the path '${spec}' has a wildcard or an index list, whose matches DuckDB collects differently`);
  let out = '$';
  for (const s of p.steps) {
    if (s.kind === 'key') {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name)) out += `.${s.name}`;
      else if (!s.name.includes('"') && !s.name.includes("'")) out += `."${s.name}"`;
      else throw new DuckDbTranslationError(fn, `the key '${s.name}' has quotes`);
    } else if (s.kind === 'index') {
      const k = s.at[0]!;
      out += k >= 0 ? `[${k}]` : `[#${k}]`;
    }
  }
  return `'${out}'`;
}

/**
 * A STRING as JSON text written as Jackson writes it (Flink's JSON_STRING): DuckDB's to_json
 * escapes the same characters but writes \u00xx with lower-case hex digits, Jackson upper-case.
 */
export function duckJsonQuote(x: string): string {
  let q = `CAST(to_json(${x}) AS VARCHAR)`;
  for (const c of [0x0b, 0x0e, 0x0f, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f]) {
    const lower = `\\u00${c.toString(16).padStart(2, '0')}`;
    q = `replace(${q}, '${lower}', '${lower.toUpperCase().replace('\\U', '\\u')}')`;
  }
  return q;
}
