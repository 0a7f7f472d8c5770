// Exact DECIMAL(p, s), p <= 38 (Flink's DecimalData semantics).
//
// Representation, chosen by the declared precision (types.ts physicalKind):
// - "narrow" DECIMAL(p <= 15, s): physical 'f64'. The carried double is the one nearest the
//   exact decimal. A decimal of at most 15 significant digits round-trips through a double,
//   so the double IS the decimal: unscaled = Math.round(x * 10^s), exact. Every operation
//   that produces a DECIMAL computes on the scaled integers and stores unscaled / 10^s
//   (a correctly rounded division), so values never drift; comparisons, keys, MIN/MAX and
//   hashing of the doubles are exact as they are.
// - "wide" DECIMAL(p > 15, s): physical 'str', the canonical text with exactly s fraction
//   digits (`-12.50`, `0.000`, no `+`, no leading zeros, no `-0`). Equal values are equal
//   strings, so keys, hashes, state, checkpoints, thread transfer and printing carry them as
//   they carry STRING. Arithmetic reads the text as a bigint unscaled value.
//
// Result types follow Flink's LogicalTypeMerging (Calcite's rules, bounded at 38 digits with
// at least 6 fraction digits kept when the bound cuts). Rounding is HALF_UP (Java's
// BigDecimal.setScale(s, HALF_UP)), and a value that needs more digits than its precision
// allows is NULL, as Flink's DecimalData.fromBigDecimal makes it (arithmetic and CAST).

import type { Column } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, typeToString } from '../common/types.js';
import { unionNulls, type Kernel } from './kernels.js';

export const MAX_PRECISION = 38;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Largest precision carried as a double (15 digits round-trip through binary64). */
export const NARROW_PRECISION = 15;

export function isWideDecimal(t: DataType): boolean {
  return t.kind === 'DECIMAL' && (t.precision ?? 10) > NARROW_PRECISION;
}

export function precisionOf(t: DataType): number {
  return t.kind === 'DECIMAL' ? (t.precision ?? 10) : t.kind === 'INT' ? 10 : t.kind === 'BIGINT' ? 19 : 38;
}

export function scaleOf(t: DataType): number {
  return t.kind === 'DECIMAL' ? (t.scale ?? 0) : 0;
}

// ---------------------------------------------------------------------------------------
// Result types (Flink LogicalTypeMerging)

/** Bounds a derived type at 38 digits, keeping at least min(s, 6) fraction digits. */
export function adjustPrecisionScale(p: number, s: number): DataType {
  if (p <= MAX_PRECISION) return T.decimal(p, s);
  const intDigits = p - s;
  const minScale = Math.min(s, 6);
  return T.decimal(MAX_PRECISION, Math.max(MAX_PRECISION - intDigits, minScale));
}

export function decimalResultType(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', p1: number, s1: number, p2: number, s2: number): DataType {
  switch (op) {
    case 'add':
    case 'sub': {
      const s = Math.max(s1, s2);
      return adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + s + 1, s);
    }
    case 'mul':
      return adjustPrecisionScale(p1 + p2, s1 + s2);
    case 'div': {
      const s = Math.max(6, s1 + p2 + 1);
      return adjustPrecisionScale(p1 - s1 + s2 + s, s);
    }
    case 'mod': {
      const s = Math.max(s1, s2);
      return adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + s, s);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Scalars: unscaled bigint <-> text / double

const POW10N: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10N.push(p);
const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number(POW10N[i]!));

export function pow10n(k: number): bigint {
  return k <= 80 ? POW10N[k]! : 10n ** BigInt(k);
}

/** Canonical text of unscaled / 10^scale. */
export function formatUnscaled(u: bigint, scale: number): string {
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return neg ? '-' + digits : digits;
}

/** Unscaled value of canonical text at its scale (the text has exactly `scale` fraction digits). */
export function unscaledOfText(text: string): bigint {
  const dot = text.indexOf('.');
  return BigInt(dot < 0 ? text : text.slice(0, dot) + text.slice(dot + 1));
}

/** Unscaled value of a narrow DECIMAL's double at scale s. */
export function unscaledOfNarrow(x: number, scale: number): number {
  return Math.round(x * POW10[scale]!);
}

/** The carried double of a narrow unscaled integer. */
export function narrowOf(u: number, scale: number): number {
  return u / POW10[scale]!;
}

