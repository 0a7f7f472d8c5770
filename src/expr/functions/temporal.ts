// Date and time functions. Timestamps are epoch milliseconds without a zone (UTC), DATEs are
// days since the epoch. Patterns are Java's (Flink's DATE_FORMAT, TO_TIMESTAMP), compiled
// once per query when constant. Text that does not parse gives NULL, as in Flink.

import type { Scalar } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { T, isIntegral, typeToString } from '../../common/types.js';
import type { JavaDatePattern, TimeField } from '../../common/time.js';
import { MS_PER_DAY, addMonths, civilFromDays, compileJavaDatePattern, daysFromCivil, extractMonth, extractYear, formatTimestamp, parseDate, parseTimestamp, timeFieldExtractor } from '../../common/time.js';
import { mapF64, rowwise } from '../kernels.js';
import { timeOfTimestamp, truncateTime } from '../../common/time-of-day.js';
import type { TimeZoneRules } from '../../common/time-zone.js';
import { parseTimeZone, sessionTimeZone, timeZoneById } from '../../common/time-zone.js';
import { registerFunction } from '../registry.js';

function isTime(t: DataType | undefined): boolean {
  return t !== undefined && (t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'NULL' || t.kind === 'TIMESTAMP_LTZ');
}

/**
 * The argument type a TIMESTAMP function reads: a TIMESTAMP_LTZ is cast to its local
 * date-time in the session zone first (the binder inserts the cast), as Flink does for
 * HOUR, EXTRACT, DATE_FORMAT... of a TIMESTAMP_LTZ; NULL reads as TIMESTAMP.
 */
function localArg(t: DataType): DataType {
  return t.kind === 'NULL' || t.kind === 'TIMESTAMP_LTZ' ? T.TIMESTAMP : t;
}

const FIELDS: [string, string[], TimeField][] = [
  ['year', ['YEAR'], 'YEAR'],
  ['quarter', ['QUARTER'], 'QUARTER'],
  ['month', ['MONTH'], 'MONTH'],
  ['week', ['WEEK'], 'WEEK'],
  ['dayofmonth', ['DAYOFMONTH'], 'DAY'],
  ['dayofweek', ['DAYOFWEEK'], 'DOW'],
  ['dayofyear', ['DAYOFYEAR'], 'DOY'],
  ['hour', ['HOUR'], 'HOUR'],
  ['minute', ['MINUTE'], 'MINUTE'],
  ['second', ['SECOND'], 'SECOND'],
  ['millisecond', [], 'MILLISECOND'],
];

/** The fields a TIME has: its value is milliseconds of day 0, so the TIMESTAMP extractors read it. */
const TIME_FIELDS = new Set<TimeField>(['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND']);

/** A BIGINT field of a TIMESTAMP or DATE (and of a TIME when `ofTime`), from local millis. */
function registerExtractor(name: string, sqlNames: string[], doc: string, field: string, f: (t: number) => number, ofTime: boolean): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    resolve(args) {
      const a = args[0];
      if (args.length === 1 && a?.kind === 'TIME') return ofTime ? { args: [a], ret: T.BIGINT } : `a TIMESTAMP or DATE argument (a TIME has no ${field})`;
      if (args.length !== 1 || !isTime(a)) return `one TIMESTAMP${ofTime ? ', TIME' : ''} or DATE argument${a ? `, got ${typeToString(a)}` : ''}`;
      return { args: [localArg(a!)], ret: T.BIGINT };
    },
    kernel(sig) {
      if (sig.args[0]!.kind === 'DATE') return mapF64(T.BIGINT, (d) => f(d * MS_PER_DAY));
      return mapF64(T.BIGINT, f);
    },
  });
}

for (const [name, sqlNames, field] of FIELDS) registerExtractor(name, sqlNames, `${sqlNames[0] ?? 'EXTRACT'}(timestamp)`, field, timeFieldExtractor(field), TIME_FIELDS.has(field));

