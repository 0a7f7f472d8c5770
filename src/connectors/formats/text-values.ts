// Pieces the text formats (csv, json, debezium-json) share: the input buffer that turns
// file chunks into contiguous records with byte offsets, value parsers that read straight
// from bytes (no intermediate strings on the hot path), UTF-8 decoding of byte ranges, the
// wording of bad-value errors, and the text form of values for the encoders.
//
// Offsets: a decoder reports, with every batch, the file offset just after the last record
// it consumed (skipped bad records included) and the number of lines consumed up to there.
// A source stores both in its checkpoint; a decoder started at that {offset, line} continues
// with the next record and numbers lines as a single pass would have.

import { canonicalDecimalText, isWideDecimal } from '../../expr/decimal.js';
import { Buffer } from 'node:buffer';
import type { Batch } from '../../common/batch.js';
import { WeirError, internalError, notSupported } from '../../common/errors.js';
import { type DataType, MAX_EXACT_INT, INT32_MAX, INT32_MIN, typeToString } from '../../common/types.js';
import { formatDate, formatTimestamp, parseDateBytes, parseInstantBytes, parseTimestampBytes } from '../../common/time.js';
import { formatTimeOfDay, parseTimeOfDay, truncateTime } from '../../common/time-of-day.js';
import { base64OfBinary, binaryOfBase64 } from '../../common/bytes.js';

export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const TAB = 9;
export const DQUOTE = 34;
export const BACKSLASH = 92;

// ---------------------------------------------------------------------------------------
// Decoder / encoder contracts

/** A physical column of a file, in file order (csv) or by key (json). */
export interface FormatColumn {
  readonly name: string;
  readonly type: DataType;
}

/** Where a decoder starts: a file offset at a record boundary and the lines before it. */
export interface DecoderStart {
  readonly offset: number;
  readonly line: number;
}

export interface DecodedBatch {
  /** The projected columns, in projection order; `ops` set only by changelog formats. */
  readonly batch: Batch;
  /** File offset just after the last record consumed; a restart there continues correctly. */
  readonly endOffset: number;
  /** Lines consumed up to endOffset; the next record starts on line endLine + 1. */
  readonly endLine: number;
}

export interface SkippedRecord {
  readonly line: number;
  readonly reason: string;
}

export interface RecordDecoder {
  /** Appends file bytes; `fileOffset` is the offset of chunk[0] and must follow the last chunk. */
  push(chunk: Uint8Array, fileOffset: number): void;
  /** No more input: a last record without a line end is complete. */
  finish(): void;
  /** Up to maxRows decoded rows, or null when no complete record is buffered. */
  decode(maxRows?: number): DecodedBatch | null;
  /** Offset just after the last consumed record (valid between decode calls). */
  readonly offset: number;
  /** Lines consumed up to `offset`. */
  readonly line: number;
  /** Records skipped because of ignore-parse-errors. */
  readonly skippedRecords: number;
  /** The first few skipped records (line and reason), for the run summary. */
  readonly skipped: readonly SkippedRecord[];
}

export interface RecordEncoder {
  /** The batch's rows as text, one record per line, each ending in `\n`. */
  encode(batch: Batch): string;
}

export const DEFAULT_BATCH_ROWS = 4096;

// ---------------------------------------------------------------------------------------
// Value kinds: a small integer per column type, so per-row code switches on a number.

export const enum ValueKind {
  Boolean = 0,
  Int = 1,
  Bigint = 2,
  Double = 3,
  Decimal = 4,
  String = 5,
  Timestamp = 6,
  Date = 7,
  /** TIMESTAMP_LTZ: written in UTC with a `Z` (`2021-03-14 07:00:00.000Z`), as Flink's csv/json formats do. */
  Instant = 8,
  /** TIME(p): `HH:mm:ss[.fff]` text, milliseconds of the day. */
  Time = 9,
  /** BYTES: Base64 text (as Flink's csv and json formats write byte[]), carried as a binary string. */
  Bytes = 10,
}