/** Division rounded HALF_UP (away from zero at .5), as BigDecimal's HALF_UP. */
export function divHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const ar = r < 0n ? -r : r;
  const ab = b < 0n ? -b : b;
  if (2n * ar >= ab) return (a < 0n) !== (b < 0n) ? q - 1n : q + 1n;
  return q;
}

/** Unscaled at scale `from` rescaled to scale `to` (HALF_UP when digits are dropped). */
export function rescale(u: bigint, from: number, to: number): bigint {
  if (to === from) return u;
  return to > from ? u * pow10n(to - from) : divHalfUp(u, pow10n(from - to));
}

/** True when unscaled u fits precision p (|u| < 10^p). */
export function fits(u: bigint, p: number): boolean {
  const lim = pow10n(p);
  return u < lim && u > -lim;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Exact unscaled value at `scale` of decimal text (`12.5`, `-.5`, `1e3`, surrounding spaces
 * not allowed), rounded HALF_UP; undefined when the text is no number.
 */
export function parseUnscaled(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (m === null) return undefined;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart.length + frac.length === 0) return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isFinite(exp) || Math.abs(exp) > 1000) return undefined;
  let digits = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
  // value = digits * 10^(exp - frac.length)
  const shift = exp - frac.length + scale;
  digits = shift >= 0 ? digits * pow10n(shift) : divHalfUp(digits, pow10n(-shift));
  return m[1] === '-' ? -digits : digits;
}

/**
 * Unscaled value at `scale` of a double, rounded HALF_UP from its shortest decimal text, as
 * Flink's cast does (BigDecimal.valueOf(double)): CAST(1.005E0 AS DECIMAL(3, 2)) is 1.01.
 */
export function unscaledOfDouble(x: number, scale: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  return parseUnscaled(String(x), scale);
}

// ---------------------------------------------------------------------------------------
// Columns

/**
 * Unscaled value of row i as a number when it is within ±(2^53-1) and cheap to read (narrow
 * DECIMAL, integers, wide text of at most 15 digits); NaN otherwise (read it as a bigint).
 */
function smallUnscaledAt(col: Column, i: number, wide: boolean, f: number): number {
  if (!wide) {
    if (col.type.kind === 'DECIMAL') return Math.round((col.values as Float64Array)[i]! * f);
    const x: unknown = col.values[i]; // a BIGINT column may hold a JS bigint (branch bigint)
    return typeof x === 'number' ? x : NaN;
  }
  const text = (col.values as string[])[i]!;
  if (text.length > 16) return NaN;
  const dot = text.indexOf('.');
  return Number(dot < 0 ? text : text.slice(0, dot) + text.slice(dot + 1));
}

/** Canonical text of a safe-integer unscaled value (no bigint on the way). */
function formatSmallUnscaled(u: number, scale: number): string {
  const neg = u < 0;
  let digits = String(neg ? -u : u);
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return neg ? '-' + digits : digits;
}

/** Unscaled value (at the type's scale) of row i of a DECIMAL or integer column. */
export function unscaledAt(col: Column, i: number): bigint {
  const t = col.type;
  if (t.kind === 'DECIMAL') {
    if (isWideDecimal(t)) return unscaledOfText((col.values as string[])[i]!);
    return BigInt(unscaledOfNarrow((col.values as Float64Array)[i]!, t.scale ?? 0));
  }
  return BigInt((col.values as unknown[])[i] as number | bigint); // a number or (wide BIGINT) a bigint
}

/** Output buffer for a DECIMAL column: doubles (narrow) or canonical texts (wide). */
export function decimalValues(t: DataType, n: number): Float64Array | string[] {
  return isWideDecimal(t) ? new Array<string>(n).fill('0') : new Float64Array(n);
}

/** Stores unscaled u (at t's scale) into row i; false when it overflows t's precision. */
export function storeUnscaled(out: Float64Array | string[], i: number, u: bigint, t: DataType): boolean {
  if (!fits(u, t.precision ?? 10)) return false;
  if (isWideDecimal(t)) (out as string[])[i] = formatUnscaled(u, t.scale ?? 0);
  else (out as Float64Array)[i] = narrowOf(Number(u), t.scale ?? 0);
  return true;
}

/** A JS value of a DECIMAL scalar (a double for narrow types, canonical text for wide). */
export function decimalScalarOfUnscaled(u: bigint, t: DataType): number | string {
  return isWideDecimal(t) ? formatUnscaled(u, t.scale ?? 0) : narrowOf(Number(u), t.scale ?? 0);
}

