// Flink's DECIMAL in DuckDB SQL, exactly. weir's DECIMAL(p, s) (p <= 38) is a DuckDB
// DECIMAL(p, s) in the translation, and every DECIMAL result is cast to the type Flink gives it
// (the bound expression's type, LogicalTypeMerging's rules), because DuckDB's own rules differ:
//   + - *   DuckDB computes the exact value (its scale is s1 + s2 for *, max(s1, s2) for + -);
//           TRY_CAST then rounds it HALF_UP to Flink's scale (Flink's bound at 38 digits drops
//           fraction digits: DECIMAL(38, 10) + DECIMAL(38, 10) is DECIMAL(38, 9)) and gives NULL
//           on overflow, as Flink does.
//   /       DuckDB's decimal division is a DOUBLE. Here it is integer arithmetic on the unscaled
//           values in HUGEINT: a * 10^k / b rounded HALF_UP at Flink's scale. Exact whenever
//           the HUGEINT (±1.7e38) holds the intermediate; beyond that DuckDB raises an overflow
//           error (the query fails to verify, loudly; never a rounded value).
//   %       DuckDB would compute it in DOUBLE; here the remainder of the unscaled values at the
//           common scale (Java's BigDecimal.remainder: the sign of the dividend).
//   AVG     SUM (DECIMAL(38, s), exact in DuckDB) divided by COUNT as above, at Flink's scale
//           max(6, s). DuckDB's avg() of a DECIMAL is a DOUBLE.
// Integer operands take part as Flink's DECIMAL(10, 0) (INT) and DECIMAL(19, 0) (BIGINT).

import type { DataType } from '../common/types.js';
import { isIntegral } from '../common/types.js';

let lambdas = 0;

/** The DuckDB type of DECIMAL(p, s). */
export function duckDecimalType(t: DataType): string {
  return `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`;
}

/** The scale an operand of a DECIMAL operation has (integers: 0). */
export function operandScale(t: DataType): number {
  return t.kind === 'DECIMAL' ? (t.scale ?? 0) : 0;
}

/** An INT/BIGINT/DECIMAL value as a DuckDB DECIMAL (integers as Flink's DECIMAL(10|19, 0)). */
export function asDuckDecimal(x: string, t: DataType): string {
  if (t.kind === 'DECIMAL') return x;
  if (t.kind === 'INT') return `CAST(${x} AS DECIMAL(10, 0))`;
  if (t.kind === 'BIGINT') return `CAST(${x} AS DECIMAL(19, 0))`;
  return `CAST(${x} AS DECIMAL(38, 0))`;
}

/** The unscaled value of x (type t, its scale as above) as a HUGEINT. */
export function duckUnscaled(x: string, t: DataType): string {
  if (isIntegral(t)) return `CAST(${x} AS HUGEINT)`;
  // DuckDB's text of a DECIMAL(p, s) has exactly s fraction digits: drop the point
  return `CAST(replace(CAST(${x} AS VARCHAR), '.', '') AS HUGEINT)`;
}

/** 10^k as a HUGEINT literal (k <= 38). */
export function pow10Huge(k: number): string {
  return `CAST('1${'0'.repeat(k)}' AS HUGEINT)`;
}

/** The DECIMAL of type `to` whose unscaled value at scale `scale` is the HUGEINT q; NULL when it overflows `to`. */
export function duckFromUnscaled(q: string, scale: number, to: DataType): string {
  const dec = `TRY_CAST(${q} AS DECIMAL(38, 0))`;
  const scaled = scale === 0 ? dec : `(${dec} * CAST('0.${'0'.repeat(scale - 1)}1' AS DECIMAL(38, ${scale})))`;
  return `TRY_CAST(${scaled} AS ${duckDecimalType(to)})`;
}

/** n / d (HUGEINTs) rounded HALF_UP (half away from zero); NULL when d is 0 or either is NULL. */
export function duckHalfUpDiv(n: string, d: string): string {
  const v = `__dq${++lambdas}`;
  const an = `abs(${v}.n)`;
  const ad = `abs(${v}.d)`;
  const r = `(${an} % ${ad})`;
  return `list_transform([struct_pack(n := CAST(${n} AS HUGEINT), d := CAST(NULLIF(${d}, 0) AS HUGEINT))], lambda ${v}: CASE WHEN ${v}.n IS NULL OR ${v}.d IS NULL THEN NULL ELSE (${an} // ${ad} + CASE WHEN ${r} >= ${ad} - ${r} THEN 1 ELSE 0 END) * sign(${v}.n) * sign(${v}.d) END)[1]`;
}

function precisionOfOperand(t: DataType): number {
  return t.kind === 'DECIMAL' ? (t.precision ?? 10) : t.kind === 'INT' ? 10 : 19;
}

/**
 * a / b at Flink's result type `to` (a of type ta, b of type tb; INT, BIGINT or DECIMAL).
 * When a * 10^k may not fit a HUGEINT (p1 + k > 38), the quotient is formed by long
 * division in chunks: the remainder (< |b| < 10^p2) is multiplied by 10^(38 - p2) at a time,
 * so every intermediate fits, and the last remainder decides HALF_UP. A divisor of 38 digits
 * leaves no room for a chunk: that case has no exact translation (a RangeError).
 */