/** The value kind of a column type a text format can carry; other types are rejected. */
export function valueKindOf(type: DataType, column: string): ValueKind {
  switch (type.kind) {
    case 'BOOLEAN':
      return ValueKind.Boolean;
    case 'INT':
      return ValueKind.Int;
    case 'BIGINT':
      return ValueKind.Bigint;
    case 'DOUBLE':
      return ValueKind.Double;
    case 'DECIMAL':
      return ValueKind.Decimal;
    case 'STRING':
      return ValueKind.String;
    case 'TIMESTAMP':
      return ValueKind.Timestamp;
    case 'TIMESTAMP_LTZ':
      return ValueKind.Instant;
    case 'DATE':
      return ValueKind.Date;
    case 'TIME':
      return ValueKind.Time;
    case 'BYTES':
      return ValueKind.Bytes;
    case 'ROW':
    case 'ARRAY':
    case 'MAP':
    case 'MULTISET':
      throw notSupported(`column ${column} of type ${typeToString(type)} in the csv format`, undefined, "weir's csv format carries scalar columns only; 'format' = 'json' (or 'debezium-json') reads and writes ROW, ARRAY and MAP");
    default:
      throw notSupported(`column ${column} of type ${typeToString(type)} in a text format`);
  }
}

// ---------------------------------------------------------------------------------------
// Input buffering

const EMPTY = Buffer.alloc(0);

/** A zero-copy Buffer view of a Uint8Array. */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Unconsumed input bytes as one contiguous Buffer. A record split across chunks is copied
 * together with the next chunk; otherwise chunks are used in place, so a pushed chunk must
 * not be modified afterwards.
 */
export class InputBuffer {
  buf: Buffer = EMPTY;
  /** First unconsumed byte in buf. */
  pos = 0;
  /** End of valid bytes in buf. */
  end = 0;
  /** File offset of buf[0]. */
  base: number;
  finished = false;
  private spare: Buffer | null = null;
  private bomChecked: boolean;

