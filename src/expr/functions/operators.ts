// Arithmetic, comparison and logical operators, and NULL tests.
//
// Semantics (Flink SQL, with the documented weir choices):
// - INT op INT is INT, with BIGINT it is BIGINT; integer division truncates toward zero
//   (`7 / 2` = 3, `-7 / 2` = -3); `%` takes the sign of the dividend. Overflow wraps as in
//   Flink's generated Java: INT modulo 2^32, BIGINT modulo 2^64 (expr/int64-kernels.ts).
// - Division or modulo by zero gives NULL (DuckDB's rule; Flink throws). Documented.
// - DECIMAL is exact (expr/decimal.ts): Flink's result types, HALF_UP, overflow is NULL.
// - Comparisons and arithmetic are strict: a NULL operand gives NULL. AND/OR use
//   three-valued logic: FALSE AND NULL = FALSE, TRUE OR NULL = TRUE.

import { sessionTimeZone } from '../../common/time-zone.js';
import type { Column } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isComposite, isIntegral, isNumeric, typeToString } from '../../common/types.js';
import { compositeEquals } from '../../common/composite.js';
import { compareF64, mapF64, mapF64x2, nullOnZeroDivisor, unionNulls, type Kernel } from '../kernels.js';
import { bigintArithmetic, intArithmetic, integerNegate } from '../int64-kernels.js';
import { registerFunction, type Signature } from '../registry.js';
import { addMonths } from '../../common/time.js';
import { addToTime, truncateTime } from '../../common/time-of-day.js';
import { compareWide, decimalArithmetic, decimalNegate, decimalResultType, isWideDecimal, precisionOf, scaleOf } from '../decimal.js';

/** Result type of + - * between numerics (Flink/Calcite rules, DECIMAL approximated). */
export function arithmeticType(op: 'add' | 'sub' | 'mul' | 'div' | 'mod', a: DataType, b: DataType): DataType | null {
  if (!isNumeric(a) || !isNumeric(b)) return null;
  if (isIntegral(a) && isIntegral(b)) return a.kind === 'BIGINT' || b.kind === 'BIGINT' ? T.BIGINT : T.INT;
  if (a.kind === 'DOUBLE' || b.kind === 'DOUBLE') return T.DOUBLE;
  // DECIMAL with DECIMAL or integer: Flink's LogicalTypeMerging rules (expr/decimal.ts)
  return decimalResultType(op, precisionOf(a), scaleOf(a), precisionOf(b), scaleOf(b));
}

