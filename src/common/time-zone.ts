// The session time zone ('table.local-time-zone') and the arithmetic between instants and
// local date-times in it.
//
// A TIMESTAMP_LTZ value is an instant (epoch milliseconds, the same on every machine). It is
// shown, parsed, cast to and from TIMESTAMP/DATE/STRING, and cut into day windows in the
// session zone, as Flink does. A TIMESTAMP value is a local date-time carried as the epoch
// milliseconds it would have in UTC ("local millis"), so converting between the two is
// adding or subtracting the zone's offset at that instant.
//
// Which zone: the session's 'table.local-time-zone' (Flink's default 'default' means the
// machine's zone). The zone is process state, set by the session when the option changes and
// by every Job (main thread and worker threads) from its JobOptions before it builds its
// operators; kernels and formats read it when they are built, never per row. Two jobs in one
// process run in one session, so they agree on the zone.
//
// Offsets come from the ICU data of Node's Intl (the IANA database), cached per quarter hour of
// instants, so a per-row lookup is a Map probe. Local times that fall in a gap (spring
// forward) move forward by the gap, and local times that occur twice (fall back) take the
// earlier instant, as java.time's ZonedDateTime.of does; a window's end fires at the later
// one, as Flink's TimeWindowUtil.toEpochMillsForTimer does.

import { timestampFromFields } from './time.js';
import { didYouMean } from './errors.js';

const QUARTER_HOUR = 900_000;

export interface TimeZoneRules {
  /** The id as the user wrote it (canonical spelling). */
  readonly id: string;
  /** True when the offset never changes (UTC, GMT+08:00): the conversions are one addition. */
  readonly fixed: boolean;
  /** Milliseconds to add to an instant to get its local date-time. */
  offsetAt(instant: number): number;
  /** Local millis of an instant. */
  toLocal(instant: number): number;
  /** The instant of a local date-time (gap: moved forward; overlap: the earlier instant). */
  fromLocal(local: number): number;
  /** The latest instant whose local time is `local` (gap: as fromLocal). */
  fromLocalLatest(local: number): number;
  /**
   * A watermark on the local scale of windows over TIMESTAMP_LTZ: the largest local time
   * none of whose instants is after `instant`. It equals toLocal(instant), except in the first
   * pass of an hour that clocks fall back over, where it waits at the hour's start: that local
   * hour is not complete until its second pass is, so a window ending in it fires at its later
   * instant (Flink's TimeWindowUtil.toEpochMillsForTimer) and rows of both passes count.
   */
  localWatermark(instant: number): number;
}

class FixedOffsetZone implements TimeZoneRules {
  readonly fixed = true;
  constructor(
    readonly id: string,
    private readonly offset: number,
  ) {}
  offsetAt(): number {
    return this.offset;
  }
  toLocal(instant: number): number {
    return instant + this.offset;
  }
  fromLocal(local: number): number {
    return local - this.offset;
  }
  fromLocalLatest(local: number): number {
    return local - this.offset;
  }
  localWatermark(instant: number): number {
    return instant + this.offset;
  }
}

class RegionZone implements TimeZoneRules {
  readonly fixed = false;
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();
  constructor(readonly id: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  offsetAt(instant: number): number {
    const bucket = Math.floor(instant / QUARTER_HOUR);
    const hit = this.cache.get(bucket);
    if (hit !== undefined) return hit;
    const offset = this.compute(bucket * QUARTER_HOUR);
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(bucket, offset);
    return offset;
  }

  private compute(instant: number): number {
    if (!Number.isFinite(instant) || Math.abs(instant) > 8.64e15) return 0;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of this.format.formatToParts(instant)) {
      switch (p.type) {
        case 'year':
          year = Number(p.value);
          break;
        case 'month':
          month = Number(p.value);
          break;
        case 'day':
          day = Number(p.value);
          break;
        case 'hour':
          hour = Number(p.value);
          break;
        case 'minute':
          minute = Number(p.value);
          break;
        case 'second':
          second = Number(p.value);
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
        default:
      }
    }
    if (bc) year = 1 - year;
    const whole = Math.floor(instant / 1000) * 1000;
    return timestampFromFields(year, month, day, hour, minute, second) - whole;
  }

