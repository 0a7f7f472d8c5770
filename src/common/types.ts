// SQL data types of the weir dialect and how each is carried at run time.
//
// Physical representation (see DESIGN §4):
//   BOOLEAN                          -> Uint8Array (0/1)
//   INT, DOUBLE                      -> Float64Array
//   BIGINT                           -> Float64Array while every value of the batch is within
//                                       ±(2^53-1); a batch holding a larger value (up to
//                                       ±(2^63-1)) carries the column wide, as
//                                       (number | bigint)[] (common/int64.ts). INT and BIGINT
//                                       overflow wraps as Java's int and long do.
//   DECIMAL(p <= 15, s)              -> Float64Array, the double nearest the exact value (which
//                                       identifies it: 15 digits round-trip); exact arithmetic
//                                       on scaled integers (expr/decimal.ts)
//   DECIMAL(p > 15, s)               -> string[], canonical text with s fraction digits
//   TIMESTAMP(3)                     -> Float64Array, epoch milliseconds, no time zone
//   TIMESTAMP_LTZ(3)                 -> Float64Array, epoch milliseconds of an instant; shown,
//                                       parsed and cast in the session zone
//                                       ('table.local-time-zone', common/time-zone.ts)
//   DATE                             -> Float64Array, days since 1970-01-01
//   TIME(p)                          -> Float64Array, milliseconds of the day (0..86,399,999),
//                                       as Flink's int millis of day; p (0..3 carried, a
//                                       declared p > 3 is carried as 3) is the fraction digits
//                                       kept and shown: a cast to a smaller p truncates
//   BYTES / BINARY(n) / VARBINARY(n) -> string[], one char per byte (code 0..255, a "binary
//                                       string"): equality, hashing, ordering (unsigned,
//                                       byte by byte, as Flink compares byte[]), `||` and
//                                       SUBSTRING work on it as on text; it becomes a
//                                       Uint8Array only at the edges (formats, UDFs, verify)
//   INTERVAL (day-time)              -> Float64Array, milliseconds
//   INTERVAL (year-month)            -> Float64Array, months
//   STRING / VARCHAR                 -> string[]
//   ROW, ARRAY, MAP                  -> unknown[] of JS values (physical kind 'obj', see
//                                       composite.ts for the value representation)
// Every column also carries an optional null mask (Uint8Array, 1 = NULL).

import { WeirError } from './errors.js';

export type TypeKind =
  | 'BOOLEAN'
  | 'INT'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'STRING'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'DATE'
  | 'TIME'
  | 'BYTES'
  | 'INTERVAL_DAY_TIME'
  | 'INTERVAL_YEAR_MONTH'
  | 'ROW'
  | 'ARRAY'
  | 'MAP'
  | 'MULTISET'
  | 'NULL';

export interface RowField {
  readonly name: string;
  readonly type: DataType;
}

export interface DataType {
  readonly kind: TypeKind;
  /** DECIMAL precision / TIMESTAMP precision / VARCHAR length when declared. */
  readonly precision?: number;
  /** DECIMAL scale. */
  readonly scale?: number;
  /** ROW: the fields in order. */
  readonly fields?: readonly RowField[];
  /** ARRAY and MULTISET: the element type; MAP: the value type. */
  readonly element?: DataType;
  /** MAP: the key type. */
  readonly key?: DataType;
}

export type PhysicalKind = 'f64' | 'bool' | 'str' | 'obj';

export const T = {
  BOOLEAN: { kind: 'BOOLEAN' } as DataType,
  INT: { kind: 'INT' } as DataType,
  BIGINT: { kind: 'BIGINT' } as DataType,
  DOUBLE: { kind: 'DOUBLE' } as DataType,
  STRING: { kind: 'STRING' } as DataType,
  TIMESTAMP: { kind: 'TIMESTAMP', precision: 3 } as DataType,
  TIMESTAMP_LTZ: { kind: 'TIMESTAMP_LTZ', precision: 3 } as DataType,
  DATE: { kind: 'DATE' } as DataType,
  /** TIME(0), the type of CAST(x AS TIME), CURRENT_TIME and LOCALTIME. */
  TIME: { kind: 'TIME', precision: 0 } as DataType,
  BYTES: { kind: 'BYTES' } as DataType,
  INTERVAL_DAY_TIME: { kind: 'INTERVAL_DAY_TIME' } as DataType,
  INTERVAL_YEAR_MONTH: { kind: 'INTERVAL_YEAR_MONTH' } as DataType,
  NULL: { kind: 'NULL' } as DataType,
  time(precision: number): DataType {
    return { kind: 'TIME', precision: Math.min(3, precision) };
  },
  decimal(precision: number, scale: number): DataType {
    return { kind: 'DECIMAL', precision, scale };
  },
  row(fields: readonly RowField[]): DataType {
    return { kind: 'ROW', fields };
  },
  array(element: DataType): DataType {
    return { kind: 'ARRAY', element };
  },
  map(key: DataType, value: DataType): DataType {
    return { kind: 'MAP', key, element: value };
  },
  /** MULTISET<T>: carried as a MAP<T, INT> of each distinct element to its count (Flink's MapData). */
  multiset(element: DataType): DataType {
    return { kind: 'MULTISET', element };
  },
} as const;