function numericBinary(name: string, op: 'add' | 'sub' | 'mul' | 'div' | 'mod', doc: string, realFn: (a: number, b: number) => number): void {
  registerFunction({
    name,
    sqlNames: [],
    doc,
    wideInts: true,
    resolve(args): Signature | string {
      const [a, b] = args;
      if (a === undefined || b === undefined) return 'two operands';
      if (a.kind === 'NULL' && b.kind === 'NULL') return { args: [T.INT, T.INT], ret: T.INT };
      const ta = a.kind === 'NULL' ? b : a;
      const tb = b.kind === 'NULL' ? a : b;
      // time arithmetic, as Flink types it (Calcite's PLUS/MINUS): a time point plus or minus an
      // interval keeps the time point's type, so DATE + INTERVAL '1' DAY is a DATE, and a
      // day-time interval moves a DATE by its whole days (INTERVAL '25' HOUR is one day; the
      // rest is dropped toward zero, as Flink's generated code does). Flink has no
      // time point - time point or DATE + integer operator.
      if (op === 'add' || op === 'sub') {
        // TIME +- a day-time interval wraps around midnight (Flink, Calcite), keeping TIME(p)
        if (ta.kind === 'TIME' || tb.kind === 'TIME') {
          if (ta.kind === 'TIME' && tb.kind === 'INTERVAL_DAY_TIME') return { args: [ta, tb], ret: ta };
          if (op === 'add' && tb.kind === 'TIME' && ta.kind === 'INTERVAL_DAY_TIME') return { args: [ta, tb], ret: tb };
          return `a TIME and a day-time INTERVAL, got ${typeToString(a)} and ${typeToString(b)}`;
        }
        if (isTimePoint(ta) && isInterval(tb)) return { args: [ta, tb], ret: ta };
        if (op === 'add' && isTimePoint(tb) && isInterval(ta)) return { args: [ta, tb], ret: tb };
        if (ta.kind === tb.kind && isInterval(ta)) return { args: [ta, tb], ret: ta };
        if (isTimePoint(ta) && isNumeric(tb)) {
          return `a ${typeToString(ta)} and an INTERVAL, got ${typeToString(a)} and ${typeToString(b)} (Flink adds no numbers to a ${typeToString(ta)}: write ${op === 'add' ? '+' : '-'} INTERVAL 'n' DAY)`;
        }
        if (isTimePoint(ta) && isTimePoint(tb)) {
          return `not two time points, got ${typeToString(a)} and ${typeToString(b)} (Flink has no ${typeToString(ta)} - ${typeToString(tb)}: use TIMESTAMPDIFF(DAY, a, b))`;
        }
      }
      if (op === 'mul') {
        if ((ta.kind === 'INTERVAL_DAY_TIME' || ta.kind === 'INTERVAL_YEAR_MONTH') && isNumeric(tb)) return { args: [ta, tb], ret: ta };
        if ((tb.kind === 'INTERVAL_DAY_TIME' || tb.kind === 'INTERVAL_YEAR_MONTH') && isNumeric(ta)) return { args: [ta, tb], ret: tb };
      }
      const ret = arithmeticType(op, ta, tb);
      if (ret === null) return `numeric operands, got ${typeToString(a)} and ${typeToString(b)}`;
      return { args: [ta, tb], ret };
    },
    kernel(sig): Kernel {
      const [a, b] = sig.args as [DataType, DataType];
      const ret = sig.ret;
      if (a.kind === 'TIME' || b.kind === 'TIME') {
        const sign = op === 'sub' ? -1 : 1;
        const p = ret.precision ?? 0;
        return a.kind === 'TIME' ? mapF64x2(ret, (t, d) => truncateTime(addToTime(t, sign * d), p)) : mapF64x2(ret, (d, t) => truncateTime(addToTime(t, d), p));
      }
      // timestamp/date +- interval
      if (isTimePoint(a) || isTimePoint(b)) {
        return timeArithmetic(op, a, b, ret);
      }
      if (a.kind === 'INTERVAL_DAY_TIME' || a.kind === 'INTERVAL_YEAR_MONTH' || b.kind === 'INTERVAL_DAY_TIME' || b.kind === 'INTERVAL_YEAR_MONTH') {
        const f = op === 'mul' ? (x: number, y: number) => x * y : op === 'add' ? (x: number, y: number) => x + y : (x: number, y: number) => x - y;
        return ret.kind === 'INTERVAL_YEAR_MONTH' ? mapF64x2(ret, (x, y) => Math.trunc(f(x, y))) : mapF64x2(ret, (x, y) => Math.round(f(x, y)));
      }
      if (ret.kind === 'DECIMAL') return decimalArithmetic(op, a, b, ret);
      if (isIntegral(ret)) return ret.kind === 'INT' ? intArithmetic(ret, op) : bigintArithmetic(ret, op);
      return op === 'div' || op === 'mod' ? nullOnZeroDivisor(ret, realFn) : mapF64x2(ret, realFn);
    },
  });
}


const DAY_MS = 86_400_000;

function isTimePoint(t: DataType): boolean {
  return t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'TIMESTAMP_LTZ';
}

function isInterval(t: DataType): boolean {
  return t.kind === 'INTERVAL_DAY_TIME' || t.kind === 'INTERVAL_YEAR_MONTH';
}

