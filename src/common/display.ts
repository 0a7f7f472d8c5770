// Text of values as weir prints them (print sink, result tables, CAST to STRING):
// integers plainly, DECIMAL at its scale, DOUBLE as Flink prints it (1.0, 1.5E10),
// timestamps as yyyy-MM-dd HH:mm:ss.SSS, NULL as the caller chooses.

import type { Column } from './batch.js';
import type { DataType } from './types.js';
import { formatDate, formatTimestamp } from './time.js';

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
export function formatNumber(x: number, t: DataType): string {
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

/** Text of a non-NULL value of type `t` carried as `v`. */
export function formatScalar(v: number | string, t: DataType): string {
  if (typeof v === 'string') return v;
  switch (t.kind) {
    case 'BOOLEAN':
      return v ? 'true' : 'false';
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': // minimal (UTC) until the TIMESTAMP_LTZ branch shows it in the session zone
      return formatTimestamp(v);
    case 'DATE':
      return formatDate(v);
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
  return formatScalar(c.values[i]!, c.type);
}
