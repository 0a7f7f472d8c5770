// TIME(p) values: milliseconds of the day, 0..86,399,999 (Flink carries TIME as an int of
// milliseconds of the day, java.time.LocalTime at its edges). p is the number of fraction
// digits kept (0..3 carried): text is `HH:mm:ss` for TIME(0) and `HH:mm:ss.f..` with p
// digits otherwise, as Flink's CAST(t AS STRING) and SQL client print it.

import { MS_PER_DAY } from './time.js';

const TIME_TEXT = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?$/;
// Calcite parses with SimpleDateFormat HH:mm:ss, which takes one-digit fields (TIME '2:55:00')
const LITERAL_TEXT = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;

/**
 * Milliseconds of the day of `H:mm[:ss[.fffffffff]]` (CAST from STRING, CSV, JSON), or NaN.
 * Digits after the third fraction digit are dropped (truncated, as Flink's millisecond TIME).
 */
export function parseTimeOfDay(text: string): number {
  const m = TIME_TEXT.exec(text.trim());
  return m === null ? NaN : timeFromParts(m);
}

/** A TIME literal: `HH:mm:ss[.fff]` exactly (Calcite's TIME literal); NaN if not. */
export function parseTimeLiteral(text: string): { ms: number; precision: number } | null {
  const m = LITERAL_TEXT.exec(text.trim());
  if (m === null) return null;
  const ms = timeFromParts(m);
  return Number.isNaN(ms) ? null : { ms, precision: m[4]?.length ?? 0 };
}

function timeFromParts(m: RegExpExecArray): number {
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || mi > 59 || s > 59) return NaN;
  const frac = m[4] === undefined ? 0 : Number(m[4].slice(0, 3).padEnd(3, '0'));
  return ((h * 60 + mi) * 60 + s) * 1000 + frac;
}

/** Truncates milliseconds of the day to p fraction digits (p >= 3 keeps them). */
export function truncateTime(ms: number, precision: number): number {
  if (precision >= 3) return ms;
  const unit = precision === 2 ? 10 : precision === 1 ? 100 : 1000;
  return ms - (ms % unit);
}

/** The time of day of a TIMESTAMP (epoch milliseconds, no zone). */
export function timeOfTimestamp(ms: number): number {
  return ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

/** Adds a day-time interval (milliseconds) to a time of day, wrapping around midnight. */
export function addToTime(t: number, intervalMs: number): number {
  const x = (t + (intervalMs % MS_PER_DAY)) % MS_PER_DAY;
  return x < 0 ? x + MS_PER_DAY : x;
}

function two(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** `HH:mm:ss` with `precision` fraction digits (beyond 3 padded with zeros). */
export function formatTimeOfDay(ms: number, precision: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const s = Math.floor(ms / 1000);
  let out = two(Math.floor(s / 3600)) + ':' + two(Math.floor(s / 60) % 60) + ':' + two(s % 60);
  if (precision > 0) out += '.' + String(ms % 1000).padStart(3, '0').padEnd(precision, '0').slice(0, precision);
  return out;
}
