// CAST and TRY_CAST between the dialect's types.
//
// Rules (Flink SQL where it is stricter, documented in README):
// - DOUBLE/DECIMAL to INT/BIGINT truncates toward zero; out of range is an error.
// - to DECIMAL(p, s) rounds half away from zero at scale s (exactly, expr/decimal.ts); a value
//   too large for p digits is NULL, as in Flink.
// - STRING to a number, BOOLEAN, DATE or TIMESTAMP parses the text (surrounding spaces
//   allowed); text that does not parse is an error for CAST and NULL for TRY_CAST.
// - BOOLEAN to STRING is 'TRUE'/'FALSE'; TIMESTAMP to STRING always has 3 fraction digits.
// - TIMESTAMP <-> DATE truncates to the day / starts at midnight.
// - TIME(p) from STRING parses `H:mm[:ss[.f]]`, from TIMESTAMP takes the time of day (of the
//   local date-time for a TIMESTAMP_LTZ); a cast to a smaller p truncates the fraction.
//   TIME to TIMESTAMP is that time on 1970-01-01.
// - BYTES <-> STRING is UTF-8 encoding / decoding (Flink's CAST since 1.15); BYTES casts to
//   nothing else.
// - TIMESTAMP_LTZ (an instant) <-> TIMESTAMP, DATE and STRING go through the session zone
//   ('table.local-time-zone'), read when the kernel is built: the local date-time of the
//   instant, or the instant of the local date-time (a time in a DST gap moves forward, one
//   that occurs twice takes the earlier instant, as java.time does in Flink).

import type { Column } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { INT32_MAX, INT32_MIN, MAX_EXACT_INT, isComposite, isIntegral, isNumeric, physicalKind, sameType, typeToString } from '../common/types.js';
import { allocValues } from '../common/batch.js';
import { formatComposite } from '../common/display.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from '../common/time.js';
import type { TimeZoneRules } from '../common/time-zone.js';
import { sessionTimeZone } from '../common/time-zone.js';
import type { Kernel } from './kernels.js';
import { roundHalfUp } from './functions/math.js';
import { int64Cast } from './int64-cast.js';
import { formatNumber } from '../common/display.js';
import { formatTimeOfDay, parseTimeOfDay, timeOfTimestamp, truncateTime } from '../common/time-of-day.js';
import { binaryOfText, textOfBinary } from '../common/bytes.js';
import { castToDecimal, isWideDecimal, pow10n, precisionOf, scaleOf, unscaledOfText } from './decimal.js';

export { formatDouble, formatNumber } from '../common/display.js';

const DAY_MS = 86_400_000;

export function castAllowed(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return true;
  // composites: to STRING (their printed form), or to the same kind whose elements keep their
  // carried values (ARRAY<INT> to ARRAY<BIGINT>); element conversions are not supported yet
  if (isComposite(from) || isComposite(to)) return to.kind === 'STRING' || (from.kind === to.kind && isIdentityCast(from, to));
  if (from.kind === to.kind) return true;
  const f = from.kind;
  const t = to.kind;
  if (t === 'STRING') return f !== 'INTERVAL_DAY_TIME' && f !== 'INTERVAL_YEAR_MONTH';
  if (f === 'STRING') return t !== 'INTERVAL_DAY_TIME' && t !== 'INTERVAL_YEAR_MONTH' && t !== 'NULL';
  if (isNumeric(from) && isNumeric(to)) return true;
  if ((f === 'BOOLEAN' && isNumeric(to)) || (isNumeric(from) && t === 'BOOLEAN')) return true;
  if ((f === 'TIMESTAMP' && t === 'DATE') || (f === 'DATE' && t === 'TIMESTAMP')) return true;
  if (t === 'TIME') return f === 'TIMESTAMP' || f === 'TIMESTAMP_LTZ';
  if (f === 'TIME') return t === 'TIMESTAMP';
  if (f === 'TIMESTAMP_LTZ') return t === 'TIMESTAMP' || t === 'DATE';
  if (t === 'TIMESTAMP_LTZ') return f === 'TIMESTAMP' || f === 'DATE';
  return false;
}

