// Numeric functions. ROUND rounds half away from zero and TRUNCATE toward zero, at a number
// of decimal places, on the decimal value of the double as Flink does it:
// BigDecimal.valueOf(x) (the shortest decimal text that reads back as x, so 2.675 is 2.675,
// not 2.67499999...), setScale(digits, HALF_UP or DOWN), then the nearest double.

import type { DataType } from '../../common/types.js';
import { T, isIntegral, isNumeric, typeToString } from '../../common/types.js';
import { mapF64, mapF64x2, mapF64x2NullOnNaN, nullOnZeroDivisor, rowwise, type Kernel } from '../kernels.js';
import { registerFunction } from '../registry.js';
import { type Int64, canonical, packInt64, wrap64 } from '../../common/int64.js';
import { bigintArithmetic } from '../int64-kernels.js';

function numericArg(t: DataType | undefined): DataType | null {
  if (t === undefined) return null;
  if (t.kind === 'NULL') return T.INT;
  return isNumeric(t) ? t : null;
}

/**
 * A numeric function of one argument. `wide` computes it on a BIGINT beyond ±(2^53-1)
 * (common/int64.ts) when the result is a BIGINT (ABS, SIGN, FLOOR, CEIL); without it, the
 * function computes in doubles and gets such a value as the nearest double (SQRT, LN...).
 */
function unaryNumeric(name: string, sqlNames: string[], doc: string, ret: (t: DataType) => DataType, f: (x: number) => number, wide?: (x: bigint) => bigint): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    wideInts: wide !== undefined ? true : 'as-double',
    resolve(args) {
      const t = numericArg(args[0]);
      if (args.length !== 1 || t === null) return `one numeric argument: ${doc}`;
      return { args: [t], ret: ret(t) };
    },
    kernel(sig) {
      // ABS(INT) wraps as Java's Math.abs(int): ABS(-2^31) = -2^31
      const narrow = mapF64(sig.ret, sig.ret.kind === 'INT' ? (x) => f(x) | 0 : f);
      return wide !== undefined && sig.ret.kind === 'BIGINT' ? int64Unary(sig.ret, narrow, f, wide) : narrow;
    },
  });
}

/**
 * A BIGINT function of one BIGINT: `narrow` on a Float64Array batch (the fast path), else
 * per value, with `wide` on the bigints (wrapped to 64 bits as Java) and `f` on the numbers.
 */
function int64Unary(type: DataType, narrow: Kernel, f: (x: number) => number, wide: (x: bigint) => bigint): Kernel {
  return (args, n) => {
    const a = args[0]!;
    if (!Array.isArray(a.values)) return narrow(args, n);
    const v = a.values as Int64[];
    const out = new Array<Int64>(n);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      out[i] = typeof x === 'bigint' ? wrap64(wide(x)) : f(x) + 0;
    }
    return { type, values: packInt64(out, n), nulls: a.nulls === null ? null : a.nulls.slice(0, n) };
  };
}

const same = (t: DataType): DataType => t;
const dbl = (): DataType => T.DOUBLE;
const noScale = (t: DataType): DataType => (t.kind === 'DECIMAL' ? T.decimal(Math.min(38, (t.precision ?? 10) - (t.scale ?? 0) + 1), 0) : t);

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number(`1e${i}`));

/**
 * x rounded (halfUp) or truncated at `digits` decimal places (negative: tens, hundreds...),
 * exactly as BigDecimal.valueOf(x).setScale(digits, HALF_UP | DOWN).doubleValue().
 */
function decimalRound(x: number, digits: number, halfUp: boolean): number {
  if (!Number.isFinite(x) || x === 0 || !Number.isFinite(digits)) return x;
  const ax = Math.abs(x);
  const d = Math.trunc(digits);
  // Fast path: the scaled value is far enough from the decision point that the error of
  // the binary multiplication (below 2^-22 for scaled < 2^30) cannot change the decision.
  if (d >= -22 && d <= 22) {
    const f = POW10[Math.abs(d)]!;
    const scaled = d >= 0 ? ax * f : ax / f;
    if (scaled < 1073741824) {
      const fl = Math.floor(scaled);
      const frac = scaled - fl;
      const safe = halfUp ? Math.abs(frac - 0.5) > 1e-6 : frac > 1e-6 && frac < 1 - 1e-6;
      if (safe) {
        const n = halfUp && frac > 0.5 ? fl + 1 : fl;
        const r = n === 0 ? 0 : d >= 0 ? n / f : n * f;
        return x < 0 && r !== 0 ? -r : r;
      }
    }
  }
  // Exact path on the shortest decimal digits of x: x = 0.DDDD * 10^(e + 1).
  const [mant, exp] = ax.toExponential().split('e') as [string, string];
  const digitsText = mant.replace('.', '');
  const keep = Number(exp) + 1 + d; // digits of D before the cut
  if (keep >= digitsText.length) return x;
  if (keep < 0) return 0;
  let n = BigInt(keep === 0 ? '0' : digitsText.slice(0, keep));
  if (halfUp && digitsText.charCodeAt(keep) >= 53 /* '5' */) n += 1n;
  if (n === 0n) return 0;
  const r = Number(`${n}e${-d}`);
  return x < 0 ? -r : r;
}