// EXTRACT's other fields (Calcite's DateTimeUtils, which Flink runs): DECADE = year / 10,
// CENTURY and MILLENNIUM count from year 1 (2000 is in the 20th century), ISODOW is 1 (Monday)
// to 7 (Sunday), ISOYEAR the year of the ISO week (the year of its Thursday), MICROSECOND and
// NANOSECOND the second's field with its fraction (as MILLISECOND), EPOCH the seconds since
// 1970-01-01 00:00:00 (Java's division, toward zero). Each is a BIGINT.
function yearOfMs(t: number): number {
  return civilFromDays(Math.floor(t / MS_PER_DAY)).year;
}
function isoDow(t: number): number {
  const day = Math.floor(t / MS_PER_DAY);
  return ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
}
const MORE_FIELDS: [string, string, (t: number) => number, boolean][] = [
  ['extract_decade', 'DECADE', (t) => Math.trunc(yearOfMs(t) / 10), false],
  ['extract_century', 'CENTURY', (t) => { const y = yearOfMs(t); return y > 0 ? Math.trunc((y + 99) / 100) : Math.trunc((y - 99) / 100); }, false],
  ['extract_millennium', 'MILLENNIUM', (t) => { const y = yearOfMs(t); return y > 0 ? Math.trunc((y + 999) / 1000) : Math.trunc((y - 999) / 1000); }, false],
  ['extract_isodow', 'ISODOW', isoDow, false],
  ['extract_isoyear', 'ISOYEAR', (t) => yearOfMs(t + (4 - isoDow(t)) * MS_PER_DAY), false],
  ['extract_microsecond', 'MICROSECOND', (t) => (((t % 60_000) + 60_000) % 60_000) * 1000, true],
  ['extract_nanosecond', 'NANOSECOND', (t) => (((t % 60_000) + 60_000) % 60_000) * 1_000_000, true],
  ['extract_epoch', 'EPOCH', (t) => Math.trunc(t / 1000), false],
];
for (const [name, field, f, ofTime] of MORE_FIELDS) registerExtractor(name, [], `EXTRACT(${field} FROM t)`, field, f, ofTime);

const patternCache = new Map<string, JavaDatePattern>();
function pattern(p: string): JavaDatePattern {
  let c = patternCache.get(p);
  if (c === undefined) {
    c = compileJavaDatePattern(p);
    if (patternCache.size > 200) patternCache.clear();
    patternCache.set(p, c);
  }
  return c;
}

/** A pattern argument: compiled now when constant (errors are query errors), else per row. */
function patternArg(consts: readonly (Scalar | undefined)[], i: number, fallback: string): ((row: (number | string)[]) => JavaDatePattern | null) {
  if (consts.length <= i) {
    const p = pattern(fallback);
    return () => p;
  }
  const c = consts[i];
  if (typeof c === 'string') {
    const p = pattern(c); // throws for an unsupported letter: reported at bind time
    return () => p;
  }
  return (row) => {
    try {
      return pattern(row[i] as string);
    } catch {
      return null;
    }
  };
}

registerFunction({
  name: 'date_format',
  sqlNames: ['DATE_FORMAT'],
  doc: "DATE_FORMAT(timestamp, 'yyyy-MM-dd HH:mm')",
  resolve(args) {
    const [a, f] = args;
    if (args.length !== 2 || a === undefined || f === undefined) return "a timestamp and a Java date pattern";
    if (!(isTime(a) || a.kind === 'STRING')) return `a TIMESTAMP (or timestamp text) as first argument, got ${typeToString(a)}`;
    if (f.kind !== 'STRING' && f.kind !== 'NULL') return `a pattern string as second argument, got ${typeToString(f)}`;
    return { args: [localArg(a), T.STRING], ret: T.STRING };
  },
  kernel(sig, consts) {
    const pat = patternArg(consts, 1, 'yyyy-MM-dd HH:mm:ss');
    const from = sig.args[0]!.kind;
    const c1 = consts[1];
    if (from !== 'STRING' && typeof c1 === 'string') {
      // a constant pattern over a time column: one loop, the pattern reusing its last text
      const p = pattern(c1);
      const scale = from === 'DATE' ? MS_PER_DAY : 1;
      return (args, n) => {
        const c = args[0]!;
        const v = c.values as Float64Array;
        const nulls = c.nulls;
        const out = new Array<string>(n);
        for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? '' : p.format(v[i]! * scale);
        return { type: T.STRING, values: out, nulls: nulls === null ? null : nulls.slice(0, n) };
      };
    }
    return rowwise(T.STRING, (row) => {
      const p = pat(row);
      if (p === null) return null;
      let ms: number;
      if (from === 'STRING') {
        ms = parseTimestamp(row[0] as string);
        if (Number.isNaN(ms)) return null;
      } else ms = from === 'DATE' ? (row[0] as number) * MS_PER_DAY : (row[0] as number);
      return p.format(ms);
    });
  },
});