function timeArithmetic(op: string, a: DataType, b: DataType, ret: DataType): Kernel {
  const sign = op === 'sub' ? -1 : 1;
  // Normalise to (time, interval) order.
  const timeFirst = isTimePoint(a);
  const time = timeFirst ? a : b;
  const interval = timeFirst ? b : a;
  // TIMESTAMP_LTZ: a day-time interval moves the instant; months count on the local calendar
  const zone = sessionTimeZone();
  return (args, n) => {
    const tv = (timeFirst ? args[0]! : args[1]!).values as Float64Array;
    const iv = (timeFirst ? args[1]! : args[0]!).values as Float64Array;
    const out = new Float64Array(n);
    const nulls = unionNulls(args, n);
    for (let i = 0; i < n; i++) {
      const t = tv[i]!;
      const d = iv[i]!;
      if (interval.kind === 'INTERVAL_YEAR_MONTH') {
        out[i] =
          time.kind === 'DATE' ? Math.floor(addMonths(t * DAY_MS, sign * d) / DAY_MS) : time.kind === 'TIMESTAMP_LTZ' ? zone.fromLocal(addMonths(zone.toLocal(t), sign * d)) : addMonths(t, sign * d);
      } else if (time.kind === 'DATE') {
        out[i] = t + sign * Math.trunc(d / DAY_MS); // whole days of the interval, toward zero
      } else {
        out[i] = t + sign * d;
      }
    }
    return { type: ret, values: out, nulls };
  };
}

numericBinary('add', 'add', 'a + b', (a, b) => a + b);
numericBinary('sub', 'sub', 'a - b', (a, b) => a - b);
numericBinary('mul', 'mul', 'a * b', (a, b) => a * b);
numericBinary('div', 'div', 'a / b (integer division truncates)', (a, b) => a / b);
numericBinary('mod', 'mod', 'a % b', (a, b) => a % b);

registerFunction({
  name: 'neg',
  sqlNames: [],
  doc: '-a',
  wideInts: true,
  resolve(args) {
    const a = args[0];
    if (a === undefined || !(isNumeric(a) || a.kind === 'INTERVAL_DAY_TIME' || a.kind === 'INTERVAL_YEAR_MONTH' || a.kind === 'NULL')) return 'a numeric operand';
    const t = a.kind === 'NULL' ? T.INT : a;
    return { args: [t], ret: t };
  },
  kernel(sig) {
    if (sig.ret.kind === 'DECIMAL') return decimalNegate(sig.ret);
    if (isIntegral(sig.ret)) return integerNegate(sig.ret);
    return mapF64(sig.ret, (x) => -x);
  },
});

// ---------------------------------------------------------------------------------------
// Comparisons

/** The type two values are compared in, or null when they cannot be compared. */
export function comparisonType(a: DataType, b: DataType): DataType | null {
  const c = commonType(a, b);
  if (c !== null) return c;
  // Flink compares strings with other types after implicit casts; weir requires explicit CAST.
  return null;
}

