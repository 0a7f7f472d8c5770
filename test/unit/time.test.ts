import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  addMonths,
  civilFromDays,
  compileJavaDatePattern,
  daysFromCivil,
  extractDay,
  extractDayOfWeek,
  extractDayOfYear,
  extractHour,
  extractIsoDayOfWeek,
  extractMillisecond,
  extractMinute,
  extractMonth,
  extractQuarter,
  extractSecond,
  extractWeek,
  extractYear,
  formatDate,
  formatTimestamp,
  javaPatternToDuckDbFormat,
  millisOfSecond,
  parseDate,
  parseDateBytes,
  parseTimestamp,
  parseTimestampBytes,
} from '../../src/common/time.js';

// A seeded generator so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN_MS = Date.UTC(1, 0, 1) - 1900 * 365.2425 * 86400000; // around year 1 (Date.UTC maps 1 -> 1901)
const YEAR1 = new Date(0).setUTCFullYear(1, 0, 1);
const YEAR9999_END = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The text form by an independent route: the engine's Date (ISO string). */
function viaDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Random instants, biased towards interesting places (epoch, leap days, year ends). */
function instants(n: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [0, -1, 1, YEAR1, YEAR9999_END, Date.UTC(2000, 1, 29, 12), Date.UTC(1900, 1, 28, 23, 59, 59, 999), Date.UTC(1969, 11, 31, 23, 59, 59, 999)];
  for (let i = 0; i < n; i++) {
    const pick = r();
    if (pick < 0.5) out.push(Math.floor(YEAR1 + r() * (YEAR9999_END - YEAR1)));
    else if (pick < 0.7) out.push(Math.floor((r() - 0.5) * 4e12)); // 1843..2096
    else {
      // around a year boundary or Feb/Mar of a (non-)leap year
      const y = 1 + Math.floor(r() * 9998);
      const base = r() < 0.5 ? new Date(0).setUTCFullYear(y, 0, 1) : new Date(0).setUTCFullYear(y, 1, 28);
      out.push(base + Math.floor((r() - 0.5) * 4 * 86400000));
    }
  }
  return out;
}

describe('calendar arithmetic', () => {
  it('daysFromCivil and civilFromDays agree with Date for every day of several centuries', () => {
    for (let d = -150000; d <= 150000; d += 7) {
      const date = new Date(d * 86400000);
      const { year, month, day } = civilFromDays(d);
      expect([year, month, day]).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      expect(daysFromCivil(year, month, day)).toBe(d);
    }
  });

  it('handles years before 1 and after 9999', () => {
    expect(civilFromDays(daysFromCivil(0, 2, 29))).toEqual({ year: 0, month: 2, day: 29 }); // year 0 is a leap year
    expect(civilFromDays(daysFromCivil(-1, 12, 31) + 1)).toEqual({ year: 0, month: 1, day: 1 });
    expect(civilFromDays(daysFromCivil(10000, 1, 1) - 1)).toEqual({ year: 9999, month: 12, day: 31 });
    expect(daysFromCivil(-1, 1, 1)).toBe(Math.round(new Date(0).setUTCFullYear(-1, 0, 1) / 86400000));
  });
});

