// Numeric functions. ROUND rounds half away from zero, as Flink does for DECIMAL and DOUBLE
// (Java's HALF_UP); DECIMAL values are carried as doubles, so rounding first snaps the
// scaled value to 15 significant digits to undo binary representation error (2.675 stays
// 2.675, not 2.67499999...).

import type { DataType } from '../../common/types.js';
import { T, isIntegral, isNumeric, typeToString } from '../../common/types.js';
import { mapF64, mapF64x2, mapF64x2NullOnNaN, rowwise } from '../kernels.js';
import { registerFunction } from '../registry.js';

function numericArg(t: DataType | undefined): DataType | null {
  if (t === undefined) return null;
  if (t.kind === 'NULL') return T.INT;
  return isNumeric(t) ? t : null;
}

function unaryNumeric(name: string, sqlNames: string[], doc: string, ret: (t: DataType) => DataType, f: (x: number) => number): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    resolve(args) {
      const t = numericArg(args[0]);
      if (args.length !== 1 || t === null) return `one numeric argument: ${doc}`;
      return { args: [t], ret: ret(t) };
    },
    kernel(sig) {
      return mapF64(sig.ret, f);
    },
  });
}

const same = (t: DataType): DataType => t;
const dbl = (): DataType => T.DOUBLE;
const noScale = (t: DataType): DataType => (t.kind === 'DECIMAL' ? T.decimal(Math.min(38, (t.precision ?? 10) - (t.scale ?? 0) + 1), 0) : t);

/** Rounds half away from zero at `digits` decimal places. */
export function roundHalfUp(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.pow(10, digits);
  const scaled = Number((Math.abs(x) * f).toPrecision(15));
  const r = Math.floor(scaled + 0.5) / f;
  return x < 0 ? -r : r;
}

function truncateAt(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.pow(10, digits);
  const scaled = Number((Math.abs(x) * f).toPrecision(15));
  const r = Math.floor(scaled) / f;
  return x < 0 ? -r : r;
}

unaryNumeric('abs', ['ABS'], 'ABS(x)', same, Math.abs);
unaryNumeric('floor', ['FLOOR'], 'FLOOR(x)', noScale, Math.floor);
unaryNumeric('ceil', ['CEIL', 'CEILING'], 'CEIL(x)', noScale, Math.ceil);
unaryNumeric('sign', ['SIGN'], 'SIGN(x)', same, Math.sign);
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
/** MOD(a, b): integer remainder with the sign of a; NULL when b = 0. */
binaryNumeric('mod_fn', ['MOD'], 'MOD(a, b)', (a, b) => (isIntegral(a) && isIntegral(b) ? (a.kind === 'BIGINT' || b.kind === 'BIGINT' ? T.BIGINT : T.INT) : T.DOUBLE), (a, b) => (b === 0 ? NaN : a % b), true);

function roundLike(name: string, sqlNames: string[], doc: string, f: (x: number, d: number) => number): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    resolve(args) {
      const t = numericArg(args[0]);
      if (t === null || args.length < 1 || args.length > 2) return `a number and optional digits: ${doc}`;
      if (args.length === 2 && !(isIntegral(args[1]!) || args[1]!.kind === 'NULL')) return `integer digits, got ${typeToString(args[1]!)}`;
      return { args: args.length === 2 ? [t, T.INT] : [t], ret: t };
    },
    kernel(sig, consts) {
      const d = sig.args.length === 2 ? consts[1] : 0;
      if (typeof d === 'number') {
        if (isIntegral(sig.ret) && d >= 0) return mapF64(sig.ret, (x) => x);
        return mapF64(sig.ret, (x) => f(x, d));
      }
      return rowwise(sig.ret, (a) => f(a[0] as number, a.length > 1 ? (a[1] as number) : 0));
    },
  });
}

roundLike('round', ['ROUND'], 'ROUND(x [, digits])', roundHalfUp);
roundLike('truncate', ['TRUNCATE', 'TRUNC'], 'TRUNCATE(x [, digits])', truncateAt);