function comparison(name: string, doc: string, f: (a: number, b: number) => boolean, fs: (a: string, b: string) => boolean): void {
  registerFunction({
    name,
    sqlNames: [],
    doc,
    // wide BIGINT columns (common/int64.ts) compare exactly: equal values have one JS form,
    // and JS compares a bigint with a number exactly
    wideInts: true,
    resolve(args) {
      const [a, b] = args;
      if (a === undefined || b === undefined) return 'two operands';
      const t = comparisonType(a, b);
      if (t === null) return `operands of comparable types, got ${typeToString(a)} and ${typeToString(b)}`;
      if (isComposite(t) && name !== 'eq' && name !== 'ne') return `operands with an order; ${typeToString(t)} values can only be compared with = and <>`;
      const u = t.kind === 'NULL' ? T.INT : t;
      return { args: [u, u], ret: T.BOOLEAN };
    },
    kernel(sig) {
      const t = sig.args[0]!;
      if (isComposite(t)) {
        // field by field / element by element (NULLs inside compare equal, as DuckDB's do)
        const want = name === 'eq';
        return (args, n) => {
          const av = args[0]!.values as unknown[];
          const bv = args[1]!.values as unknown[];
          const nulls = unionNulls(args, n);
          const out = new Uint8Array(n);
          for (let i = 0; i < n; i++) if (nulls === null || nulls[i] === 0) out[i] = compositeEquals(av[i], bv[i]) === want ? 1 : 0;
          return { type: T.BOOLEAN, values: out, nulls };
        };
      }
      if (isWideDecimal(t)) return compareWide((c) => f(c, 0));
      if (t.kind === 'STRING' || t.kind === 'BYTES') {
        // BYTES: binary strings (common/bytes.ts) compare byte by byte, unsigned, as Flink's byte[]
        return (args, n) => {
          const av = args[0]!.values as string[];
          const bv = args[1]!.values as string[];
          const out = new Uint8Array(n);
          for (let i = 0; i < n; i++) out[i] = fs(av[i]!, bv[i]!) ? 1 : 0;
          return { type: T.BOOLEAN, values: out, nulls: unionNulls(args, n) };
        };
      }
      if (t.kind === 'BOOLEAN') {
        return (args, n) => {
          const av = args[0]!.values as Uint8Array;
          const bv = args[1]!.values as Uint8Array;
          const out = new Uint8Array(n);
          for (let i = 0; i < n; i++) out[i] = f(av[i]!, bv[i]!) ? 1 : 0;
          return { type: T.BOOLEAN, values: out, nulls: unionNulls(args, n) };
        };
      }
      return compareF64(T.BOOLEAN, f, name as 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge');
    },
  });
}

import { compareStrings } from '../../common/strings.js';
export { compareStrings };

comparison('eq', 'a = b', (a, b) => a === b, (a, b) => a === b);
comparison('ne', 'a <> b', (a, b) => a !== b, (a, b) => a !== b);
comparison('lt', 'a < b', (a, b) => a < b, (a, b) => compareStrings(a, b) < 0);
comparison('le', 'a <= b', (a, b) => a <= b, (a, b) => compareStrings(a, b) <= 0);
comparison('gt', 'a > b', (a, b) => a > b, (a, b) => compareStrings(a, b) > 0);
comparison('ge', 'a >= b', (a, b) => a >= b, (a, b) => compareStrings(a, b) >= 0);

/** IS [NOT] DISTINCT FROM: NULL-safe equality, never NULL itself. */
function distinctFrom(name: string, negate: boolean): void {
  registerFunction({
    name,
    sqlNames: [],
    doc: negate ? 'a IS NOT DISTINCT FROM b' : 'a IS DISTINCT FROM b',
    wideInts: true, // one JS form per value (common/int64.ts): === is exact
    resolve(args) {
      const [a, b] = args;
      if (a === undefined || b === undefined) return 'two operands';
      const t = comparisonType(a, b);
      if (t === null) return `operands of comparable types, got ${typeToString(a)} and ${typeToString(b)}`;
      const u = t.kind === 'NULL' ? T.INT : t;
      return { args: [u, u], ret: T.BOOLEAN };
    },
    kernel() {
      return (args, n) => {
        const a = args[0]!;
        const b = args[1]!;
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const an = a.nulls !== null && a.nulls[i] === 1;
          const bn = b.nulls !== null && b.nulls[i] === 1;
          const same = an || bn ? an === bn : typeof a.values[i] === 'object' ? compositeEquals(a.values[i], b.values[i]) : a.values[i] === b.values[i];
          out[i] = same !== negate ? 0 : 1;
        }
        return { type: T.BOOLEAN, values: out, nulls: null };
      };
    },
  });
}
distinctFrom('is_distinct_from', false);
distinctFrom('is_not_distinct_from', true);

// ---------------------------------------------------------------------------------------
// Logic (three-valued)

function boolArgs(args: readonly DataType[], count: number): Signature | string {
  if (args.length < count) return 'boolean operands';
  for (const a of args) if (a.kind !== 'BOOLEAN' && a.kind !== 'NULL') return `BOOLEAN operands, got ${typeToString(a)}`;
  return { args: args.map(() => T.BOOLEAN), ret: T.BOOLEAN };
}