describe('parseTimestamp / formatTimestamp', () => {
  it('agree with Date on random instants incl. leap days, year boundaries, negative epochs', () => {
    for (const ms of instants(20000, 7)) {
      const text = viaDate(ms);
      expect(formatTimestamp(ms)).toBe(text);
      expect(parseTimestamp(text)).toBe(ms);
      const bytes = Buffer.from('  ' + text + ' ');
      expect(parseTimestampBytes(bytes, 0, bytes.length)).toBe(ms);
    }
  });

  it('accepts the documented shapes', () => {
    expect(parseTimestamp('2015-07-15 00:00:00')).toBe(Date.UTC(2015, 6, 15));
    expect(parseTimestamp('2015-07-15T01:02:03')).toBe(Date.UTC(2015, 6, 15, 1, 2, 3));
    expect(parseTimestamp('2015-07-15')).toBe(Date.UTC(2015, 6, 15));
    expect(parseTimestamp('2015-07-15 01:02')).toBe(Date.UTC(2015, 6, 15, 1, 2));
    expect(parseTimestamp('2015-7-5 1:2:3')).toBe(Date.UTC(2015, 6, 5, 1, 2, 3));
    expect(parseTimestamp('2015-07-15 01:02:03.1')).toBe(Date.UTC(2015, 6, 15, 1, 2, 3, 100));
    expect(parseTimestamp('2015-07-15 01:02:03.12')).toBe(Date.UTC(2015, 6, 15, 1, 2, 3, 120));
    expect(parseTimestamp('2015-07-15 01:02:03.123')).toBe(Date.UTC(2015, 6, 15, 1, 2, 3, 123));
    // fraction beyond milliseconds is truncated, not rounded
    expect(parseTimestamp('2015-07-15 01:02:03.123999999')).toBe(Date.UTC(2015, 6, 15, 1, 2, 3, 123));
    expect(parseTimestamp('1969-12-31 23:59:59.999999')).toBe(-1);
    expect(parseTimestamp('1900-01-01 00:00:00')).toBe(Date.UTC(1900, 0, 1));
  });

  it('rejects invalid text and out-of-range fields', () => {
    const bad = [
      '',
      '2015',
      '2015-07',
      '2015-13-01',
      '2015-00-10',
      '2015-04-31',
      '2019-02-29',
      '1900-02-29 00:00:00',
      '2015-07-15 24:00:00',
      '2015-07-15 23:60:00',
      '2015-07-15 23:59:60',
      '2015-07-15 01:02:03.',
      '2015-07-15 01:02:03.1234567890',
      '2015-07-15 01:02:03Z',
      '2015-07-15 01:02:03+01:00',
      '2015/07/15 01:02:03',
      '2015-07-15  01:02:03',
      '15-07-15',
      'abc',
      '2015-07-15 1',
      '2015-07-15x',
    ];
    for (const b of bad) expect(parseTimestamp(b), b).toBeNaN();
    expect(parseTimestamp('2000-02-29 00:00:00')).toBe(Date.UTC(2000, 1, 29));
    expect(parseTimestamp('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
  });

  it('formats with exactly three fraction digits', () => {
    expect(formatTimestamp(Date.UTC(2015, 6, 15))).toBe('2015-07-15 00:00:00.000');
    expect(formatTimestamp(Date.UTC(2015, 6, 15, 1, 2, 3, 45))).toBe('2015-07-15 01:02:03.045');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999');
    expect(formatTimestamp(0.9)).toBe('1970-01-01 00:00:00.000');
  });

  it('writes years outside 0..9999 in a form it reads back', () => {
    const cases: [number, string][] = [
      [new Date(0).setUTCFullYear(-1, 0, 1), '-0001-01-01 00:00:00.000'],
      [new Date(0).setUTCFullYear(0, 11, 31), '0000-12-31 00:00:00.000'],
      [new Date(0).setUTCFullYear(10000, 0, 1), '10000-01-01 00:00:00.000'],
      [new Date(0).setUTCFullYear(-12345, 5, 6), '-12345-06-06 00:00:00.000'],
    ];
    for (const [ms, text] of cases) {
      expect(formatTimestamp(ms)).toBe(text);
      expect(parseTimestamp(text)).toBe(ms);
    }
  });
});

describe('DATE', () => {
  it('parses and formats days since epoch', () => {
    const r = rng(3);
    for (let i = 0; i < 5000; i++) {
      const days = Math.floor((r() - 0.5) * 2 * 2932896); // years ~ -6000..9999 clipped below
      const ms = days * 86400000;
      if (ms < YEAR1 || ms > YEAR9999_END) continue;
      const text = viaDate(ms).slice(0, 10);
      expect(formatDate(days)).toBe(text);
      expect(parseDate(text)).toBe(days);
    }
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('1969-12-31')).toBe(-1);
    expect(parseDate('2019-02-29')).toBeNaN();
    expect(parseDate('2019-02-28 00:00:00')).toBeNaN();
    const b = Buffer.from('x2024-02-29y');
    expect(parseDateBytes(b, 1, 11)).toBe(Date.UTC(2024, 1, 29) / 86400000);
  });
});

describe('field extraction', () => {
  it('agrees with Date on random instants', () => {
    for (const ms of instants(20000, 11)) {
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      const startOfYear = new Date(0).setUTCFullYear(y, 0, 1);
      const dayStart = new Date(0).setUTCFullYear(y, d.getUTCMonth(), d.getUTCDate());
      expect(extractYear(ms)).toBe(y);
      expect(extractMonth(ms)).toBe(d.getUTCMonth() + 1);
      expect(extractQuarter(ms)).toBe(Math.floor(d.getUTCMonth() / 3) + 1);
      expect(extractDay(ms)).toBe(d.getUTCDate());
      expect(extractDayOfWeek(ms)).toBe(d.getUTCDay() + 1);
      expect(extractIsoDayOfWeek(ms)).toBe(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
      expect(extractDayOfYear(ms)).toBe(Math.round((dayStart - startOfYear) / 86400000) + 1);
      expect(extractHour(ms)).toBe(d.getUTCHours());
      expect(extractMinute(ms)).toBe(d.getUTCMinutes());
      expect(extractSecond(ms)).toBe(d.getUTCSeconds());
      expect(millisOfSecond(ms)).toBe(d.getUTCMilliseconds());
      expect(extractMillisecond(ms)).toBe(d.getUTCSeconds() * 1000 + d.getUTCMilliseconds());
      // ISO week by the textbook route: the week's Thursday decides the year
      const thursday = dayStart + (4 - (d.getUTCDay() || 7)) * 86400000;
      const tYear = new Date(thursday).getUTCFullYear();
      const week = Math.ceil(((thursday - new Date(0).setUTCFullYear(tYear, 0, 1)) / 86400000 + 1) / 7);
      expect(extractWeek(ms)).toBe(week);
    }
  });

  it('gives known ISO weeks and day numbers', () => {
    expect(extractWeek(Date.UTC(2021, 0, 3))).toBe(53); // Sunday Jan 3 2021 belongs to 2020-W53
    expect(extractWeek(Date.UTC(2021, 0, 4))).toBe(1);
    expect(extractWeek(Date.UTC(2018, 11, 31))).toBe(1); // Monday Dec 31 2018 is 2019-W01
    expect(extractDayOfWeek(Date.UTC(2015, 6, 15))).toBe(4); // a Wednesday; Sunday = 1
    expect(extractDayOfYear(Date.UTC(2020, 11, 31))).toBe(366);
    expect(extractMillisecond(Date.UTC(2020, 0, 1, 12, 34, 56, 789))).toBe(56789);
  });
});

describe('addMonths', () => {
  it('clamps the day to the target month and keeps the time of day', () => {
    expect(addMonths(Date.UTC(2020, 0, 31, 10, 11, 12, 13), 1)).toBe(Date.UTC(2020, 1, 29, 10, 11, 12, 13));
    expect(addMonths(Date.UTC(2020, 2, 31), -1)).toBe(Date.UTC(2020, 1, 29));
    expect(addMonths(Date.UTC(2019, 0, 31), 13)).toBe(Date.UTC(2020, 1, 29));
    expect(addMonths(Date.UTC(2020, 0, 15), -1)).toBe(Date.UTC(2019, 11, 15));
    expect(addMonths(Date.UTC(1970, 0, 1) - 1, 12)).toBe(Date.UTC(1971, 0, 1) - 1);
  });
});

describe('Java date patterns', () => {
  const ts = Date.UTC(2020, 2, 4, 15, 6, 7, 89); // Wednesday 2020-03-04 15:06:07.089, day 64
  const cases: [string, string][] = [
    ['yyyy-MM-dd HH:mm:ss', '2020-03-04 15:06:07'],
    ['yyyy-MM-dd HH:mm', '2020-03-04 15:06'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS", '2020-03-04T15:06:07.089'],
    ['yy/M/d h:m:s a', '20/3/4 3:6:7 PM'],
    ['EEE, MMM d yyyy', 'Wed, Mar 4 2020'],
    ['E EEEE MMMM dd', 'Wed Wednesday March 04'],
    ['D DD DDD', '64 64 064'],
    ['S SS SSS SSSS SSSSSS', '0 08 089 0890 089000'],
    ["''yyyy''", "'2020'"],
    ["'o''clock' H", "o'clock 15"],
    ['yyyyMMddHHmmss', '20200304150607'],
    ['y', '2020'],
    ['HH:mm:ss, dd.MM.yyyy', '15:06:07, 04.03.2020'],
  ];

  it('formats like DateTimeFormatter', () => {
    for (const [pattern, expected] of cases) expect(compileJavaDatePattern(pattern).format(ts), pattern).toBe(expected);
    const midnight = compileJavaDatePattern('hh:mm a');
    expect(midnight.format(Date.UTC(2020, 0, 1, 0, 30))).toBe('12:30 AM');
    expect(midnight.format(Date.UTC(2020, 0, 1, 12, 0))).toBe('12:00 PM');
    expect(compileJavaDatePattern('yyyy-MM-dd').format(-1)).toBe('1969-12-31');
    expect(compileJavaDatePattern('yy').format(Date.UTC(2005, 0, 1))).toBe('05');
  });

  it('parses text back to the instant (fields absent default to 1970-01-01 00:00)', () => {
    const p = (pattern: string, text: string): number => compileJavaDatePattern(pattern).parse(text);
    expect(p('yyyy-MM-dd HH:mm:ss', '2020-03-04 15:06:07')).toBe(Date.UTC(2020, 2, 4, 15, 6, 7));
    expect(p("yyyy-MM-dd'T'HH:mm:ss.SSS", '2020-03-04T15:06:07.089')).toBe(ts);
    expect(p('yyyyMMdd', '20200304')).toBe(Date.UTC(2020, 2, 4));
    expect(p('yyyyMMddHHmmss', '20200304150607')).toBe(Date.UTC(2020, 2, 4, 15, 6, 7));
    expect(p('yyyy-M-d', '2020-3-4')).toBe(Date.UTC(2020, 2, 4));
    expect(p('yyyy-M-d', '2020-03-04')).toBe(Date.UTC(2020, 2, 4));
    expect(p('h:mm a', '3:06 PM')).toBe(Date.UTC(1970, 0, 1, 15, 6));
    expect(p('h:mm a', '12:06 AM')).toBe(Date.UTC(1970, 0, 1, 0, 6));
    expect(p('EEE, MMM d yyyy', 'Wed, Mar 4 2020')).toBe(Date.UTC(2020, 2, 4));
    expect(p('MMMM yyyy', 'march 2020')).toBe(Date.UTC(2020, 2, 1));
    expect(p('yy-MM-dd', '20-03-04')).toBe(Date.UTC(2020, 2, 4));
    expect(p('yyyy DDD', '2020 064')).toBe(Date.UTC(2020, 2, 4));
    expect(p('HH:mm', '23:59')).toBe(Date.UTC(1970, 0, 1, 23, 59));
    expect(p('yyyy-MM-dd HH:mm:ss.S', '2020-03-04 15:06:07.5')).toBe(Date.UTC(2020, 2, 4, 15, 6, 7, 500));
    // mismatches
    expect(p('yyyy-MM-dd', '2020-3-4')).toBeNaN(); // MM needs two digits
    expect(p('dd/MM/yyyy', '31/02/2020')).toBeNaN();
    expect(p('EEE, MMM d yyyy', 'Thu, Mar 4 2020')).toBeNaN(); // wrong day of week
    expect(p('yyyy-MM-dd', '2020-03-04 ')).toBeNaN(); // input must be consumed entirely
    expect(p('HH:mm', '24:00')).toBeNaN();
    expect(p('yyyy-MM-dd', 'x')).toBeNaN();
  });

  it('round-trips random instants through numeric patterns', () => {
    const patterns = ["yyyy-MM-dd'T'HH:mm:ss.SSS", 'yyyyMMddHHmmssSSS', 'dd.MM.yyyy hh:mm:ss.SSS a', 'yyyy DDD HH:mm:ss.SSS'];
    for (const pattern of patterns) {
      const f = compileJavaDatePattern(pattern);
      for (const ms of instants(2000, 5)) {
        if (ms < Date.UTC(1000, 0, 1)) continue; // 4-digit years only
        expect(f.parse(f.format(ms)), `${pattern} ${ms}`).toBe(ms);
      }
    }
  });

  it('names an unsupported letter', () => {
    expect(() => compileJavaDatePattern('yyyy-MM-dd Q')).toThrow(/'Q'/);
    expect(() => compileJavaDatePattern('HH:mm z')).toThrow(/'z'/);
    expect(() => compileJavaDatePattern('X')).toThrow(/'X'/);
    expect(() => compileJavaDatePattern("yyyy 'open")).toThrow(/unterminated/);
    expect(() => compileJavaDatePattern('yyyy[-MM]')).toThrow(/'\['/);
  });
});

describe('Java pattern -> DuckDB strftime', () => {
  it('translates letters', () => {
    expect(javaPatternToDuckDbFormat('yyyy-MM-dd HH:mm:ss')).toBe('%Y-%m-%d %H:%M:%S');
    expect(javaPatternToDuckDbFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('%Y-%m-%dT%H:%M:%S.%g');
    expect(javaPatternToDuckDbFormat("'100%' yy")).toBe('100%% %y');
    expect(() => javaPatternToDuckDbFormat('ss.S')).toThrow(/'S'/);
    expect(() => javaPatternToDuckDbFormat('Q')).toThrow(/'Q'/);
  });

  it('gives DuckDB strftime the same text as DATE_FORMAT', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const patterns = ['yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss.SSS", 'yy/M/d h:m:s a', 'EEE, MMM d yyyy', 'EEEE MMMM dd', 'D DDD', 'yyyyMMddHHmmss', "H 'h' mm", 'hh:mm a', 'SSSSSS'];
    const times = instants(40, 99).filter((ms) => ms >= Date.UTC(1000, 0, 1));
    for (const pattern of patterns) {
      const fmt = javaPatternToDuckDbFormat(pattern);
      const f = compileJavaDatePattern(pattern);
      const values = times.map((ms) => `(${ms})`).join(',');
      const reader = await con.runAndReadAll(`SELECT ms, strftime(make_timestamp(ms * 1000), $fmt) FROM (VALUES ${values}) t(ms) ORDER BY ms`, { fmt });
      const rows = reader.getRowsJS();
      for (const [ms, text] of rows) expect(text, `${pattern} at ${String(ms)}`).toBe(f.format(Number(ms)));
      // and strptime reads our text back to the same instant
      // (without a year, strptime defaults to 1900 and Java to 1970: not comparable)
      if (!pattern.includes('y')) {
        expect(() => javaPatternToDuckDbFormat(pattern, 'parse')).toThrow(/no year/);
        continue;
      }
      if (pattern.includes('yy/')) {
        expect(() => javaPatternToDuckDbFormat(pattern, 'parse')).toThrow(/yy/);
        continue;
      }
      const back = await con.runAndReadAll(
        `SELECT ms, epoch_ms(strptime(s, $fmt)) FROM (VALUES ${times.map((ms) => `(${ms}, '${f.format(ms)}')`).join(',')}) t(ms, s)`,
        { fmt: javaPatternToDuckDbFormat(pattern, 'parse') },
      );
      for (const [ms, parsed] of back.getRowsJS()) expect(Number(parsed), `${pattern} parse ${String(ms)}`).toBe(f.parse(f.format(Number(ms))));
    }
    con.closeSync();
  });
});
