// Types of declared columns and of literals.

import { parseInt64 } from '../common/int64.js';
import type { Span } from '../common/errors.js';
import { bindError, notSupported } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { INT32_MAX, MAX_EXACT_INT, T } from '../common/types.js';
import { parseDate, parseTimestamp } from '../common/time.js';
import { parseTimeLiteral } from '../common/time-of-day.js';
import { decimalScalarOfUnscaled, parseUnscaled } from '../expr/decimal.js';
import type * as ast from './ast.js';

/** Maps a declared type to the type weir carries. */
export function resolveTypeName(t: ast.TypeName): DataType {
  const p = t.params;
  switch (t.name) {
    case 'BOOLEAN':
    case 'BOOL':
      return T.BOOLEAN;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'INTEGER':
      return T.INT;
    case 'BIGINT':
      return T.BIGINT;
    case 'FLOAT':
    case 'REAL':
    case 'DOUBLE':
      return T.DOUBLE;
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC': {
      const precision = p[0] ?? 10;
      const scale = p[1] ?? 0;
      if (precision < 1 || precision > 38) throw bindError(`DECIMAL precision must be between 1 and 38, got ${precision}`, t.span);
      if (scale < 0 || scale > precision) throw bindError(`DECIMAL scale must be between 0 and the precision (${precision}), got ${scale}`, t.span);
      return T.decimal(precision, scale);
    }
    case 'CHAR':
    case 'VARCHAR':
    case 'STRING':
    case 'TEXT':
      return T.STRING;
    case 'DATE':
      return T.DATE;
    case 'TIME': {
      if (t.withTimeZone === 'zone' || t.withTimeZone === 'local') throw notSupported(`TIME WITH ${t.withTimeZone === 'local' ? 'LOCAL ' : ''}TIME ZONE`, t.span, 'Flink has no such type either; use TIME(p)');
      const precision = p[0] ?? 0;
      if (precision < 0 || precision > 9) throw bindError(`TIME precision must be between 0 and 9, got ${precision}`, t.span);
      // milliseconds of the day, as Flink carries TIME: a declared p > 3 is carried as TIME(3)
      return T.time(precision);
    }
    // BINARY(n) and VARBINARY(n) are carried as BYTES, as CHAR(n) and VARCHAR(n) as STRING
    case 'BYTES':
    case 'BINARY':
    case 'VARBINARY': {
      const n = p[0] ?? 1;
      if (n < 1 || n > 2147483647) throw bindError(`${t.name} length must be between 1 and 2147483647, got ${n}`, t.span);
      return T.BYTES;
    }
    case 'TIMESTAMP': {
      if (t.withTimeZone === 'zone') throw notSupported('TIMESTAMP WITH TIME ZONE', t.span, 'Flink has no TIMESTAMP WITH TIME ZONE either; use TIMESTAMP_LTZ(3) (TIMESTAMP WITH LOCAL TIME ZONE): an instant shown in the session zone');
      const precision = p[0] ?? 3;
      if (precision < 0 || precision > 9) throw bindError(`TIMESTAMP precision must be between 0 and 9, got ${precision}`, t.span);
      // Carried with millisecond precision whatever is declared (DESIGN §2).
      return t.withTimeZone === 'local' ? T.TIMESTAMP_LTZ : T.TIMESTAMP;
    }
    case 'TIMESTAMP_LTZ': {
      const precision = p[0] ?? 3;
      if (precision < 0 || precision > 9) throw bindError(`TIMESTAMP_LTZ precision must be between 0 and 9, got ${precision}`, t.span);
      return T.TIMESTAMP_LTZ;
    }
    case 'ARRAY':
      return T.array(resolveTypeName(t.elementTypes[0]!));
    case 'MULTISET':
      return T.multiset(resolveTypeName(t.elementTypes[0]!));
    case 'MAP':
      return T.map(resolveTypeName(t.elementTypes[0]!), resolveTypeName(t.elementTypes[1]!));
    case 'ROW': {
      const seen = new Set<string>();
      return T.row(
        t.fieldNames.map((name, i) => {
          if (seen.has(name.toLowerCase())) throw bindError(`field '${name}' appears twice in the ROW type`, t.span);
          seen.add(name.toLowerCase());
          return { name, type: resolveTypeName(t.elementTypes[i]!) };
        }),
      );
    }
    default:
      throw notSupported(`type ${t.name}`, t.span, 'supported types: BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING/VARCHAR, BYTES/VARBINARY, DATE, TIME, TIMESTAMP(3)');
  }
}

/** Type and value of a numeric literal from its spelling. */
export function numericLiteral(text: string, span: Span): { value: number | string | bigint; type: DataType } {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value > MAX_EXACT_INT) {
      // a BIGINT beyond ±(2^53-1) is a JS bigint (common/int64.ts), up to 2^63-1
      const big = parseInt64(text);
      // beyond BIGINT, an integer literal is a DECIMAL(p, 0), as in Flink (Calcite), up to 38 digits
      const digits = text.replace(/^0+/, '').length;
      if (big === null && digits <= 38) {
        const type = T.decimal(digits, 0);
        return { value: decimalScalarOfUnscaled(BigInt(text), type), type };
      }
      if (big === null) throw bindError(`integer literal ${text} is out of range`, span, `DECIMAL holds up to 38 digits; write it as a DOUBLE (${text}E0) if approximate is fine`);
      return { value: big, type: T.BIGINT };
    }
    return { value, type: value > INT32_MAX ? T.BIGINT : T.INT };
  }
  if (/[eE]/.test(text)) return { value: Number(text), type: T.DOUBLE };
  // decimal literal: DECIMAL(p, s) with s digits after the point
  const [intPart = '', frac = ''] = text.split('.');
  const digits = (intPart.replace(/^0+/, '') + frac).length;
  const scale = frac.length;
  const precision = Math.max(digits, scale, 1);
  if (precision > 38) throw bindError(`decimal literal ${text} has more than 38 digits`, span);
  const type = T.decimal(precision, scale);
  // exact: a narrow DECIMAL is the nearest double, a wide one its canonical text (expr/decimal.ts)
  return { value: decimalScalarOfUnscaled(parseUnscaled(text, scale)!, type), type };
}