registerFunction({
  name: 'and',
  sqlNames: [],
  doc: 'a AND b',
  resolve: (args) => boolArgs(args, 2),
  kernel() {
    return (args, n) => logic3(args[0]!, args[1]!, n, true);
  },
});

registerFunction({
  name: 'or',
  sqlNames: [],
  doc: 'a OR b',
  resolve: (args) => boolArgs(args, 2),
  kernel() {
    return (args, n) => logic3(args[0]!, args[1]!, n, false);
  },
});

/** AND (isAnd) or OR over two boolean columns with SQL's three-valued logic. */
function logic3(a: Column, b: Column, n: number, isAnd: boolean): Column {
  const av = a.values as Uint8Array;
  const bv = b.values as Uint8Array;
  const out = new Uint8Array(n);
  if (a.nulls === null && b.nulls === null) {
    if (isAnd) for (let i = 0; i < n; i++) out[i] = av[i]! & bv[i]!;
    else for (let i = 0; i < n; i++) out[i] = av[i]! | bv[i]!;
    return { type: T.BOOLEAN, values: out, nulls: null };
  }
  const nulls = new Uint8Array(n);
  let any = 0;
  // The dominant value decides regardless of NULL: FALSE for AND, TRUE for OR.
  const dom = isAnd ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const an = a.nulls !== null && a.nulls[i] === 1;
    const bn = b.nulls !== null && b.nulls[i] === 1;
    const x = av[i]!;
    const y = bv[i]!;
    if ((!an && x === dom) || (!bn && y === dom)) out[i] = dom;
    else if (an || bn) {
      nulls[i] = 1;
      any = 1;
    } else out[i] = 1 - dom;
  }
  return { type: T.BOOLEAN, values: out, nulls: any ? nulls : null };
}

registerFunction({
  name: 'not',
  sqlNames: [],
  doc: 'NOT a',
  resolve: (args) => boolArgs(args, 1),
  kernel() {
    return (args, n) => {
      const a = args[0]!;
      const av = a.values as Uint8Array;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = 1 - av[i]!;
      return { type: T.BOOLEAN, values: out, nulls: a.nulls === null ? null : a.nulls.slice(0, n) };
    };
  },
});

// IS [NOT] NULL / TRUE / FALSE: never NULL.
function isTest(name: string, doc: string, test: (isNull: boolean, v: number) => boolean, boolOnly: boolean): void {
  registerFunction({
    name,
    sqlNames: [],
    doc,
    // only NULL-ness is read for a BIGINT (IS [NOT] NULL; COALESCE, IFNULL are CASEs over it)
    wideInts: true,
    resolve(args) {
      const a = args[0];
      if (a === undefined) return 'one operand';
      if (boolOnly && a.kind !== 'BOOLEAN' && a.kind !== 'NULL') return `a BOOLEAN operand, got ${typeToString(a)}`;
      return { args: [a.kind === 'NULL' && boolOnly ? T.BOOLEAN : a], ret: T.BOOLEAN };
    },
    kernel() {
      return (args, n) => {
        const a = args[0]!;
        const out = new Uint8Array(n);
        const v = a.values;
        for (let i = 0; i < n; i++) {
          const isNull = a.nulls !== null && a.nulls[i] === 1;
          out[i] = test(isNull, isNull ? 0 : Number(v[i])) ? 1 : 0;
        }
        return { type: T.BOOLEAN, values: out, nulls: null };
      };
    },
  });
}
isTest('is_null', 'a IS NULL', (isNull) => isNull, false);
isTest('is_not_null', 'a IS NOT NULL', (isNull) => !isNull, false);
isTest('is_true', 'a IS TRUE', (isNull, v) => !isNull && v === 1, true);
isTest('is_not_true', 'a IS NOT TRUE', (isNull, v) => isNull || v !== 1, true);
isTest('is_false', 'a IS FALSE', (isNull, v) => !isNull && v === 0, true);
isTest('is_not_false', 'a IS NOT FALSE', (isNull, v) => isNull || v !== 0, true);