/** The MAP<T, INT> a MULTISET<T> is carried as (composite.ts MapValue: element -> count); other types as they are. */
export function multisetAsMap(t: DataType): DataType {
  return t.kind === 'MULTISET' ? T.map(t.element!, T.INT) : t;
}

export function physicalKind(t: DataType): PhysicalKind {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'bool';
    case 'STRING':
    case 'BYTES':
      return 'str';
    case 'DECIMAL':
      // DECIMAL(p > 15, s) as canonical text (expr/decimal.ts); narrower ones as doubles
      return (t.precision ?? 10) > 15 ? 'str' : 'f64';
    case 'ROW':
    case 'ARRAY':
    case 'MAP':
    case 'MULTISET':
      return 'obj';
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'DATE':
    case 'TIME':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
    case 'NULL':
      return 'f64';
  }
}

export function isNumeric(t: DataType): boolean {
  return t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';
}

export function isIntegral(t: DataType): boolean {
  return t.kind === 'INT' || t.kind === 'BIGINT';
}

export function isTemporal(t: DataType): boolean {
  return t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'TIMESTAMP_LTZ';
}

/** ROW, ARRAY, MAP or MULTISET: carried as JS values in 'obj' columns. */
export function isComposite(t: DataType): boolean {
  return t.kind === 'ROW' || t.kind === 'ARRAY' || t.kind === 'MAP' || t.kind === 'MULTISET';
}

export function isInterval(t: DataType): boolean {
  return t.kind === 'INTERVAL_DAY_TIME' || t.kind === 'INTERVAL_YEAR_MONTH';
}

