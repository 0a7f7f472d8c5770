// Numeric functions. ROUND rounds half away from zero and TRUNCATE toward zero, at a number
// of decimal places, on the decimal value of the double as Flink does it:
// BigDecimal.valueOf(x) (the shortest decimal text that reads back as x, so 2.675 is 2.675,
// not 2.67499999...), setScale(digits, HALF_UP or DOWN), then the nearest double.

import { randomUUID } from 'node:crypto';
import type { Scalar } from '../../common/batch.js';
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

// ---------------------------------------------------------------------------------------
// E(), COT, SINH, COSH, TANH (doubles, as Java's Math), BIN and HEX (Java's Long.toBinaryString
// / Long.toHexString: a negative value is its 64-bit two's complement; HEX of a string is the
// hex of its UTF-8 bytes, upper case).

registerFunction({
  name: 'e',
  sqlNames: ['E'],
  doc: 'E()',
  resolve: (args) => (args.length === 0 ? { args: [], ret: T.DOUBLE } : 'no arguments'),
  kernel: () => (_args, n) => ({ type: T.DOUBLE, values: new Float64Array(n).fill(Math.E), nulls: null }),
});
unaryNumeric('cot', ['COT'], 'COT(x)', dbl, (x) => 1 / Math.tan(x));
unaryNumeric('sinh', ['SINH'], 'SINH(x)', dbl, Math.sinh);
unaryNumeric('cosh', ['COSH'], 'COSH(x)', dbl, Math.cosh);
unaryNumeric('tanh', ['TANH'], 'TANH(x)', dbl, Math.tanh);

/** Long.toString(x, radix) of the 64-bit two's complement of x (radix 2 or 16). */
export function unsignedText(x: Int64, radix: 2 | 16): string {
  if (typeof x === 'number' && x >= 0) return x.toString(radix);
  return BigInt.asUintN(64, BigInt(x)).toString(radix);
}

function radixFunction(name: string, doc: string, radix: 2 | 16, strings: boolean): void {
  registerFunction({
    name,
    sqlNames: [name.toUpperCase()],
    doc,
    wideInts: true,
    resolve(args) {
      const t = args[0];
      if (args.length === 1 && t !== undefined && (isIntegral(t) || t.kind === 'NULL')) return { args: [T.BIGINT], ret: T.STRING };
      if (strings && args.length === 1 && t?.kind === 'STRING') return { args: [T.STRING], ret: T.STRING };
      return `one ${strings ? 'integer or STRING' : 'integer'} argument: ${doc}`;
    },
    kernel(sig) {
      if (sig.args[0]!.kind === 'STRING') return rowwise(T.STRING, (a) => Buffer.from(a[0] as string, 'utf8').toString('hex').toUpperCase());
      return rowwise(T.STRING, (a) => {
        const s = unsignedText(a[0] as unknown as Int64, radix);
        return radix === 16 ? s.toUpperCase() : s;
      });
    },
  });
}
radixFunction('bin', 'BIN(n): n in binary', 2, false);
radixFunction('hex', 'HEX(n | s): n, or the UTF-8 bytes of s, in hex (upper case)', 16, true);

// ---------------------------------------------------------------------------------------
// RAND(), RAND(seed), RAND_INTEGER(bound), RAND_INTEGER(seed, bound), UUID(): nondeterministic
// (never folded; `weir verify` refuses them). As Flink's generated code, each call site of each
// parallel instance holds a java.util.Random, seeded by a constant seed when one is given, so
// RAND(42) draws the same sequence as Java's new Random(42).nextDouble() on every subtask (and
// again from its start after a restore). A NULL seed is no seed. RAND_INTEGER's bound must be
// positive (Flink fails the query otherwise); a NULL bound gives NULL.

const MASK24 = 0x1000000;
const MULT_HI = 0x5de; // 0x5DEECE66D = MULT_HI * 2^24 + MULT_LO
const MULT_LO = 0xece66d;