function parseWith(kind: 'ts' | 'date') {
  return (consts: readonly (Scalar | undefined)[], hasPattern: boolean) => {
    const pat = hasPattern ? patternArg(consts, 1, '') : null;
    return rowwise(kind === 'ts' ? T.TIMESTAMP : T.DATE, (row) => {
      const s = row[0] as string;
      let ms: number;
      if (pat === null) {
        ms = kind === 'ts' ? parseTimestamp(s.trim()) : parseDate(s.trim());
        if (Number.isNaN(ms)) return null;
        return ms;
      }
      const p = pat(row);
      if (p === null) return null;
      ms = p.parse(s);
      if (Number.isNaN(ms)) return null;
      return kind === 'ts' ? ms : Math.floor(ms / MS_PER_DAY);
    });
  };
}

const toTs = parseWith('ts');
const toDate = parseWith('date');

registerFunction({
  name: 'to_timestamp',
  sqlNames: ['TO_TIMESTAMP'],
  doc: "TO_TIMESTAMP(text [, 'yyyy-MM-dd HH:mm:ss'])",
  resolve(args) {
    if (args.length < 1 || args.length > 2) return 'text and an optional Java date pattern';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => T.STRING), ret: T.TIMESTAMP };
  },
  kernel: (sig, consts) => toTs(consts, sig.args.length === 2),
});

registerFunction({
  name: 'to_date',
  sqlNames: ['TO_DATE'],
  doc: "TO_DATE(text [, 'yyyy-MM-dd'])",
  resolve(args) {
    if (args.length < 1 || args.length > 2) return 'text and an optional Java date pattern';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => T.STRING), ret: T.DATE };
  },
  kernel: (sig, consts) => toDate(consts, sig.args.length === 2),
});

registerFunction({
  name: 'unix_timestamp',
  sqlNames: ['UNIX_TIMESTAMP'],
  doc: "UNIX_TIMESTAMP(text [, pattern]): seconds since the epoch",
  resolve(args) {
    if (args.length < 1 || args.length > 2) return 'text and an optional Java date pattern, or no arguments: UNIX_TIMESTAMP() reads the clock';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => T.STRING), ret: T.BIGINT };
  },
  kernel(sig, consts) {
    const inner = toTs(consts, sig.args.length === 2);
    return (cols, n) => {
      const c = inner(cols, n);
      const v = c.values as Float64Array;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(v[i]! / 1000);
      return { type: T.BIGINT, values: out, nulls: c.nulls };
    };
  },
});

registerFunction({
  name: 'from_unixtime',
  sqlNames: ['FROM_UNIXTIME'],
  doc: "FROM_UNIXTIME(seconds [, 'yyyy-MM-dd HH:mm:ss'])",
  resolve(args) {
    const [a, f] = args;
    if (args.length < 1 || args.length > 2 || a === undefined) return 'seconds and an optional Java date pattern';
    if (!(isIntegral(a) || a.kind === 'NULL')) return `integer seconds, got ${typeToString(a)}`;
    if (f !== undefined && f.kind !== 'STRING' && f.kind !== 'NULL') return `a pattern string, got ${typeToString(f)}`;
    return { args: f === undefined ? [T.BIGINT] : [T.BIGINT, T.STRING], ret: T.STRING };
  },
  kernel(_sig, consts) {
    const pat = patternArg(consts, 1, 'yyyy-MM-dd HH:mm:ss');
    return rowwise(T.STRING, (row) => {
      const p = pat(row);
      return p === null ? null : p.format((row[0] as number) * 1000);
    });
  },
});

