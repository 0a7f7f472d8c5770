// Text of values as weir prints them (print sink, result tables, CAST to STRING):
// integers plainly, DECIMAL at its scale, DOUBLE as Flink prints it (1.0, 1.5E10),
// timestamps as yyyy-MM-dd HH:mm:ss.SSS, NULL as the caller chooses.

import type { Column } from './batch.js';
import type { MapValue } from './composite.js';
import type { DataType } from './types.js';
import { isComposite, multisetAsMap } from './types.js';
import { formatDate, formatTimestamp } from './time.js';
import { sessionTimeZone } from './time-zone.js';
import { formatTimeOfDay } from './time-of-day.js';
import { displayBinary } from './bytes.js';

/** Text of a DOUBLE as Flink prints it: `1.0`, `0.1`, `1.5E10`. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return x.toFixed(1);
  const s = String(x);
  if (s.includes('e')) {
    const [m, e] = s.split('e') as [string, string];
    return `${m.includes('.') ? m : m + '.0'}E${e.startsWith('+') ? e.slice(1) : e}`;
  }
  return s;
}

/** Text of a value of a numeric type (DECIMAL at its scale). */
export function formatNumber(x: number | string, t: DataType): string {
  if (typeof x === 'string') return x; // a wide DECIMAL's canonical text
  switch (t.kind) {
    case 'INT':
    case 'BIGINT':
      return String(x);
    case 'DECIMAL':
      return x.toFixed(t.scale ?? 0);
    default:
      return formatDouble(x);
  }
}

export function formatIntervalMs(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let a = Math.abs(ms);
  const d = Math.floor(a / 86_400_000);
  a -= d * 86_400_000;
  const h = Math.floor(a / 3_600_000);
  a -= h * 3_600_000;
  const m = Math.floor(a / 60_000);
  a -= m * 60_000;
  const s = Math.floor(a / 1000);
  const f = a - s * 1000;
  const p = (x: number, n = 2): string => String(x).padStart(n, '0');
  return `${sign}${d} ${p(h)}:${p(m)}:${p(s)}.${p(f, 3)}`;
}

/**
 * Text of a composite value as Flink prints it (its CAST to STRING, which the print sink and
 * the SQL client use): ROW `(1, abc)`, ARRAY `[1, 2]`, MAP `{a=1, b=2}`, MULTISET `{a=2, b=1}` (counts), NULL inside as `NULL`.
 */
export function formatComposite(v: unknown, t: DataType): string {
  const el = (x: unknown, et: DataType): string => (x === null || x === undefined ? 'NULL' : formatScalar(x as number | string, et));
  switch (t.kind) {
    case 'ROW': {
      const a = v as readonly unknown[];
      return `(${(t.fields ?? []).map((f, i) => el(a[i], f.type)).join(', ')})`;
    }
    case 'ARRAY':
      return `[${(v as readonly unknown[]).map((x) => el(x, t.element!)).join(', ')}]`;
    case 'MAP': {
      const m = v as MapValue;
      return `{${m.keys.map((k, i) => `${el(k, t.key!)}=${el(m.values[i], t.element!)}`).join(', ')}}`;
    }
    case 'MULTISET':
      // Flink's MapAndMultisetToStringCastRule: each element with its count, `{a=2, b=1}`
      return formatComposite(v, multisetAsMap(t));
    default:
      return String(v);
  }
}

/** Text of a non-NULL value of type `t` carried as `v` (composite values as formatComposite). */
export function formatScalar(v: number | string, t: DataType): string {
  if (isComposite(t)) return formatComposite(v, t);
  // bytes as Flink's SQL client and print sink show them: x'0aff'
  if (t.kind === 'BYTES') return displayBinary(v as string);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'TIMESTAMP':
      return formatTimestamp(v);
    case 'TIMESTAMP_LTZ':
      // an instant, shown as its date-time in the session zone (as Flink's client and print sink)
      return formatTimestamp(sessionTimeZone().toLocal(v));
    case 'DATE':
      return formatDate(v);
    case 'TIME':
      return formatTimeOfDay(v, t.precision ?? 0);
    case 'INTERVAL_DAY_TIME':
      return formatIntervalMs(v);
    case 'INTERVAL_YEAR_MONTH':
      return `${v < 0 ? '-' : '+'}${Math.floor(Math.abs(v) / 12)}-${String(Math.abs(v) % 12).padStart(2, '0')}`;
    default:
      return formatNumber(v, t);
  }
}

/** Text of row i of a column; NULL as `nullText`. */
export function formatCell(c: Column, i: number, nullText = 'NULL'): string {
  if (c.nulls !== null && c.nulls[i] === 1) return nullText;
  return formatScalar(c.values[i] as number | string, c.type);
}
