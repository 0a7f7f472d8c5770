// Date and time arithmetic for TIMESTAMP(3) and DATE values (DESIGN §2, types.ts).
//
// A TIMESTAMP is carried as epoch milliseconds without a zone: the text `2015-07-15 00:00:00`
// is the instant 2015-07-15T00:00:00Z, whatever the machine's zone. A DATE is days since
// 1970-01-01. Years use astronomical numbering (year 0 = 1 BC, -1 = 2 BC), as ISO 8601 and
// DuckDB do.
//
// Nothing here constructs a `Date`: conversions use the civil-from-days / days-from-civil
// arithmetic of the proleptic Gregorian calendar (400-year eras of 146097 days), which is
// exact for every integer day and cheap enough for per-row use in decoders and kernels.
//
// Invariant: functions taking epoch milliseconds floor them first, so a fractional input
// never yields a time of day outside [0, 86400000).

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------
// Calendar arithmetic

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = month > 2 ? month - 3 : month + 9; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

// civil(days) writes its result here, so hot paths pay no allocation.
let civilYear = 1970;
let civilMonth = 1;
let civilDay = 1;

function civil(days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365); // [0, 399]
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365]
  const mp = Math.floor((5 * doy + 2) / 153); // [0, 11], March = 0
  civilDay = doy - Math.floor((153 * mp + 2) / 5) + 1;
  civilMonth = mp < 10 ? mp + 3 : mp - 9;
  civilYear = yoe + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

/** The calendar date of a day number (allocates; hot paths use the extract functions). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  civil(days);
  return { year: civilYear, month: civilMonth, day: civilDay };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
}

/** Epoch milliseconds of a civil date-time (fields are not range-checked). */
export function timestampFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis;
}

/**
 * Adds a number of months to a timestamp (INTERVAL YEAR TO MONTH arithmetic), keeping the
 * time of day and clamping the day to the target month's length, as Flink/Calcite do:
 * 2020-01-31 + 1 month = 2020-02-29, 2020-03-31 - 1 month = 2020-02-29.
 */
export function addMonths(ms: number, months: number): number {
  if (!Number.isFinite(ms) || !Number.isFinite(months)) return NaN;
  const days = Math.floor(ms / MS_PER_DAY);
  const tod = ms - days * MS_PER_DAY;
  civil(days);
  const total = civilYear * 12 + (civilMonth - 1) + Math.trunc(months);
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const day = Math.min(civilDay, daysInMonth(year, month));
  return daysFromCivil(year, month, day) * MS_PER_DAY + tod;
}

// ---------------------------------------------------------------------------------------
// Parsing text

const SPACE = 32;
const TAB = 9;

// The byte parser's result is assembled in these, so parseTimestampBytes and parseDateBytes
// share one scanner without allocating.
let pDays = 0;
let pEnd = 0;

/**
 * Scans `[-+]?yyyy-M[M]-d[d]` at `i` (year 4 to 6 digits). Sets pDays/pEnd and returns true
 * when it is a valid calendar date.
 */
function scanDate(buf: Uint8Array, i: number, end: number): boolean {
  let neg = false;
  let c = buf[i];
  if (c === 45 /* - */ || c === 43 /* + */) {
    neg = c === 45;
    i++;
  }
  let year = 0;
  const yStart = i;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    year = year * 10 + d;
    i++;
  }
  const yDigits = i - yStart;
  if (yDigits < 4 || yDigits > 6) return false;
  if (neg) year = -year;
  if (i >= end || buf[i] !== 45) return false;
  i++;
  let month = 0;
  const mStart = i;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    month = month * 10 + d;
    i++;
  }
  if (i - mStart < 1 || i - mStart > 2 || month < 1 || month > 12) return false;
  if (i >= end || buf[i] !== 45) return false;
  i++;
  let day = 0;
  const dStart = i;
  while (i < end) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    day = day * 10 + d;
    i++;
  }
  if (i - dStart < 1 || i - dStart > 2 || day < 1 || day > daysInMonth(year, month)) return false;
  pDays = daysFromCivil(year, month, day);
  pEnd = i;
  return true;
}

/** Reads 1-2 digits at i; returns the value or -1. Sets pEnd. */
function scan2(buf: Uint8Array, i: number, end: number): number {
  if (i >= end) return -1;
  const a = buf[i]! - 48;
  if (a < 0 || a > 9) return -1;
  if (i + 1 < end) {
    const b = buf[i + 1]! - 48;
    if (b >= 0 && b <= 9) {
      pEnd = i + 2;
      return a * 10 + b;
    }
  }
  pEnd = i + 1;
  return a;
}