/** Text of a DECIMAL value at its scale (either representation). */
export function formatDecimalValue(v: number | string, t: DataType): string {
  if (typeof v === 'string') return v;
  const s = t.scale ?? 0;
  if (Math.abs(v) < 1e21) {
    const text = v.toFixed(s);
    return text.startsWith('-') && /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  }
  return String(v);
}

/** Compares two canonical texts of the same scale: <0, 0, >0. No allocation. */
export function compareCanonical(a: string, b: string): number {
  if (a === b) return 0;
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let c: number;
  if (a.length !== b.length) c = a.length - b.length;
  else c = a < b ? -1 : 1;
  return na ? -c : c;
}

// ---------------------------------------------------------------------------------------
// Kernels

export type DecimalOp = 'add' | 'sub' | 'mul' | 'div' | 'mod';

/**
 * a op b with a DECIMAL result (operands DECIMAL or integer). Narrow + - * run on doubles
 * holding scaled integers (exact below 10^15); everything else on bigint unscaled values.
 * Overflow of the result precision gives NULL (Flink); division or modulo by zero gives NULL
 * (weir's documented rule for every type).
 */
export function decimalArithmetic(op: DecimalOp, ta: DataType, tb: DataType, ret: DataType): Kernel {
  const s1 = scaleOf(ta);
  const s2 = scaleOf(tb);
  const s = ret.scale ?? 0;
  const p = ret.precision ?? 10;
  const narrowIn = !isWideDecimal(ta) && !isWideDecimal(tb) && ta.kind !== 'BIGINT' && tb.kind !== 'BIGINT';
  if (narrowIn && !isWideDecimal(ret) && (op === 'add' || op === 'sub' || op === 'mul')) {
    // exact in doubles: every operand and result is an integer below 10^15 < 2^53
    const fa = POW10[s1]!;
    const fb = POW10[s2]!;
    const ka = op === 'mul' ? 1 : POW10[s - s1]!;
    const kb = op === 'mul' ? 1 : POW10[s - s2]!;
    const div = POW10[s]!;
    const lim = POW10[p]!;
    const sign = op === 'sub' ? -1 : 1;
    const mul = op === 'mul';
    return (args, n) => {
      const av = args[0]!.values as Float64Array;
      const bv = args[1]!.values as Float64Array;
      let nulls = unionNulls(args, n);
      const out = new Float64Array(n);
      let over = false;
      for (let i = 0; i < n; i++) {
        const ua = Math.round(av[i]! * fa) * ka;
        const ub = Math.round(bv[i]! * fb) * kb;
        const r = mul ? ua * ub : ua + sign * ub;
        if (!(r < lim && r > -lim)) over = true;
        out[i] = r / div;
      }
      if (over) {
        for (let i = 0; i < n; i++) {
          const r = Math.round(out[i]! * div);
          if (!(r < lim && r > -lim)) {
            nulls ??= new Uint8Array(n);
            nulls[i] = 1;
            out[i] = 0;
          }
        }
      }
      return { type: ret, values: out, nulls };
    };
  }
  // the double fast path of the generic loop: + - * at scales whose powers of ten are exact
  const small = (((op === 'add' || op === 'sub') && s >= s1 && s >= s2) || (op === 'mul' && s1 + s2 === s)) && s <= 15 && s1 <= 15 && s2 <= 15;
  const wideA = isWideDecimal(ta);
  const wideB = isWideDecimal(tb);
  const wideRet = isWideDecimal(ret);
  const fa = ta.kind === 'DECIMAL' ? POW10[Math.min(s1, 22)]! : 1;
  const fb = tb.kind === 'DECIMAL' ? POW10[Math.min(s2, 22)]! : 1;
  const ka = op === 'mul' ? 1 : POW10[Math.max(0, s - s1)]!;
  const kb = op === 'mul' ? 1 : POW10[Math.max(0, s - s2)]!;
  const lim = p <= 22 ? POW10[p]! : Infinity;
  return (args, n) => {
    const a = args[0]!;
    const b = args[1]!;
    const inNulls = unionNulls(args, n);
    let nulls: Uint8Array | null = inNulls;
    const out = decimalValues(ret, n);
    const setNull = (i: number): void => {
      if (nulls === null || nulls === inNulls) nulls = inNulls === null ? new Uint8Array(n) : inNulls.slice(0, n);
      nulls[i] = 1;
    };
    for (let i = 0; i < n; i++) {
      if (inNulls !== null && inNulls[i] === 1) continue;
      if (small) {
        // small values: the same integer arithmetic in doubles while it stays exact
        const xa = smallUnscaledAt(a, i, wideA, fa);
        const xb = smallUnscaledAt(b, i, wideB, fb);
        const r = op === 'mul' ? xa * xb : op === 'add' ? xa * ka + xb * kb : xa * ka - xb * kb;
        if (r >= -MAX_SAFE && r <= MAX_SAFE && Math.abs(xa * ka) <= MAX_SAFE && Math.abs(xb * kb) <= MAX_SAFE) {
          if (!(r < lim && r > -lim)) setNull(i);
          else if (wideRet) (out as string[])[i] = formatSmallUnscaled(r, s);
          else (out as Float64Array)[i] = r / POW10[s]!;
          continue;
        }
      }
      const ua = unscaledAt(a, i);
      const ub = unscaledAt(b, i);
      let r: bigint;
      switch (op) {
        // the exact sum at the common scale, rounded once (Flink's BigDecimal add, then
        // fromBigDecimal): rounding each operand to a bounded scale first rounds twice
        case 'add': {
          const m = Math.max(s1, s2);
          r = rescale(rescale(ua, s1, m) + rescale(ub, s2, m), m, s);
          break;
        }
        case 'sub': {
          const m = Math.max(s1, s2);
          r = rescale(rescale(ua, s1, m) - rescale(ub, s2, m), m, s);
          break;
        }
        case 'mul':
          r = rescale(ua * ub, s1 + s2, s);
          break;
        case 'div':
          if (ub === 0n) {
            setNull(i);
            continue;
          }
          // a / b = (ua / 10^s1) / (ub / 10^s2); at scale s: ua * 10^(s - s1 + s2) / ub
          r = scaledQuotient(ua, ub, s - s1 + s2);
          break;
        case 'mod': {
          if (ub === 0n) {
            setNull(i);
            continue;
          }
          const m = Math.max(s1, s2);
          r = rescale(rescale(ua, s1, m) % rescale(ub, s2, m), m, s);
          break;
        }
      }
      if (!storeUnscaled(out, i, r, ret)) setNull(i);
    }
    return { type: ret, values: out, nulls };
  };
}

