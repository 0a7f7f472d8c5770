// BIGINT as a 64-bit integer (Java long), and INT as a 32-bit one (Java int).
//
// Representation (DESIGN §4): a BIGINT column's `values` is a Float64Array — the fast path —
// while every value of the batch is within ±(2^53-1), where a double is exact. A batch that
// holds a value beyond that carries the column as a *wide* array instead: a plain
// Array<number | bigint> in which an entry is a JS bigint exactly when it is beyond ±(2^53-1)
// (`canonical`). One value therefore has one JS form in every batch, so `===`, Map keys and
// the key-group hash agree however a value is carried. INT never needs the wide form.
//
// Overflow wraps as Flink's generated Java code does: BIGINT + - * / and unary minus modulo
// 2^64 into [-2^63, 2^63-1], INT modulo 2^32 into [-2^31, 2^31-1]. SUM keeps its argument's
// type and wraps the same way (Java's `sum += x`).
//
// Readers of a BIGINT column must handle the wide form or refuse it loudly: an operator
// that does not declare `Operator.wideInts` (every operator declares it today) is stopped at
// its input by `requireNarrowBatch` (exec/task.ts), and a function kernel without
// `ScalarFunction.wideInts` (today FROM_UNIXTIME and TO_TIMESTAMP_LTZ, whose results would be
// beyond any timestamp) by the check in expr/compile.ts, both with `wideNotSupported`.
// Composite values (ROW, ARRAY, MAP) carry such a value as its bigint too, and user-defined
// JavaScript functions get it as a bigint (expr/udf.ts).
// Arithmetic between a bigint and a number throws a TypeError in JS, and a bigint cannot be
// stored in a Float64Array, so a reader that slipped through fails loudly, never rounds.

import type { Batch, Column, Values } from './batch.js';
import { WeirError } from './errors.js';
import type { DataType } from './types.js';

/** A BIGINT value as carried in a wide column: a number within ±(2^53-1), else a bigint. */
export type Int64 = number | bigint;

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = BigInt(Number.MAX_SAFE_INTEGER);
export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** True when a BIGINT/INT column's values are in the wide form (not a Float64Array). */
export function isWideValues(v: Values): v is Int64[] {
  return Array.isArray(v);
}

/** True for a BIGINT column carried wide. */
export function isWideColumn(c: Column): boolean {
  return c.type.kind === 'BIGINT' && Array.isArray(c.values);
}

/** The canonical JS form of a 64-bit integer given as a bigint already within range. */
export function canonical(b: bigint): Int64 {
  return b >= -MAX_SAFE_N && b <= MAX_SAFE_N ? Number(b) : b;
}

/** Java long wrapping of an arbitrary bigint, in canonical form. */
export function wrap64(b: bigint): Int64 {
  return canonical(BigInt.asIntN(64, b));
}

/** Java int wrapping of an exact integer held in a double (exact up to 2^53). */
export function wrap32(x: number): number {
  return x | 0;
}

/** Value of row i of a BIGINT/INT column as a bigint (slow path). */
export function bigAt(values: Values, i: number): bigint {
  const v = values[i] as Int64;
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** True when some entry of a wide array is a bigint (i.e. the batch really needs the wide form). */
function anyBig(values: readonly Int64[], n: number): boolean {
  for (let i = 0; i < n; i++) if (typeof values[i] === 'bigint') return true;
  return false;
}

/**
 * Packs canonical values into the cheapest form: a Float64Array when none is a bigint.
 * NULL slots must hold 0.
 */
export function packInt64(values: Int64[], n: number): Float64Array | Int64[] {
  if (anyBig(values, n)) return values;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] as number;
  return out;
}

/** A batch's first wide column, or -1 (one `Array.isArray` per column: cheap per batch). */
export function wideColumnIndex(batch: Batch): number {
  const cols = batch.columns;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    if (c.type.kind === 'BIGINT' && Array.isArray(c.values)) return i;
  }
  return -1;
}

/** The first value of a wide column beyond ±(2^53-1) (for messages). */
export function firstBig(c: Column, n: number): bigint | undefined {
  const v = c.values as Int64[];
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x === 'bigint' && (c.nulls === null || c.nulls[i] === 0)) return x;
  }
  return undefined;
}

/**
 * The error for a BIGINT value beyond ±(2^53-1) reaching a part of weir that does not carry
 * it exactly yet (never a rounded value instead).
 */
export function wideNotSupported(where: string, value: bigint | undefined): WeirError {
  const v = value === undefined ? 'a value' : `value ${value}`;
  return new WeirError('execution', `${where}: the BIGINT ${v} is beyond ±${MAX_SAFE} (2^53-1), which ${where} does not carry exactly yet`, {
    hint: 'every operator, aggregate and function but this one carries all 64 bits; CAST to DOUBLE here if an approximate value is fine',
  });
}

/** Throws wideNotSupported when the batch holds a wide BIGINT column. */
export function requireNarrowBatch(batch: Batch, where: string): void {
  const i = wideColumnIndex(batch);
  if (i >= 0) throw wideNotSupported(where, firstBig(batch.columns[i]!, batch.length));
}

/** Parses decimal integer text into a canonical Int64, or null when it is beyond ±(2^63-1) or not an integer. */
export function parseInt64(text: string): Int64 | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  if (Number.isSafeInteger(n)) return n;
  const b = BigInt(text);
  if (b > INT64_MAX || b < INT64_MIN) return null;
  return canonical(b);
}

/** True when `t` is BIGINT (the only type with a wide form). */
export function isBigint(t: DataType): boolean {
  return t.kind === 'BIGINT';
}