// The last date the fast path converted: consecutive event times mostly share their date.
let lastDateKey = -1;
let lastDateDays = 0;

function digitAt(buf: Uint8Array, i: number): number {
  const d = buf[i]! - 48;
  return d >= 0 && d <= 9 ? d : -100000; // poisons any sum it is part of
}

/**
 * The hot-path shape `yyyy-MM-dd HH:mm:ss[.SSS]` (separators already checked at 4, 7, 13,
 * 16): fixed positions, no loops, the date cached. NaN sends the caller to the general
 * scanner, which also decides whether the text is invalid.
 */
function parseCanonicalTimestamp(buf: Uint8Array, s: number, len: number): number {
  const sep = buf[s + 10];
  if (sep !== SPACE && sep !== 84) return NaN;
  const year = digitAt(buf, s) * 1000 + digitAt(buf, s + 1) * 100 + digitAt(buf, s + 2) * 10 + digitAt(buf, s + 3);
  const month = digitAt(buf, s + 5) * 10 + digitAt(buf, s + 6);
  const day = digitAt(buf, s + 8) * 10 + digitAt(buf, s + 9);
  const hour = digitAt(buf, s + 11) * 10 + digitAt(buf, s + 12);
  const minute = digitAt(buf, s + 14) * 10 + digitAt(buf, s + 15);
  const second = digitAt(buf, s + 17) * 10 + digitAt(buf, s + 18);
  let millis = 0;
  if (len === 23) {
    if (buf[s + 19] !== 46) return NaN;
    millis = digitAt(buf, s + 20) * 100 + digitAt(buf, s + 21) * 10 + digitAt(buf, s + 22);
  }
  if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
  const key = year * 10000 + month * 100 + day;
  let days: number;
  if (key === lastDateKey) days = lastDateDays;
  else {
    if (month > 12 || day > daysInMonth(year, month)) return NaN;
    days = daysFromCivil(year, month, day);
    lastDateKey = key;
    lastDateDays = days;
  }
  return days * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis;
}

/**
 * Parses a TIMESTAMP from bytes `[start, end)`: `yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]`.
 * Month, day, hour, minute and second may have one or two digits, the fraction 1 to 9
 * (truncated to milliseconds); surrounding spaces and tabs are ignored. Returns NaN when the
 * text is not such a timestamp or a field is out of range (month 13, Feb 30 in a non-leap
 * year, hour 24, ...). No zone suffix is accepted: TIMESTAMP has no zone.
 */
export function parseTimestampBytes(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if ((len === 23 || len === 19) && buf[start + 4] === 45 && buf[start + 7] === 45 && buf[start + 13] === 58 && buf[start + 16] === 58) {
    const v = parseCanonicalTimestamp(buf, start, len);
    if (v === v) return v;
  }
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (!scanDate(buf, start, end)) return NaN;
  const days = pDays;
  let i = pEnd;
  if (i === end) return days * MS_PER_DAY;
  const sep = buf[i];
  if (sep !== SPACE && sep !== 84 /* T */) return NaN;
  const hour = scan2(buf, i + 1, end);
  if (hour < 0 || hour > 23) return NaN;
  i = pEnd;
  if (i >= end || buf[i] !== 58 /* : */) return NaN;
  const minute = scan2(buf, i + 1, end);
  if (minute < 0 || minute > 59) return NaN;
  i = pEnd;
  let second = 0;
  let millis = 0;
  if (i < end) {
    if (buf[i] !== 58) return NaN;
    second = scan2(buf, i + 1, end);
    if (second < 0 || second > 59) return NaN;
    i = pEnd;
    if (i < end) {
      if (buf[i] !== 46 /* . */) return NaN;
      i++;
      const fStart = i;
      while (i < end) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) return NaN;
        if (i - fStart < 3) millis = millis * 10 + d; // digits past the third are truncated
        i++;
      }
      const digits = i - fStart;
      if (digits < 1 || digits > 9) return NaN;
      if (digits === 1) millis *= 100;
      else if (digits === 2) millis *= 10;
    }
  }
  return days * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis;
}