const UNIT_MS: Record<string, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
};

/** Value of an INTERVAL literal: milliseconds (day-time) or months (year-month). */
export function intervalLiteral(lit: ast.IntervalLiteral): { value: number; type: DataType } {
  const raw = lit.value.trim();
  const neg = raw.startsWith('-');
  const text = raw.replace(/^[+-]/, '').trim();
  const unit = lit.unit.toUpperCase().replace(/S$/, '');
  const to = lit.toUnit?.toUpperCase().replace(/S$/, '');
  const bad = (): never => {
    throw bindError(`invalid INTERVAL '${lit.value}' ${unit}${to ? ` TO ${to}` : ''}`, lit.span, to ? `for ${unit} TO ${to} write e.g. ${exampleFor(unit, to)}` : `write a number, e.g. INTERVAL '10' ${unit}`);
  };
  const sign = neg ? -1 : 1;
  if (unit === 'YEAR' || unit === 'MONTH') {
    if (to === undefined) {
      if (!/^\d+$/.test(text)) bad();
      return { value: sign * Number(text) * (unit === 'YEAR' ? 12 : 1), type: T.INTERVAL_YEAR_MONTH };
    }
    if (unit !== 'YEAR' || to !== 'MONTH') bad();
    const m = /^(\d+)-(\d+)$/.exec(text);
    if (m === null) bad();
    return { value: sign * (Number(m![1]) * 12 + Number(m![2])), type: T.INTERVAL_YEAR_MONTH };
  }
  const unitMs = UNIT_MS[unit];
  if (unitMs === undefined) return bad();
  if (to === undefined) {
    if (!/^\d+(\.\d+)?$/.test(text)) bad();
    return { value: sign * Math.round(Number(text) * unitMs), type: T.INTERVAL_DAY_TIME };
  }
  // DAY TO SECOND: 'd hh:mm:ss.fff'; HOUR TO MINUTE: 'hh:mm'; MINUTE TO SECOND: 'mm:ss'; ...
  const order = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
  const from = order.indexOf(unit);
  const end = order.indexOf(to);
  if (from < 0 || end <= from) bad();
  const parts = text.split(/[ :]/);
  if (parts.length !== end - from + 1) bad();
  let ms = 0;
  for (let i = 0; i < parts.length; i++) {
    const u = order[from + i]!;
    const v = parts[i]!;
    if (!(u === 'SECOND' ? /^\d+(\.\d+)?$/ : /^\d+$/).test(v)) bad();
    ms += Number(v) * UNIT_MS[u]!;
  }
  return { value: sign * Math.round(ms), type: T.INTERVAL_DAY_TIME };
}

function exampleFor(unit: string, to: string): string {
  const ex: Record<string, string> = {
    'YEAR-MONTH': "INTERVAL '1-6' YEAR TO MONTH",
    'DAY-HOUR': "INTERVAL '1 12' DAY TO HOUR",
    'DAY-MINUTE': "INTERVAL '1 12:30' DAY TO MINUTE",
    'DAY-SECOND': "INTERVAL '1 12:30:00' DAY TO SECOND",
    'HOUR-MINUTE': "INTERVAL '1:30' HOUR TO MINUTE",
    'HOUR-SECOND': "INTERVAL '1:30:00' HOUR TO SECOND",
    'MINUTE-SECOND': "INTERVAL '1:30' MINUTE TO SECOND",
  };
  return ex[`${unit}-${to}`] ?? "INTERVAL '10' SECOND";
}

export function typedLiteral(lit: ast.TypedLiteral): { value: number; type: DataType } {
  switch (lit.type) {
    case 'TIMESTAMP': {
      const v = parseTimestamp(lit.value.trim());
      if (Number.isNaN(v)) throw bindError(`invalid TIMESTAMP literal '${lit.value}'`, lit.span, "write TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.SSS]'");
      return { value: v, type: T.TIMESTAMP };
    }
    case 'DATE': {
      const v = parseDate(lit.value.trim());
      if (Number.isNaN(v)) throw bindError(`invalid DATE literal '${lit.value}'`, lit.span, "write DATE 'yyyy-MM-dd'");
      return { value: v, type: T.DATE };
    }
    case 'TIME': {
      const v = parseTimeLiteral(lit.value);
      if (v === null) throw bindError(`invalid TIME literal '${lit.value}'`, lit.span, "write TIME 'HH:mm:ss[.SSS]'");
      // the literal's precision is its fraction digits (Calcite), carried up to 3
      return { value: v.ms, type: T.time(v.precision) };
    }
    default:
      throw notSupported(`a ${lit.type} literal`, lit.span);
  }
}