function scaledQuotient(ua: bigint, ub: bigint, k: number): bigint {
  return k >= 0 ? divHalfUp(ua * pow10n(k), ub) : divHalfUp(ua, ub * pow10n(-k));
}

/** -a for a DECIMAL. */
export function decimalNegate(t: DataType): Kernel {
  if (!isWideDecimal(t)) {
    return (args, n) => {
      const av = args[0]!.values as Float64Array;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = av[i]! === 0 ? 0 : -av[i]!;
      return { type: t, values: out, nulls: args[0]!.nulls === null ? null : args[0]!.nulls.slice(0, n) };
    };
  }
  return (args, n) => {
    const av = args[0]!.values as string[];
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const x = av[i]!;
      out[i] = x.charCodeAt(0) === 45 ? x.slice(1) : /^[0.]*$/.test(x) ? x : '-' + x;
    }
    return { type: t, values: out, nulls: args[0]!.nulls === null ? null : args[0]!.nulls.slice(0, n) };
  };
}

/** Comparison of two wide DECIMAL columns of the same type. */
export function compareWide(f: (c: number) => boolean): Kernel {
  return (args, n) => {
    const av = args[0]!.values as string[];
    const bv = args[1]!.values as string[];
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = f(compareCanonical(av[i]!, bv[i]!)) ? 1 : 0;
    return { type: T.BOOLEAN, values: out, nulls: unionNulls(args, n) };
  };
}

/**
 * CAST to DECIMAL(p, s) from a numeric, with HALF_UP rounding. A value that does not fit is
 * NULL (Flink's cast; TRY_CAST alike); NaN and infinities cannot be a DECIMAL: an error for
 * CAST, NULL for TRY_CAST.
 */