export function duckDecimalDivide(a: string, ta: DataType, b: string, tb: DataType, to: DataType): string {
  const s = to.scale ?? 0;
  const k = s - operandScale(ta) + operandScale(tb);
  const pa = precisionOfOperand(ta);
  const pb = precisionOfOperand(tb);
  if (k > 0 && pa + k > 38) {
    const k1 = Math.max(0, 38 - pa);
    const c = 38 - pb;
    if (c <= 0) throw new RangeError(`a decimal division by a 38-digit divisor scaling by 10^${k}`);
    const chunks: number[] = [];
    for (let left = k - k1; left > 0; left -= Math.min(c, left)) chunks.push(Math.min(c, left));
    const v = `__dv${++lambdas}`;
    const acc = `__dacc${lambdas}`;
    const x = `__dx${lambdas}`;
    const r = `__dr${lambdas}`;
    const n1 = k1 > 0 ? `(${v}.a * ${pow10Huge(k1)})` : `${v}.a`;
    const first = `struct_pack(q := ${n1} // ${v}.b, r := ${n1} % ${v}.b, m := CAST(1 AS HUGEINT))`;
    const steps = chunks.map((ch) => `struct_pack(q := CAST(0 AS HUGEINT), r := CAST(0 AS HUGEINT), m := ${pow10Huge(ch)})`);
    const reduce = `list_reduce([${first}, ${steps.join(', ')}], lambda ${acc}, ${x}: struct_pack(q := TRY(${acc}.q * ${x}.m + (${acc}.r * ${x}.m) // ${v}.b), r := (${acc}.r * ${x}.m) % ${v}.b, m := ${x}.m))`;
    const rounded = `list_transform([${reduce}], lambda ${r}: TRY((${r}.q + CASE WHEN ${r}.r >= ${v}.b - ${r}.r THEN 1 ELSE 0 END) * ${v}.sg))[1]`;
    const q = `list_transform([struct_pack(a := abs(${duckUnscaled(a, ta)}), b := abs(CAST(NULLIF(${duckUnscaled(b, tb)}, 0) AS HUGEINT)), sg := CAST(sign(${duckUnscaled(a, ta)}) * sign(${duckUnscaled(b, tb)}) AS HUGEINT))], lambda ${v}: CASE WHEN ${v}.a IS NULL OR ${v}.b IS NULL THEN NULL ELSE ${rounded} END)[1]`;
    return duckFromUnscaled(q, s, to);
  }
  if (Math.abs(k) > 38) throw new RangeError(`a decimal division scaling by 10^${k}`);
  const n = k > 0 ? `(${duckUnscaled(a, ta)} * ${pow10Huge(k)})` : duckUnscaled(a, ta);
  const d = k < 0 ? `(${duckUnscaled(b, tb)} * ${pow10Huge(-k)})` : duckUnscaled(b, tb);
  return duckFromUnscaled(duckHalfUpDiv(n, d), s, to);
}

/** a % b (Java's remainder: the sign of a) at Flink's result type `to`; NULL for b = 0. */
export function duckDecimalMod(a: string, ta: DataType, b: string, tb: DataType, to: DataType): string {
  const s = Math.max(operandScale(ta), operandScale(tb));
  const up = (x: string, t: DataType): string => (s > operandScale(t) ? `(${duckUnscaled(x, t)} * ${pow10Huge(s - operandScale(t))})` : duckUnscaled(x, t));
  return duckFromUnscaled(`(${up(a, ta)} % NULLIF(${up(b, tb)}, 0))`, s, to);
}

/** AVG of a DECIMAL(p, s) column at Flink's type `to` (DECIMAL(38, max(6, s))): sum / count, HALF_UP. */
export function duckDecimalAvg(sum: string, count: string, argType: DataType, to: DataType): string {
  const s = operandScale(argType);
  const k = (to.scale ?? 0) - s;
  const sumType: DataType = { kind: 'DECIMAL', precision: 38, scale: s } as DataType;
  const n = k > 0 ? `(${duckUnscaled(sum, sumType)} * ${pow10Huge(k)})` : duckUnscaled(sum, sumType);
  return duckFromUnscaled(duckHalfUpDiv(n, count), to.scale ?? 0, to);
}

/**
 * a * b at Flink's type `to` when DuckDB's own product cannot hold it: DuckDB keeps scale
 * s1 + s2 within 38 digits (DECIMAL(38, 10) * 3 overflows at 29 integer digits), where Flink
 * rounds the exact product to fewer fraction digits (DECIMAL(38, 6) there). The product of the
 * unscaled magnitudes A * B (B < 10^19, the narrower operand) is taken in two HUGEINT halves,
 * A = ah * 10^19 + al, and divided by 10^k (k = s1 + s2 - s) with HALF_UP rounding.
 * A HUGEINT overflow (TRY: NULL) means a magnitude beyond 1.7e38 units of the result scale,
 * which overflows DECIMAL(38) as well: NULL, as Flink's overflow.
 * Returns undefined when both operands have more than 19 digits (DuckDB's product is used).
 */