/** True when the cast does not change the carried value (INT -> BIGINT -> DOUBLE). */
export function isIdentityCast(from: DataType, to: DataType): boolean {
  if (isComposite(from) || isComposite(to)) {
    if (from.kind !== to.kind) return false;
    if (from.kind === 'ROW') {
      const a = from.fields ?? [];
      const b = to.fields ?? [];
      return a.length === b.length && a.every((f, i) => sameType(f.type, b[i]!.type) || isIdentityCast(f.type, b[i]!.type));
    }
    const el = (x: DataType | undefined, y: DataType | undefined): boolean => x !== undefined && y !== undefined && (sameType(x, y) || isIdentityCast(x, y));
    return el(from.element, to.element) && (from.kind !== 'MAP' || el(from.key, to.key));
  }
  // TIME to a smaller precision truncates its fraction
  if (from.kind === 'TIME' && to.kind === 'TIME') return (to.precision ?? 0) >= (from.precision ?? 0);
  if (from.kind === to.kind && from.kind !== 'DECIMAL') return true;
  if (from.kind === 'NULL') return false;
  if (isIntegral(from) && (to.kind === 'BIGINT' || to.kind === 'DOUBLE')) return true;
  // DECIMAL: the same carried value only within one representation and without narrowing
  if (from.kind === 'INT' && to.kind === 'DECIMAL') return !isWideDecimal(to) && precisionOf(to) - scaleOf(to) >= 10;
  if (from.kind === 'DECIMAL' && to.kind === 'DOUBLE') return !isWideDecimal(from);
  if (from.kind === 'DECIMAL' && to.kind === 'DECIMAL') {
    const wider = scaleOf(to) >= scaleOf(from) && precisionOf(to) - scaleOf(to) >= precisionOf(from) - scaleOf(from);
    if (!isWideDecimal(from) && !isWideDecimal(to)) return wider;
    return isWideDecimal(from) && isWideDecimal(to) && wider && scaleOf(to) === scaleOf(from);
  }
  if (from.kind === 'INT' && to.kind === 'INT') return true;
  return false;
}

function castFailure(value: unknown, to: DataType): WeirError {
  const v = typeof value === 'string' ? `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'` : String(value);
  return new WeirError('execution', `cannot cast ${v} to ${typeToString(to)}`, { hint: 'use TRY_CAST to get NULL instead of an error', permanent: true });
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|NaN|Infinity)$/;
const INTEGER_TEXT = /^[+-]?\d+$/;

/** Parses text for a target type; NaN / undefined signal failure. */
function parseText(s: string, to: DataType, zone: TimeZoneRules): number | undefined {
  const t = s.trim();
  switch (to.kind) {
    case 'INT':
    case 'BIGINT': {
      if (!INTEGER_TEXT.test(t)) {
        // Flink accepts decimal text for integer casts, truncating; so do we.
        if (!NUMERIC_TEXT.test(t)) return undefined;
        const x = Math.trunc(Number(t));
        return Number.isFinite(x) ? x : undefined;
      }
      return Number(t);
    }
    case 'DOUBLE':
    case 'DECIMAL': {
      if (!NUMERIC_TEXT.test(t)) return undefined;
      return Number(t);
    }
    case 'BOOLEAN': {
      const l = t.toLowerCase();
      if (l === 'true' || l === '1') return 1;
      if (l === 'false' || l === '0') return 0;
      return undefined;
    }
    case 'TIMESTAMP': {
      const x = parseTimestamp(t);
      return Number.isNaN(x) ? undefined : x;
    }
    case 'TIMESTAMP_LTZ': {
      const x = parseTimestamp(t);
      return Number.isNaN(x) ? undefined : zone.fromLocal(x);
    }
    case 'DATE': {
      const x = parseDate(t);
      return Number.isNaN(x) ? undefined : x;
    }
    case 'TIME': {
      const x = parseTimeOfDay(t);
      return Number.isNaN(x) ? undefined : truncateTime(x, to.precision ?? 0);
    }
    default:
      return undefined;
  }
}

