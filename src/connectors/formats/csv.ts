// The `csv` format (DESIGN §3): RFC 4180 records, no header, one record per line.
//
// Decoding works in two passes per batch, both over the raw bytes:
//   1. tokenize: find each record's end and the byte range of every projected field
//      (quotes, "" escapes, delimiters and newlines inside quotes, CRLF), check the field
//      count, and advance the offset/line position record by record;
//   2. convert, column by column: parse numbers, booleans, timestamps and dates straight
//      from the bytes into typed arrays; decode only projected STRING fields to strings.
// Unprojected STRING fields are located but never decoded. Unprojected fields of other types
// are parsed to be checked and then dropped: a bad value is a problem of the record, found
// the same way whichever columns a query reads (`SELECT *` and `SELECT id` fail at the same
// line, and ignore-parse-errors skips the same records). Nothing is allocated per row except
// the strings of projected STRING columns.
//
// Rules (the decisions on points RFC 4180 and Flink leave open):
//   - an empty unquoted field is NULL; `""` is the empty string. For a non-string column a
//     quoted empty field is a bad value, as in Flink (the empty string is not a number) and in
//     DuckDB's read_csv with allow_quoted_nulls=false, which the verifier must use so that
//     `""` stays an empty string.
//   - non-string values may be surrounded by spaces/tabs, which are ignored (Flink trims,
//     DuckDB's casts do too); a blank-only non-string field is a bad value. Strings are kept
//     exactly as written.
//   - BOOLEAN is `true`/`false` in any case; `1`/`0` and anything else is a bad value (Flink
//     would silently read `1` as false).
//   - a record with one field too many whose last field is empty and unquoted (a trailing
//     delimiter) is accepted, as DuckDB does; any other field count is an error.
//   - a blank line is skipped when the table has several columns (it cannot be a record); in
//     a one-column table it is a record holding NULL, which is how the encoder writes it.
//   - `\n` and `\r\n` end records; a CR elsewhere is data. A UTF-8 BOM at offset 0 is skipped.
//   - a quote inside an unquoted field is data; a character after a closing quote other than
//     the delimiter or a line end is an error.
// Bad input throws WeirError('data') naming file:line (the line where the record starts),
// the value and the column, unless ignoreParseErrors is set: then the whole record is
// skipped and counted.