export function duckWideMultiply(a: string, ta: DataType, b: string, tb: DataType, to: DataType): string | undefined {
  const pa = ta.kind === 'DECIMAL' ? (ta.precision ?? 10) : ta.kind === 'INT' ? 10 : 19;
  const pb = tb.kind === 'DECIMAL' ? (tb.precision ?? 10) : tb.kind === 'INT' ? 10 : 19;
  if (pa + pb <= 38) return undefined;
  if (Math.min(pa, pb) > 19) return undefined;
  const [wx, wt, nx, nt] = pb <= 19 ? [a, ta, b, tb] : [b, tb, a, ta];
  const s = to.scale ?? 0;
  const k = operandScale(ta) + operandScale(tb) - s;
  if (k < 0 || k > 38) return undefined;
  const v = `__dm${++lambdas}`;
  const A = `abs(${v}.a)`;
  const B = `abs(${v}.b)`;
  const e19 = pow10Huge(19);
  const ah = `(${A} // ${e19})`;
  const al = `(${A} % ${e19})`;
  let mag: string;
  if (k === 0) mag = `(${ah} * ${B} * ${e19} + ${al} * ${B})`;
  else if (k <= 19) {
    const L = `(${al} * ${B})`;
    const pk = pow10Huge(k);
    mag = `(${ah} * ${B} * ${pow10Huge(19 - k)} + ${L} // ${pk} + CASE WHEN ${L} % ${pk} >= ${pk} - ${L} % ${pk} THEN 1 ELSE 0 END)`;
  } else {
    // total = M * 10^19 + L0 with M = ah * B + L // 10^19; rounding depends on M % 10^(k - 19) only
    const M = `(${ah} * ${B} + (${al} * ${B}) // ${e19})`;
    const pj = pow10Huge(k - 19);
    mag = `(${M} // ${pj} + CASE WHEN 2 * (${M} % ${pj}) >= ${pj} THEN 1 ELSE 0 END)`;
  }
  const q = `list_transform([struct_pack(a := ${duckUnscaled(wx, wt)}, b := ${duckUnscaled(nx, nt)})], lambda ${v}: TRY(${mag} * sign(${v}.a) * sign(${v}.b)))[1]`;
  return duckFromUnscaled(q, s, to);
}

/**
 * a + b or a - b at Flink's type `to` when DuckDB's exact sum would need more than 38 digits
 * (DuckDB then casts both operands to DECIMAL(38, max(s1, s2)) and fails on the one whose
 * integer digits do not fit, where Flink rounds the exact sum to fewer fraction digits).
 * The sum is taken as an integer part I and a fraction part F (|F| < 2, at scale max(s1, s2)),
 * made the same sign, and F alone is rounded HALF_UP at Flink's scale: round(I + F) = I +
 * round(F) when both have one sign. Undefined when DuckDB's own sum is exact, or when a scale
 * of 38 leaves no room for F.
 */
export function duckWideAdd(a: string, ta: DataType, op: '+' | '-', b: string, tb: DataType, to: DataType): string | undefined {
  const digits = (t: DataType): number => (t.kind === 'DECIMAL' ? (t.precision ?? 10) - (t.scale ?? 0) : t.kind === 'INT' ? 10 : 19);
  const S = Math.max(operandScale(ta), operandScale(tb));
  if (Math.max(digits(ta), digits(tb)) + S + 1 <= 38) return undefined;
  const s = to.scale ?? 0;
  if (S > 37 || s > 37) return undefined;
  const v = `__da${++lambdas}`;
  const intPart = (x: string): string => `CAST(trunc(${x}) AS DECIMAL(38, 0))`;
  const fracPart = (x: string): string => `CAST(${x} - trunc(${x}) AS DECIMAL(38, ${S}))`;
  const w = `__db${lambdas}`;
  const adj = `(CASE WHEN ${w}.i > 0 AND ${w}.f < 0 THEN 1 WHEN ${w}.i < 0 AND ${w}.f > 0 THEN -1 ELSE 0 END)`;
  const same = `TRY(CAST(${w}.i - ${adj} AS DECIMAL(38, ${s})) + CAST(${w}.f + ${adj} AS DECIMAL(38, ${s})))`;
  const parts = `struct_pack(i := TRY(${intPart(`${v}.x`)} ${op} ${intPart(`${v}.y`)}), f := ${fracPart(`${v}.x`)} ${op} ${fracPart(`${v}.y`)})`;
  const sum = `list_transform([struct_pack(x := ${asDuckDecimal(a, ta)}, y := ${asDuckDecimal(b, tb)})], lambda ${v}: list_transform([${parts}], lambda ${w}: ${same})[1])[1]`;
  return `TRY_CAST(${sum} AS ${duckDecimalType(to)})`;
}