  constructor(startOffset: number) {
    this.base = startOffset;
    this.bomChecked = startOffset !== 0;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  push(chunk: Uint8Array, fileOffset: number): void {
    if (this.finished) throw internalError('push() after finish() on a format decoder');
    if (fileOffset !== this.base + this.end) {
      throw internalError(`format decoder got a chunk at offset ${fileOffset}, expected ${this.base + this.end}`);
    }
    const n = chunk.length;
    if (n === 0) return;
    // The chunk is always copied (into a buffer of the decoder's own, reused): the caller may
    // reuse the chunk's memory as soon as push returns (the filesystem source does).
    const rest = this.end - this.pos;
    const need = rest + n;
    let dst = this.spare;
    if (dst === null || dst.length < need) dst = Buffer.allocUnsafe(Math.max(need, 2 * (dst?.length ?? 0), 1 << 16));
    if (dst === this.buf) dst.copyWithin(0, this.pos, this.end);
    else this.buf.copy(dst, 0, this.pos, this.end);
    dst.set(chunk, rest);
    this.spare = dst;
    this.buf = dst;
    this.base += this.pos;
    this.pos = 0;
    this.end = need;
  }

  /**
   * Skips a UTF-8 byte order mark at file offset 0. Returns false while it cannot tell yet
   * (fewer than three bytes buffered and more may come).
   */
  skipBom(): boolean {
    if (this.bomChecked) return true;
    const avail = this.end - this.pos;
    const b = this.buf;
    const p = this.pos;
    const prefix = (avail < 1 || b[p] === 0xef) && (avail < 2 || b[p + 1] === 0xbb) && (avail < 3 || b[p + 2] === 0xbf);
    if (!prefix) {
      this.bomChecked = true;
      return true;
    }
    if (avail >= 3) {
      this.pos += 3;
      this.bomChecked = true;
      return true;
    }
    if (this.finished) {
      this.bomChecked = true;
      return true;
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Skipped records and error messages

const MAX_SKIPPED_SAMPLES = 10;

/** Counts skipped records and keeps the first few (lowest line numbers) for reporting. */
export class SkipLog {
  count = 0;
  readonly samples: SkippedRecord[] = [];

  add(line: number, reason: string): void {
    this.count++;
    const s = this.samples;
    // a batch may report a record-level problem before a bad value on an earlier line
    if (s.length === MAX_SKIPPED_SAMPLES && line >= s[s.length - 1]!.line) return;
    let i = s.length;
    while (i > 0 && s[i - 1]!.line > line) i--;
    s.splice(i, 0, { line, reason });
    if (s.length > MAX_SKIPPED_SAMPLES) s.pop();
  }
}

/** Shortens a value for an error message and makes control characters visible. */
export function quoteForMessage(text: string): string {
  const short = text.length > 60 ? text.slice(0, 57) + '...' : text;
  return short.replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** `bad value 'abc' for column price (BIGINT) at data/bids.csv:17: expected an integer`. */
export function badValueMessage(text: string, column: string, type: DataType, file: string, line: number): string {
  return `bad value '${quoteForMessage(text)}' for column ${column} (${typeToString(type)}) at ${file}:${line}: ${explainBadValue(type, text)}`;
}

export function dataError(message: string): WeirError {
  return new WeirError('data', message);
}

/** Why `text` is not a value of `type` (slow path: only called for bad values). */
export function explainBadValue(type: DataType, text: string): string {
  const t = text.trim();
  if (t === '') return `the empty string is not a valid ${typeToString(type)} value`;
  const integral = /^[+-]?[0-9]+$/.test(t);
  switch (type.kind) {
    case 'INT':
      return integral ? `out of range for INT (${INT32_MIN}..${INT32_MAX})` : 'expected an integer';
    case 'BIGINT':
      return integral ? 'out of range for BIGINT (-9223372036854775808..9223372036854775807)' : 'expected an integer';
    case 'DOUBLE':
      return 'expected a number';
    case 'DECIMAL':
      return /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(t)
        ? `out of range for ${typeToString(type)}`
        : 'expected a decimal number';
    case 'BOOLEAN':
      return 'expected true or false';
    case 'TIMESTAMP_LTZ':
      return 'expected yyyy-MM-dd HH:mm:ss[.SSS][Z] (UTC)';
    case 'TIMESTAMP':
      return /^[+-]?\d{4,6}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?)?$/.test(t)
        ? 'a date or time field is out of range'
        : 'expected yyyy-MM-dd HH:mm:ss[.SSS]';
    case 'DATE':
      return /^[+-]?\d{4,6}-\d{1,2}-\d{1,2}$/.test(t) ? 'a date field is out of range' : 'expected yyyy-MM-dd';
    case 'TIME':
      return 'expected HH:mm:ss[.SSS]';
    case 'BYTES':
      return 'expected Base64 text';
    default:
      return 'not a valid value';
  }
}

// ---------------------------------------------------------------------------------------
// UTF-8

interface SlicingBuffer extends Buffer {
  utf8Slice?(start: number, end: number): string;
}

const hasUtf8Slice = typeof (EMPTY as SlicingBuffer).utf8Slice === 'function';

/** Decodes bytes [start, end) as UTF-8 (invalid sequences become U+FFFD). */
export function decodeUtf8(buf: Buffer, start: number, end: number): string {
  if (start >= end) return '';
  return hasUtf8Slice ? (buf as SlicingBuffer).utf8Slice!(start, end) : buf.toString('utf8', start, end);
}

const CACHE_ENTRIES = 1024; // power of two
const CACHE_MAX_LEN = 24;

/**
 * Decodes short strings through a small direct-mapped cache keyed by their bytes, so a
 * low-cardinality column (channel, city, state) returns the same string objects instead of
 * allocating one per row. It switches itself off for a while when the hit rate is low.
 */
export class StringDecoder {
  private readonly keys = new Uint8Array(CACHE_ENTRIES * CACHE_MAX_LEN);
  private readonly lens = new Int32Array(CACHE_ENTRIES).fill(-1);
  private readonly strs: string[] = new Array<string>(CACHE_ENTRIES).fill('');
  private lookups = 0;
  private hits = 0;
  private bypass = 0;

  decode(buf: Buffer, start: number, end: number): string {
    const n = end - start;
    if (n <= 0) return '';
    if (n > CACHE_MAX_LEN) return decodeUtf8(buf, start, end);
    if (this.bypass > 0) {
      this.bypass--;
      return decodeUtf8(buf, start, end);
    }
    let h = n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x9e3779b1);
    const slot = (h >>> 16) & (CACHE_ENTRIES - 1);
    const keys = this.keys;
    const base = slot * CACHE_MAX_LEN;
    if (++this.lookups === 8192) {
      if (this.hits < 2048) this.bypass = 1 << 16;
      this.lookups = 0;
      this.hits = 0;
    }
    if (this.lens[slot] === n) {
      let k = base;
      let i = start;
      while (i < end && keys[k] === buf[i]) {
        i++;
        k++;
      }
      if (i === end) {
        this.hits++;
        return this.strs[slot]!;
      }
    }
    const s = decodeUtf8(buf, start, end);
    for (let i = start, k = base; i < end; i++, k++) keys[k] = buf[i]!;
    this.lens[slot] = n;
    this.strs[slot] = s;
    return s;
  }
}

// ---------------------------------------------------------------------------------------
// Values from bytes. All parsers take a range without surrounding blanks (see trimStart /
// trimEnd) and return NaN for text that is not a value of the type or is out of its range.

export function trimStart(buf: Uint8Array, start: number, end: number): number {
  while (start < end && (buf[start] === SPACE || buf[start] === TAB)) start++;
  return start;
}

export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  return end;
}

const TWO_POW_53 = 9007199254740992;

/**
 * An integer `[+-]?[0-9]+` within ±(2^53-1); anything else (fraction, exponent, larger
 * magnitude) is NaN, so an integer is never rounded silently (DESIGN §2).
 */
export function parseInt53Bytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  const c = buf[i];
  const neg = c === 45;
  if (neg || c === 43) {
    i++;
    if (i >= end) return NaN;
  }
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  // Partial values below 2^53 are exact; once the true value reaches 2^53 the rounded
  // value is >= 2^53 too (rounding is monotone), so this one test catches every overflow.
  if (v > MAX_EXACT_INT) return NaN;
  return neg ? 0 - v : v;
}

/** An integer within the 32-bit signed range, else NaN. */
export function parseInt32Bytes(buf: Uint8Array, start: number, end: number): number {
  const v = parseInt53Bytes(buf, start, end);
  return v >= INT32_MIN && v <= INT32_MAX ? v : NaN;
}

const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number('1e' + i));