import { isWideDecimal } from '../../expr/decimal.js';
import { type Int64, parseInt64 } from '../../common/int64.js';
import type { Batch, Column } from '../../common/batch.js';
import { takeBatch } from '../../common/batch.js';
import { WeirError, internalError, planError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { MS_PER_DAY, daysFromCivil, daysInMonth, parseDateBytes, parseInstantBytes, parseTimestampBytes } from '../../common/time.js';
import {
  CR,
  DEFAULT_BATCH_ROWS,
  type DecodedBatch,
  type DecoderStart,
  type FormatColumn,
  InputBuffer,
  LF,
  type RecordDecoder,
  type RecordEncoder,
  SkipLog,
  type SkippedRecord,
  StringDecoder,
  TAB,
  SPACE,
  ValueKind,
  badValueMessage,
  dataError,
  decodeUtf8,
  isNaNText,
  parseBooleanBytes,
  parseDecimalBytes,
  isTextCarried,
  parseScalarBytes,
  readTextCarried,
  parseDoubleBytes,
  parseInt32Bytes,
  parseInt53Bytes,
  quoteForMessage,
  scalarText,
  valueKindOf,
} from './text-values.js';

export interface CsvOptions {
  /** Single ASCII character, default `,` (`'csv.field-delimiter'`). */
  readonly fieldDelimiter?: string;
  /** Single ASCII character, default `"` (`'csv.quote-character'`). */
  readonly quoteChar?: string;
  /** Skip and count bad records instead of failing (`'csv.ignore-parse-errors'`). */
  readonly ignoreParseErrors?: boolean;
  /** Skip each file's first record, a header (`'csv.ignore-first-line'`). */
  readonly ignoreFirstLine?: boolean;
}

/** The option that skips a header line, named as Flink's legacy csv format named it. */
export const IGNORE_FIRST_LINE = 'csv.ignore-first-line';

/** Validates a one-character option (a table definition error, so kind 'plan'). */
function singleByte(ch: string, what: string): number {
  if (ch.length !== 1 || ch.charCodeAt(0) > 127) throw planError(`csv ${what} must be a single ASCII character, got '${ch}'`);
  const c = ch.charCodeAt(0);
  if (c === LF || c === CR) throw planError(`csv ${what} cannot be a line break`);
  return c;
}

// Field flags from the tokenizer.
const UNQUOTED = 0;
const QUOTED = 1;
const QUOTED_ESCAPES = 2; // quoted and contains doubled quotes to undo

// How the one-pass fast path (CsvDecoder.fastRecord) reads a file column.
const FAST_TEXT = 0; // scanned to its delimiter; converted (if projected) by pass 2
const FAST_INT53 = 1; // BIGINT: optional '-', 1-15 digits, parsed while scanning
const FAST_INT32 = 2; // INT: optional '-', 1-9 digits, parsed while scanning
const FAST_TS = 3; // TIMESTAMP: `yyyy-MM-dd HH:mm:ss[.SSS]` at fixed positions, date cached

export class CsvDecoder implements RecordDecoder {
  private readonly input: InputBuffer;
  private lineNo: number;
  private readonly delim: number;
  private readonly quote: number;
  private readonly quoteStr: string;
  private readonly ignoreErrors: boolean;
  private readonly numColumns: number;
  /** File column index -> slot, or -1 (an unprojected STRING column: nothing to check). */
  private readonly slotOf: Int32Array;
  /** Slots: the projected columns, then the unprojected non-STRING columns (checked only). */
  private readonly width: number;
  /** Projected slots, the columns of a decoded batch. */
  private readonly outWidth: number;
  private readonly kinds: ValueKind[];
  private readonly types: DataType[];
  private readonly names: string[];
  private readonly strings: (StringDecoder | null)[];
  private readonly skips = new SkipLog();

  // per-batch scratch, grown to the largest maxRows seen
  private cap = 0;
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private flags = new Uint8Array(0);
  private rowLine = new Float64Array(0);
  private bad = new Uint8Array(0);
  /** Per file column: how the fast path reads it (FAST_*). */
  private readonly fastKind: Uint8Array;
  /** Per slot: the values of a FAST_INT53/INT32/TS column, filled by the fast path (else null). */
  private readonly pre: (Float64Array | null)[] = [];
  /** Per slot: whether the fast path parses (and so validates) the column's values. */
  private readonly preParsed: boolean[] = [];
  /** Rows of the batch decoded by the general path (their values converted in pass 2). */
  private slowRows = new Int32Array(0);
  private nSlow = 0;
  // the fast path's date cache: yyyyMMdd -> days since the epoch
  private tsDayKey = -1;
  private tsDayMs = 0;
  private anyBad = false;
  private firstBadRow = -1;
  private firstBadSlot = -1;
  /** A record-level error (field count, quoting) met while tokenizing without ignoreParseErrors. */
  private pendingError: string | null = null;
  private pendingErrorLine = 0;
  /** The first record of the file is still to be skipped (ignoreFirstLine, read from the start). */
  private skipFirst: boolean;
  /** The text of the file's first record, kept to judge whether it looks like a header. */
  private firstRecord: string | null = null;

  constructor(
    columns: readonly FormatColumn[],
    projection: readonly number[],
    options: CsvOptions = {},
    private readonly file: string = '<csv>',
    start: DecoderStart = { offset: 0, line: 0 },
  ) {
    this.delim = singleByte(options.fieldDelimiter ?? ',', 'field delimiter');
    this.quote = singleByte(options.quoteChar ?? '"', 'quote character');
    if (this.delim === this.quote) throw planError('csv field delimiter and quote character must differ');
    this.quoteStr = String.fromCharCode(this.quote);
    this.ignoreErrors = options.ignoreParseErrors ?? false;
    this.numColumns = columns.length;
    this.slotOf = new Int32Array(columns.length).fill(-1);
    this.outWidth = projection.length;
    this.kinds = [];
    this.types = [];
    this.names = [];
    this.strings = [];
    const addSlot = (ci: number, checkOnly: boolean): void => {
      const col = columns[ci]!;
      const kind = valueKindOf(col.type, col.name);
      if (checkOnly && kind === ValueKind.String) return; // any text is a string
      this.slotOf[ci] = this.kinds.length;
      this.kinds.push(kind);
      this.types.push(col.type);
      this.names.push(col.name);
      this.strings.push(kind === ValueKind.String ? new StringDecoder() : null);
    };
    for (const ci of projection) {
      if (columns[ci] === undefined) throw internalError(`csv projection index ${ci} out of range (${columns.length} columns)`);
      if (this.slotOf[ci] !== -1) throw internalError(`csv projection repeats column ${ci}`);
      addSlot(ci, false);
    }
    for (let ci = 0; ci < columns.length; ci++) if (this.slotOf[ci] === -1) addSlot(ci, true);
    this.width = this.kinds.length;
    this.fastKind = new Uint8Array(columns.length);
    for (let ci = 0; ci < columns.length; ci++) {
      const kind = valueKindOf(columns[ci]!.type, columns[ci]!.name);
      this.fastKind[ci] = kind === ValueKind.Bigint ? FAST_INT53 : kind === ValueKind.Int ? FAST_INT32 : kind === ValueKind.Timestamp ? FAST_TS : FAST_TEXT;
    }
    this.fastTextSlot = new Int32Array(columns.length).fill(-1);
    for (let ci = 0; ci < columns.length; ci++) if (this.fastKind[ci] === FAST_TEXT) this.fastTextSlot[ci] = this.slotOf[ci]!;
    this.fastPre = new Array<Float64Array | null>(columns.length).fill(null);
    for (let slot = 0; slot < this.width; slot++) {
      const k = this.kinds[slot]!;
      this.preParsed.push(k === ValueKind.Bigint || k === ValueKind.Int || k === ValueKind.Timestamp);
      this.pre.push(null);
    }
    this.input = new InputBuffer(start.offset);
    this.lineNo = start.line;
    this.skipFirst = (options.ignoreFirstLine ?? false) && start.offset === 0;
    this.columnNames = columns.map((c) => c.name.toLowerCase());
  }

  private readonly columnNames: string[];

  /**
   * A data error, with a hint when it is about the file's first line and that line looks like
   * a header: several fields, none of them a number, one at least naming a column.
   */
  private recordError(message: string, recordLine: number): WeirError {
    const e = dataError(message);
    if (recordLine !== 1 || this.firstRecord === null) return e;
    const fields = this.firstRecord.split(String.fromCharCode(this.delim)).map((f) => f.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
    const named = fields.some((f) => this.columnNames.includes(f));
    const textual = fields.every((f) => f !== '' && !/^[-+]?[\d.]+$/.test(f));
    if (!named || !textual) return e;
    return new WeirError('data', message, { hint: `line 1 looks like a header; to skip it, add '${IGNORE_FIRST_LINE}' = 'true' to the table's WITH options` });
  }

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

  /** Bytes buffered but not yet consumed (a partial record, or records not yet decoded). */
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
    this.ensureCapacity(maxRows);
    for (;;) {
      if (!this.input.skipBom()) return null;
      const before = this.input.pos;
      for (let slot = 0; slot < this.outWidth; slot++) if (this.preParsed[slot]! && this.pre[slot] === null) this.pre[slot] = new Float64Array(this.cap);
      this.nSlow = 0;
      const n = this.tokenize(maxRows);
      let batch: Batch | null = null;
      if (n > 0) batch = this.convert(n);
      if (this.pendingError !== null) {
        const msg = this.pendingError;
        this.pendingError = null;
        throw this.recordError(msg, this.pendingErrorLine);
      }
      if (batch !== null && batch.length > 0) return { batch, endOffset: this.input.offset, endLine: this.lineNo };
      if (this.input.pos === before) return null; // no complete record buffered
      // every record consumed was skipped: go on with what is buffered
    }
  }

  private ensureCapacity(maxRows: number): void {
    if (maxRows <= this.cap) return;
    const cells = maxRows * this.width;
    this.starts = new Int32Array(cells);
    this.ends = new Int32Array(cells);
    this.flags = new Uint8Array(cells);
    this.rowLine = new Float64Array(maxRows);
    this.bad = new Uint8Array(maxRows);
    this.slowRows = new Int32Array(maxRows);
    this.cap = maxRows;
    for (let slot = 0; slot < this.width; slot++) if (this.preParsed[slot]!) this.pre[slot] = null;
  }

  /**
   * Pass 1: finds up to maxRows complete records from input.pos, records the projected field
   * ranges, and consumes them. Stops early at an incomplete record (more input needed) or,
   * without ignoreParseErrors, at a malformed record (left unconsumed, error pending).
   */
  private tokenize(maxRows: number): number {
    const inp = this.input;
    const buf = inp.buf;
    const end = inp.end;
    const finished = inp.finished;
    const delim = this.delim;
    const quote = this.quote;
    const width = this.width;
    const ncols = this.numColumns;
    const slotOf = this.slotOf;
    const starts = this.starts;
    const ends = this.ends;
    const flags = this.flags;
    const rowLine = this.rowLine;
    let pos = inp.pos;
    let line = this.lineNo;
    let n = 0;

    const slowRows = this.slowRows;
    let nSlow = 0;
    // For the fast path, once per call (not per record, which the general path may take):
    // the last LF buffered, and each parsed column's array for this batch.
    const lim = end > 0 ? buf.lastIndexOf(LF, end - 1) : -1;
    const preOf = this.fastPre;
    for (let f = 0; f < ncols; f++) {
      const slot = slotOf[f]!;
      preOf[f] = this.fastKind[f] !== FAST_TEXT && slot >= 0 ? this.pre[slot] ?? null : null;
    }
    records: while (n < maxRows && pos < end) {
      if (line !== 0 && !this.skipFirst) {
        // the common record: unquoted, no NULLs, values in their plain form; anything else
        // (and an incomplete record) goes through the general path below
        const m = this.fastRecords(buf, pos, lim, n, maxRows, line);
        if (m > n) {
          line += m - n;
          n = m;
          pos = this.fastEnd;
          if (n >= maxRows || pos >= end) break;
        }
      }
      const rowBase = n * width;
      // The next LF (native memchr). Only a quoted field can hide an LF that does not end
      // the record; after one, the line end is looked up again.
      let le = buf.indexOf(LF, pos);
      if (le < 0 || le >= end) le = end; // bytes past `end` are stale
      let p = pos;
      let field = 0;
      let newlines = 0; // LFs inside the record, its terminator included
      let problem = ''; // non-empty: malformed record
      let recEnd: number;
      let lastStart = 0;
      let lastEnd = 0;
      let lastFlag = UNQUOTED;
      for (;;) {
        let fs: number;
        let fe: number;
        let fl = UNQUOTED;
        let q: number;
        if (p < end && buf[p] === quote) {
          // quoted field: up to the closing quote; "" is an escaped quote
          q = p + 1;
          fl = QUOTED;
          let closed = false;
          while (q < end) {
            const c = buf[q];
            if (c === quote) {
              if (q + 1 < end) {
                if (buf[q + 1] === quote) {
                  fl = QUOTED_ESCAPES;
                  q += 2;
                  continue;
                }
              } else if (!finished) break records; // is it "" or the end? need the next byte
              closed = true;
              break;
            }
            if (c === LF) newlines++;
            q++;
          }
          if (!closed) {
            if (!finished) break records;
            problem = 'unterminated quoted field';
            recEnd = end;
            break;
          }
          fs = p + 1;
          fe = q;
          q++; // past the closing quote
          if (q > le) {
            le = buf.indexOf(LF, q);
            if (le < 0 || le >= end) le = end;
          }
          if (q >= end) {
            if (!finished) break records;
          } else {
            const c = buf[q];
            if (c !== delim && c !== LF && !(c === CR && (q + 1 >= end ? finished : buf[q + 1] === LF))) {
              if (c === CR && q + 1 >= end) break records; // CR LF split across chunks
              problem = 'unexpected character after a closing quote';
              // resynchronise at the next delimiter or line end
              while (q < le && buf[q] !== delim) q++;
              if (q >= end && !finished) break records;
            }
          }
        } else {
          q = p;
          while (q < le && buf[q] !== delim) q++;
          if (q >= end && !finished) break records;
          fs = p;
          fe = q;
          // the CR of a CR LF line end (or of a CR ending the input) is not data
          if (q === le && fe > fs && buf[fe - 1] === CR) fe--;
        }
        // a field [fs, fe) ends at q (delimiter, LF, CR LF or end of input)
        if (field < ncols) {
          const slot = slotOf[field]!;
          if (slot >= 0) {
            const k = rowBase + slot;
            starts[k] = fs;
            ends[k] = fe;
            flags[k] = fl;
          }
        }
        lastStart = fs;
        lastEnd = fe;
        lastFlag = fl;
        if (q >= end) {
          recEnd = end;
          break;
        }
        const c = buf[q];
        if (c === delim) {
          field++;
          p = q + 1;
          continue;
        }
        if (c === CR) {
          // only after a closing quote: CR LF, or a CR ending the input
          if (q + 1 >= end) {
            recEnd = end;
            break;
          }
          q++;
        }
        recEnd = q + 1;
        newlines++;
        break;
      }

      const recordLine = line + 1;
      const fields = field + 1;
      const endsWithLf = buf[recEnd - 1] === LF;
      if (recordLine === 1 && this.firstRecord === null) this.firstRecord = decodeUtf8(buf, pos, recEnd).replace(/\r?\n$/, '');
      if (this.skipFirst) {
        // a header: skipped whatever it holds
        this.skipFirst = false;
        pos = recEnd;
        line += newlines + (endsWithLf ? 0 : 1);
        continue;
      }
      if (problem === '' && fields !== ncols) {
        if (fields === 1 && lastFlag === UNQUOTED && lastStart === lastEnd) {
          // a blank line
          if (ncols > 1) {
            pos = recEnd;
            line += newlines + (endsWithLf ? 0 : 1);
            continue;
          }
        } else if (!(fields === ncols + 1 && lastFlag === UNQUOTED && lastStart === lastEnd)) {
          problem = `expected ${ncols} fields, found ${fields}`;
        }
      }
      if (problem !== '') {
        const text = decodeUtf8(buf, pos, recEnd).replace(/\r?\n$/, '');
        const msg = `${problem} at ${this.file}:${recordLine}: '${quoteForMessage(text)}'`;
        if (!this.ignoreErrors) {
          this.pendingError = msg;
          this.pendingErrorLine = recordLine;
          break;
        }
        this.skips.add(recordLine, msg);
        pos = recEnd;
        line += newlines + (endsWithLf ? 0 : 1);
        continue;
      }
      rowLine[n] = recordLine;
      slowRows[nSlow++] = n;
      n++;
      pos = recEnd;
      line += newlines + (endsWithLf ? 0 : 1);
    }
    inp.pos = pos;
    this.lineNo = line;
    this.nSlow = nSlow;
    return n;
  }

  /**
   * The fast path: one pass over each record in its common form, numbers and timestamps parsed
   * straight into this batch's columns while the delimiters are found, from row n on, until
   * maxRows rows or a record the fast path does not take. Returns the row count reached (n if
   * the first record is not taken) and sets fastEnd past the last record taken, whose rows'
   * lines are line + 1, line + 2, .... A record is left to the general path (nothing of it
   * consumed) when it has a quoted or empty (NULL) field, a value not in the plain form (sign
   * '+', spaces, 16+ digits, another timestamp shape, an invalid date), a field count other
   * than the table's, a CR LF line end, or no LF before `end`.
   * Only the fields pass 2 converts or checks (FAST_TEXT ones) get their byte ranges recorded:
   * a fast row's BIGINT, INT and TIMESTAMP values are valid and already in place, so nothing
   * reads their ranges (isBadCell skips them).
   */
  private fastRecords(buf: Buffer, pos: number, lim: number, n: number, maxRows: number, line: number): number {
    const ncols = this.numColumns;
    const fastKind = this.fastKind;
    const textSlot = this.fastTextSlot;
    const preOf = this.fastPre;
    const delim = this.delim;
    const quote = this.quote;
    const width = this.width;
    const starts = this.starts;
    const ends = this.ends;
    const flags = this.flags;
    const rowLine = this.rowLine;
    const last = ncols - 1;
    let dayKey = this.tsDayKey;
    let dayMs = this.tsDayMs;
    let done = pos;
    // lim is the last LF buffered (or -1): every record from `done` up to it is complete, and
    // each scan below stops at a record's LF at the latest, so none tests for the end of input
    records: while (n < maxRows && done <= lim) {
      let q = done;
      for (let f = 0; f < ncols; f++) {
        const term = f === last ? LF : delim;
        const fk = fastKind[f]!;
        let v = 0;
        if (fk === FAST_TEXT) {
          const fs = q;
          let c = buf[q]!;
          if (c === quote) break records;
          while (c !== delim && c !== LF) c = buf[++q]!;
          if (c !== term || q === fs || (f === last && buf[q - 1] === CR)) break records;
          const slot = textSlot[f]!;
          if (slot >= 0) {
            const k = n * width + slot;
            starts[k] = fs;
            ends[k] = q;
            flags[k] = UNQUOTED;
          }
        } else if (fk === FAST_TS) {
          // `yyyy-MM-dd HH:mm:ss.SSS` or `yyyy-MM-dd HH:mm:ss` (separator ' ' or 'T'), as
          // parseTimestampBytes reads it; any other text goes to the general path
          if (q + 19 > lim) break records;
          if (buf[q + 4] !== 45 || buf[q + 7] !== 45 || buf[q + 13] !== 58 || buf[q + 16] !== 58) break records;
          const sep = buf[q + 10];
          if (sep !== SPACE && sep !== 84) break records;
          const d0 = buf[q]! - 48;
          const d1 = buf[q + 1]! - 48;
          const d2 = buf[q + 2]! - 48;
          const d3 = buf[q + 3]! - 48;
          const d5 = buf[q + 5]! - 48;
          const d6 = buf[q + 6]! - 48;
          const d8 = buf[q + 8]! - 48;
          const d9 = buf[q + 9]! - 48;
          if ((d0 | d1 | d2 | d3 | d5 | d6 | d8 | d9) < 0 || d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9 || d5 > 9 || d6 > 9 || d8 > 9 || d9 > 9) break records;
          const key = ((d0 * 10 + d1) * 10 + d2) * 100000 + d3 * 10000 + (d5 * 10 + d6) * 100 + d8 * 10 + d9;
          if (key !== dayKey) {
            const year = ((d0 * 10 + d1) * 10 + d2) * 10 + d3;
            const month = d5 * 10 + d6;
            const day = d8 * 10 + d9;
            if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) break records;
            dayKey = key;
            dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
          }
          const h0 = buf[q + 11]! - 48;
          const h1 = buf[q + 12]! - 48;
          const m0 = buf[q + 14]! - 48;
          const m1 = buf[q + 15]! - 48;
          const s0 = buf[q + 17]! - 48;
          const s1 = buf[q + 18]! - 48;
          if ((h0 | h1 | m0 | m1 | s0 | s1) < 0 || h0 > 2 || h1 > 9 || m0 > 5 || m1 > 9 || s0 > 5 || s1 > 9) break records;
          const hour = h0 * 10 + h1;
          if (hour > 23) break records;
          v = dayMs + hour * 3_600_000 + (m0 * 10 + m1) * 60_000 + (s0 * 10 + s1) * 1000;
          if (buf[q + 19] === 46) {
            if (q + 23 > lim) break records;
            const f0 = buf[q + 20]! - 48;
            const f1 = buf[q + 21]! - 48;
            const f2 = buf[q + 22]! - 48;
            if ((f0 | f1 | f2) < 0 || f0 > 9 || f1 > 9 || f2 > 9) break records;
            v += f0 * 100 + f1 * 10 + f2;
            q += 23;
          } else q += 19;
          if (buf[q] !== term) break records;
        } else {
          const fs = q;
          if (buf[q] === 45) q++; // '-'
          const ds = q;
          for (;;) {
            const c = buf[q]! - 48;
            if (c < 0 || c > 9) break;
            v = v * 10 + c;
            q++;
          }
          if (buf[q] !== term) break records;
          const digits = q - ds;
          if (digits === 0 || digits > (fk === FAST_INT53 ? 15 : 9)) break records;
          if (ds !== fs) v = 0 - v;
        }
        if (fk !== FAST_TEXT) {
          const pre = preOf[f]!;
          if (pre !== null) pre[n] = v;
        }
        q++;
      }
      rowLine[n++] = ++line;
      done = q;
    }
    this.tsDayKey = dayKey;
    this.tsDayMs = dayMs;
    this.fastEnd = done;
    return n;
  }

  /** Where fastRecords stopped: past the last record it took. */
  private fastEnd = 0;
  /** Per file column, for fastRecords: the slot whose byte ranges a FAST_TEXT field sets, or -1. */
  private readonly fastTextSlot: Int32Array;
  /** Per file column, for fastRecords: the batch's array for a parsed projected column's values, or null. */
  private readonly fastPre: (Float64Array | null)[];

  /** Pass 2: converts the projected fields of n tokenized rows, column by column. */
  private convert(n: number): Batch {
    this.anyBad = false;
    this.firstBadRow = -1;
    this.firstBadSlot = -1;
    if (this.ignoreErrors) this.bad.fill(0, 0, n);
    const columns: Column[] = [];
    for (let slot = 0; slot < this.outWidth; slot++) columns.push(this.convertColumn(slot, n));
    for (let slot = this.outWidth; slot < this.width; slot++) this.checkColumn(slot, n);
    const batch: Batch = { length: n, columns, ops: null };
    if (!this.anyBad) return batch;
    if (!this.ignoreErrors) {
      const r = this.firstBadRow;
      const slot = this.firstBadSlot;
      this.pendingError = null; // an earlier bad value wins over a later malformed record
      throw this.recordError(badValueMessage(this.fieldText(r, slot), this.names[slot]!, this.types[slot]!, this.file, this.rowLine[r]!), this.rowLine[r]!);
    }
    const keep = new Int32Array(n);
    let m = 0;
    for (let r = 0; r < n; r++) {
      if (this.bad[r] === 0) {
        keep[m++] = r;
        continue;
      }
      // report the first bad column of the row
      for (let slot = 0; slot < this.width; slot++) {
        if (this.isBadCell(r, slot)) {
          this.skips.add(this.rowLine[r]!, badValueMessage(this.fieldText(r, slot), this.names[slot]!, this.types[slot]!, this.file, this.rowLine[r]!));
          break;
        }
      }
    }
    return takeBatch(batch, keep, m);
  }

  private markBad(r: number, slot: number): void {
    this.anyBad = true;
    this.bad[r] = 1;
    if (this.firstBadRow < 0 || r < this.firstBadRow || (r === this.firstBadRow && slot < this.firstBadSlot)) {
      this.firstBadRow = r;
      this.firstBadSlot = slot;
    }
  }

  /** Re-checks one cell (slow path, for reporting). */
  private isBadCell(r: number, slot: number): boolean {
    // a fast row's parsed columns are valid (and their byte ranges not recorded)
    if (this.preParsed[slot]! && !this.isSlowRow(r)) return false;
    const k = r * this.width + slot;
    const fs = this.starts[k]!;
    const fe = this.ends[k]!;
    const kind = this.kinds[slot]!;
    if (kind === ValueKind.String) return false;
    if (fs === fe) return this.flags[k] !== UNQUOTED;
    return this.parseCell(kind, slot, fs, fe) === undefined;
  }

  /** Whether row r of the batch came through the general path (slowRows is ascending). */
  private isSlowRow(r: number): boolean {
    let lo = 0;
    let hi = this.nSlow;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slowRows[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.nSlow && this.slowRows[lo] === r;
  }

  private parseCell(kind: ValueKind, slot: number, fs: number, fe: number): number | undefined {
    const buf = this.input.buf;
    while (fs < fe && (buf[fs] === SPACE || buf[fs] === TAB)) fs++;
    while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
    let v: number;
    switch (kind) {
      case ValueKind.Int:
        v = parseInt32Bytes(buf, fs, fe);
        break;
      case ValueKind.Bigint:
        v = parseInt53Bytes(buf, fs, fe);
        // beyond ±(2^53-1) but a BIGINT: valid (the callers here only test validity; the
        // column loop reads such values as bigints)
        if (v !== v && parseInt64(asciiText(buf, fs, fe)) !== null) v = 0;
        break;
      case ValueKind.Double:
        v = parseDoubleBytes(buf, fs, fe);
        if (v !== v && isNaNText(buf, fs, fe)) return v;
        break;
      case ValueKind.Decimal: {
        const t = this.types[slot]!;
        if (isWideDecimal(t)) return readTextCarried(t, buf, fs, fe) === undefined ? undefined : 0;
        v = parseDecimalBytes(buf, fs, fe, t.precision ?? 10, t.scale ?? 0);
        break;
      }
      case ValueKind.Timestamp:
        v = parseTimestampBytes(buf, fs, fe);
        break;
      case ValueKind.Instant:
        v = parseInstantBytes(buf, fs, fe);
        break;
      case ValueKind.Date:
        v = parseDateBytes(buf, fs, fe);
        break;
      case ValueKind.Time:
      case ValueKind.Bytes:
        return parseScalarBytes(kind, this.types[slot]!, buf, fs, fe);
      case ValueKind.Boolean:
        v = parseBooleanBytes(buf, fs, fe);
        return v < 0 ? undefined : v;
      case ValueKind.String:
        throw internalError('parseCell on a STRING column');
    }
    return v !== v ? undefined : v;
  }

  private fieldText(r: number, slot: number): string {
    const k = r * this.width + slot;
    const s = decodeUtf8(this.input.buf, this.starts[k]!, this.ends[k]!);
    return this.flags[k] === QUOTED_ESCAPES ? s.replaceAll(this.quoteStr + this.quoteStr, this.quoteStr) : s;
  }

  /** Checks an unprojected column's values (marking bad rows) without keeping them. */
  private checkColumn(slot: number, n: number): void {
    const kind = this.kinds[slot]!;
    const width = this.width;
    const starts = this.starts;
    const ends = this.ends;
    const flags = this.flags;
    const stopAtBad = !this.ignoreErrors;
    // the fast path has validated its rows' values of the kinds it parses
    const rows = this.preParsed[slot]! ? this.slowRows : null;
    const m = rows === null ? n : this.nSlow;
    for (let j = 0; j < m; j++) {
      const r = rows === null ? j : rows[j]!;
      const k = r * width + slot;
      const fs = starts[k]!;
      const fe = ends[k]!;
      if (fs === fe ? flags[k] !== UNQUOTED : this.parseCell(kind, slot, fs, fe) === undefined) {
        this.markBad(r, slot);
        if (stopAtBad) break;
      }
    }
  }

  private convertColumn(slot: number, n: number): Column {
    const kind = this.kinds[slot]!;
    const type = this.types[slot]!;
    const buf = this.input.buf;
    const width = this.width;
    const starts = this.starts;
    const ends = this.ends;
    const flags = this.flags;
    const stopAtBad = !this.ignoreErrors;
    let nulls: Uint8Array | null = null;

    if (isTextCarried(kind, type)) {
      // wide DECIMAL: canonical text, exactly (expr/decimal.ts); BYTES: Base64 to a binary string
      const values = new Array<string>(n).fill('0');
      for (let r = 0, k = slot; r < n; r++, k += width) {
        const fs = starts[k]!;
        const fe = ends[k]!;
        if (fs === fe && flags[k] === UNQUOTED) {
          nulls ??= new Uint8Array(n);
          nulls[r] = 1;
          continue;
        }
        // (a quoted empty field is empty bytes: Base64 of no bytes is the empty text)
        const text = fs === fe ? (kind === ValueKind.Bytes ? '' : undefined) : readTextCarried(type, buf, fs, fe);
        if (text === undefined) {
          this.markBad(r, slot);
          if (stopAtBad) break;
          continue;
        }
        values[r] = text;
      }
      return { type, values, nulls };
    }

    if (kind === ValueKind.String) {
      const values = new Array<string>(n);
      const strings = this.strings[slot]!;
      const q = this.quoteStr;
      const qq = q + q;
      for (let r = 0, k = slot; r < n; r++, k += width) {
        const fs = starts[k]!;
        const fe = ends[k]!;
        const fl = flags[k]!;
        if (fs === fe) {
          values[r] = '';
          if (fl === UNQUOTED) {
            nulls ??= new Uint8Array(n);
            nulls[r] = 1;
          }
          continue;
        }
        const s = strings.decode(buf, fs, fe);
        values[r] = fl === QUOTED_ESCAPES ? s.replaceAll(qq, q) : s;
      }
      return { type, values, nulls };
    }

    if (kind === ValueKind.Boolean) {
      const values = new Uint8Array(n);
      for (let r = 0, k = slot; r < n; r++, k += width) {
        const fs = starts[k]!;
        const fe = ends[k]!;
        if (fs === fe && flags[k] === UNQUOTED) {
          nulls ??= new Uint8Array(n);
          nulls[r] = 1;
          continue;
        }
        const v = this.parseCell(kind, slot, fs, fe);
        if (v === undefined) {
          this.markBad(r, slot);
          if (stopAtBad) break;
          continue;
        }
        values[r] = v;
      }
      return { type, values, nulls };
    }

    // Float64 kinds. The common ones get their own loops so the parser call is monomorphic.
    // The fast path has already parsed BIGINT, INT and TIMESTAMP values of its rows: only the
    // rows of the general path are converted here.
    const pre = this.pre[slot] ?? null;
    let values = pre ?? new Float64Array(n);
    const rows = pre === null ? null : this.slowRows;
    const m = pre === null ? n : this.nSlow;
    let wide: Int64[] | null = null; // (row, value) pairs of BIGINTs beyond ±(2^53-1)
    for (let j = 0; j < m; j++) {
      const r = rows === null ? j : rows[j]!;
      const k = r * width + slot;
      if (pre !== null) values[r] = 0; // a reused array: NULL and bad cells hold 0, as in a fresh one
      let fs = starts[k]!;
      let fe = ends[k]!;
      if (fs === fe) {
        if (flags[k] === UNQUOTED) {
          nulls ??= new Uint8Array(n);
          nulls[r] = 1;
          continue;
        }
        this.markBad(r, slot); // "" is not a number/time
        if (stopAtBad) break;
        continue;
      }
      while (fs < fe && (buf[fs] === SPACE || buf[fs] === TAB)) fs++;
      while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
      let v: number;
      switch (kind) {
        case ValueKind.Bigint:
          v = parseInt53Bytes(buf, fs, fe);
          break;
        case ValueKind.Timestamp:
          v = parseTimestampBytes(buf, fs, fe);
          break;
        case ValueKind.Int:
          v = parseInt32Bytes(buf, fs, fe);
          break;
        case ValueKind.Double:
          v = parseDoubleBytes(buf, fs, fe);
          if (v !== v && isNaNText(buf, fs, fe)) {
            values[r] = v;
            continue;
          }
          break;
        case ValueKind.Date:
          v = parseDateBytes(buf, fs, fe);
          break;
        default:
          v = this.parseCell(kind, slot, fs, fe) ?? NaN;
      }
      if (v !== v) {
        // a BIGINT beyond ±(2^53-1) but within ±(2^63-1): carried wide (common/int64.ts)
        const w = kind === ValueKind.Bigint ? parseInt64(asciiText(buf, fs, fe)) : null;
        if (w !== null) {
          (wide ??= []).push(r, w);
          continue;
        }
        this.markBad(r, slot);
        if (stopAtBad) break;
        continue;
      }
      values[r] = v;
    }
    if (pre !== null) {
      if (n === pre.length) this.pre[slot] = null; // handed over whole; a new one next batch
      else values = pre.slice(0, n); // kept for the next batch
    }
    if (wide !== null) {
      const out: Int64[] = Array.from(values);
      for (let j = 0; j < wide.length; j += 2) out[wide[j] as number] = wide[j + 1]!;
      return { type, values: out, nulls };
    }
    return { type, values, nulls };
  }
}

function asciiText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

export interface CsvEncoderOptions {
  readonly fieldDelimiter?: string;
  readonly quoteChar?: string;
}

/**
 * Writes batches as RFC 4180 records ending in `\n`. A string is quoted (quotes doubled) when
 * it contains the delimiter, the quote, CR or LF, or starts or ends with a space or tab (so a
 * reader that trims unquoted fields keeps it); the empty string is `""`; NULL is an empty
 * unquoted field. Timestamps are `yyyy-MM-dd HH:mm:ss.SSS`, dates `yyyy-MM-dd`, booleans
 * `true`/`false`, integers without a fraction, doubles in shortest round-trip form
 * (`0.1`, `1e+21`, `NaN`, `Infinity`), DECIMAL(p, s) with s fraction digits. The changelog
 * kind is not written: csv carries inserts only (the planner keeps updates away from it).
 */
export class CsvEncoder implements RecordEncoder {
  private readonly kinds: ValueKind[];
  private readonly delim: string;
  private readonly quote: string;
  private readonly needsQuote: RegExp;

  constructor(
    private readonly types: readonly DataType[],
    options: CsvEncoderOptions = {},
  ) {
    this.delim = options.fieldDelimiter ?? ',';
    this.quote = options.quoteChar ?? '"';
    singleByte(this.delim, 'field delimiter');
    singleByte(this.quote, 'quote character');
    this.kinds = types.map((t, i) => valueKindOf(t, `#${i + 1}`));
    const esc = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|\-]/g, '\\$&');
    this.needsQuote = new RegExp(`[${esc(this.delim)}${esc(this.quote)}\\r\\n]|^[ \\t]|[ \\t]$`);
  }

  encode(batch: Batch): string {
    const ncols = this.types.length;
    if (batch.columns.length !== ncols) throw internalError(`csv encoder for ${ncols} columns got a batch of ${batch.columns.length}`);
    const cols = batch.columns;
    let out = '';
    for (let r = 0; r < batch.length; r++) {
      let line = '';
      for (let c = 0; c < ncols; c++) {
        if (c > 0) line += this.delim;
        const col = cols[c]!;
        if (col.nulls !== null && col.nulls[r] === 1) continue;
        const kind = this.kinds[c]!;
        if (kind === ValueKind.String) line += this.quoteString((col.values as string[])[r]!);
        // Base64, quoted as text is (the empty value as "", an empty field being NULL)
        else if (kind === ValueKind.Bytes) line += this.quoteString(scalarText(kind, this.types[c]!, (col.values as string[])[r]!));
        else line += scalarText(kind, this.types[c]!, (col.values as Float64Array | Uint8Array)[r]!); // a wide BIGINT's bigint prints as its digits
      }
      out += line + '\n';
    }
    return out;
  }

  private quoteString(s: string): string {
    if (s === '') return this.quote + this.quote;
    if (!this.needsQuote.test(s)) return s;
    return this.quote + s.replaceAll(this.quote, this.quote + this.quote) + this.quote;
  }
}