/**
 * Parses a TIMESTAMP_LTZ as the csv and json formats carry it (Flink's formats: the instant's
 * date-time in UTC, `yyyy-MM-dd HH:mm:ss[.SSS]Z`): a trailing `Z` is accepted and optional.
 */
export function parseInstantBytes(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (end > start && buf[end - 1] === 90 /* Z */) end--;
  return parseTimestampBytes(buf, start, end);
}

/** Parses a DATE (`yyyy-MM-dd`, one- or two-digit month and day) from bytes; NaN if invalid. */
export function parseDateBytes(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (!scanDate(buf, start, end) || pEnd !== end) return NaN;
  return pDays;
}

// Strings are copied into this scratch buffer so one scanner serves both text and bytes.
const scratch = new Uint8Array(64);

function toScratch(text: string): number {
  const n = text.length;
  if (n > scratch.length) return -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return -1;
    scratch[i] = c;
  }
  return n;
}

/** parseTimestampBytes for a string. */
export function parseTimestamp(text: string): number {
  const n = toScratch(text);
  return n < 0 ? NaN : parseTimestampBytes(scratch, 0, n);
}

/** parseDateBytes for a string: days since epoch, NaN if invalid. */
export function parseDate(text: string): number {
  const n = toScratch(text);
  return n < 0 ? NaN : parseDateBytes(scratch, 0, n);
}

// ---------------------------------------------------------------------------------------
// Formatting

const TWO_DIGITS: string[] = [];
for (let i = 0; i < 100; i++) TWO_DIGITS.push(i < 10 ? '0' + i : String(i));
const THREE_DIGITS: string[] = [];
for (let i = 0; i < 1000; i++) THREE_DIGITS.push(i < 10 ? '00' + i : i < 100 ? '0' + i : String(i));

/** Year as at least four digits; negative years get a leading `-` (ISO 8601 expanded form). */
function formatYear(y: number): string {
  if (y >= 1000 && y <= 9999) return String(y);
  const a = Math.abs(y);
  const s = a < 10 ? '000' + a : a < 100 ? '00' + a : a < 1000 ? '0' + a : String(a);
  return y < 0 ? '-' + s : s;
}

/**
 * `yyyy-MM-dd HH:mm:ss.SSS`, always three fraction digits (DESIGN §3). Years outside
 * 0..9999 are written with more digits or a leading minus (`-0001-01-01 ...`, `10000-...`),
 * which parseTimestamp reads back and DuckDB reads as the same instant.
 */
// The last date formatTimestamp wrote: consecutive timestamps mostly share their date.
let lastFormatDays = NaN;
let lastFormatDate = '';

export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  ms = Math.floor(ms);
  const days = Math.floor(ms / MS_PER_DAY);
  let t = ms - days * MS_PER_DAY;
  if (days !== lastFormatDays) {
    civil(days);
    lastFormatDays = days;
    lastFormatDate = formatYear(civilYear) + '-' + TWO_DIGITS[civilMonth]! + '-' + TWO_DIGITS[civilDay]! + ' ';
  }
  const h = Math.floor(t / MS_PER_HOUR);
  t -= h * MS_PER_HOUR;
  const mi = Math.floor(t / MS_PER_MINUTE);
  t -= mi * MS_PER_MINUTE;
  const s = Math.floor(t / MS_PER_SECOND);
  t -= s * MS_PER_SECOND;
  return lastFormatDate + TWO_DIGITS[h]! + ':' + TWO_DIGITS[mi]! + ':' + TWO_DIGITS[s]! + '.' + THREE_DIGITS[t]!;
}

/** `yyyy-MM-dd` of a day number. */
export function formatDate(days: number): string {
  if (!Number.isFinite(days)) return String(days);
  civil(Math.floor(days));
  return formatYear(civilYear) + '-' + TWO_DIGITS[civilMonth]! + '-' + TWO_DIGITS[civilDay]!;
}

// ---------------------------------------------------------------------------------------
// Field extraction (EXTRACT, YEAR(), HOUR(), DAYOFWEEK(), ...), all from epoch milliseconds.