/** ROUND(x, digits): half away from zero (Java's HALF_UP on BigDecimal.valueOf(x)). */
export function roundHalfUp(x: number, digits: number): number {
  return decimalRound(x, digits, true);
}

/** TRUNCATE(x, digits): toward zero (Java's DOWN on BigDecimal.valueOf(x)). */
export function truncateAt(x: number, digits: number): number {
  return decimalRound(x, digits, false);
}

// ABS(-2^63) is -2^63, as Java's Math.abs(long) (wrap64 of 2^63)
unaryNumeric('abs', ['ABS'], 'ABS(x)', same, Math.abs, (x) => (x < 0n ? -x : x));
unaryNumeric('floor', ['FLOOR'], 'FLOOR(x)', noScale, Math.floor, (x) => x);
unaryNumeric('ceil', ['CEIL', 'CEILING'], 'CEIL(x)', noScale, Math.ceil, (x) => x);
unaryNumeric('sign', ['SIGN'], 'SIGN(x)', same, Math.sign, (x) => (x < 0n ? -1n : 1n));
unaryNumeric('sqrt', ['SQRT'], 'SQRT(x)', dbl, (x) => (x < 0 ? NaN : Math.sqrt(x)));
unaryNumeric('exp', ['EXP'], 'EXP(x)', dbl, Math.exp);
unaryNumeric('ln', ['LN'], 'LN(x)', dbl, Math.log);
unaryNumeric('log10', ['LOG10'], 'LOG10(x)', dbl, Math.log10);
unaryNumeric('log2', ['LOG2'], 'LOG2(x)', dbl, Math.log2);
unaryNumeric('sin', ['SIN'], 'SIN(x)', dbl, Math.sin);
unaryNumeric('cos', ['COS'], 'COS(x)', dbl, Math.cos);
unaryNumeric('tan', ['TAN'], 'TAN(x)', dbl, Math.tan);
unaryNumeric('asin', ['ASIN'], 'ASIN(x)', dbl, Math.asin);
unaryNumeric('acos', ['ACOS'], 'ACOS(x)', dbl, Math.acos);
unaryNumeric('atan', ['ATAN'], 'ATAN(x)', dbl, Math.atan);
unaryNumeric('degrees', ['DEGREES'], 'DEGREES(x)', dbl, (x) => (x * 180) / Math.PI);
unaryNumeric('radians', ['RADIANS'], 'RADIANS(x)', dbl, (x) => (x * Math.PI) / 180);

registerFunction({
  name: 'pi',
  sqlNames: ['PI'],
  doc: 'PI()',
  resolve: (args) => (args.length === 0 ? { args: [], ret: T.DOUBLE } : 'no arguments'),
  kernel: () => (_args, n) => ({ type: T.DOUBLE, values: new Float64Array(n).fill(Math.PI), nulls: null }),
});

function binaryNumeric(name: string, sqlNames: string[], doc: string, ret: (a: DataType, b: DataType) => DataType, f: (a: number, b: number) => number, nullOnNaN = false): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    wideInts: 'as-double', // POWER(long, long) etc. compute in doubles, as Flink's
    resolve(args) {
      const a = numericArg(args[0]);
      const b = numericArg(args[1]);
      if (args.length !== 2 || a === null || b === null) return `two numeric arguments: ${doc}`;
      return { args: [a, b], ret: ret(a, b) };
    },
    kernel(sig) {
      return nullOnNaN ? mapF64x2NullOnNaN(sig.ret, f) : mapF64x2(sig.ret, f);
    },
  });
}

binaryNumeric('power', ['POWER', 'POW'], 'POWER(x, y)', () => T.DOUBLE, Math.pow);
binaryNumeric('atan2', ['ATAN2'], 'ATAN2(y, x)', () => T.DOUBLE, Math.atan2);
binaryNumeric('log', ['LOG'], 'LOG(base, x)', () => T.DOUBLE, (b, x) => Math.log(x) / Math.log(b));
/** MOD(a, b): remainder with the sign of a; NULL when b = 0 (a NaN remainder stays NaN). */
registerFunction({
  name: 'mod_fn',
  sqlNames: ['MOD'],
  doc: 'MOD(a, b)',
  wideInts: true,
  resolve(args) {
    const a = numericArg(args[0]);
    const b = numericArg(args[1]);
    if (args.length !== 2 || a === null || b === null) return 'two numeric arguments: MOD(a, b)';
    const ret = isIntegral(a) && isIntegral(b) ? (a.kind === 'BIGINT' || b.kind === 'BIGINT' ? T.BIGINT : T.INT) : T.DOUBLE;
    return { args: [a, b], ret };
  },
  kernel(sig): Kernel {
    // BIGINT: exact on 64 bits, the sign of the dividend (Java's %), NULL for a zero divisor
    if (sig.ret.kind === 'BIGINT') return bigintArithmetic(sig.ret, 'mod');
    return nullOnZeroDivisor(sig.ret, (a, b) => a % b);
  },
});

