// The `json` format (DESIGN §3): one JSON object per line, keys = column names.
//
// Decoding reads each line's object straight from the bytes: keys are compared as bytes
// with the projected column names (case-sensitive, as Flink), values are parsed by the
// column's type without building intermediate strings, and values of other keys are
// skipped without being decoded. The same byte-offset / line tracking and ignore-parse-errors
// behaviour as csv (see text-values.ts).
//
// Rules (decisions):
//   - a missing key or JSON null is NULL; keys that are not columns are ignored; when a key
//     repeats, the last value wins; blank lines are skipped.
//   - INT/BIGINT/DOUBLE/DECIMAL take a JSON number or a JSON string holding one (`"12"`), as
//     Flink does. INT and BIGINT must be integers written without fraction or exponent and
//     within range (INT 32-bit, BIGINT ±(2^53-1)); `1.5`, `1e3` and `"1.0"` are bad values,
//     never truncated. DOUBLE also reads the strings "NaN", "Infinity", "-Infinity" (what the
//     encoder writes for them, since bare NaN is not JSON).
//   - TIMESTAMP takes the text form (`yyyy-MM-dd HH:mm:ss[.SSS]`, `T` accepted, no zone
//     suffix) or an integer number of epoch milliseconds. DATE takes `yyyy-MM-dd` text.
//   - BOOLEAN takes true/false or the strings "true"/"false" (any case).
//   - STRING takes a JSON string; any other JSON value is taken as its JSON text (a number's
//     digits, `true`, or an object/array as written), as Flink does.
//   - the empty string is a bad value for every non-string type.
//
// Encoding writes one object per line with keys in column order, NULL as null, timestamps
// as text with three fraction digits, dates as `yyyy-MM-dd`, NaN/±Infinity as strings.

import { formatTimeOfDay } from '../../common/time-of-day.js';
import { base64OfBinary, binaryOfBase64 } from '../../common/bytes.js';
import { isWideDecimal } from '../../expr/decimal.js';
import { type Int64, parseInt64 } from '../../common/int64.js';
import { Buffer } from 'node:buffer';
import type { Batch, Column } from '../../common/batch.js';
import { internalError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { isComposite, typeToString } from '../../common/types.js';
import { CompositeValueError, fromJson, holdsBigint, parseJsonExact, toJsonText } from './json-composite.js';
import {
  BACKSLASH,
  CR,
  DEFAULT_BATCH_ROWS,
  DQUOTE,
  type DecodedBatch,
  type DecoderStart,
  type FormatColumn,
  InputBuffer,
  LF,
  type RecordDecoder,
  type RecordEncoder,
  SPACE,
  SkipLog,
  type SkippedRecord,
  StringDecoder,
  TAB,
  ValueKind,
  badValueMessage,
  dataError,
  decodeUtf8,
  formatDecimal,
  isTextCarried,
  readTextCarried,
  formatDouble,
  formatInteger,
  parseInt53Bytes,
  parseScalarBytes,
  quoteForMessage,
  valueKindOf,
} from './text-values.js';
import { formatDate, formatTimestamp } from '../../common/time.js';

export interface JsonOptions {
  /** Skip and count bad lines instead of failing (`'json.ignore-parse-errors'`). */
  readonly ignoreParseErrors?: boolean;
}

/** A malformed record; its message already names file:line. */
export class JsonRecordError extends Error {}

// ---------------------------------------------------------------------------------------
// JSON scanning over bytes

export function skipJsonWhitespace(buf: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = buf[p];
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) break;
    p++;
  }
  return p;
}

let stringHasEscape = false;

/** p at an opening quote: returns the position after the closing quote, or -1. */
export function scanJsonString(buf: Uint8Array, p: number, end: number): number {
  let q = p + 1;
  let esc = false;
  while (q < end) {
    const c = buf[q];
    if (c === DQUOTE) {
      stringHasEscape = esc;
      return q + 1;
    }
    if (c === BACKSLASH) {
      esc = true;
      q += 2;
      continue;
    }
    if (c! < 32) return -1; // raw control characters are not allowed in JSON strings
    q++;
  }
  return -1;
}