function asciiString(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

function lowerAsciiEquals(buf: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((buf[start + i]! | 32) !== lower.charCodeAt(i)) return false;
  return true;
}

/** True when [start, end) spells NaN (any case, optional sign): the one valid NaN input. */
export function isNaNText(buf: Uint8Array, start: number, end: number): boolean {
  if (start < end && (buf[start] === 45 || buf[start] === 43)) start++;
  return lowerAsciiEquals(buf, start, end, 'nan');
}

/**
 * A decimal floating-point number: `[+-]?(d+[.d*]|.d+)([eE][+-]?d+)?`, or NaN / Inf /
 * Infinity (any case). Returns NaN for invalid text, so a NaN result must be checked with
 * isNaNText. Correctly rounded: the common case (at most 2^53 in the digits, power of ten
 * within 10^±22) is one exact IEEE operation; the rest goes to the engine's Number().
 */
export function parseDoubleBytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let c = buf[i]!;
  const neg = c === 45;
  if (neg || c === 43) {
    i++;
    if (i >= end) return NaN;
    c = buf[i]!;
  }
  if (c > 57) {
    if (lowerAsciiEquals(buf, i, end, 'nan')) return NaN;
    if (lowerAsciiEquals(buf, i, end, 'inf') || lowerAsciiEquals(buf, i, end, 'infinity')) return neg ? -Infinity : Infinity;
    return NaN;
  }
  let m = 0;
  let digits = 0;
  let fracDigits = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
  }
  if (i < end && buf[i] === 46) {
    i++;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      fracDigits++;
    }
  }
  if (digits === 0) return NaN;
  let exp = 0;
  if (i < end && (buf[i]! | 32) === 101) {
    i++;
    let eneg = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) {
      eneg = buf[i] === 45;
      i++;
    }
    const eStart = i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
    }
    if (i === eStart) return NaN;
    if (eneg) exp = -exp;
  }
  if (i !== end) return NaN;
  const e10 = exp - fracDigits;
  if (m < TWO_POW_53 && e10 >= -22 && e10 <= 22) {
    const v = e10 >= 0 ? m * POW10[e10]! : m / POW10[-e10]!;
    return neg ? -v : v;
  }
  return Number(asciiString(buf, start, end));
}