export function castToDecimal(from: DataType, to: DataType, safe: boolean): Kernel {
  const s = to.scale ?? 0;
  const p = to.precision ?? 10;
  const fromDecimalOrInt = from.kind === 'DECIMAL' || from.kind === 'INT' || from.kind === 'BIGINT';
  const sFrom = scaleOf(from);
  return (args, n) => {
    const a = args[0]!;
    const inNulls = a.nulls;
    let nulls: Uint8Array | null = inNulls === null ? null : inNulls.slice(0, n);
    const out = decimalValues(to, n);
    for (let i = 0; i < n; i++) {
      if (inNulls !== null && inNulls[i] === 1) continue;
      let u: bigint | undefined;
      if (fromDecimalOrInt) u = rescale(unscaledAt(a, i), sFrom, s);
      else if (from.kind === 'BOOLEAN') u = BigInt((a.values as Uint8Array)[i]!) * pow10n(s);
      else if (from.kind === 'STRING') u = parseUnscaled((a.values as string[])[i]!.trim(), s);
      else u = unscaledOfDouble((a.values as Float64Array)[i]!, s);
      if (u === undefined && !safe) {
        const v = a.values[i];
        throw new WeirError('execution', `cannot cast ${typeof v === 'string' ? `'${v}'` : String(v)} to ${typeToString(to)}`, { hint: 'use TRY_CAST to get NULL instead of an error' });
      }
      if (u === undefined || !fits(u, p)) {
        nulls ??= new Uint8Array(n);
        nulls[i] = 1;
        continue;
      }
      storeUnscaled(out, i, u, to);
    }
    return { type: to, values: out, nulls };
  };
}

/** CAST of a DECIMAL to DOUBLE, INT, BIGINT or STRING: reads the exact value. */
export function decimalToDouble(col: Column, n: number): Float64Array {
  const out = new Float64Array(n);
  if (!isWideDecimal(col.type)) {
    out.set((col.values as Float64Array).subarray(0, n));
    return out;
  }
  const v = col.values as string[];
  for (let i = 0; i < n; i++) out[i] = Number(v[i]);
  return out;
}

/** Texts of a DECIMAL column at its scale. */
export function decimalTexts(col: Column, n: number): string[] {
  const out = new Array<string>(n);
  const nulls = col.nulls;
  if (isWideDecimal(col.type)) {
    const v = col.values as string[];
    for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? '' : v[i]!;
  } else {
    const v = col.values as Float64Array;
    for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? '' : formatDecimalValue(v[i]!, col.type);
  }
  return out;
}

/**
 * A column of wide DECIMAL values as doubles, for functions that compute in doubles (ABS,
 * ROUND, SQRT...). Only values of at most 15 significant digits convert exactly; any other
 * fails the job rather than be rounded.
 */
export function wideToDoubles(col: Column, n: number, what: string): Column {
  const v = col.values as string[];
  const out = new Float64Array(n);
  const nulls = col.nulls;
  const s = col.type.scale ?? 0;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const u = unscaledOfText(v[i]!);
    if (u >= 1000000000000000n || u <= -1000000000000000n) throw notExact(what, v[i]!, col.type);
    out[i] = narrowOf(Number(u), s);
  }
  return { type: col.type, values: out, nulls };
}

/** The inverse of wideToDoubles for a kernel's DECIMAL result. */
export function doublesToWide(col: Column, n: number, what: string): Column {
  const v = col.values as Float64Array;
  const t = col.type;
  const s = t.scale ?? 0;
  const out = new Array<string>(n).fill('0');
  const nulls = col.nulls;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const x = v[i]!;
    const u = Math.round(x * POW10[Math.min(s, 22)]!);
    if (!Number.isFinite(x) || s > 22 || Math.abs(u) >= 1e15) throw notExact(what, String(x), t);
    out[i] = formatUnscaled(BigInt(u), s);
  }
  return { type: t, values: out, nulls };
}

function notExact(what: string, value: string, t: DataType): WeirError {
  return new WeirError('execution', `${what} of the ${typeToString(t)} value ${value}: weir computes this function in doubles, which carry only 15 significant digits exactly`, {
    hint: `CAST the argument to DOUBLE if an approximate result is fine`,
  });
}

/**
 * Canonical text of a wide DECIMAL read from a file (`1.5` in DECIMAL(20, 2) is `1.50`),
 * rounded HALF_UP at the scale as the narrow parser does; undefined when the text is no
 * number or needs more digits than the precision.
 */
export function canonicalDecimalText(text: string, t: DataType): string | undefined {
  const u = parseUnscaled(text.trim(), t.scale ?? 0);
  if (u === undefined || !fits(u, t.precision ?? 10)) return undefined;
  return formatUnscaled(u, t.scale ?? 0);
}