registerFunction({
  name: 'to_timestamp_ltz',
  sqlNames: ['TO_TIMESTAMP_LTZ'],
  doc: 'TO_TIMESTAMP_LTZ(epoch [, 0 | 3]): epoch seconds (0) or milliseconds (3, the default) as a TIMESTAMP_LTZ',
  resolve(args) {
    const [a, p] = args;
    if (args.length < 1 || args.length > 2 || a === undefined) return 'an epoch number and its precision (0 = seconds, 3 = milliseconds)';
    if (!(isIntegral(a) || a.kind === 'DOUBLE' || a.kind === 'DECIMAL' || a.kind === 'NULL')) return `a numeric epoch, got ${typeToString(a)}`;
    if (p !== undefined && !(isIntegral(p) || p.kind === 'NULL')) return `an integer precision, got ${typeToString(p)}`;
    return { args: p === undefined ? [a.kind === 'NULL' ? T.BIGINT : a] : [a.kind === 'NULL' ? T.BIGINT : a, T.INT], ret: T.TIMESTAMP_LTZ };
  },
  kernel(sig, consts) {
    const p = consts[1];
    if (p !== undefined && p !== 0 && p !== 3) throw new Error('TO_TIMESTAMP_LTZ precision must be 0 (seconds) or 3 (milliseconds)');
    const oneArg = sig.args.length === 1;
    return rowwise(T.TIMESTAMP_LTZ, (row) => {
      const prec = oneArg ? 3 : (row[1] as number);
      if (prec !== 0 && prec !== 3) return null;
      return Math.floor((row[0] as number) * (prec === 0 ? 1000 : 1));
    });
  },
});

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: MS_PER_DAY, WEEK: 7 * MS_PER_DAY, MILLISECOND: 1 };
const UNIT_MONTHS: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

/**
 * TIMESTAMPADD(unit, n, ts): the binder passes the unit as a constant string first. The result
 * has the type of `ts` (Calcite's rule): a TIMESTAMP_LTZ stays an instant, moved by the units.
 */
registerFunction({
  name: 'timestampadd',
  sqlNames: ['TIMESTAMPADD'],
  doc: 'TIMESTAMPADD(unit, n, timestamp)',
  resolve(args) {
    const [u, n, t] = args;
    if (args.length !== 3 || u?.kind !== 'STRING' || n === undefined || !(isIntegral(n) || n.kind === 'NULL') || !isTime(t)) return 'a unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR), an integer and a TIMESTAMP';
    return { args: [T.STRING, T.INT, t!.kind === 'NULL' ? T.TIMESTAMP : t!], ret: t!.kind === 'DATE' ? T.DATE : t!.kind === 'TIMESTAMP_LTZ' ? T.TIMESTAMP_LTZ : T.TIMESTAMP };
  },
  kernel(sig, consts) {
    const unit = String(consts[0] ?? '').toUpperCase();
    const isDate = sig.args[2]!.kind === 'DATE';
    const ms = UNIT_MS[unit];
    const months = UNIT_MONTHS[unit];
    if (ms === undefined && months === undefined) throw new Error(`TIMESTAMPADD unit must be one of ${[...Object.keys(UNIT_MS), ...Object.keys(UNIT_MONTHS)].join(', ')}, got '${unit}'`);
    return rowwise(sig.ret, (row) => {
      const n = row[1] as number;
      const t = isDate ? (row[2] as number) * MS_PER_DAY : (row[2] as number);
      const r = months !== undefined ? addMonths(t, n * months) : t + n * ms!;
      return isDate ? Math.floor(r / MS_PER_DAY) : r;
    });
  },
});

/** TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward zero. */
registerFunction({
  name: 'timestampdiff',
  sqlNames: ['TIMESTAMPDIFF'],
  doc: 'TIMESTAMPDIFF(unit, from, to)',
  resolve(args) {
    const [u, a, b] = args;
    if (args.length !== 3 || u?.kind !== 'STRING' || !isTime(a) || !isTime(b)) return 'a unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR) and two TIMESTAMPs';
    return { args: [T.STRING, a!.kind === 'NULL' ? T.TIMESTAMP : a!, b!.kind === 'NULL' ? T.TIMESTAMP : b!], ret: T.INT };
  },
  kernel(sig, consts) {
    const unit = String(consts[0] ?? '').toUpperCase();
    const ms = UNIT_MS[unit];
    const months = UNIT_MONTHS[unit];
    if (ms === undefined && months === undefined) throw new Error(`TIMESTAMPDIFF unit must be one of ${[...Object.keys(UNIT_MS), ...Object.keys(UNIT_MONTHS)].join(', ')}, got '${unit}'`);
    const aDate = sig.args[1]!.kind === 'DATE';
    const bDate = sig.args[2]!.kind === 'DATE';
    return rowwise(T.INT, (row) => {
      const a = aDate ? (row[1] as number) * MS_PER_DAY : (row[1] as number);
      const b = bDate ? (row[2] as number) * MS_PER_DAY : (row[2] as number);
      if (ms !== undefined) return Math.trunc((b - a) / ms);
      // whole months between, as Calcite: compare the month counts, then the remainder
      let m = (extractYear(b) - extractYear(a)) * 12 + (extractMonth(b) - extractMonth(a));
      if (m > 0 && addMonths(a, m) > b) m--;
      else if (m < 0 && addMonths(a, m) < b) m++;
      return Math.trunc(m / months!);
    });
  },
});

export { formatTimestamp };

// ---------------------------------------------------------------------------------------
// The clock: CURRENT_TIMESTAMP / NOW() / CURRENT_ROW_TIMESTAMP() (TIMESTAMP_LTZ(3): the
// instant), LOCALTIMESTAMP (TIMESTAMP(3): its date-time in the session zone) and CURRENT_DATE
// (DATE: its date in the session zone). In a streaming query Flink evaluates them per record;
// weir reads the clock once per batch, so the rows of one batch share a value and later
// batches have later values. Not constant-folded (deterministic: false), and `weir verify`
// refuses them with the reason (src/verify/duck-expr.ts).

function clockFunction(name: string, sqlNames: string[], doc: string, ret: DataType, value: (now: number) => number): void {
  registerFunction({
    name,
    sqlNames,
    doc,
    deterministic: false,
    resolve(args) {
      return args.length === 0 ? { args: [], ret } : 'no arguments';
    },
    kernel() {
      return (_args, n) => {
        const values = new Float64Array(n);
        values.fill(value(Date.now()));
        return { type: ret, values, nulls: null };
      };
    },
  });
}

clockFunction('current_timestamp', ['CURRENT_TIMESTAMP', 'NOW'], 'CURRENT_TIMESTAMP, NOW(): the current instant, a TIMESTAMP_LTZ(3)', T.TIMESTAMP_LTZ, (now) => now);
clockFunction('current_row_timestamp', ['CURRENT_ROW_TIMESTAMP'], 'CURRENT_ROW_TIMESTAMP(): the current instant for each row, a TIMESTAMP_LTZ(3)', T.TIMESTAMP_LTZ, (now) => now);
clockFunction('localtimestamp', ['LOCALTIMESTAMP'], "LOCALTIMESTAMP: the current date-time in the session zone ('table.local-time-zone'), a TIMESTAMP(3)", T.TIMESTAMP, (now) => sessionTimeZone().toLocal(now));
// CURRENT_TIME and LOCALTIME: the time of day in the session zone, a TIME(0) (Flink)
clockFunction('current_time', ['CURRENT_TIME', 'LOCALTIME'], "CURRENT_TIME, LOCALTIME: the current time of day in the session zone ('table.local-time-zone'), a TIME(0)", T.TIME, (now) =>
  truncateTime(timeOfTimestamp(sessionTimeZone().toLocal(now)), 0),
);
clockFunction('current_date', ['CURRENT_DATE'], "CURRENT_DATE: today's date in the session zone ('table.local-time-zone')", T.DATE, (now) => Math.floor(sessionTimeZone().toLocal(now) / MS_PER_DAY));

