// Integer arithmetic kernels with Java's overflow rules (common/int64.ts): INT + - * / wrap
// modulo 2^32, BIGINT modulo 2^64, as Flink's generated code does.
//
// BIGINT fast path: both operands Float64Array; the result is computed in doubles and kept
// while every result is within ±(2^53-1) (then it is exact: the double nearest an exact
// result beyond 2^53-1 is itself beyond it). Otherwise — an operand is wide, or a result
// left the range — the batch is recomputed with bigints and wrapped to 64 bits, and the
// result is wide only if some value really is beyond ±(2^53-1).

import type { Column } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { type Int64, MAX_SAFE, canonical, packInt64 } from '../common/int64.js';
import { type Kernel, unionNulls } from './kernels.js';

export type IntOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';

function big(v: Int64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** One 64-bit operation, wrapped; null for a zero divisor (weir's NULL, documented). */
function op64(op: IntOp, a: bigint, b: bigint): bigint | null {
  switch (op) {
    case 'add':
      return BigInt.asIntN(64, a + b);
    case 'sub':
      return BigInt.asIntN(64, a - b);
    case 'mul':
      return BigInt.asIntN(64, a * b);
    case 'div':
      return b === 0n ? null : BigInt.asIntN(64, a / b); // truncates toward zero, as Java; MIN / -1 wraps to MIN
    case 'mod':
      return b === 0n ? null : a % b; // sign of the dividend, as Java
  }
}

/** The whole batch with bigints (slow path: only batches with values beyond ±(2^53-1)). */
function slow64(type: DataType, op: IntOp, a: Column, b: Column, n: number, nulls: Uint8Array | null): Column {
  const av = a.values as ArrayLike<Int64>;
  const bv = b.values as ArrayLike<Int64>;
  const out = new Array<Int64>(n);
  let outNulls = nulls;
  for (let i = 0; i < n; i++) {
    if (outNulls !== null && outNulls[i] === 1) {
      out[i] = 0;
      continue;
    }
    const r = op64(op, big(av[i]!), big(bv[i]!));
    if (r === null) {
      outNulls ??= new Uint8Array(n);
      outNulls[i] = 1;
      out[i] = 0;
    } else out[i] = canonical(r);
  }
  return { type, values: packInt64(out, n), nulls: outNulls };
}

/** BIGINT + - * / %: wraps at 2^63 as Java long. */
export function bigintArithmetic(type: DataType, op: IntOp): Kernel {
  return (args, n) => {
    const a = args[0]!;
    const b = args[1]!;
    const nulls = unionNulls(args, n);
    if (!(a.values instanceof Float64Array) || !(b.values instanceof Float64Array)) return slow64(type, op, a, b, n, nulls);
    const av = a.values;
    const bv = b.values;
    const out = new Float64Array(n);
    if (op === 'div' || op === 'mod') {
      // |a / b| <= |a| and |a % b| < |b|: never leaves the exact range of the operands
      let outNulls = nulls;
      for (let i = 0; i < n; i++) {
        const d = bv[i]!;
        if (d === 0) {
          if (outNulls === null || outNulls[i] === 0) {
            outNulls ??= new Uint8Array(n);
            outNulls[i] = 1;
          }
          out[i] = 0;
        } else {
          // a % d is exact for doubles, and so is (a - a % d) / d: the quotient without rounding
          const x = av[i]!;
          const r = x % d;
          out[i] = op === 'div' ? (x - r) / d + 0 : r + 0;
        }
      }
      return { type, values: out, nulls: outNulls };
    }
    let widest = 0;
    if (op === 'add') for (let i = 0; i < n; i++) widest = Math.max(widest, Math.abs((out[i] = av[i]! + bv[i]!)));
    else if (op === 'sub') for (let i = 0; i < n; i++) widest = Math.max(widest, Math.abs((out[i] = av[i]! - bv[i]!)));
    else for (let i = 0; i < n; i++) widest = Math.max(widest, Math.abs((out[i] = av[i]! * bv[i]!)));
    if (widest <= MAX_SAFE) return { type, values: out, nulls };
    // NULL slots hold unspecified values: a big product there must not switch the batch
    if (nulls !== null) {
      let real = 0;
      for (let i = 0; i < n; i++) if (nulls[i] === 0) real = Math.max(real, Math.abs(out[i]!));
      if (real <= MAX_SAFE) {
        for (let i = 0; i < n; i++) if (nulls[i] === 1) out[i] = 0;
        return { type, values: out, nulls };
      }
    }
    return slow64(type, op, a, b, n, nulls);
  };
}

/**
 * INT + - * / %: wraps at 2^31 as Java int. Operands are exact 32-bit integers, so a sum or
 * difference is exact in a double and `| 0` wraps it; a product uses Math.imul.
 */
export function intArithmetic(type: DataType, op: IntOp): Kernel {
  return (args, n) => {
    const av = args[0]!.values as Float64Array;
    const bv = args[1]!.values as Float64Array;
    const out = new Float64Array(n);
    let nulls = unionNulls(args, n);
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = (av[i]! + bv[i]!) | 0;
        break;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = (av[i]! - bv[i]!) | 0;
        break;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = Math.imul(av[i]!, bv[i]!);
        break;
      default:
        for (let i = 0; i < n; i++) {
          const d = bv[i]!;
          if (d === 0) {
            nulls ??= new Uint8Array(n);
            nulls[i] = 1;
            out[i] = 0;
          } else {
            const x = av[i]!;
            const r = x % d;
            out[i] = op === 'div' ? ((x - r) / d) | 0 : r + 0; // + 0: -0 is 0
          }
        }
    }
    return { type, values: out, nulls };
  };
}

/** Unary minus of an integer: -MIN wraps to MIN, as Java. */
export function integerNegate(type: DataType): Kernel {
  const int = type.kind === 'INT';
  return (args, n) => {
    const a = args[0]!;
    const nulls = a.nulls === null ? null : a.nulls.slice(0, n);
    if (a.values instanceof Float64Array) {
      const av = a.values;
      const out = new Float64Array(n);
      if (int) for (let i = 0; i < n; i++) out[i] = -av[i]! | 0;
      else for (let i = 0; i < n; i++) out[i] = 0 - av[i]!; // within ±(2^53-1) stays within it
      return { type, values: out, nulls };
    }
    const av = a.values as Int64[];
    const out = new Array<Int64>(n);
    for (let i = 0; i < n; i++) {
      const x = av[i]!;
      out[i] = typeof x === 'bigint' ? canonical(BigInt.asIntN(64, -x)) : 0 - x;
    }
    return { type, values: packInt64(out, n), nulls };
  };
}