function dayOf(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

function timeOfDay(ms: number): number {
  const m = Math.floor(ms);
  return m - Math.floor(m / MS_PER_DAY) * MS_PER_DAY;
}

export function extractYear(ms: number): number {
  civil(dayOf(ms));
  return civilYear;
}

export function extractQuarter(ms: number): number {
  civil(dayOf(ms));
  return Math.floor((civilMonth - 1) / 3) + 1;
}

export function extractMonth(ms: number): number {
  civil(dayOf(ms));
  return civilMonth;
}

/** Day of month, 1-31. */
export function extractDay(ms: number): number {
  civil(dayOf(ms));
  return civilDay;
}

/** Day of week as Flink/SQL number it: Sunday = 1 ... Saturday = 7. */
export function extractDayOfWeek(ms: number): number {
  const d = dayOf(ms);
  // 1970-01-01 was a Thursday (Sunday-based index 4).
  return ((((d + 4) % 7) + 7) % 7) + 1;
}

/** ISO day of week: Monday = 1 ... Sunday = 7. */
export function extractIsoDayOfWeek(ms: number): number {
  const d = dayOf(ms);
  return ((((d + 3) % 7) + 7) % 7) + 1;
}

/** Day of year, 1-366. */
export function extractDayOfYear(ms: number): number {
  const d = dayOf(ms);
  civil(d);
  return d - daysFromCivil(civilYear, 1, 1) + 1;
}

export function extractHour(ms: number): number {
  return Math.floor(timeOfDay(ms) / MS_PER_HOUR);
}

export function extractMinute(ms: number): number {
  return Math.floor(timeOfDay(ms) / MS_PER_MINUTE) % 60;
}

export function extractSecond(ms: number): number {
  return Math.floor(timeOfDay(ms) / MS_PER_SECOND) % 60;
}

/**
 * EXTRACT(MILLISECOND ...): milliseconds within the minute, seconds included (0..59999), as
 * Flink/Calcite, PostgreSQL and DuckDB define it. See millisOfSecond for 0..999.
 */
export function extractMillisecond(ms: number): number {
  return timeOfDay(ms) % MS_PER_MINUTE;
}

/** Milliseconds within the second, 0..999. */
export function millisOfSecond(ms: number): number {
  return timeOfDay(ms) % MS_PER_SECOND;
}

/** ISO 8601 week of the week-based year (1-53); week 1 holds the year's first Thursday. */
export function extractWeek(ms: number): number {
  const d = dayOf(ms);
  const isoDow = ((((d + 3) % 7) + 7) % 7) + 1;
  const thursday = d - isoDow + 4; // the Thursday of d's ISO week decides its year
  civil(thursday);
  const doy = thursday - daysFromCivil(civilYear, 1, 1);
  return Math.floor(doy / 7) + 1;
}

export type TimeField = 'YEAR' | 'QUARTER' | 'MONTH' | 'WEEK' | 'DAY' | 'DOW' | 'DOY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND';

/** The extractor for an EXTRACT field, resolved once per query. */
export function timeFieldExtractor(field: TimeField): (ms: number) => number {
  switch (field) {
    case 'YEAR':
      return extractYear;
    case 'QUARTER':
      return extractQuarter;
    case 'MONTH':
      return extractMonth;
    case 'WEEK':
      return extractWeek;
    case 'DAY':
      return extractDay;
    case 'DOW':
      return extractDayOfWeek;
    case 'DOY':
      return extractDayOfYear;
    case 'HOUR':
      return extractHour;
    case 'MINUTE':
      return extractMinute;
    case 'SECOND':
      return extractSecond;
    case 'MILLISECOND':
      return extractMillisecond;
  }
}

// ---------------------------------------------------------------------------------------
// Java date patterns (DATE_FORMAT, TO_TIMESTAMP, UNIX_TIMESTAMP)
//
// Flink formats and parses with java.time.DateTimeFormatter.ofPattern, so its letter
// semantics are followed: `S` is a fraction of the second (`S` = tenths, `SSS` = millis), not
// SimpleDateFormat's millisecond count; `yy` is a two-digit year based at 2000 (00-99 ->
// 2000-2099); `E`/`EE`/`EEE` are short day names. Text is English. Parsing is SMART-style:
// fields absent from the pattern default to 1970-01-01 00:00:00.000, the whole input must be
// consumed, and a parsed day-of-week or day-of-year must agree with the date.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_SHORT = MONTHS.map((m) => m.slice(0, 3));
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']; // index = DOW - 1
const WEEKDAYS_SHORT = WEEKDAYS.map((d) => d.slice(0, 3));

export type PatternItem =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const SUPPORTED_LETTERS = 'yMdHhmsSaED';

/** Splits a Java date pattern into literals and fields; throws an Error for what is unsupported. */
export function tokenizeJavaPattern(pattern: string): PatternItem[] {
  const items: PatternItem[] = [];
  let lit = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        lit += "'";
        i += 2;
        continue;
      }
      // quoted literal up to the next lone quote; '' inside it is a quote
      i++;
      let closed = false;
      while (i < n) {
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            lit += "'";
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        lit += pattern[i]!;
        i++;
      }
      if (!closed) throw new Error(`unterminated quoted literal in date pattern '${pattern}'`);
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!SUPPORTED_LETTERS.includes(c)) throw new Error(`unsupported date pattern letter '${c}' in '${pattern}'`);
      let j = i;
      while (j < n && pattern[j] === c) j++;
      const count = j - i;
      checkCount(c, count, pattern);
      if (lit !== '') {
        items.push({ kind: 'literal', text: lit });
        lit = '';
      }
      items.push({ kind: 'field', letter: c, count });
      i = j;
      continue;
    }
    if (c === '[' || c === ']' || c === '{' || c === '}' || c === '#') {
      throw new Error(`unsupported date pattern character '${c}' in '${pattern}'`);
    }
    lit += c;
    i++;
  }
  if (lit !== '') items.push({ kind: 'literal', text: lit });
  return items;
}