// ---------------------------------------------------------------------------------------
// FLOOR(t TO unit) and CEIL(t TO unit): the binder passes the unit as a constant string first
// (src/sql/binder.ts). A TIMESTAMP and a DATE are rounded on their calendar; a TIMESTAMP_LTZ on
// its local date-time in the session zone (Flink's timestampFloor with the session zone), and
// stays an instant. WEEK starts on Sunday (Calcite's julianDateFloor). CEIL is the next unit
// boundary at or after the value.

/** The units FLOOR and CEIL round to. */
export const ROUNDING_UNITS = ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;

/** The start of the unit that holds local millis `t`. */
function floorTo(unit: string, t: number): number {
  const ms = unit === 'WEEK' ? undefined : UNIT_MS[unit];
  if (ms !== undefined) return Math.floor(t / ms) * ms;
  const day = Math.floor(t / MS_PER_DAY);
  if (unit === 'WEEK') return (day - ((((day + 4) % 7) + 7) % 7)) * MS_PER_DAY; // 1970-01-01 was a Thursday (4; Sunday 0)
  const { year, month } = civilFromDays(day);
  const m = unit === 'YEAR' ? 1 : unit === 'QUARTER' ? month - ((month - 1) % 3) : month;
  return daysFromCivil(year, m, 1) * MS_PER_DAY;
}

/** The first unit boundary at or after local millis `t`. */
function ceilTo(unit: string, t: number): number {
  const f = floorTo(unit, t);
  if (f === t) return t;
  const months = UNIT_MONTHS[unit];
  return months !== undefined ? addMonths(f, months) : f + UNIT_MS[unit]!;
}

for (const [name, sql, round] of [['floor_time', 'FLOOR', floorTo], ['ceil_time', 'CEIL', ceilTo]] as const) {
  registerFunction({
    name,
    sqlNames: [],
    doc: `${sql}(timestamp TO unit): rounded ${sql === 'FLOOR' ? 'down' : 'up'} to a ${ROUNDING_UNITS.join(', ')}`,
    resolve(args) {
      const [u, t] = args;
      if (args.length !== 2 || u?.kind !== 'STRING' || (!isTime(t) && t?.kind !== 'TIME')) return `a TIMESTAMP, TIMESTAMP_LTZ, DATE or TIME and a unit (${ROUNDING_UNITS.join(', ')}): ${sql}(ts TO HOUR)`;
      const tt = t!.kind === 'NULL' ? T.TIMESTAMP : t!;
      return { args: [T.STRING, tt], ret: tt };
    },
    kernel(sig, consts) {
      const unit = String(consts[0] ?? '').toUpperCase();
      if (!(ROUNDING_UNITS as readonly string[]).includes(unit)) throw new Error(`${sql}(... TO unit) takes one of ${ROUNDING_UNITS.join(', ')}, got '${unit}'`);
      const kind = sig.args[1]!.kind;
      if (kind === 'TIME') {
        // a time of day rounds within the day: MILLISECOND to HOUR; CEIL past 23:00 wraps to 00:00
        if (UNIT_MS[unit] === undefined || unit === 'DAY' || unit === 'WEEK') throw new Error(`${sql}(time TO unit) takes MILLISECOND, SECOND, MINUTE or HOUR, got '${unit}'`);
        const inner = mapF64(sig.ret, (t: number) => round(unit, t) % MS_PER_DAY);
        return (args, n) => inner([args[1]!], n);
      }
      const zone = sessionTimeZone();
      const f = kind === 'DATE' ? (d: number) => Math.floor(round(unit, d * MS_PER_DAY) / MS_PER_DAY) : kind === 'TIMESTAMP_LTZ' ? (t: number) => zone.fromLocal(round(unit, zone.toLocal(t))) : (t: number) => round(unit, t);
      const inner = mapF64(sig.ret, f);
      return (args, n) => inner([args[1]!], n); // the unit is argument 0
    },
  });
}