function roundLike(name: string, sqlNames: string[], doc: string, f: (x: number, d: number) => number): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    wideInts: true,
    resolve(args) {
      const t = numericArg(args[0]);
      if (t === null || args.length < 1 || args.length > 2) return `a number and optional digits: ${doc}`;
      if (args.length === 2 && !(isIntegral(args[1]!) || args[1]!.kind === 'NULL')) return `integer digits, got ${typeToString(args[1]!)}`;
      return { args: args.length === 2 ? [t, T.INT] : [t], ret: t };
    },
    kernel(sig, consts) {
      const d = sig.args.length === 2 ? consts[1] : 0;
      const halfUp = name === 'round';
      if (sig.ret.kind === 'BIGINT') {
        // exact on 64 bits (Flink: BigDecimal.valueOf(x).setScale(d, HALF_UP | DOWN).longValue(),
        // which wraps); digits >= 0 leave an integer as it is
        if (typeof d === 'number' && d >= 0) return (args) => args[0]!;
        const slow = bigintRowwise(sig.ret, (x, digits) => roundBigint(x, digits, halfUp));
        if (typeof d !== 'number' || d < -15) return slow;
        return roundNarrowBigint(sig.ret, 10 ** -d, halfUp, slow);
      }
      if (typeof d === 'number') {
        if (isIntegral(sig.ret) && d >= 0) return mapF64(sig.ret, (x) => x);
        return mapF64(sig.ret, (x) => f(x, d));
      }
      return rowwise(sig.ret, (a) => f(a[0] as number, a.length > 1 ? (a[1] as number) : 0));
    },
  });
}

/** x rounded (halfUp) or truncated at `digits` decimal places, wrapped to 64 bits. */
function roundBigint(x: bigint, digits: number, halfUp: boolean): bigint {
  if (digits >= 0) return x;
  const p = 10n ** BigInt(Math.min(-digits, 40));
  const r = x % p; // sign of x
  let q = x - r;
  if (halfUp && (r < 0n ? -r : r) * 2n >= p) q += x < 0n ? -p : p;
  return BigInt.asIntN(64, q);
}

/**
 * ROUND/TRUNCATE of a BIGINT at a constant number of negative digits (p = 10^-digits <= 10^15)
 * on a Float64Array batch, in doubles: x % p and x - x % p are exact for integers within
 * ±(2^53-1), and a result beyond that range (inexact, or wrapping) sends the batch to `slow`.
 */
function roundNarrowBigint(type: DataType, p: number, halfUp: boolean, slow: Kernel): Kernel {
  return (args, n) => {
    const a = args[0]!;
    if (!(a.values instanceof Float64Array)) return slow(args, n);
    const av = a.values;
    const out = new Float64Array(n);
    let widest = 0;
    for (let i = 0; i < n; i++) {
      const x = av[i]!;
      const r = x % p;
      let q = x - r;
      if (halfUp && Math.abs(r) * 2 >= p) q += x < 0 ? -p : p;
      out[i] = q + 0;
      widest = Math.max(widest, Math.abs(q));
    }
    if (widest > Number.MAX_SAFE_INTEGER) return slow(args, n);
    return { type, values: out, nulls: a.nulls === null ? null : a.nulls.slice(0, n) };
  };
}

/** ROUND/TRUNCATE of a BIGINT column (wide or not) by an INT column or constant of digits. */
function bigintRowwise(type: DataType, f: (x: bigint, digits: number) => bigint): Kernel {
  return (args, n) => {
    const a = args[0]!;
    const dcol = args[1];
    const av = a.values as ArrayLike<Int64>;
    const out = new Array<Int64>(n);
    let nulls: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      out[i] = 0;
      const isNull = (a.nulls !== null && a.nulls[i] === 1) || (dcol !== undefined && dcol.nulls !== null && dcol.nulls[i] === 1);
      if (isNull) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
        continue;
      }
      const x = av[i]!;
      const digits = dcol === undefined ? 0 : (dcol.values[i] as number);
      out[i] = canonical(f(typeof x === 'bigint' ? x : BigInt(x), digits));
    }
    return { type, values: packInt64(out, n), nulls };
  };
}

roundLike('round', ['ROUND'], 'ROUND(x [, digits])', roundHalfUp);
roundLike('truncate', ['TRUNCATE', 'TRUNC'], 'TRUNCATE(x [, digits])', truncateAt);