function isNumberByte(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
}

function scanNumber(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isNumberByte(buf[p]!)) p++;
  return p;
}

function matchLiteral(buf: Uint8Array, p: number, end: number, lit: string): boolean {
  if (end - p < lit.length) return false;
  for (let i = 0; i < lit.length; i++) if (buf[p + i] !== lit.charCodeAt(i)) return false;
  return true;
}

/** The end of the JSON value starting at p, or -1 when it is malformed. */
export function skipJsonValue(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return -1;
  const c = buf[p]!;
  if (c === DQUOTE) return scanJsonString(buf, p, end);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    let depth = 0;
    let q = p;
    while (q < end) {
      const d = buf[q]!;
      if (d === DQUOTE) {
        q = scanJsonString(buf, q, end);
        if (q < 0) return -1;
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return q + 1;
      }
      q++;
    }
    return -1;
  }
  if (c === 116) return matchLiteral(buf, p, end, 'true') ? p + 4 : -1;
  if (c === 102) return matchLiteral(buf, p, end, 'false') ? p + 5 : -1;
  if (c === 110) return matchLiteral(buf, p, end, 'null') ? p + 4 : -1;
  if (c === 45 || (c >= 48 && c <= 57)) return scanNumber(buf, p, end);
  return -1;
}

/** The string value of a JSON string token [p, q) that contains escapes. */
function unescapeJsonString(buf: Buffer, p: number, q: number): string | undefined {
  try {
    const v: unknown = JSON.parse(decodeUtf8(buf, p, q));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Objects into columns

/**
 * Parses JSON objects into rows of the projected columns; shared by the json and
 * debezium-json decoders. A row is written at any index; a caller commits it by counting it,
 * so a row that fails halfway is simply overwritten by the next one.
 */
export class JsonRowReader {
  /** Slots: the projected columns, then the unprojected non-STRING columns, read only to
   *  check their values, so a bad value fails (or is skipped) whichever columns a query
   *  reads. */
  readonly width: number;
  /** The projected slots: the columns of a finished batch. */
  private readonly outWidth: number;
  private readonly kinds: ValueKind[];
  private readonly types: DataType[];
  private readonly names: string[];
  private readonly keys: Uint8Array[];
  private readonly strings: (StringDecoder | null)[];
  /** Per slot: true for a ROW/ARRAY/MAP column (json-composite.ts), kept in `str` as values. */
  private readonly composite: boolean[];
  private readonly seen: Int32Array;
  private stamp = 0;
  private guess = 0;
  private cap = 0;
  private f64: (Float64Array | null)[] = [];
  /** (column, row, value) triples of BIGINTs beyond ±(2^53-1) since begin() (common/int64.ts). */
  private wide: Int64[] | null = null;
  private u8: (Uint8Array | null)[] = [];
  private str: (string[] | null)[] = [];
  private nulls: Uint8Array[] = [];

  constructor(
    columns: readonly FormatColumn[],
    projection: readonly number[],
    readonly file: string,
  ) {
    this.outWidth = projection.length;
    this.kinds = [];
    this.types = [];
    this.names = [];
    this.keys = [];
    this.strings = [];
    this.composite = [];
    const used = new Set<number>();
    for (const ci of projection) {
      if (columns[ci] === undefined) throw internalError(`json projection index ${ci} out of range (${columns.length} columns)`);
      if (used.has(ci)) throw internalError(`json projection repeats column ${ci}`);
      used.add(ci);
    }
    const kindOf = (c: FormatColumn): ValueKind => (isComposite(c.type) ? ValueKind.String : valueKindOf(c.type, c.name));
    const checkOnly = columns.map((_, ci) => ci).filter((ci) => !used.has(ci) && (isComposite(columns[ci]!.type) || kindOf(columns[ci]!) !== ValueKind.String));
    for (const ci of [...projection, ...checkOnly]) {
      const col = columns[ci]!;
      const kind = kindOf(col);
      this.composite.push(isComposite(col.type));
      this.kinds.push(kind);
      this.types.push(col.type);
      this.names.push(col.name);
      this.keys.push(Buffer.from(col.name, 'utf8'));
      this.strings.push(kind === ValueKind.String ? new StringDecoder() : null);
    }
    this.width = this.kinds.length;
    this.seen = new Int32Array(this.width);
  }

  /** Starts a batch of up to `capacity` rows. */
  begin(capacity: number): void {
    this.cap = capacity;
    this.wide = null;
    this.f64 = [];
    this.u8 = [];
    this.str = [];
    this.nulls = [];
    for (const kind of this.kinds) {
      // a wide DECIMAL and BYTES are read as text into string[] (readTextCarried)
      const wide = isTextCarried(kind, this.types[this.f64.length]!);
      this.f64.push(kind !== ValueKind.String && kind !== ValueKind.Boolean && !wide ? new Float64Array(capacity) : null);
      this.u8.push(kind === ValueKind.Boolean ? new Uint8Array(capacity) : null);
      this.str.push(kind === ValueKind.String || wide ? new Array<string>(capacity).fill('0') : null);
      this.nulls.push(new Uint8Array(capacity));
    }
  }

  /** The first n rows written since begin(). */
  finish(n: number, ops: Uint8Array | null): Batch {
    const columns: Column[] = [];
    for (let s = 0; s < this.outWidth; s++) {
      const mask = this.nulls[s]!.subarray(0, n);
      let any = 0;
      for (let i = 0; i < n; i++) any |= mask[i]!;
      const strs = this.str[s];
      if (strs !== null && strs !== undefined) strs.length = n;
      const values = strs ?? this.f64[s]?.subarray(0, n) ?? this.u8[s]!.subarray(0, n);
      columns.push({ type: this.types[s]!, values, nulls: any ? mask : null });
    }
    if (this.wide !== null) {
      const w = this.wide;
      this.wide = null;
      const out = new Map<number, Int64[]>();
      for (let j = 0; j < w.length; j += 3) {
        const s = w[j] as number;
        const row = w[j + 1] as number;
        const f = this.f64[s]!;
        // only slots still holding the NaN mark (a row rewritten after a bad record is not)
        if (row >= n || f[row] === f[row]) continue;
        let a = out.get(s);
        if (a === undefined) out.set(s, (a = Array.from(f.subarray(0, n))));
        a[row] = w[j + 2]!;
      }
      for (const [s, a] of out) {
        for (let i = 0; i < n; i++) if (a[i] !== a[i]) a[i] = 0; // NaN marks of NULL or dropped rows
        columns[s] = { ...columns[s]!, values: a };
      }
    }
    return { length: n, columns, ops };
  }

  fail(reason: string, line: number): never {
    throw new JsonRecordError(`${reason} at ${this.file}:${line}`);
  }

  /**
   * Parses the object at p (after any whitespace) into row `row`; returns the position after
   * its closing brace. Throws JsonRecordError for malformed JSON or a bad value.
   */
  readObject(buf: Buffer, p: number, end: number, row: number, line: number): number {
    if (row >= this.cap) throw internalError('JsonRowReader row beyond capacity');
    p = skipJsonWhitespace(buf, p, end);
    if (p >= end || buf[p] !== 123) this.fail('expected a JSON object', line);
    const stamp = ++this.stamp;
    const seen = this.seen;
    p = skipJsonWhitespace(buf, p + 1, end);
    if (p < end && buf[p] === 125) {
      p++;
    } else {
      for (;;) {
        if (p >= end || buf[p] !== DQUOTE) this.fail('malformed JSON: expected a key', line);
        const ke = scanJsonString(buf, p, end);
        if (ke < 0) this.fail('malformed JSON: unterminated key', line);
        const slot = stringHasEscape ? this.slotOfName(unescapeJsonString(buf, p, ke)) : this.slotOfKey(buf, p + 1, ke - 1);
        p = skipJsonWhitespace(buf, ke, end);
        if (p >= end || buf[p] !== 58 /* : */) this.fail("malformed JSON: expected ':' after a key", line);
        p = skipJsonWhitespace(buf, p + 1, end);
        if (slot < 0) {
          const q = skipJsonValue(buf, p, end);
          if (q < 0) this.fail('malformed JSON value', line);
          p = q;
        } else {
          p = this.readValue(slot, buf, p, end, row, line);
          seen[slot] = stamp;
        }
        p = skipJsonWhitespace(buf, p, end);
        if (p < end && buf[p] === 44 /* , */) {
          p = skipJsonWhitespace(buf, p + 1, end);
          continue;
        }
        if (p < end && buf[p] === 125 /* } */) {
          p++;
          break;
        }
        this.fail("malformed JSON: expected ',' or '}'", line);
      }
    }
    for (let s = 0; s < this.width; s++) {
      if (seen[s] !== stamp) this.setNull(s, row);
    }
    return p;
  }

  private slotOfKey(buf: Uint8Array, ks: number, ke: number): number {
    const n = ke - ks;
    const w = this.width;
    for (let t = 0; t < w; t++) {
      let s = this.guess + t;
      if (s >= w) s -= w;
      const key = this.keys[s]!;
      if (key.length !== n) continue;
      let i = 0;
      while (i < n && key[i] === buf[ks + i]) i++;
      if (i === n) {
        this.guess = s + 1 === w ? 0 : s + 1; // keys usually come in column order
        return s;
      }
    }
    return -1;
  }

  private slotOfName(name: string | undefined): number {
    return name === undefined ? -1 : this.names.indexOf(name);
  }

  private setNull(s: number, row: number): void {
    this.nulls[s]![row] = 1;
    const strs = this.str[s];
    if (strs !== null && strs !== undefined) strs[row] = '';
  }

  private readValue(s: number, buf: Buffer, p: number, end: number, row: number, line: number): number {
    if (p >= end) this.fail('malformed JSON: expected a value', line);
    const c = buf[p]!;
    if (c === 110 /* n */) {
      if (!matchLiteral(buf, p, end, 'null')) this.fail('malformed JSON value', line);
      this.setNull(s, row);
      return p + 4;
    }
    const kind = this.kinds[s]!;
    this.nulls[s]![row] = 0;
    if (this.composite[s] === true) {
      const q = skipJsonValue(buf, p, end);
      if (q < 0) this.fail('malformed JSON value', line);
      const text = decodeUtf8(buf, p, q);
      try {
        const type = this.types[s]!;
        (this.str[s]! as unknown[])[row] = fromJson(holdsBigint(type) ? parseJsonExact(text) : JSON.parse(text), type);
      } catch (e) {
        if (!(e instanceof CompositeValueError) && !(e instanceof SyntaxError)) throw e;
        throw new JsonRecordError(`bad value '${quoteForMessage(text)}' for column ${this.names[s]!} (${typeToString(this.types[s]!)}) at ${this.file}:${line}: ${e.message}`);
      }
      return q;
    }
    if (kind === ValueKind.String) {
      const strs = this.str[s]!;
      if (c === DQUOTE) {
        const q = scanJsonString(buf, p, end);
        if (q < 0) this.fail('malformed JSON: unterminated string', line);
        if (!stringHasEscape) strs[row] = this.strings[s]!.decode(buf, p + 1, q - 1);
        else {
          const v = unescapeJsonString(buf, p, q);
          if (v === undefined) this.fail('malformed JSON: bad escape in a string', line);
          strs[row] = v;
        }
        return q;
      }
      const q = skipJsonValue(buf, p, end);
      if (q < 0) this.fail('malformed JSON value', line);
      strs[row] = decodeUtf8(buf, p, q); // a number, boolean, object or array as its JSON text
      return q;
    }

    if (kind === ValueKind.Bytes) {
      // BYTES: a JSON string of Base64 (Flink's json format), to a binary string
      if (c !== DQUOTE) {
        const q = skipJsonValue(buf, p, end);
        if (q < 0) this.fail('malformed JSON value', line);
        this.badValue(s, decodeUtf8(buf, p, q), line);
        return q;
      }
      const q = scanJsonString(buf, p, end);
      if (q < 0) this.fail('malformed JSON: unterminated string', line);
      const text = stringHasEscape ? unescapeJsonString(buf, p, q) : decodeUtf8(buf, p + 1, q - 1);
      const bytes = text === undefined ? null : binaryOfBase64(text.trim());
      if (bytes === null) this.badValue(s, text ?? decodeUtf8(buf, p, q), line);
      (this.str[s] as string[])[row] = bytes!;
      return q;
    }
    if (kind === ValueKind.Decimal && this.str[s] !== null) {
      // wide DECIMAL: a JSON number or a string holding one, kept as exact canonical text
      let ts = p;
      let te: number;
      let q: number;
      if (c === DQUOTE) {
        q = scanJsonString(buf, p, end);
        if (q < 0) this.fail('malformed JSON: unterminated string', line);
        ts = p + 1;
        te = q - 1;
      } else {
        q = skipJsonValue(buf, p, end);
        if (q < 0) this.fail('malformed JSON value', line);
        te = q;
      }
      const text = ts === te ? undefined : readTextCarried(this.types[s]!, buf, ts, te);
      if (text === undefined) this.badValue(s, decodeUtf8(buf, ts, te), line);
      (this.str[s] as string[])[row] = text!;
      return q;
    }
    let v: number | undefined;
    let q: number;
    let vs = p;
    let ve: number;
    if (c === DQUOTE) {
      q = scanJsonString(buf, p, end);
      if (q < 0) this.fail('malformed JSON: unterminated string', line);
      vs = p + 1;
      ve = q - 1;
      if (stringHasEscape) {
        const text = unescapeJsonString(buf, p, q);
        if (text === undefined) this.fail('malformed JSON: bad escape in a string', line);
        const bytes = Buffer.from(text, 'utf8');
        v = vs === ve ? undefined : parseScalarBytes(kind, this.types[s]!, bytes, 0, bytes.length);
        if (v === undefined) this.badValue(s, text, line);
      } else {
        v = vs === ve ? undefined : parseScalarBytes(kind, this.types[s]!, buf, vs, ve);
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      q = scanNumber(buf, p, end);
      ve = q;
      if (kind === ValueKind.Timestamp || kind === ValueKind.Instant) {
        v = parseInt53Bytes(buf, p, q); // epoch milliseconds
        if (v !== v) v = undefined;
      } else if (kind === ValueKind.Boolean || kind === ValueKind.Date || kind === ValueKind.Time) {
        v = undefined;
      } else {
        v = parseScalarBytes(kind, this.types[s]!, buf, p, q);
      }
    } else if (c === 116 /* t */ || c === 102 /* f */) {
      q = skipJsonValue(buf, p, end);
      if (q < 0) this.fail('malformed JSON value', line);
      ve = q;
      v = kind === ValueKind.Boolean ? (c === 116 ? 1 : 0) : undefined;
    } else {
      q = skipJsonValue(buf, p, end);
      if (q < 0) this.fail('malformed JSON value', line);
      ve = q;
      v = undefined;
    }
    if (v === undefined && kind === ValueKind.Bigint) {
      // a BIGINT beyond ±(2^53-1) but within ±(2^63-1): carried wide (common/int64.ts); the
      // slot holds NaN (never a BIGINT) until finish() puts the value in
      const w = parseInt64(decodeUtf8(buf, vs, ve).trim());
      if (w !== null) {
        (this.wide ??= []).push(s, row, w);
        this.f64[s]![row] = NaN;
        return q;
      }
    }
    if (v === undefined) this.badValue(s, decodeUtf8(buf, vs, ve), line);
    if (kind === ValueKind.Boolean) this.u8[s]![row] = v;
    else this.f64[s]![row] = v;
    return q;
  }

  private badValue(s: number, text: string, line: number): never {
    throw new JsonRecordError(badValueMessage(text, this.names[s]!, this.types[s]!, this.file, line));
  }
}

// ---------------------------------------------------------------------------------------
// Line-by-line decoding shared by json and debezium-json

/**
 * The record loop of a JSON-lines format: finds lines, skips blank ones, tracks offset and
 * line, and applies ignore-parse-errors. `readLine` parses one non-blank line into rows
 * starting at `row` and returns how many rows it wrote (0 to skip the record, e.g. a
 * tombstone), or throws JsonRecordError.
 */
export abstract class JsonLinesDecoder implements RecordDecoder {
  protected readonly input: InputBuffer;
  protected readonly reader: JsonRowReader;
  private lineNo: number;
  private readonly ignoreErrors: boolean;
  private readonly skips = new SkipLog();

  constructor(
    columns: readonly FormatColumn[],
    projection: readonly number[],
    options: JsonOptions,
    protected readonly file: string,
    start: DecoderStart,
  ) {
    this.reader = new JsonRowReader(columns, projection, file);
    this.ignoreErrors = options.ignoreParseErrors ?? false;
    this.input = new InputBuffer(start.offset);
    this.lineNo = start.line;
  }

  /** Most rows one line can produce. */
  protected abstract readonly rowsPerLine: number;

  /** Parses the line [p, end) (p at its first non-blank byte) into rows from `row`. */
  protected abstract readLine(buf: Buffer, p: number, end: number, row: number, line: number): number;

  /** The changelog kinds of the rows written so far (null for append-only formats). */
  protected abstract takeOps(n: number): Uint8Array | null;

  protected abstract beginOps(capacity: number): void;

  get offset(): number {
    return this.input.offset;
  }

  get line(): number {
    return this.lineNo;
  }

  get skippedRecords(): number {
    return this.skips.count;
  }

  get skipped(): readonly SkippedRecord[] {
    return this.skips.samples;
  }

  get pendingBytes(): number {
    return this.input.end - this.input.pos;
  }

  push(chunk: Uint8Array, fileOffset: number): void {
    this.input.push(chunk, fileOffset);
  }

  finish(): void {
    this.input.finished = true;
  }

  decode(maxRows: number = DEFAULT_BATCH_ROWS): DecodedBatch | null {
    if (maxRows < 1) throw internalError('decode(maxRows) needs maxRows >= 1');
    const inp = this.input;
    if (!inp.skipBom()) return null;
    // one line may produce several rows (an update, -U and +U): keep room for them; a
    // record that does not fit is left for the next batch (a record is never split, so a
    // batch exceeds maxRows only when maxRows is smaller than one record's rows)
    const cap = maxRows + this.rowsPerLine - 1;
    this.reader.begin(cap);
    this.beginOps(cap);
    const buf = inp.buf;
    const end = inp.end;
    let pos = inp.pos;
    let line = this.lineNo;
    let n = 0;
    while (pos < end && n < maxRows) {
      let lf = buf.indexOf(LF, pos);
      if (lf >= end) lf = -1; // bytes past `end` are stale
      if (lf < 0 && !inp.finished) break;
      const lineEnd = lf < 0 ? end : lf;
      const recordLine = line + 1;
      const p = skipJsonWhitespace(buf, pos, lineEnd);
      if (p < lineEnd) {
        try {
          const rows = this.readLine(buf, p, lineEnd, n, recordLine);
          if (n > 0 && n + rows > maxRows) break; // does not fit: decode it again next time
          n += rows;
        } catch (e) {
          if (!(e instanceof JsonRecordError)) throw e;
          if (!this.ignoreErrors) {
            inp.pos = pos;
            this.lineNo = line;
            throw dataError(e.message);
          }
          this.skips.add(recordLine, e.message);
        }
      }
      pos = lf < 0 ? end : lf + 1;
      line++;
    }
    inp.pos = pos;
    this.lineNo = line;
    if (n === 0) return null;
    return { batch: this.reader.finish(n, this.takeOps(n)), endOffset: inp.offset, endLine: line };
  }
}

/** Decodes the `json` format into append-only batches of the projected columns. */
export class JsonDecoder extends JsonLinesDecoder {
  protected readonly rowsPerLine = 1;

  constructor(columns: readonly FormatColumn[], projection: readonly number[], options: JsonOptions = {}, file = '<json>', start: DecoderStart = { offset: 0, line: 0 }) {
    super(columns, projection, options, file, start);
  }

  protected readLine(buf: Buffer, p: number, end: number, row: number, line: number): number {
    const q = skipJsonWhitespace(buf, this.reader.readObject(buf, p, end, row, line), end);
    if (q !== end) this.reader.fail(`unexpected text after the JSON object: '${quoteForMessage(decodeUtf8(buf, q, end))}'`, line);
    return 1;
  }

  protected beginOps(): void {}

  protected takeOps(): Uint8Array | null {
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// Encoding

/** JSON text of a non-NULL value (STRING via JSON.stringify; times quoted; NaN quoted). */
export function jsonValueText(kind: ValueKind, type: DataType, col: Column, r: number): string {
  switch (kind) {
    case ValueKind.String:
      return JSON.stringify((col.values as string[])[r]!);
    case ValueKind.Boolean:
      return (col.values as Uint8Array)[r] ? 'true' : 'false';
    case ValueKind.Int:
    case ValueKind.Bigint:
      return formatInteger((col.values as Float64Array)[r]!);
    case ValueKind.Double: {
      const v = (col.values as Float64Array)[r]!;
      // -0.0 as Jackson writes it: DuckDB's read_json takes a bare -0 for the integer 0
      if (v === 0) return Object.is(v, -0) ? '-0.0' : '0';
      return Number.isFinite(v) ? formatDouble(v) : '"' + String(v) + '"';
    }
    case ValueKind.Decimal: {
      const v = (col.values as Float64Array)[r]!;
      if (typeof v === 'string') return v; // a wide DECIMAL's exact text, as a JSON number
      return Number.isFinite(v) ? formatDecimal(v, type.scale ?? 0) : '"' + String(v) + '"';
    }
    case ValueKind.Timestamp:
      return '"' + formatTimestamp((col.values as Float64Array)[r]!) + '"';
    case ValueKind.Instant:
      return '"' + formatTimestamp((col.values as Float64Array)[r]!) + 'Z"';
    case ValueKind.Date:
      return '"' + formatDate((col.values as Float64Array)[r]!) + '"';
    case ValueKind.Time:
      return '"' + formatTimeOfDay((col.values as Float64Array)[r]!, type.precision ?? 0) + '"';
    case ValueKind.Bytes:
      return '"' + base64OfBinary((col.values as string[])[r]!) + '"';
  }
}

/** Writes rows as JSON objects, keys in column order; shared by debezium-json. */
export class JsonObjectWriter {
  private readonly kinds: ValueKind[];
  private readonly composite: boolean[];
  private readonly prefixes: string[];

  constructor(private readonly columns: readonly FormatColumn[]) {
    this.composite = columns.map((c) => isComposite(c.type));
    this.kinds = columns.map((c) => (isComposite(c.type) ? ValueKind.String : valueKindOf(c.type, c.name)));
    this.prefixes = columns.map((c, i) => (i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':');
  }

  check(batch: Batch): void {
    if (batch.columns.length !== this.columns.length) {
      throw internalError(`json encoder for ${this.columns.length} columns got a batch of ${batch.columns.length}`);
    }
  }

  object(batch: Batch, r: number): string {
    const cols = batch.columns;
    const n = this.columns.length;
    if (n === 0) return '{}';
    let s = '';
    for (let c = 0; c < n; c++) {
      const col = cols[c]!;
      s += this.prefixes[c]!;
      if (col.nulls !== null && col.nulls[r] === 1) s += 'null';
      else if (this.composite[c] === true) s += toJsonText((col.values as unknown[])[r], col.type);
      else s += jsonValueText(this.kinds[c]!, this.columns[c]!.type, col, r);
    }
    return s + '}';
  }
}

/** Encodes batches as JSON lines. The changelog kind is not written (inserts only). */
export class JsonEncoder implements RecordEncoder {
  private readonly writer: JsonObjectWriter;

  constructor(columns: readonly FormatColumn[]) {
    this.writer = new JsonObjectWriter(columns);
  }

  encode(batch: Batch): string {
    this.writer.check(batch);
    let out = '';
    for (let r = 0; r < batch.length; r++) out += this.writer.object(batch, r) + '\n';
    return out;
  }
}