  toLocal(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  fromLocal(local: number): number {
    const before = this.offsetAt(local - 86_400_000);
    const after = this.offsetAt(local + 86_400_000);
    const a = local - before;
    if (before === after) {
      // no transition near: usually exact; re-check in case there is one within the day
      const o = this.offsetAt(a);
      return o === before ? a : this.resolve(local, before, after);
    }
    return this.resolve(local, before, after);
  }

  private resolve(local: number, before: number, after: number): number {
    const a = local - before;
    const b = local - after;
    const aOk = this.offsetAt(a) === before;
    const bOk = this.offsetAt(b) === after;
    if (aOk && bOk) return Math.min(a, b);
    if (aOk) return a;
    if (bOk) return b;
    return a; // a gap: the local time does not exist; move it forward by the gap
  }

  localWatermark(instant: number): number {
    if (!Number.isFinite(instant)) return instant;
    const now = this.offsetAt(instant);
    const later = this.offsetAt(instant + 86_400_000);
    const local = instant + now;
    if (later >= now) return local;
    // clocks fall back within the next day: find the first instant on the lower offset
    let lo = instant;
    let hi = instant + 86_400_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === now) lo = mid;
      else hi = mid;
    }
    return Math.min(local, hi + this.offsetAt(hi) - 1);
  }

  fromLocalLatest(local: number): number {
    const before = this.offsetAt(local - 86_400_000);
    const after = this.offsetAt(local + 86_400_000);
    const a = local - before;
    const b = local - after;
    const aOk = this.offsetAt(a) === before;
    const bOk = this.offsetAt(b) === after;
    if (aOk && bOk) return Math.max(a, b);
    if (bOk) return b;
    return a;
  }
}

/** The machine's zone (Flink's 'default': the JVM's zone; here Node's, which honours TZ). */
export function machineTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

const FIXED = /^(GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * Checks a 'table.local-time-zone' value as Flink does: an IANA (TZDB) id such as
 * 'America/Los_Angeles' (with daylight saving), 'UTC', or a fixed offset written
 * 'GMT+08:00' / 'GMT-3'. Returns the rules, or a message saying what is accepted.
 */
export function parseTimeZone(value: string): TimeZoneRules | string {
  const v = value.trim();
  const expected =
    "a time zone id from the IANA database such as 'America/Los_Angeles' or 'Asia/Shanghai' (with daylight saving time), 'UTC', a fixed offset such as 'GMT+08:00' or 'GMT-03:00', or 'default' (this machine's zone)";
  if (v.toLowerCase() === 'default') return parseTimeZone(machineTimeZone());
  if (v === 'UTC' || v === 'GMT' || v === 'Etc/UTC' || v === 'Etc/GMT') return new FixedOffsetZone(v, 0);
  const m = FIXED.exec(v);
  if (m !== null) {
    const h = Number(m[3]);
    const min = m[4] === undefined ? 0 : Number(m[4]);
    if (h > 18 || min > 59 || h * 60 + min > 18 * 60) return `${expected} (an offset is at most 18:00)`;
    const sign = m[2] === '-' ? -1 : 1;
    if (m[1] === 'UTC') return `${expected}; an offset is written with GMT, e.g. 'GMT${m[2]}${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}'`;
    return new FixedOffsetZone(`GMT${m[2]}${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`, sign * (h * 3_600_000 + min * 60_000));
  }
  if (/^[+-]\d/.test(v)) return `${expected}; an offset is written with GMT, e.g. 'GMT${v}'`;
  // Three-letter abbreviations (EST, PST, CST...) are ambiguous; Flink refuses them too.
  if (/^[A-Z]{3}$/.test(v)) return `${expected}; abbreviations such as '${v}' are ambiguous`;
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    const guess = didYouMean(v, Intl.supportedValuesOf('timeZone'));
    return guess === undefined ? expected : `${expected}; did you mean '${guess}'?`;
  }
  if (resolved === undefined) return expected;
  // Zone ids are case-sensitive in Flink (java.time); Intl is not. Refuse a mis-cased one.
  if (resolved.toLowerCase() === v.toLowerCase() && resolved !== v) return `${expected}; did you mean '${resolved}'?`;
  return new RegionZone(v);
}

/** undefined: not resolved yet (see setSessionTimeZone). */
let current: TimeZoneRules | undefined = new FixedOffsetZone('UTC', 0);
let currentKey = 'UTC';
const byId = new Map<string, TimeZoneRules>();

/** The rules of a zone id checked before (parseTimeZone), shared (their offset caches too). */
export function timeZoneById(value: string): TimeZoneRules {
  let z = byId.get(value);
  if (z === undefined) {
    const r = parseTimeZone(value);
    if (typeof r === 'string') throw new Error(`invalid time zone '${value}': ${r}`);
    z = r;
    byId.set(value, z);
  }
  return z;
}

/** Sets the process's session zone; the value was checked by parseTimeZone when it was SET. */
export function setSessionTimeZone(value: string): void {
  if (value === currentKey) return;
  // resolved when first read: 'default' asks Intl for the machine's zone, which loaded ICU's
  // time zone data (~10 ms) at the start of every run, most of which never read it
  current = undefined;
  currentKey = value;
}

/** The session zone, as set last (read when kernels, formats and operators are built). */
export function sessionTimeZone(): TimeZoneRules {
  return (current ??= timeZoneById(currentKey));
}