/** SQL spelling, as DESCRIBE and error messages show it. */
export function typeToString(t: DataType): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`;
    case 'TIMESTAMP':
      return `TIMESTAMP(${t.precision ?? 3})`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMP_LTZ(${t.precision ?? 3})`;
    case 'TIME':
      return `TIME(${t.precision ?? 0})`;
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL DAY TO SECOND';
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL YEAR TO MONTH';
    // As Flink prints them (DESCRIBE, SHOW CREATE TABLE): ROW<`a` INT, `b` STRING>
    case 'ROW':
      return `ROW<${(t.fields ?? []).map((f) => `\`${f.name.replace(/`/g, '``')}\` ${typeToString(f.type)}`).join(', ')}>`;
    case 'ARRAY':
      return `ARRAY<${typeToString(t.element ?? T.NULL)}>`;
    case 'MULTISET':
      return `MULTISET<${typeToString(t.element ?? T.NULL)}>`;
    case 'MAP':
      return `MAP<${typeToString(t.key ?? T.NULL)}, ${typeToString(t.element ?? T.NULL)}>`;
    default:
      return t.kind;
  }
}

export function sameType(a: DataType, b: DataType): boolean {
  if (a.kind !== b.kind || a.precision !== b.precision || a.scale !== b.scale) return false;
  if (a.element !== undefined || b.element !== undefined) {
    if (a.element === undefined || b.element === undefined || !sameType(a.element, b.element)) return false;
  }
  if (a.key !== undefined || b.key !== undefined) {
    if (a.key === undefined || b.key === undefined || !sameType(a.key, b.key)) return false;
  }
  if (a.fields !== undefined || b.fields !== undefined) {
    const fa = a.fields ?? [];
    const fb = b.fields ?? [];
    if (fa.length !== fb.length) return false;
    for (let i = 0; i < fa.length; i++) if (fa[i]!.name !== fb[i]!.name || !sameType(fa[i]!.type, fb[i]!.type)) return false;
  }
  return true;
}

/** Common type of two composite types of the same kind, element by element. */
function commonComposite(a: DataType, b: DataType): DataType | null {
  if (a.kind === 'ARRAY' || a.kind === 'MULTISET') {
    const e = commonType(a.element!, b.element!);
    return e === null ? null : a.kind === 'ARRAY' ? T.array(e) : T.multiset(e);
  }
  if (a.kind === 'MAP') {
    const k = commonType(a.key!, b.key!);
    const v = commonType(a.element!, b.element!);
    return k === null || v === null ? null : T.map(k, v);
  }
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  if (fa.length !== fb.length) return null;
  const fields: RowField[] = [];
  for (let i = 0; i < fa.length; i++) {
    const t = commonType(fa[i]!.type, fb[i]!.type);
    if (t === null) return null;
    fields.push({ name: fa[i]!.name, type: t });
  }
  return T.row(fields);
}

const NUMERIC_RANK: Partial<Record<TypeKind, number>> = { INT: 1, BIGINT: 2, DECIMAL: 3, DOUBLE: 4 };

/**
 * The common type two values are compared or combined in (CASE branches, UNION, IN lists,
 * comparisons). Returns null when there is none.
 */
export function commonType(a: DataType, b: DataType): DataType | null {
  if (a.kind === 'NULL') return b;
  if (b.kind === 'NULL') return a;
  if (a.kind === b.kind) {
    if (isComposite(a)) return sameType(a, b) ? a : commonComposite(a, b);
    if (a.kind === 'DECIMAL') {
      const scale = Math.max(a.scale ?? 0, b.scale ?? 0);
      const intDigits = Math.max((a.precision ?? 10) - (a.scale ?? 0), (b.precision ?? 10) - (b.scale ?? 0));
      return T.decimal(Math.min(38, intDigits + scale), scale);
    }
    if (a.kind === 'TIMESTAMP' || a.kind === 'TIMESTAMP_LTZ') return { kind: a.kind, precision: 3 };
    if (a.kind === 'TIME') return T.time(Math.max(a.precision ?? 0, b.precision ?? 0));
    return a.kind === 'STRING' ? { kind: a.kind } : a;
  }
  const ra = NUMERIC_RANK[a.kind];
  const rb = NUMERIC_RANK[b.kind];
  if (ra !== undefined && rb !== undefined) {
    const wide = ra >= rb ? a : b;
    const other = ra >= rb ? b : a;
    if (wide.kind === 'DECIMAL' && other.kind !== 'DECIMAL') {
      // INT fits DECIMAL(10,0), BIGINT DECIMAL(19,0)
      const intDigits = other.kind === 'INT' ? 10 : 19;
      const scale = wide.scale ?? 0;
      return T.decimal(Math.min(38, Math.max(intDigits, (wide.precision ?? 10) - scale) + scale), scale);
    }
    return wide;
  }
  if ((a.kind === 'TIMESTAMP' && b.kind === 'DATE') || (a.kind === 'DATE' && b.kind === 'TIMESTAMP')) return T.TIMESTAMP;
  // Flink casts TIMESTAMP (and DATE) implicitly to TIMESTAMP_LTZ, through the session zone
  const ltz = a.kind === 'TIMESTAMP_LTZ' ? b : b.kind === 'TIMESTAMP_LTZ' ? a : null;
  if (ltz !== null && (ltz.kind === 'TIMESTAMP' || ltz.kind === 'DATE')) return T.TIMESTAMP_LTZ;
  return null;
}

/** Largest integer carried exactly (DESIGN §2: integers are exact up to 2^53). */
export const MAX_EXACT_INT = Number.MAX_SAFE_INTEGER;
export const INT32_MAX = 2147483647;

/**
 * The error for an integer result weir cannot carry exactly (beyond ±(2^53-1)): it fails
 * the job rather than give a rounded number (DESIGN §2: never silently rounded).
 */
export function integerOutOfRange(what: string, type: DataType, value: number): WeirError {
  return new WeirError('execution', `${what}: the ${typeToString(type)} result ${value} is beyond ±${MAX_EXACT_INT} (2^53-1), which weir does not carry exactly yet`, {
    hint: 'CAST an operand to DOUBLE if an approximate result is fine',
    permanent: true,
  });
}
export const INT32_MIN = -2147483648;