/**
 * A DECIMAL(precision, scale) value, rounded half away from zero to `scale` digits in the
 * decimal domain (as Flink's BigDecimal HALF_UP and DuckDB's cast do) and then carried as the
 * nearest double. NaN for invalid text or a value needing more than precision - scale integer
 * digits. Beyond 2^53 unscaled the value is converted by Number() (DECIMAL travels as DOUBLE).
 */
export function parseDecimalBytes(buf: Uint8Array, start: number, end: number, precision: number, scale: number): number {
  let i = start;
  if (i >= end) return NaN;
  const neg = buf[i] === 45;
  if (neg || buf[i] === 43) i++;
  const intStart = i;
  while (i < end && buf[i]! >= 48 && buf[i]! <= 57) i++;
  const intLen = i - intStart;
  let fracStart = i;
  let fracLen = 0;
  if (i < end && buf[i] === 46) {
    i++;
    fracStart = i;
    while (i < end && buf[i]! >= 48 && buf[i]! <= 57) i++;
    fracLen = i - fracStart;
  }
  const n = intLen + fracLen;
  if (n === 0) return NaN;
  let exp = 0;
  if (i < end && (buf[i]! | 32) === 101) {
    i++;
    let eneg = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) {
      eneg = buf[i] === 45;
      i++;
    }
    const eStart = i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exp < 100000) exp = exp * 10 + d;
    }
    if (i === eStart) return NaN;
    if (eneg) exp = -exp;
  }
  if (i !== end) return NaN;
  // digits D (int then fraction) with value D * 10^(exp - fracLen); unscaled U = D * 10^shift
  const shift = exp - fracLen + scale;
  const keep = shift >= 0 ? n : n + shift;
  let u = 0;
  for (let k = 0; k < keep && k < n; k++) u = u * 10 + (buf[k < intLen ? intStart + k : fracStart + k - intLen]! - 48);
  if (shift < 0 && keep >= 0 && keep < n) {
    const next = buf[keep < intLen ? intStart + keep : fracStart + keep - intLen]! - 48;
    if (next >= 5) u += 1;
  }
  if (shift > 0) u *= shift <= 22 ? POW10[shift]! : Math.pow(10, shift);
  const limit = Math.pow(10, precision);
  if (u >= TWO_POW_53) {
    const v = Number(asciiString(buf, start, end));
    return Math.abs(v) < limit / Math.pow(10, scale) ? v : NaN;
  }
  if (u >= limit) return NaN;
  const v = scale <= 22 ? u / POW10[scale]! : u / Math.pow(10, scale);
  return neg && v !== 0 ? -v : v;
}

/** `true` / `false` in any case: 1 / 0; anything else -1. */
export function parseBooleanBytes(buf: Uint8Array, start: number, end: number): number {
  if (lowerAsciiEquals(buf, start, end, 'true')) return 1;
  if (lowerAsciiEquals(buf, start, end, 'false')) return 0;
  return -1;
}

/**
 * Parses a non-string value from bytes as its physical number (BOOLEAN as 1/0). Surrounding
 * spaces and tabs are ignored. Returns undefined when the text is not a valid value; for
 * DOUBLE a NaN result is the value NaN.
 */