function inRange(x: number, to: DataType): boolean {
  if (to.kind === 'INT') return x >= INT32_MIN && x <= INT32_MAX;
  if (to.kind === 'BIGINT') return x >= -MAX_EXACT_INT && x <= MAX_EXACT_INT;
  if (to.kind === 'DECIMAL') {
    const digits = (to.precision ?? 10) - (to.scale ?? 0);
    return Math.abs(x) < Math.pow(10, digits);
  }
  return true;
}

function toText(x: number, from: DataType, zone: TimeZoneRules): string {
  switch (from.kind) {
    case 'BOOLEAN':
      return x ? 'TRUE' : 'FALSE';
    case 'TIMESTAMP':
      return formatTimestamp(x);
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(zone.toLocal(x));
    case 'DATE':
      return formatDate(x);
    case 'TIME':
      return formatTimeOfDay(x, from.precision ?? 0);
    default:
      return formatNumber(x, from);
  }
}

/** Builds the kernel for CAST(x AS to); `safe` is TRY_CAST (failures become NULL). */
export function castKernel(from: DataType, to: DataType, safe: boolean): Kernel {
  const k = castKernelF64(from, to, safe);
  // BIGINT values beyond ±(2^53-1) (common/int64.ts)
  return from.kind === 'BIGINT' || to.kind === 'BIGINT' ? int64Cast(from, to, safe, k) : k;
}