function checkCount(letter: string, count: number, pattern: string): void {
  const max: Record<string, number> = { y: 9, M: 4, d: 2, H: 2, h: 2, m: 2, s: 2, S: 9, a: 1, E: 4, D: 3 };
  if (count > max[letter]!) throw new Error(`too many pattern letters '${letter.repeat(count)}' in date pattern '${pattern}'`);
}

function padNum(v: number, width: number): string {
  const s = String(Math.abs(v));
  const p = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return v < 0 ? '-' + p : p;
}

type FieldFormatter = (ms: number) => string;

function fieldFormatter(letter: string, count: number): FieldFormatter {
  switch (letter) {
    case 'y':
      if (count === 2) return (ms) => TWO_DIGITS[((extractYear(ms) % 100) + 100) % 100]!;
      return (ms) => padNum(extractYear(ms), count);
    case 'M':
      if (count === 3) return (ms) => MONTHS_SHORT[extractMonth(ms) - 1]!;
      if (count === 4) return (ms) => MONTHS[extractMonth(ms) - 1]!;
      return (ms) => padNum(extractMonth(ms), count);
    case 'd':
      return (ms) => padNum(extractDay(ms), count);
    case 'H':
      return (ms) => padNum(extractHour(ms), count);
    case 'h':
      return (ms) => padNum(((extractHour(ms) + 11) % 12) + 1, count);
    case 'm':
      return (ms) => padNum(extractMinute(ms), count);
    case 's':
      return (ms) => padNum(extractSecond(ms), count);
    case 'S':
      // fraction of the second, `count` digits (ms precision, padded with zeros)
      return (ms) => (THREE_DIGITS[millisOfSecond(ms)]! + '000000').slice(0, count);
    case 'a':
      return (ms) => (extractHour(ms) < 12 ? 'AM' : 'PM');
    case 'E':
      if (count === 4) return (ms) => WEEKDAYS[extractDayOfWeek(ms) - 1]!;
      return (ms) => WEEKDAYS_SHORT[extractDayOfWeek(ms) - 1]!;
    case 'D':
      return (ms) => padNum(extractDayOfYear(ms), count);
    default:
      throw new Error(`unsupported date pattern letter '${letter}'`);
  }
}

/** Digits a numeric field reads: [min, max]; text fields (MMM, E, a) are not numeric. */
/** Digits a numeric field takes when parsing: [min, max], or null for a text field. */
export function numericWidth(letter: string, count: number): [number, number] | null {
  switch (letter) {
    case 'y':
      return count === 2 ? [2, 2] : [count, 9];
    case 'M':
      return count >= 3 ? null : count === 2 ? [2, 2] : [1, 2];
    case 'd':
    case 'H':
    case 'h':
    case 'm':
    case 's':
      return count === 2 ? [2, 2] : [1, 2];
    case 'D':
      return count === 1 ? [1, 3] : [count, 3];
    case 'S':
      return [count, count];
    default:
      return null;
  }
}