// UNIX_TIMESTAMP(): the current time in whole seconds since the epoch (the clock is read once
// per batch, as for CURRENT_TIMESTAMP above); the binder calls it for UNIX_TIMESTAMP().
clockFunction('unix_timestamp_now', [], 'UNIX_TIMESTAMP(): the current time in seconds since the epoch, a BIGINT', T.BIGINT, (now) => Math.floor(now / 1000));

// CONVERT_TZ(text, fromZone, toZone): the date-time text read in one zone, written
// ('yyyy-MM-dd HH:mm:ss') in another. Zones are those of 'table.local-time-zone' plus Java's
// three-letter ids (PST, CTT, ...), as Java's TimeZone.getTimeZone knows them; an unknown zone
// is GMT, as in Java. Text that does not parse gives NULL (Flink's SqlDateTimeUtils.convertTz).

/** Java's old three-letter zone ids (java.time.ZoneId.SHORT_IDS; EST, MST, HST are fixed offsets). */
const JAVA_SHORT_ZONES: Record<string, string> = {
  ACT: 'Australia/Darwin', AET: 'Australia/Sydney', AGT: 'America/Argentina/Buenos_Aires', ART: 'Africa/Cairo', AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo', BST: 'Asia/Dhaka', CAT: 'Africa/Harare', CNT: 'America/St_Johns', CST: 'America/Chicago', CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa', ECT: 'Europe/Paris', IET: 'America/Indiana/Indianapolis', IST: 'Asia/Kolkata', JST: 'Asia/Tokyo', MIT: 'Pacific/Apia',
  NET: 'Asia/Yerevan', NST: 'Pacific/Auckland', PLT: 'Asia/Karachi', PNT: 'America/Phoenix', PRT: 'America/Puerto_Rico', PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal', VST: 'Asia/Ho_Chi_Minh', EST: 'GMT-05:00', MST: 'GMT-07:00', HST: 'GMT-10:00', UTC: 'UTC', GMT: 'GMT',
};

/** The rules of a zone id as Java's TimeZone.getTimeZone reads it (unknown: GMT). */
export function javaTimeZone(id: string): TimeZoneRules {
  const v = JAVA_SHORT_ZONES[id] ?? id;
  const r = parseTimeZone(v);
  return typeof r === 'string' ? timeZoneById('UTC') : timeZoneById(v);
}

registerFunction({
  name: 'convert_tz',
  sqlNames: ['CONVERT_TZ'],
  doc: "CONVERT_TZ(text, from_zone, to_zone): the date-time 'yyyy-MM-dd HH:mm:ss' in from_zone, as text in to_zone",
  resolve(args) {
    if (args.length !== 3 || !args.every((t) => t.kind === 'STRING' || t.kind === 'NULL')) return 'a date-time STRING and two time zone STRINGs';
    return { args: [T.STRING, T.STRING, T.STRING], ret: T.STRING };
  },
  kernel(_sig, consts) {
    const fixed = (i: number): TimeZoneRules | undefined => (typeof consts[i] === 'string' ? javaTimeZone(consts[i] as string) : undefined);
    const from = fixed(1);
    const to = fixed(2);
    const out = pattern('yyyy-MM-dd HH:mm:ss');
    return rowwise(T.STRING, (row) => {
      const local = parseTimestamp((row[0] as string).trim());
      if (Number.isNaN(local)) return null;
      const instant = (from ?? javaTimeZone(row[1] as string)).fromLocal(local);
      return out.format((to ?? javaTimeZone(row[2] as string)).toLocal(instant));
    });
  },
});