function castKernelF64(from: DataType, to: DataType, safe: boolean): Kernel {
  const toKind = physicalKind(to);
  const zone = sessionTimeZone();
  const decimalCast = to.kind === 'DECIMAL' && from.kind !== 'NULL' ? castToDecimal(from, to, safe) : null;
  return (args, n): Column => {
    const a = args[0]!;
    const inNulls = a.nulls;
    let nulls: Uint8Array | null = inNulls === null ? null : inNulls.slice(0, n);
    const fail = (i: number, value: unknown): void => {
      if (!safe) throw castFailure(value, to);
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
    };
    if (from.kind === 'NULL') {
      return { type: to, values: allocValues(toKind, n), nulls: new Uint8Array(n).fill(1) };
    }
    if (isComposite(from)) {
      if (toKind === 'obj') return { type: to, values: a.values, nulls: a.nulls }; // identity (castAllowed)
      const v = a.values as unknown[];
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = inNulls !== null && inNulls[i] === 1 ? '' : formatComposite(v[i], from);
      return { type: to, values: out, nulls };
    }
    if (decimalCast !== null) return decimalCast(args, n);
    if (isWideDecimal(from)) {
      // exact text; DOUBLE the nearest double; INT/BIGINT truncated toward zero, range-checked
      if (toKind === 'str') return { type: to, values: a.values, nulls: a.nulls };
      const dv = a.values as string[];
      const out = toKind === 'bool' ? new Uint8Array(n) : new Float64Array(n);
      const div = pow10n(from.scale ?? 0);
      for (let i = 0; i < n; i++) {
        if (inNulls !== null && inNulls[i] === 1) continue;
        if (toKind === 'bool') out[i] = unscaledOfText(dv[i]!) !== 0n ? 1 : 0;
        else if (isIntegral(to)) {
          const x = Number(unscaledOfText(dv[i]!) / div);
          if (!inRange(x, to)) fail(i, dv[i]);
          else out[i] = x;
        } else out[i] = Number(dv[i]);
      }
      return { type: to, values: out, nulls };
    }
    if (from.kind === 'BYTES' || to.kind === 'BYTES') {
      // UTF-8 decoding / encoding between STRING and BYTES (castAllowed admits no other pair)
      if (from.kind === to.kind) return { type: to, values: a.values, nulls: a.nulls };
      const v = a.values as string[];
      const convert = to.kind === 'BYTES' ? binaryOfText : textOfBinary;
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = inNulls !== null && inNulls[i] === 1 ? '' : convert(v[i]!);
      return { type: to, values: out, nulls };
    }
    if (toKind === 'str') {
      const out = new Array<string>(n);
      if (from.kind === 'STRING') return { type: to, values: a.values, nulls: a.nulls };
      const v = a.values as Float64Array | Uint8Array;
      for (let i = 0; i < n; i++) out[i] = inNulls !== null && inNulls[i] === 1 ? '' : toText(v[i]!, from, zone);
      return { type: to, values: out, nulls };
    }
    if (from.kind === 'STRING') {
      const v = a.values as string[];
      const out = toKind === 'bool' ? new Uint8Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (inNulls !== null && inNulls[i] === 1) continue;
        const parsed = parseText(v[i]!, to, zone);
        // DECIMAL: rounded to its scale first, then checked (999.995 does not fit DECIMAL(5, 2))
        const x = parsed !== undefined && to.kind === 'DECIMAL' ? roundHalfUp(parsed, to.scale ?? 0) : parsed;
        if (x === undefined || !inRange(x, to)) fail(i, v[i]);
        else out[i] = x;
      }
      return { type: to, values: out, nulls };
    }
    const v = a.values as Float64Array | Uint8Array;
    if (toKind === 'bool') {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = v[i] !== 0 ? 1 : 0;
      return { type: to, values: out, nulls };
    }
    const out = new Float64Array(n);
    if (from.kind === 'TIMESTAMP' && to.kind === 'DATE') {
      for (let i = 0; i < n; i++) out[i] = Math.floor(v[i]! / DAY_MS);
    } else if (from.kind === 'DATE' && to.kind === 'TIMESTAMP') {
      for (let i = 0; i < n; i++) out[i] = v[i]! * DAY_MS;
    } else if (from.kind === 'TIMESTAMP_LTZ' && to.kind === 'TIMESTAMP') {
      for (let i = 0; i < n; i++) out[i] = zone.toLocal(v[i]!);
    } else if (from.kind === 'TIMESTAMP' && to.kind === 'TIMESTAMP_LTZ') {
      for (let i = 0; i < n; i++) out[i] = zone.fromLocal(v[i]!);
    } else if (from.kind === 'TIMESTAMP_LTZ' && to.kind === 'DATE') {
      for (let i = 0; i < n; i++) out[i] = Math.floor(zone.toLocal(v[i]!) / DAY_MS);
    } else if (from.kind === 'DATE' && to.kind === 'TIMESTAMP_LTZ') {
      for (let i = 0; i < n; i++) out[i] = zone.fromLocal(v[i]! * DAY_MS);
    } else if (to.kind === 'TIME') {
      // from TIMESTAMP, TIMESTAMP_LTZ (its local date-time) or a TIME of another precision
      const p = to.precision ?? 0;
      for (let i = 0; i < n; i++) {
        const x = from.kind === 'TIME' ? v[i]! : timeOfTimestamp(from.kind === 'TIMESTAMP_LTZ' ? zone.toLocal(v[i]!) : v[i]!);
        out[i] = truncateTime(x, p);
      }
    } else if (isIntegral(to)) {
      for (let i = 0; i < n; i++) {
        if (inNulls !== null && inNulls[i] === 1) continue;
        const x = Math.trunc(v[i]!);
        if (!Number.isFinite(x) || !inRange(x, to)) fail(i, v[i]);
        else out[i] = x;
      }
    } else if (to.kind === 'DECIMAL') {
      const scale = to.scale ?? 0;
      for (let i = 0; i < n; i++) {
        if (inNulls !== null && inNulls[i] === 1) continue;
        const x = roundHalfUp(v[i]!, scale);
        if (!Number.isFinite(x) || !inRange(x, to)) fail(i, v[i]);
        else out[i] = x;
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = v[i]!;
    }
    return { type: to, values: out, nulls };
  };
}