/** The length of the unit a pattern letter shows (a field changes only at its unit's edges). */
const FIELD_UNIT_MS: Record<string, number> = { S: 1, s: 1000, m: 60_000, H: 3_600_000, h: 3_600_000, a: 3_600_000, d: MS_PER_DAY, M: MS_PER_DAY, y: MS_PER_DAY, E: MS_PER_DAY, D: MS_PER_DAY };

export interface JavaDatePattern {
  readonly pattern: string;
  /** DATE_FORMAT: epoch milliseconds -> text. */
  readonly format: (ms: number) => string;
  /** TO_TIMESTAMP / UNIX_TIMESTAMP: text -> epoch milliseconds, NaN when it does not match. */
  readonly parse: (text: string) => number;
}

/**
 * Compiles a Java date pattern (letters y M d H h m s S a E D, quoted literals `'T'`, `''`).
 * Throws an Error naming the first unsupported letter.
 */
export function compileJavaDatePattern(pattern: string): JavaDatePattern {
  const items = tokenizeJavaPattern(pattern);
  const parts: (string | FieldFormatter)[] = items.map((it) => (it.kind === 'literal' ? it.text : fieldFormatter(it.letter, it.count)));
  // The text changes only when the finest field the pattern shows does (times are UTC, so a
  // day, hour, minute or second starts at a multiple of its length): sorted or near-sorted
  // times reuse the last text while they stay within one such unit.
  const unit = items.reduce((u, it) => (it.kind === 'field' ? Math.min(u, FIELD_UNIT_MS[it.letter] ?? 1) : u), MS_PER_DAY);
  let lastUnit = NaN;
  let lastText = '';
  const format = (ms: number): string => {
    if (!Number.isFinite(ms)) return String(ms);
    const u = Math.floor(ms / unit);
    if (u === lastUnit) return lastText;
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(ms);
    lastUnit = u;
    lastText = out;
    return out;
  };
  // For adjacent numeric fields (yyyyMMdd) a variable-width field leaves enough digits for
  // the fields that follow it, as DateTimeFormatter's adjacent value parsing does.
  const widths = items.map((it) => (it.kind === 'field' ? numericWidth(it.letter, it.count) : null));
  const reserve = items.map((_, k) => {
    let r = 0;
    for (let j = k + 1; j < items.length; j++) {
      const w = widths[j];
      if (w === null || w === undefined) break;
      r += w[0];
    }
    return r;
  });
  const parse = (text: string): number => parseWithPattern(text, items, widths, reserve);
  return { pattern, format, parse };
}

function parseWithPattern(text: string, items: readonly PatternItem[], widths: readonly ([number, number] | null)[], reserve: readonly number[]): number {
  let year = 1970;
  let month = -1;
  let day = -1;
  let hour = 0;
  let hour12 = -1;
  let pm = -1;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let dow = -1;
  let doy = -1;
  let i = 0;
  const n = text.length;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (it.kind === 'literal') {
      if (!text.startsWith(it.text, i)) return NaN;
      i += it.text.length;
      continue;
    }
    const w = widths[k];
    if (w !== null && w !== undefined) {
      let neg = false;
      if (it.letter === 'y' && it.count !== 2 && (text[i] === '-' || text[i] === '+')) {
        neg = text[i] === '-';
        i++;
      }
      let avail = 0;
      while (i + avail < n) {
        const c = text.charCodeAt(i + avail);
        if (c < 48 || c > 57) break;
        avail++;
      }
      const take = Math.min(w[1], avail - reserve[k]!);
      if (take < w[0]) return NaN;
      let v = 0;
      for (let j = 0; j < take; j++) v = v * 10 + (text.charCodeAt(i + j) - 48);
      i += take;
      if (neg) v = -v;
      switch (it.letter) {
        case 'y':
          year = it.count === 2 ? 2000 + v : v;
          break;
        case 'M':
          month = v;
          break;
        case 'd':
          day = v;
          break;
        case 'H':
          hour = v;
          if (v > 23) return NaN;
          break;
        case 'h':
          if (v < 1 || v > 12) return NaN;
          hour12 = v;
          break;
        case 'm':
          if (v > 59) return NaN;
          minute = v;
          break;
        case 's':
          if (v > 59) return NaN;
          second = v;
          break;
        case 'S':
          // first three fraction digits are milliseconds; the rest is truncated
          millis = take >= 3 ? Math.floor(v / 10 ** (take - 3)) : v * 10 ** (3 - take);
          break;
        case 'D':
          doy = v;
          break;
      }
      continue;
    }
    // text fields
    switch (it.letter) {
      case 'M': {
        const names = it.count === 3 ? MONTHS_SHORT : MONTHS;
        const idx = matchName(text, i, names);
        if (idx < 0) return NaN;
        month = idx + 1;
        i += names[idx]!.length;
        break;
      }
      case 'E': {
        const names = it.count === 4 ? WEEKDAYS : WEEKDAYS_SHORT;
        const idx = matchName(text, i, names);
        if (idx < 0) return NaN;
        dow = idx + 1;
        i += names[idx]!.length;
        break;
      }
      case 'a': {
        const s = text.slice(i, i + 2).toUpperCase();
        if (s === 'AM') pm = 0;
        else if (s === 'PM') pm = 1;
        else return NaN;
        i += 2;
        break;
      }
      default:
        return NaN;
    }
  }
  if (i !== n) return NaN;
  if (hour12 >= 0) hour = (hour12 % 12) + (pm === 1 ? 12 : 0);
  let days: number;
  if (month < 0 && day < 0 && doy >= 1) {
    if (doy > (isLeapYear(year) ? 366 : 365)) return NaN;
    days = daysFromCivil(year, 1, 1) + doy - 1;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
    days = daysFromCivil(year, month, day);
    if (doy >= 1 && days - daysFromCivil(year, 1, 1) + 1 !== doy) return NaN;
  }
  if (dow >= 1 && ((((days + 4) % 7) + 7) % 7) + 1 !== dow) return NaN;
  return days * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millis;
}