export function parseScalarBytes(kind: ValueKind, type: DataType, buf: Uint8Array, start: number, end: number): number | undefined {
  start = trimStart(buf, start, end);
  end = trimEnd(buf, start, end);
  let v: number;
  switch (kind) {
    case ValueKind.Int:
      v = parseInt32Bytes(buf, start, end);
      break;
    case ValueKind.Bigint:
      v = parseInt53Bytes(buf, start, end);
      break;
    case ValueKind.Double:
      v = parseDoubleBytes(buf, start, end);
      if (v !== v && isNaNText(buf, start, end)) return v;
      break;
    case ValueKind.Decimal:
      // a wide DECIMAL is checked here and read as text by the caller (readWideDecimal)
      if (isWideDecimal(type)) return canonicalDecimalText(asciiString(buf, start, end), type) === undefined ? undefined : 0;
      v = parseDecimalBytes(buf, start, end, type.precision ?? 10, type.scale ?? 0);
      break;
    case ValueKind.Timestamp:
      v = parseTimestampBytes(buf, start, end);
      break;
    case ValueKind.Instant:
      v = parseInstantBytes(buf, start, end);
      break;
    case ValueKind.Date:
      v = parseDateBytes(buf, start, end);
      break;
    case ValueKind.Time:
      v = truncateTime(parseTimeOfDay(asciiString(buf, start, end)), type.precision ?? 0);
      break;
    case ValueKind.Boolean:
      v = parseBooleanBytes(buf, start, end);
      return v < 0 ? undefined : v;
    case ValueKind.Bytes:
      // checked here and read as text by the caller (readTextCarried)
      return binaryOfBase64(asciiString(buf, start, end)) === null ? undefined : 0;
    case ValueKind.String:
      throw internalError('parseScalarBytes called for a STRING column');
  }
  return v !== v ? undefined : v;
}

// ---------------------------------------------------------------------------------------
// Values to text (encoders)

/**
 * A double in the shortest text that reads back to the same double (JavaScript's own
 * algorithm: `0.1`, `1.5e+21`, `1e-7`), `-0` for negative zero, and `NaN`, `Infinity`,
 * `-Infinity`, which DuckDB's read_csv and Flink read back.
 */
export function formatDouble(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return String(v);
}

/** DECIMAL(p, s) with exactly s fraction digits (Flink prints `1.50`); huge values as doubles. */
export function formatDecimal(v: number | string, scale: number): string {
  if (typeof v === 'string') return v; // a wide DECIMAL's canonical text (expr/decimal.ts)
  if (!Number.isFinite(v) || Math.abs(v) >= 1e21) return formatDouble(v);
  const s = v.toFixed(Math.min(100, scale));
  return s.startsWith('-') && /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** An integer value (INT, BIGINT) without a fraction. */
export function formatInteger(v: number): string {
  return v === 0 ? '0' : String(v);
}

/** Text of a non-string, non-NULL value of the given kind (physical number in). */
export function scalarText(kind: ValueKind, type: DataType, v: number | string): string {
  if (kind === ValueKind.Bytes) return base64OfBinary(v as string);
  if (typeof v === 'string') return v; // a wide DECIMAL's canonical text

  switch (kind) {
    case ValueKind.Int:
    case ValueKind.Bigint:
      return formatInteger(v);
    case ValueKind.Double:
      return formatDouble(v);
    case ValueKind.Decimal:
      return formatDecimal(v, type.scale ?? 0);
    case ValueKind.Timestamp:
      return formatTimestamp(v);
    case ValueKind.Instant:
      return formatTimestamp(v) + 'Z';
    case ValueKind.Date:
      return formatDate(v);
    case ValueKind.Time:
      return formatTimeOfDay(v, type.precision ?? 0);
    case ValueKind.Boolean:
      return v ? 'true' : 'false';
    case ValueKind.String:
      throw internalError('scalarText called for a STRING column');
  }
}

/**
 * A text-carried cell (a wide DECIMAL's canonical text, BYTES' binary string from Base64)
 * from bytes, or undefined when it is no valid value.
 */
export function readTextCarried(type: DataType, buf: Uint8Array, start: number, end: number): string | undefined {
  start = trimStart(buf, start, end);
  end = trimEnd(buf, start, end);
  if (type.kind === 'BYTES') return binaryOfBase64(asciiString(buf, start, end)) ?? undefined;
  return canonicalDecimalText(asciiString(buf, start, end), type);
}

/** Columns the decoders read as text into string[] values: a wide DECIMAL, BYTES. */
export function isTextCarried(kind: ValueKind, type: DataType): boolean {
  return kind === ValueKind.Bytes || (kind === ValueKind.Decimal && isWideDecimal(type));
}