/** java.util.Random's 48-bit linear congruential generator, in two 24-bit halves (no allocation). */
export class JavaRandom {
  private hi: number;
  private lo: number;

  constructor(seed?: number) {
    const s = seed === undefined ? BigInt(Math.floor(Math.random() * 2 ** 53)) : BigInt(Math.trunc(seed));
    const scrambled = BigInt.asUintN(48, s ^ 0x5deece66dn);
    this.hi = Number(scrambled >> 24n);
    this.lo = Number(scrambled & 0xffffffn);
  }

  /** Random.next(bits) for bits <= 31 (non-negative). */
  next(bits: number): number {
    const p0 = this.lo * MULT_LO + 0xb;
    const carry = Math.floor(p0 / MASK24);
    const lo = p0 - carry * MASK24;
    const p1 = this.hi * MULT_LO + this.lo * MULT_HI + carry;
    this.hi = p1 % MASK24;
    this.lo = lo;
    return Math.floor((this.hi * MASK24 + this.lo) / 2 ** (48 - bits));
  }

  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) * 2 ** -53;
  }

  /** Random.nextInt(bound), bound > 0. */
  nextInt(bound: number): number {
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Math.floor((bound * r) / 2147483648);
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = this.next(31));
    return r;
  }
}

function seedOf(consts: readonly (Scalar | undefined)[], fn: string): number | undefined {
  const c = consts[0];
  if (c === undefined) throw new Error(`${fn}: the seed must be a constant`);
  return c === null ? undefined : Number(c);
}

registerFunction({
  name: 'rand',
  sqlNames: ['RAND'],
  doc: 'RAND([seed]): a pseudorandom DOUBLE in [0, 1)',
  deterministic: false,
  resolve(args) {
    if (args.length === 0) return { args: [], ret: T.DOUBLE };
    if (args.length === 1 && (isIntegral(args[0]!) || args[0]!.kind === 'NULL')) return { args: [T.INT], ret: T.DOUBLE };
    return 'no arguments or an integer seed: RAND([seed])';
  },
  kernel(sig, consts) {
    const random = new JavaRandom(sig.args.length === 0 ? undefined : seedOf(consts, 'RAND'));
    return (_args, n) => {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = random.nextDouble();
      return { type: T.DOUBLE, values, nulls: null };
    };
  },
});

registerFunction({
  name: 'rand_integer',
  sqlNames: ['RAND_INTEGER'],
  doc: 'RAND_INTEGER([seed,] bound): a pseudorandom INT in [0, bound)',
  deterministic: false,
  resolve(args) {
    if ((args.length === 1 || args.length === 2) && args.every((a) => isIntegral(a) || a.kind === 'NULL')) return { args: args.map(() => T.INT), ret: T.INT };
    return 'an integer bound, optionally after an integer seed: RAND_INTEGER([seed,] bound)';
  },
  kernel(sig, consts) {
    const seeded = sig.args.length === 2;
    const random = new JavaRandom(seeded ? seedOf(consts, 'RAND_INTEGER') : undefined);
    return (args, n) => {
      const b = args[seeded ? 1 : 0]!;
      const bv = b.values as Float64Array;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (b.nulls !== null && b.nulls[i] === 1) continue;
        const bound = bv[i]!;
        if (bound <= 0) throw new Error(`RAND_INTEGER: the bound must be positive, got ${bound}`);
        values[i] = random.nextInt(bound);
      }
      return { type: T.INT, values, nulls: b.nulls === null ? null : b.nulls.slice(0, n) };
    };
  },
});

registerFunction({
  name: 'uuid',
  sqlNames: ['UUID'],
  doc: 'UUID(): a random (version 4) UUID string',
  deterministic: false,
  resolve: (args) => (args.length === 0 ? { args: [], ret: T.STRING } : 'no arguments: UUID()'),
  kernel() {
    return (_args, n) => {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) values[i] = randomUUID();
      return { type: T.STRING, values, nulls: null };
    };
  },
});
