// Building blocks for batch kernels. A kernel maps argument columns of `n` rows to a result
// column. Kernels never modify their inputs and never allocate per row (except the strings
// a string-valued function must produce). NULL slots of inputs hold unspecified values, so a
// kernel must not throw or produce side effects from them: the helpers below skip them.

import type { Column, Scalar } from '../common/batch.js';
import { allocValues } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { physicalKind } from '../common/types.js';

export type Kernel = (args: readonly Column[], n: number) => Column;

/** OR of the null masks of `cols` (null when none has NULLs). */
export function unionNulls(cols: readonly Column[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const c of cols) {
    if (c.nulls === null) continue;
    if (out === null) {
      out = new Uint8Array(n);
      out.set(c.nulls.subarray(0, n));
    } else {
      const m = c.nulls;
      for (let i = 0; i < n; i++) out[i]! |= m[i]!;
    }
  }
  return out;
}

/** Strict numeric unary: NULL in, NULL out. `f` must not throw. */
export function mapF64(type: DataType, f: (a: number) => number): Kernel {
  return (args, n) => {
    const a = args[0]!;
    const av = a.values as Float64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(av[i]!);
    return { type, values: out, nulls: a.nulls === null ? null : a.nulls.slice(0, n) };
  };
}

/** Strict numeric binary. */
export function mapF64x2(type: DataType, f: (a: number, b: number) => number): Kernel {
  return (args, n) => {
    const a = args[0]!;
    const b = args[1]!;
    const av = a.values as Float64Array;
    const bv = b.values as Float64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(av[i]!, bv[i]!);
    return { type, values: out, nulls: unionNulls(args, n) };
  };
}

/**
 * Strict numeric binary whose result may be NULL for non-NULL inputs (division by zero):
 * `f` returns NaN to mean NULL. Only for integer-typed results, where NaN is never a value.
 */
export function mapF64x2NullOnNaN(type: DataType, f: (a: number, b: number) => number): Kernel {
  return (args, n) => {
    const av = args[0]!.values as Float64Array;
    const bv = args[1]!.values as Float64Array;
    const out = new Float64Array(n);
    let nulls = unionNulls(args, n);
    for (let i = 0; i < n; i++) {
      const r = f(av[i]!, bv[i]!);
      if (r !== r) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
        out[i] = 0;
      } else out[i] = r;
    }
    return { type, values: out, nulls };
  };
}

/**
 * Strict comparison of two numeric-like columns to BOOLEAN. With `op` (f's operator), a loop
 * of its own: one kernel serves every comparison, so a call of f would not be inlined.
 */
export function compareF64(type: DataType, f: (a: number, b: number) => boolean, op?: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'): Kernel {
  return (args, n) => {
    const av = args[0]!.values as Float64Array;
    const bv = args[1]!.values as Float64Array;
    const out = new Uint8Array(n);
    if (op === 'lt') for (let i = 0; i < n; i++) out[i] = av[i]! < bv[i]! ? 1 : 0;
    else if (op === 'le') for (let i = 0; i < n; i++) out[i] = av[i]! <= bv[i]! ? 1 : 0;
    else if (op === 'gt') for (let i = 0; i < n; i++) out[i] = av[i]! > bv[i]! ? 1 : 0;
    else if (op === 'ge') for (let i = 0; i < n; i++) out[i] = av[i]! >= bv[i]! ? 1 : 0;
    else if (op === 'eq') for (let i = 0; i < n; i++) out[i] = av[i]! === bv[i]! ? 1 : 0;
    else if (op === 'ne') for (let i = 0; i < n; i++) out[i] = av[i]! !== bv[i]! ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = f(av[i]!, bv[i]!) ? 1 : 0;
    return { type, values: out, nulls: unionNulls(args, n) };
  };
}

/**
 * Generic strict row-wise kernel over JS values: slower, for string and time functions.
 * `f` receives non-NULL arguments (numbers, strings, or booleans as 0/1) and may return
 * null to produce NULL.
 */
export function rowwise(type: DataType, f: (args: (number | string)[]) => Scalar): Kernel {
  // (composite arguments reach `f` as their JS values, typed loosely here)
  const kind = physicalKind(type);
  return (args, n) => {
    const values = allocValues(kind, n);
    const inNulls = unionNulls(args, n);
    let nulls: Uint8Array | null = inNulls;
    const k = args.length;
    const tmp = new Array<number | string>(k);
    for (let i = 0; i < n; i++) {
      if (inNulls !== null && inNulls[i] === 1) continue;
      for (let j = 0; j < k; j++) tmp[j] = args[j]!.values[i] as number | string;
      const r = f(tmp);
      if (r === null) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else if (kind === 'str' || kind === 'obj') (values as unknown[])[i] = r;
      else if (kind === 'bool') (values as Uint8Array)[i] = r === true || r === 1 ? 1 : 0;
      else (values as Float64Array)[i] = r as number;
    }
    return { type, values, nulls };
  };
}

/** Like `rowwise` but `f` also sees NULL arguments (as null) and decides itself. */
export function rowwiseNullable(type: DataType, f: (args: (number | string | null)[]) => Scalar): Kernel {
  const kind = physicalKind(type);
  return (args, n) => {
    const values = allocValues(kind, n);
    let nulls: Uint8Array | null = null;
    const k = args.length;
    const tmp = new Array<number | string | null>(k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const c = args[j]!;
        tmp[j] = c.nulls !== null && c.nulls[i] === 1 ? null : (c.values[i] as number | string);
      }
      const r = f(tmp);
      if (r === null) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else if (kind === 'str' || kind === 'obj') (values as unknown[])[i] = r;
      else if (kind === 'bool') (values as Uint8Array)[i] = r === true || r === 1 ? 1 : 0;
      else (values as Float64Array)[i] = r as number;
    }
    return { type, values, nulls };
  };
}

/** A column of `n` copies of one value. */
export function constantColumn(type: DataType, value: Scalar, n: number): Column {
  const kind = physicalKind(type);
  if (value === null) {
    const nulls = new Uint8Array(n).fill(1);
    return { type, values: allocValues(kind, n), nulls };
  }
  if (kind === 'str') return { type, values: new Array<string>(n).fill(String(value)), nulls: null };
  if (kind === 'obj') return { type, values: new Array<unknown>(n).fill(value), nulls: null };
  if (kind === 'bool') return { type, values: new Uint8Array(n).fill(value ? 1 : 0), nulls: null };
  // a BIGINT beyond ±(2^53-1) is a JS bigint: a wide column (common/int64.ts), never rounded
  if (typeof value === 'bigint') return { type, values: new Array<bigint>(n).fill(value), nulls: null };
  return { type, values: new Float64Array(n).fill(Number(value)), nulls: null };
}

/** Strict numeric binary where a zero second argument gives NULL (division, modulo). */
export function nullOnZeroDivisor(type: DataType, f: (a: number, b: number) => number): Kernel {
  return (args, n) => {
    const av = args[0]!.values as Float64Array;
    const bv = args[1]!.values as Float64Array;
    const out = new Float64Array(n);
    let nulls = unionNulls(args, n);
    for (let i = 0; i < n; i++) {
      const d = bv[i]!;
      if (d === 0) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
      } else out[i] = f(av[i]!, d);
    }
    return { type, values: out, nulls };
  };
}