function matchName(text: string, at: number, names: readonly string[]): number {
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    if (text.length - at >= name.length && text.slice(at, at + name.length).toLowerCase() === name.toLowerCase()) return k;
  }
  return -1;
}

/**
 * Translates a Java date pattern to a DuckDB strftime (use 'format') or strptime (use
 * 'parse') format string, for the DuckDB verifier: `yyyy-MM-dd HH:mm:ss` ->
 * `%Y-%m-%d %H:%M:%S`. Throws for a letter or width that has no DuckDB equivalent (`S`,
 * `SS`, `yyy`, ...), and when parsing for `yy` (Java reads 00-99 as 2000-2099, DuckDB's %y
 * reads 69-99 as 1969-1999) or for a pattern without a year (defaults: Java 1970, DuckDB 1900).
 */
export function javaPatternToDuckDbFormat(pattern: string, use: 'format' | 'parse' = 'format'): string {
  let out = '';
  const items = tokenizeJavaPattern(pattern);
  if (use === 'parse' && !items.some((it) => it.kind === 'field' && it.letter === 'y')) {
    throw new Error(`date pattern '${pattern}' has no year: parsing defaults it to 1970 in Java but 1900 in DuckDB`);
  }
  for (const it of items) {
    if (it.kind === 'literal') {
      out += it.text.replaceAll('%', '%%');
      continue;
    }
    if (use === 'parse' && it.letter === 'y' && it.count === 2) {
      throw new Error(`date pattern 'yy' in '${pattern}' parses differently in DuckDB (two-digit years 69-99 are 19xx there, 20xx in Java)`);
    }
    const spec = duckDbSpec(it.letter, it.count);
    if (spec === null) throw new Error(`date pattern '${it.letter.repeat(it.count)}' in '${pattern}' has no DuckDB strftime equivalent`);
    out += spec;
  }
  return out;
}

function duckDbSpec(letter: string, count: number): string | null {
  switch (letter) {
    case 'y':
      return count === 2 ? '%y' : count === 1 || count === 4 ? '%Y' : null;
    case 'M':
      return ['%-m', '%m', '%b', '%B'][count - 1] ?? null;
    case 'd':
      return count === 1 ? '%-d' : '%d';
    case 'H':
      return count === 1 ? '%-H' : '%H';
    case 'h':
      return count === 1 ? '%-I' : '%I';
    case 'm':
      return count === 1 ? '%-M' : '%M';
    case 's':
      return count === 1 ? '%-S' : '%S';
    case 'S':
      return count === 3 ? '%g' : count === 6 ? '%f' : null;
    case 'a':
      return '%p';
    case 'E':
      return count === 4 ? '%A' : '%a';
    case 'D':
      return count === 1 ? '%-j' : count === 3 ? '%j' : null;
    default:
      return null;
  }
}
