import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { RowKind, type Scalar, batchFromRows, batchToRows } from '../../src/common/batch.js';
import { WeirError } from '../../src/common/errors.js';
import { type DataType, T } from '../../src/common/types.js';
import { parseTimestamp } from '../../src/common/time.js';
import { CsvDecoder, CsvEncoder } from '../../src/connectors/formats/csv.js';
import { JsonDecoder, JsonEncoder } from '../../src/connectors/formats/json.js';
import { DebeziumJsonDecoder, DebeziumJsonEncoder } from '../../src/connectors/formats/debezium-json.js';
import {
  type DecodedBatch,
  type FormatColumn,
  type RecordDecoder,
  isNaNText,
  parseBooleanBytes,
  parseDecimalBytes,
  parseDoubleBytes,
  parseInt32Bytes,
  parseInt53Bytes,
} from '../../src/connectors/formats/text-values.js';

// ---------------------------------------------------------------------------------------
// helpers

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

const ts = (text: string): number => {
  const v = parseTimestamp(text);
  if (Number.isNaN(v)) throw new Error(`bad test timestamp ${text}`);
  return v;
};
const day = (text: string): number => ts(text) / 86400000;

function drain(dec: RecordDecoder, out: DecodedBatch[], maxRows: number): void {
  for (let b = dec.decode(maxRows); b !== null; b = dec.decode(maxRows)) out.push(b);
}

/** Feeds `bytes` cut at `cuts` (offsets relative to bytes), then finishes. */
function feed(dec: RecordDecoder, bytes: Uint8Array, cuts: readonly number[], maxRows = 4096, base = 0): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    if (c < prev) continue;
    // a copy, so a decoder that kept a chunk beyond its contract would be caught by reuse below
    dec.push(Uint8Array.from(bytes.subarray(prev, c)), base + prev);
    drain(dec, out, maxRows);
    prev = c;
  }
  dec.finish();
  drain(dec, out, maxRows);
  return out;
}

function rowsOf(batches: readonly DecodedBatch[]): Scalar[][] {
  const rows: Scalar[][] = [];
  for (const { batch } of batches) {
    const r = batchToRows(batch);
    if (batch.ops !== null) r.forEach((row, i) => row.unshift(['+I', '-U', '+U', '-D'][batch.ops![i]!]!));
    rows.push(...r);
  }
  return rows;
}

function randomCuts(r: () => number, len: number, k: number): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < k; i++) cuts.push(Math.floor(r() * (len + 1)));
  return cuts.sort((a, b) => a - b);
}

function catchError(f: () => unknown): WeirError {
  try {
    f();
  } catch (e) {
    if (e instanceof WeirError) return e;
    throw e;
  }
  throw new Error('expected a WeirError');
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------------------
// value parsers

describe('values from bytes', () => {
  const b = (s: string): [Buffer, number, number] => {
    const buf = Buffer.from(s);
    return [buf, 0, buf.length];
  };

  it('parses integers exactly and rejects anything beyond ±(2^53-1)', () => {
    expect(parseInt53Bytes(...b('0'))).toBe(0);
    expect(Object.is(parseInt53Bytes(...b('-0')), 0)).toBe(true);
    expect(parseInt53Bytes(...b('+5'))).toBe(5);
    expect(parseInt53Bytes(...b('-123'))).toBe(-123);
    expect(parseInt53Bytes(...b('9007199254740991'))).toBe(9007199254740991);
    expect(parseInt53Bytes(...b('-9007199254740991'))).toBe(-9007199254740991);
    for (const bad of ['9007199254740992', '-9007199254740992', '9007199254740993', '99999999999999999999', '1.5', '1e3', '12a', '', '-', '+', '--1', ' 1'])
      expect(parseInt53Bytes(...b(bad)), bad).toBeNaN();
    expect(parseInt32Bytes(...b('2147483647'))).toBe(2147483647);
    expect(parseInt32Bytes(...b('-2147483648'))).toBe(-2147483648);
    expect(parseInt32Bytes(...b('2147483648'))).toBeNaN();
    expect(parseInt32Bytes(...b('-2147483649'))).toBeNaN();
  });

  it('parses doubles exactly as Number() does', () => {
    const r = rng(1);
    const f64 = new Float64Array(1);
    const u32 = new Uint32Array(f64.buffer);
    const texts: string[] = ['0.1', '.5', '5.', '-0', '+1.5E+3', '1e400', '-1e400', '1e-400', '4.9e-324', '2.2250738585072014e-308', '123456789012345678901234567890', '0.30000000000000004', '9007199254740993', '1.7976931348623157e308'];
    for (let i = 0; i < 20000; i++) {
      u32[0] = (r() * 2 ** 32) >>> 0;
      u32[1] = (r() * 2 ** 32) >>> 0;
      const x = i % 2 === 0 ? f64[0]! : (r() - 0.5) * 10 ** Math.floor(r() * 30 - 10);
      if (!Number.isFinite(x)) continue;
      texts.push(String(x), x.toExponential(Math.floor(r() * 20)), x.toPrecision(1 + Math.floor(r() * 20)));
      if (Math.abs(x) < 1e15) texts.push(x.toFixed(Math.floor(r() * 10)));
    }
    for (const t of texts) expect(Object.is(parseDoubleBytes(...b(t)), Number(t)), t).toBe(true);
    expect(parseDoubleBytes(...b('Infinity'))).toBe(Infinity);
    expect(parseDoubleBytes(...b('-inf'))).toBe(-Infinity);
    expect(parseDoubleBytes(...b('NaN'))).toBeNaN();
    expect(isNaNText(...b('NaN'))).toBe(true);
    expect(isNaNText(...b('-nan'))).toBe(true);
    for (const bad of ['', '.', '1.2.3', 'e5', '1e', '1e+', '--1', '0x10', '1,5', 'NaNx', 'in', '1 2']) {
      expect(parseDoubleBytes(...b(bad)), bad).toBeNaN();
      expect(isNaNText(...b(bad))).toBe(false);
    }
  });

  it('rounds DECIMAL input half away from zero to its scale and checks its precision', () => {
    const d = (s: string, p = 10, sc = 2): number => parseDecimalBytes(...b(s), p, sc);
    expect(d('1.005')).toBe(1.01);
    expect(d('-1.005')).toBe(-1.01);
    expect(d('1.004999')).toBe(1);
    expect(d('1.5e1')).toBe(15);
    expect(d('12345678.99')).toBe(12345678.99);
    expect(d('0.001')).toBe(0);
    expect(d('0.005')).toBe(0.01);
    expect(d('.5')).toBe(0.5);
    expect(d('123', 5, 0)).toBe(123);
    expect(d('2.5', 5, 0)).toBe(3);
    expect(d('123456789.00')).toBeNaN(); // 9 integer digits > 10 - 2
    expect(d('99999999.995')).toBeNaN(); // rounds up to 9 integer digits
    expect(d('1e8')).toBeNaN();
    expect(d('abc')).toBeNaN();
    expect(d('1.2.3')).toBeNaN();
  });

  it('reads booleans as true/false in any case, nothing else', () => {
    expect(parseBooleanBytes(...b('true'))).toBe(1);
    expect(parseBooleanBytes(...b('FALSE'))).toBe(0);
    expect(parseBooleanBytes(...b('True'))).toBe(1);
    for (const bad of ['1', '0', 't', 'yes', '', 'truex']) expect(parseBooleanBytes(...b(bad)), bad).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------
// CSV decoding

const TRICKY_COLUMNS: FormatColumn[] = [
  { name: 'id', type: T.INT },
  { name: 'name', type: T.STRING },
  { name: 'price', type: T.DOUBLE },
  { name: 'ts', type: T.TIMESTAMP },
  { name: 'ok', type: T.BOOLEAN },
  { name: 'day', type: T.DATE },
  { name: 'big', type: T.BIGINT },
];

const TRICKY_CSV = Buffer.from(
  '1,plain,1.5,2015-07-15 00:00:00.001,true,2015-07-15,9007199254740991\n' +
    '2,"Zürich, ""quoted""",-0.25,2015-07-15T12:34:56,FALSE,1969-12-31,-9007199254740991\r\n' +
    '3,"multi\nline\r\nvalue 日本語",1e3,1969-12-31 23:59:59.999,,2000-02-29,0\n' +
    '4,,NaN,,true,,\n' +
    '5,"",Infinity,2020-02-29 23:59:59.123456,false,2020-02-29, 42 \r\n' +
    '6,😀 emoji ✓ "inner",-1.7976931348623157e308,2015-07-15,TRUE,0001-01-01,-1',
);

const TRICKY_ROWS: Scalar[][] = [
  [1, 'plain', 1.5, ts('2015-07-15 00:00:00.001'), true, day('2015-07-15'), 9007199254740991],
  [2, 'Zürich, "quoted"', -0.25, ts('2015-07-15 12:34:56'), false, -1, -9007199254740991],
  [3, 'multi\nline\r\nvalue 日本語', 1000, -1, null, day('2000-02-29'), 0],
  [4, null, NaN, null, true, null, null],
  [5, '', Infinity, ts('2020-02-29 23:59:59.123'), false, day('2020-02-29'), 42],
  [6, '😀 emoji ✓ "inner"', -1.7976931348623157e308, ts('2015-07-15'), true, day('0001-01-01'), -1],
];

// offset just after each record, and the lines consumed by then
const TRICKY_ENDS = (() => {
  const text = TRICKY_CSV;
  const ends: number[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === 34) inQuotes = !inQuotes;
    else if (text[i] === 10 && !inQuotes) ends.push(i + 1);
  }
  ends.push(text.length);
  return ends;
})();
const TRICKY_LINES = [1, 2, 5, 6, 7, 8];

describe('CsvDecoder', () => {
  const newDecoder = (projection = all(7), start = { offset: 0, line: 0 }, ignoreParseErrors = false): CsvDecoder =>
    new CsvDecoder(TRICKY_COLUMNS, projection, { ignoreParseErrors }, 'data/tricky.csv', start);

  it('decodes quotes, escaped quotes, CRLF, newlines in quotes, multi-byte UTF-8, NULLs', () => {
    expect(rowsOf(feed(newDecoder(), TRICKY_CSV, []))).toEqual(TRICKY_ROWS);
  });

  it('gives identical results for a chunk boundary at every byte position', () => {
    for (let cut = 0; cut <= TRICKY_CSV.length; cut++) {
      expect(rowsOf(feed(newDecoder(), TRICKY_CSV, [cut])), `cut at ${cut}`).toEqual(TRICKY_ROWS);
    }
    expect(rowsOf(feed(newDecoder(), TRICKY_CSV, all(TRICKY_CSV.length)))).toEqual(TRICKY_ROWS); // 1-byte chunks
    const r = rng(2);
    for (let i = 0; i < 300; i++) {
      const cuts = randomCuts(r, TRICKY_CSV.length, 1 + Math.floor(r() * 6));
      const maxRows = 1 + Math.floor(r() * 4);
      expect(rowsOf(feed(newDecoder(), TRICKY_CSV, cuts, maxRows)), `cuts ${cuts.join(',')}`).toEqual(TRICKY_ROWS);
    }
  });

  it('reports offsets after each record and resumes exactly from any of them', () => {
    const batches = feed(newDecoder(), TRICKY_CSV, [17, 90], 1);
    expect(batches.map((b) => b.batch.length)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(batches.map((b) => b.endOffset)).toEqual(TRICKY_ENDS);
    expect(batches.map((b) => b.endLine)).toEqual(TRICKY_LINES);
    const r = rng(3);
    for (let k = 0; k < batches.length; k++) {
      const { endOffset, endLine } = batches[k]!;
      const before = rowsOf(batches.slice(0, k + 1));
      const rest = TRICKY_CSV.subarray(endOffset);
      const after = rowsOf(feed(newDecoder(all(7), { offset: endOffset, line: endLine }), rest, randomCuts(r, rest.length, 3), 2, endOffset));
      expect([...before, ...after]).toEqual(TRICKY_ROWS);
    }
  });

  it('numbers lines after a restart as a single pass does', () => {
    const text = Buffer.from('1,"a\nb"\n2,c\n\n3,"x""\ny"\nbad,z\n');
    const cols: FormatColumn[] = [
      { name: 'n', type: T.INT },
      { name: 's', type: T.STRING },
    ];
    const single = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'f.csv'), text, []));
    expect(single.message).toMatch(/at f\.csv:7:/);
    const dec = new CsvDecoder(cols, [0, 1], {}, 'f.csv');
    dec.push(text, 0);
    const first = dec.decode(2)!;
    expect(first.batch.length).toBe(2);
    expect(first.endLine).toBe(3);
    const restarted = new CsvDecoder(cols, [0, 1], {}, 'f.csv', { offset: first.endOffset, line: first.endLine });
    const err = catchError(() => feed(restarted, text.subarray(first.endOffset), [], 4096, first.endOffset));
    expect(err.message).toBe(single.message);
  });

  it('materialises only the projected columns, in projection order', () => {
    const projected = rowsOf(feed(newDecoder([3, 0, 1]), TRICKY_CSV, [50]));
    expect(projected).toEqual(TRICKY_ROWS.map((r) => [r[3], r[0], r[1]]));
    const batch = feed(newDecoder([6]), TRICKY_CSV, [])[0]!.batch;
    expect(batch.columns.length).toBe(1);
    expect(batch.columns[0]!.type).toEqual(T.BIGINT);
    // a bad value in a column that is not projected is still a bad record (issue 11 item 15)
    const cols: FormatColumn[] = [
      { name: 'a', type: T.INT },
      { name: 'b', type: T.INT },
      { name: 's', type: T.STRING },
    ];
    expect(catchError(() => feed(new CsvDecoder(cols, [0], {}, 'p.csv'), Buffer.from('1,xyz,s\n'), [])).message).toBe("bad value 'xyz' for column b (INT) at p.csv:1: expected an integer");
    expect(rowsOf(feed(new CsvDecoder(cols, [0]), Buffer.from('1,2,any text\n'), []))).toEqual([[1]]);
    expect(rowsOf(feed(new CsvDecoder(cols, []), Buffer.from('1,2,x\n3,4,y\n'), []))).toEqual([[], []]);
  });

  it('reads an empty unquoted field as NULL and "" as the empty string', () => {
    const cols: FormatColumn[] = ['a', 'b', 'c', 'd'].map((name) => ({ name, type: T.STRING }));
    expect(rowsOf(feed(new CsvDecoder(cols, all(4)), Buffer.from('x,,"",\n,"""",  , \n'), []))).toEqual([
      ['x', null, '', null],
      [null, '"', '  ', ' '],
    ]);
  });

  it('treats "" in a non-string column as a bad value, an empty field as NULL', () => {
    const cols: FormatColumn[] = [
      { name: 'id', type: T.INT },
      { name: 't', type: T.TIMESTAMP },
    ];
    expect(rowsOf(feed(new CsvDecoder(cols, [0, 1]), Buffer.from(',\n'), []))).toEqual([[null, null]]);
    const e = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'e.csv'), Buffer.from('1,\n"",\n'), []));
    expect(e.kind).toBe('data');
    expect(e.message).toBe("bad value '' for column id (INT) at e.csv:2: the empty string is not a valid INT value");
    const blank = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'e.csv'), Buffer.from('  ,\n'), []));
    expect(blank.message).toMatch(/^bad value '  ' for column id \(INT\) at e\.csv:1/);
  });

  it('rejects INT and BIGINT values out of range with file:line, value, column and type', () => {
    const cols: FormatColumn[] = [
      { name: 'n', type: T.INT },
      { name: 'price', type: T.BIGINT },
    ];
    const ok = Buffer.from('2147483647,9007199254740991\n-2147483648,-9007199254740991\n');
    expect(rowsOf(feed(new CsvDecoder(cols, [0, 1]), ok, []))).toEqual([
      [2147483647, 9007199254740991],
      [-2147483648, -9007199254740991],
    ]);
    const intErr = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'data/nums.csv'), Buffer.concat([ok, Buffer.from('2147483648,1\n')]), []));
    expect(intErr.kind).toBe('data');
    expect(intErr.message).toBe("bad value '2147483648' for column n (INT) at data/nums.csv:3: out of range for INT (-2147483648..2147483647)");
    // BIGINT is 64-bit: 2^53 and 2^63-1 are values (carried exactly, as bigints), 2^63 is not
    expect(rowsOf(feed(new CsvDecoder(cols, [0, 1]), Buffer.from('1,9007199254740992\n2,9223372036854775807\n3,-9223372036854775808\n'), [])).map((r) => r[1])).toEqual([9007199254740992n, 9223372036854775807n, -9223372036854775808n]);
    const bigErr = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'data/bids.csv'), Buffer.from('1,2\n1,3\n1,9223372036854775808\n'), [5]));
    expect(bigErr.message).toBe("bad value '9223372036854775808' for column price (BIGINT) at data/bids.csv:3: out of range for BIGINT (-9223372036854775808..9223372036854775807)");
    const syntax = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'data/bids.csv'), Buffer.from('1,abc\n'), []));
    expect(syntax.message).toBe("bad value 'abc' for column price (BIGINT) at data/bids.csv:1: expected an integer");
    const frac = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'b.csv'), Buffer.from('1,12.5\n'), []));
    expect(frac.message).toMatch(/bad value '12\.5' for column price \(BIGINT\) at b\.csv:1/);
    const long = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'b.csv'), Buffer.from(`1,${'9'.repeat(200)}\n`), []));
    expect(long.message).toMatch(/bad value '9{57}\.\.\.' for column price/);
  });

  it('reads plain records in one pass and every other form through the general path, mixed in one batch', () => {
    const cols: FormatColumn[] = [
      { name: 'a', type: T.BIGINT },
      { name: 'b', type: T.INT },
      { name: 's', type: T.STRING },
      { name: 't', type: T.TIMESTAMP },
    ];
    const text = [
      '1,2,x,2015-07-15 00:00:00.000', // line 1: always the general path
      '-7,-8,y,2015-07-15 00:00:01.250',
      '123456789012345,999999999,z,2016-02-29 23:59:59',
      '1234567890123456,1000000000,q,2016-02-29T01:02:03.004', // 16 and 10 digits
      '9007199254740993,1,w,1969-12-31 23:59:59.999', // beyond 2^53: exact, as a bigint
      ',,,',
      '"5",3,"a,b",2015-07-15 00:00:00.000',
      '+4,2147483647,r,2015-07-15 00:00:00.000\r',
      '6,-0,s,2000-03-01 12:34:56.789',
      '',
    ].join('\n');
    const expected: Scalar[][] = [
      [1, 2, 'x', Date.UTC(2015, 6, 15)],
      [-7, -8, 'y', Date.UTC(2015, 6, 15, 0, 0, 1, 250)],
      [123456789012345, 999999999, 'z', Date.UTC(2016, 1, 29, 23, 59, 59)],
      [1234567890123456, 1000000000, 'q', Date.UTC(2016, 1, 29, 1, 2, 3, 4)],
      [9007199254740993n, 1, 'w', -1],
      [null, null, null, null],
      [5, 3, 'a,b', Date.UTC(2015, 6, 15)],
      [4, 2147483647, 'r', Date.UTC(2015, 6, 15)],
      [6, 0, 's', Date.UTC(2000, 2, 1, 12, 34, 56, 789)],
    ];
    const bytes = Buffer.from(text);
    expect(rowsOf(feed(new CsvDecoder(cols, [0, 1, 2, 3]), bytes, []))).toEqual(expected);
    // any chunking, and batches of any size, give the same rows
    const r = rng(13);
    for (let i = 0; i < 30; i++) expect(rowsOf(feed(new CsvDecoder(cols, [0, 1, 2, 3]), bytes, randomCuts(r, bytes.length, 3), 1 + (i % 4)))).toEqual(expected);
    // an invalid date or time in the plain shape is an error at its line, not a value
    const good = '1,2,x,2015-07-15 00:00:00.000\n3,4,y,2015-07-15 00:00:00.000\n';
    for (const [bad, why] of [
      ['2015-02-29 00:00:00.000', 'Feb 29 of a common year'],
      ['2015-07-15 24:00:00.000', 'hour 24'],
      ['2015-07-15 00:60:00.000', 'minute 60'],
      ['2015-13-01 00:00:00.000', 'month 13'],
    ]) {
      const e = catchError(() => feed(new CsvDecoder(cols, [0, 3], {}, 'data/bids.csv'), Buffer.from(`${good}5,6,z,${bad}\n${good}`), []));
      expect(e.message, why).toMatch(new RegExp(`^bad value '${bad}' for column t \\(TIMESTAMP\\(3\\)\\) at data/bids\\.csv:3`));
    }
    const intErr = catchError(() => feed(new CsvDecoder(cols, [0], {}, 'data/bids.csv'), Buffer.from(`${good}5,2147483648,z,2015-07-15 00:00:00.000\n`), []));
    expect(intErr.message).toMatch(/^bad value '2147483648' for column b \(INT\) at data\/bids\.csv:3/);
    // the decoder copies what it is given: the caller may reuse a chunk once push returns
    const dec = new CsvDecoder(cols, [0, 3]);
    const chunk = Buffer.from(good);
    dec.push(chunk, 0);
    chunk.fill(0x39);
    dec.finish();
    const out: DecodedBatch[] = [];
    drain(dec, out, 4096);
    expect(rowsOf(out)).toEqual([
      [1, Date.UTC(2015, 6, 15)],
      [3, Date.UTC(2015, 6, 15)],
    ]);
  });

  it('reports the first bad value in file order', () => {
    const cols: FormatColumn[] = [
      { name: 'a', type: T.INT },
      { name: 'b', type: T.INT },
    ];
    const e = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'o.csv'), Buffer.from('1,2\n3,x\ny,4\n'), []));
    expect(e.message).toMatch(/^bad value 'x' for column b \(INT\) at o\.csv:2/);
    const e2 = catchError(() => feed(new CsvDecoder(cols, [0, 1], {}, 'o.csv'), Buffer.from('1,x\n1,2,3\n'), []));
    expect(e2.message).toMatch(/o\.csv:1/);
  });

  it('names the bad column of a one-pass record, whatever an earlier batch left in its row', () => {
    // Row 0 of the second batch is read in one pass (its BIGINT parsed, its DOUBLE left to
    // pass 2, which finds it bad); row 0 of the first batch went through the general path with
    // a bad BIGINT. The skipped record must name the DOUBLE, not the first batch's BIGINT.
    const cols: FormatColumn[] = [
      { name: 'a', type: T.BIGINT },
      { name: 'b', type: T.DOUBLE },
    ];
    for (const projection of [[0, 1], [1], [1, 0]]) {
      const dec = new CsvDecoder(cols, projection, { ignoreParseErrors: true }, 'f.csv');
      const rows = rowsOf(feed(dec, Buffer.from('abc,1.5\n5,x\n6,2.5\n'), [], 1));
      expect(rows).toEqual([projection.length === 2 ? (projection[0] === 0 ? [6, 2.5] : [2.5, 6]) : [2.5]]);
      expect(dec.skipped.map((s) => s.reason)).toEqual([
        "bad value 'abc' for column a (BIGINT) at f.csv:1: expected an integer",
        "bad value 'x' for column b (DOUBLE) at f.csv:2: expected a number",
      ]);
    }
  });

  const MESSY = Buffer.from(
    [
      '1,x,2020-01-01 00:00:00', // 1 ok
      '2,y,2020-13-01 00:00:00', // 2 bad timestamp
      '3,"z', // 3-4 ok, multi-line
      'w",2020-01-01 00:00:00',
      '4,only-two-fields', // 5 field count
      'abc,q,2020-01-01', // 6 bad int
      '5,"bad"quote,2020-01-01', // 7 junk after a closing quote
      '6,ok,2020-01-02', // 8 ok
      '7,"unterminated,2020-01-01', // 9 unterminated at end of input
      '',
    ].join('\n'),
  );
  const MESSY_COLUMNS: FormatColumn[] = [
    { name: 'a', type: T.INT },
    { name: 'b', type: T.STRING },
    { name: 'c', type: T.TIMESTAMP },
  ];

  it('fails on the first bad record without ignore-parse-errors', () => {
    const e = catchError(() => feed(new CsvDecoder(MESSY_COLUMNS, [0, 1, 2], {}, 'm.csv'), MESSY, []));
    expect(e.message).toBe("bad value '2020-13-01 00:00:00' for column c (TIMESTAMP(3)) at m.csv:2: a date or time field is out of range");
    // the same first bad record whichever columns are read
    const fewer = catchError(() => feed(new CsvDecoder(MESSY_COLUMNS, [0, 1], {}, 'm.csv'), MESSY, []));
    expect(fewer.message).toBe(e.message);
    const count = catchError(() => feed(new CsvDecoder(MESSY_COLUMNS, [0, 1], {}, 'm.csv'), MESSY.subarray(MESSY.indexOf('4,only')), []));
    expect(count.message).toBe("expected 3 fields, found 2 at m.csv:1: '4,only-two-fields'");
    const quote = catchError(() => feed(new CsvDecoder(MESSY_COLUMNS, [1], {}, 'm.csv'), MESSY.subarray(MESSY.indexOf('5,"bad')), []));
    expect(quote.message).toMatch(/^unexpected character after a closing quote at m\.csv:1/);
    const unterminated = catchError(() => feed(new CsvDecoder(MESSY_COLUMNS, [1], {}, 'm.csv'), MESSY.subarray(MESSY.indexOf('7,"un')), []));
    expect(unterminated.message).toMatch(/^unterminated quoted field at m\.csv:1/);
  });

  it('skips and counts bad records with ignore-parse-errors, at any chunking', () => {
    const expected = [
      [1, 'x', ts('2020-01-01')],
      [3, 'z\nw', ts('2020-01-01')],
      [6, 'ok', ts('2020-01-02')],
    ];
    const r = rng(4);
    for (let cut = 0; cut <= MESSY.length; cut += 1) {
      const dec = new CsvDecoder(MESSY_COLUMNS, [0, 1, 2], { ignoreParseErrors: true }, 'm.csv');
      const batches = feed(dec, MESSY, [cut, ...randomCuts(r, MESSY.length, 1)].sort((a, b) => a - b), 1 + (cut % 3));
      expect(rowsOf(batches), `cut ${cut}`).toEqual(expected);
      expect(dec.skippedRecords).toBe(5);
      expect(dec.skipped.map((s) => s.line)).toEqual([2, 5, 6, 7, 9]);
      expect(dec.offset).toBe(MESSY.length);
      expect(dec.line).toBe(9); // nine line ends; the unterminated field swallowed the last one
    }
    const dec = new CsvDecoder(MESSY_COLUMNS, [0, 1, 2], { ignoreParseErrors: true }, 'm.csv');
    feed(dec, MESSY, []);
    expect(dec.skipped.find((s) => s.line === 6)!.reason).toBe("bad value 'abc' for column a (INT) at m.csv:6: expected an integer");
  });

  it('advances the offset past skipped records even when a decode yields no rows', () => {
    const cols: FormatColumn[] = [{ name: 'n', type: T.INT }];
    const dec = new CsvDecoder(cols, [0], { ignoreParseErrors: true }, 'x.csv');
    dec.push(Buffer.from('x\ny\n'), 0);
    expect(dec.decode()).toBeNull();
    expect(dec.offset).toBe(4);
    expect(dec.line).toBe(2);
    expect(dec.skippedRecords).toBe(2);
    dec.push(Buffer.from('5\nz\n'), 4);
    const b = dec.decode()!;
    expect(batchToRows(b.batch)).toEqual([[5]]);
    expect(b.endOffset).toBe(8); // the skipped record after the last row is consumed too
  });

  it('accepts a trailing delimiter, skips blank lines, and rejects other field counts', () => {
    const cols: FormatColumn[] = [
      { name: 'a', type: T.INT },
      { name: 'b', type: T.INT },
    ];
    const dec = (text: string): Scalar[][] => rowsOf(feed(new CsvDecoder(cols, [0, 1], {}, 'c.csv'), Buffer.from(text), []));
    expect(dec('1,2,\n3,\n')).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(dec('1,2\n\n\r\n3,4\n\n')).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => dec('1,2,3\n')).toThrow('expected 2 fields, found 3 at c.csv:1');
    expect(() => dec('1,2,,\n')).toThrow('expected 2 fields, found 4 at c.csv:1');
    expect(() => dec('1,2\n\n\n1\n')).toThrow('expected 2 fields, found 1 at c.csv:4');
    // in a one-column table a blank line is a NULL row (that is how the encoder writes it)
    const one: FormatColumn[] = [{ name: 'a', type: T.INT }];
    expect(rowsOf(feed(new CsvDecoder(one, [0]), Buffer.from('1\n\n3\r\n\r\n'), []))).toEqual([[1], [null], [3], [null]]);
  });

  it('handles the last line without a newline, a lone CR, a BOM and other delimiters', () => {
    const cols: FormatColumn[] = [
      { name: 'a', type: T.STRING },
      { name: 'b', type: T.STRING },
    ];
    const text = Buffer.from('\uFEFFa\rb,"c"\r\nd,e');
    for (let cut = 0; cut <= text.length; cut++) {
      const dec = new CsvDecoder(cols, [0, 1]);
      const batches = feed(dec, text, all(text.length).filter((i) => i % 2 === cut % 2 && i >= cut));
      expect(rowsOf(batches)).toEqual([
        ['a\rb', 'c'],
        ['d', 'e'],
      ]);
      expect(batches.at(-1)!.endOffset).toBe(text.length);
      expect(dec.line).toBe(2);
    }
    // a BOM only counts at offset 0
    const later = new CsvDecoder(cols, [0, 1], {}, 'f', { offset: 10, line: 3 });
    expect(rowsOf(feed(later, Buffer.from('\uFEFFx,y\n'), [], 4096, 10))).toEqual([['\uFEFFx', 'y']]);
    const tabs = new CsvDecoder(cols, [0, 1], { fieldDelimiter: '\t' });
    expect(rowsOf(feed(tabs, Buffer.from('a,b\t"x\ty"\n'), []))).toEqual([['a,b', 'x\ty']]);
    const semi = new CsvDecoder(cols, [0, 1], { fieldDelimiter: ';', quoteChar: "'" });
    expect(rowsOf(feed(semi, Buffer.from("'a;''b';c\n"), []))).toEqual([["a;'b", 'c']]);
  });

  it('parses DECIMAL, DOUBLE, BOOLEAN, TIMESTAMP and DATE text', () => {
    const cols: FormatColumn[] = [
      { name: 'd', type: T.decimal(10, 2) },
      { name: 'x', type: T.DOUBLE },
      { name: 'b', type: T.BOOLEAN },
      { name: 't', type: T.TIMESTAMP },
      { name: 'dt', type: T.DATE },
    ];
    const text = '1.005,-0,True,2015-07-15,2015-7-5\n-1.005, 1e-7 ,FALSE,2015-07-15T01:02:03.4,1969-12-31\n';
    expect(rowsOf(feed(new CsvDecoder(cols, all(5)), Buffer.from(text), []))).toEqual([
      [1.01, -0, true, ts('2015-07-15'), day('2015-07-05')],
      [-1.01, 1e-7, false, ts('2015-07-15 01:02:03.400'), -1],
    ]);
    const bad = (line: string): string => catchError(() => feed(new CsvDecoder(cols, all(5), {}, 'v.csv'), Buffer.from(line), [])).message;
    expect(bad('123456789,1,true,2015-07-15,2015-07-15\n')).toBe("bad value '123456789' for column d (DECIMAL(10, 2)) at v.csv:1: out of range for DECIMAL(10, 2)");
    expect(bad('1,1,1,2015-07-15,2015-07-15\n')).toBe("bad value '1' for column b (BOOLEAN) at v.csv:1: expected true or false");
    expect(bad('1,1x,true,2015-07-15,2015-07-15\n')).toMatch(/bad value '1x' for column x \(DOUBLE\)/);
    expect(bad('1,1,true,2015-07-15,2015-02-30\n')).toBe("bad value '2015-02-30' for column dt (DATE) at v.csv:1: a date field is out of range");
    expect(bad('1,1,true,15/07/2015,2015-07-15\n')).toBe("bad value '15/07/2015' for column t (TIMESTAMP(3)) at v.csv:1: expected yyyy-MM-dd HH:mm:ss[.SSS]");
  });
});

// ---------------------------------------------------------------------------------------
// random round trips

const ALL_TYPES: FormatColumn[] = [
  { name: 'i', type: T.INT },
  { name: 'big', type: T.BIGINT },
  { name: 'dbl', type: T.DOUBLE },
  { name: 'dec', type: T.decimal(12, 3) },
  { name: 's', type: T.STRING },
  { name: 'ts', type: T.TIMESTAMP },
  { name: 'd', type: T.DATE },
  { name: 'b', type: T.BOOLEAN },
  { name: 's2', type: T.STRING },
];

const STRING_PIECES = [',', '"', '""', '\n', '\r', '\r\n', ' ', '\t', 'é', '日本', '😀', 'a', 'bc', "'", '\\', '{', '}', ':', '\u0001', 'null', '\u2028'];

function randomString(r: () => number): string {
  const n = Math.floor(r() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += STRING_PIECES[Math.floor(r() * STRING_PIECES.length)]!;
  return s;
}

const MIN_TS = new Date(0).setUTCFullYear(1, 0, 1);
const MAX_TS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function randomValue(r: () => number, type: DataType): Scalar {
  if (r() < 0.1) return null;
  const pick = r();
  switch (type.kind) {
    case 'INT':
      return pick < 0.1 ? 2147483647 : pick < 0.2 ? -2147483648 : Math.floor((r() - 0.5) * 2 ** 32) | 0;
    case 'BIGINT':
      return pick < 0.1 ? 9007199254740991 : pick < 0.2 ? -9007199254740991 : Math.floor((r() - 0.5) * 2 ** 54) || 0;
    case 'DOUBLE': {
      const specials = [NaN, Infinity, -Infinity, -0, 0, 5e-324, 1.7976931348623157e308, 0.1, 1e21, 1e-7];
      if (pick < 0.2) return specials[Math.floor(r() * specials.length)]!;
      const f = new Float64Array(1);
      const u = new Uint32Array(f.buffer);
      u[0] = (r() * 2 ** 32) >>> 0;
      u[1] = (r() * 2 ** 32) >>> 0;
      return Number.isFinite(f[0]!) ? f[0]! : (r() - 0.5) * 1e6;
    }
    case 'DECIMAL':
      return Math.round((r() - 0.5) * 2e12) / 1000 || 0;
    case 'STRING':
      return randomString(r);
    case 'TIMESTAMP':
      return pick < 0.3 ? Math.floor((r() - 0.5) * 4e12) : Math.floor(MIN_TS + r() * (MAX_TS - MIN_TS));
    case 'DATE':
      return Math.floor((MIN_TS + r() * (MAX_TS - MIN_TS)) / 86400000);
    case 'BOOLEAN':
      return r() < 0.5;
    default:
      throw new Error(type.kind);
  }
}

function randomRows(r: () => number, cols: readonly FormatColumn[], n: number): Scalar[][] {
  return Array.from({ length: n }, () => cols.map((c) => randomValue(r, c.type)));
}

describe('encoder / decoder round trips', () => {
  const types = ALL_TYPES.map((c) => c.type);

  it('csv: random rows survive encode -> decode at random chunkings', () => {
    const r = rng(10);
    for (let trial = 0; trial < 30; trial++) {
      const rows = randomRows(r, ALL_TYPES, 1 + Math.floor(r() * 200));
      const text = Buffer.from(new CsvEncoder(types).encode(batchFromRows(types, rows)));
      const cuts = randomCuts(r, text.length, Math.floor(r() * 20));
      const decoded = rowsOf(feed(new CsvDecoder(ALL_TYPES, all(ALL_TYPES.length)), text, cuts, 1 + Math.floor(r() * 64)));
      expect(decoded).toEqual(rows);
    }
  });

  it('csv: quotes only where needed, NULL empty, "" for the empty string', () => {
    const enc = new CsvEncoder([T.STRING, T.INT, T.STRING, T.TIMESTAMP, T.DOUBLE, T.decimal(10, 2), T.BOOLEAN]);
    const batch = batchFromRows(
      [T.STRING, T.INT, T.STRING, T.TIMESTAMP, T.DOUBLE, T.decimal(10, 2), T.BOOLEAN],
      [
        ['plain', 1, '', ts('2015-07-15'), 0.1, 1.5, true],
        ['a,b', null, 'say "hi"', null, NaN, null, false],
        [' lead', -7, 'x\ny', -1, 1e21, -0.001, null],
        [null, 0, 'cr\r', 0, -Infinity, 12, null],
      ],
    );
    expect(enc.encode(batch)).toBe(
      'plain,1,"",2015-07-15 00:00:00.000,0.1,1.50,true\n' +
        '"a,b",,"say ""hi""",,NaN,,false\n' +
        '" lead",-7,"x\ny",1969-12-31 23:59:59.999,1e+21,0.00,\n' +
        ',0,"cr\r",1970-01-01 00:00:00.000,-Infinity,12.00,\n',
    );
    // a one-column table: NULL is an empty line, the empty string ""
    const one = new CsvEncoder([T.STRING]).encode(batchFromRows([T.STRING], [[null], [''], ['x']]));
    expect(one).toBe('\n""\nx\n');
    expect(rowsOf(feed(new CsvDecoder([{ name: 's', type: T.STRING }], [0]), Buffer.from(one), []))).toEqual([[null], [''], ['x']]);
  });

  it('json: random rows survive encode -> decode at random chunkings', () => {
    const r = rng(11);
    for (let trial = 0; trial < 30; trial++) {
      const rows = randomRows(r, ALL_TYPES, 1 + Math.floor(r() * 200));
      const text = Buffer.from(new JsonEncoder(ALL_TYPES).encode(batchFromRows(types, rows)));
      const cuts = randomCuts(r, text.length, Math.floor(r() * 20));
      const decoded = rowsOf(feed(new JsonDecoder(ALL_TYPES, all(ALL_TYPES.length)), text, cuts, 1 + Math.floor(r() * 64)));
      expect(decoded).toEqual(rows);
    }
  });

  it('debezium-json: a random changelog folds to the same table after encode -> decode', () => {
    const r = rng(12);
    for (let trial = 0; trial < 20; trial++) {
      const rows = randomRows(r, ALL_TYPES, 1 + Math.floor(r() * 100));
      const ops = rows.map(() => Math.floor(r() * 4));
      const text = Buffer.from(new DebeziumJsonEncoder(ALL_TYPES).encode(batchFromRows(types, rows, ops)));
      const decoded = rowsOf(feed(new DebeziumJsonDecoder(ALL_TYPES, all(ALL_TYPES.length)), text, randomCuts(r, text.length, 5), 1 + Math.floor(r() * 16)));
      // Flink's encoding: +I/+U -> c -> +I; -U/-D -> d -> -D
      expect(decoded).toEqual(rows.map((row, i) => [ops[i] === RowKind.Insert || ops[i] === RowKind.UpdateAfter ? '+I' : '-D', ...row]));
    }
  });
});

// ---------------------------------------------------------------------------------------
// JSON decoding

const JSON_COLUMNS: FormatColumn[] = [
  { name: 'id', type: T.BIGINT },
  { name: 'name', type: T.STRING },
  { name: 'ts', type: T.TIMESTAMP },
  { name: 'ok', type: T.BOOLEAN },
  { name: 'price', type: T.DOUBLE },
];

const TRICKY_JSON = Buffer.from(
  '{"id": 1, "name": "a\\"b\\\\n\\u00e9\\ud83d\\ude00 ü", "extra": {"x": [1, {"y": "}"}], "z": null}, "ts": "2015-07-15 00:00:00.5"}\n' +
    '  {"ts": 1436918400000, "id": "2", "name": null, "ok": false}\r\n' +
    '{"id": 3}\n' +
    '\n' +
    '   \r\n' +
    '{"id": 4, "name": 42, "ok": "TRUE", "price": "NaN"}\n' +
    '{"id": 5, "name": {"a": [1, 2]}, "id": 6, "price": -1.5e-3, "ok": true}\n' +
    '{"name":"日本語","price":"-Infinity","ts":"2015-07-15T01:02:03","id":-9007199254740991}',
);

const TRICKY_JSON_ROWS: Scalar[][] = [
  [1, 'a"b\\né😀 ü', ts('2015-07-15 00:00:00.500'), null, null],
  [2, null, 1436918400000, false, null],
  [3, null, null, null, null],
  [4, '42', null, true, NaN],
  [6, '{"a": [1, 2]}', null, true, -0.0015],
  [-9007199254740991, '日本語', ts('2015-07-15 01:02:03'), null, -Infinity],
];

describe('JsonDecoder', () => {
  const newDecoder = (projection = all(5), start = { offset: 0, line: 0 }, ignoreParseErrors = false): JsonDecoder =>
    new JsonDecoder(JSON_COLUMNS, projection, { ignoreParseErrors }, 'data/t.json', start);

  it('decodes keys in any order, missing keys, nested values, escapes, numbers in strings', () => {
    expect(rowsOf(feed(newDecoder(), TRICKY_JSON, []))).toEqual(TRICKY_JSON_ROWS);
    expect(rowsOf(feed(newDecoder([4, 0]), TRICKY_JSON, []))).toEqual(TRICKY_JSON_ROWS.map((r) => [r[4], r[0]]));
    // escaped keys, keys that differ only in case (keys are case-sensitive), an empty object
    expect(rowsOf(feed(newDecoder(), Buffer.from('{"i\\u0064": 5, "n\\u0061me": "x", "ID": 7, "Name": "y"}\n{}\n'), []))).toEqual([
      [5, 'x', null, null, null],
      [null, null, null, null, null],
    ]);
  });

  it('gives identical results for a chunk boundary at every byte position', () => {
    for (let cut = 0; cut <= TRICKY_JSON.length; cut++) {
      expect(rowsOf(feed(newDecoder(), TRICKY_JSON, [cut], 1 + (cut % 3))), `cut ${cut}`).toEqual(TRICKY_JSON_ROWS);
    }
    expect(rowsOf(feed(newDecoder(), TRICKY_JSON, all(TRICKY_JSON.length)))).toEqual(TRICKY_JSON_ROWS);
  });

  it('resumes exactly from every reported offset', () => {
    const batches = feed(newDecoder(), TRICKY_JSON, [33], 1);
    expect(batches.map((b) => b.endLine)).toEqual([1, 2, 3, 6, 7, 8]);
    const r = rng(5);
    for (let k = 0; k < batches.length; k++) {
      const { endOffset, endLine } = batches[k]!;
      expect(TRICKY_JSON[endOffset - 1] === 10 || endOffset === TRICKY_JSON.length).toBe(true);
      const rest = TRICKY_JSON.subarray(endOffset);
      const after = rowsOf(feed(newDecoder(all(5), { offset: endOffset, line: endLine }), rest, randomCuts(r, rest.length, 3), 2, endOffset));
      expect([...rowsOf(batches.slice(0, k + 1)), ...after]).toEqual(TRICKY_JSON_ROWS);
    }
  });

  it('rejects bad values and malformed JSON with file:line', () => {
    const err = (text: string): WeirError => catchError(() => feed(newDecoder(), Buffer.from(text), []));
    expect(err('{"id": 1}\n{"id": 1.5}\n').message).toBe("bad value '1.5' for column id (BIGINT) at data/t.json:2: expected an integer");
    expect(err('{"id": 9223372036854775808}').message).toBe(
      "bad value '9223372036854775808' for column id (BIGINT) at data/t.json:1: out of range for BIGINT (-9223372036854775808..9223372036854775807)",
    );
    expect(err('{"id": "1e3"}').message).toMatch(/bad value '1e3' for column id \(BIGINT\)/);
    expect(err('{"id": ""}').message).toBe("bad value '' for column id (BIGINT) at data/t.json:1: the empty string is not a valid BIGINT value");
    expect(err('{"ok": 1}').message).toMatch(/bad value '1' for column ok \(BOOLEAN\) at data\/t\.json:1/);
    expect(err('{"ts": "2015-13-01 00:00:00"}').message).toMatch(/bad value '2015-13-01 00:00:00' for column ts \(TIMESTAMP\(3\)\)/);
    expect(err('{"ts": 1.5}').message).toMatch(/bad value '1\.5' for column ts/);
    expect(err('{"price": [1]}').message).toMatch(/bad value '\[1\]' for column price \(DOUBLE\)/);
    expect(err('\n\n{"id": 1').message).toMatch(/^malformed JSON.* at data\/t\.json:3$/);
    expect(err('[1, 2]').message).toBe('expected a JSON object at data/t.json:1');
    expect(err('{"id": 1} x').message).toBe("unexpected text after the JSON object: 'x' at data/t.json:1");
    expect(err('{"id" 1}').message).toMatch(/expected ':'/);
    expect(err('{"name": "a\tb"}').message).toMatch(/unterminated string/); // raw control character
    expect(err('{"id": 1.5}').kind).toBe('data');
  });

  it('skips and counts bad lines with ignore-parse-errors', () => {
    const text = Buffer.from('{"id": 1}\n{"id": "x"}\n{oops\n\n{"id": 2}\n{"id": 3, "ok": "maybe"}\n{"id": 4}');
    for (let cut = 0; cut <= text.length; cut++) {
      const dec = newDecoder(all(5), { offset: 0, line: 0 }, true);
      expect(rowsOf(feed(dec, text, [cut], 2)).map((r) => r[0])).toEqual([1, 2, 4]);
      expect(dec.skippedRecords).toBe(3);
      expect(dec.skipped.map((s) => s.line)).toEqual([2, 3, 6]);
      expect(dec.offset).toBe(text.length);
    }
  });

  it('encodes keys in column order, NULL as null, timestamps with three fraction digits', () => {
    const enc = new JsonEncoder(JSON_COLUMNS);
    const batch = batchFromRows(
      JSON_COLUMNS.map((c) => c.type),
      [
        [1, 'a"b\n', ts('2015-07-15 01:02:03.4'), true, 0.5],
        [null, null, null, null, NaN],
        [-9007199254740991, '', -1, false, -Infinity],
      ],
    );
    expect(enc.encode(batch)).toBe(
      '{"id":1,"name":"a\\"b\\n","ts":"2015-07-15 01:02:03.400","ok":true,"price":0.5}\n' +
        '{"id":null,"name":null,"ts":null,"ok":null,"price":"NaN"}\n' +
        '{"id":-9007199254740991,"name":"","ts":"1969-12-31 23:59:59.999","ok":false,"price":"-Infinity"}\n',
    );
  });
});

// ---------------------------------------------------------------------------------------
// debezium-json

describe('debezium-json', () => {
  const cols: FormatColumn[] = [
    { name: 'id', type: T.BIGINT },
    { name: 'name', type: T.STRING },
  ];
  const text = Buffer.from(
    [
      '{"before":null,"after":{"id":1,"name":"a"},"op":"c"}',
      '{"op":"r","after":{"id":2,"name":"b"},"source":{"db":"x","op":"u"},"ts_ms":1}',
      '{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"a2"},"op":"u"}',
      '{"before":{"id":2,"name":"b"},"after":null,"op":"d"}',
      'null',
      '{"schema":{"type":"struct"},"payload":{"before":null,"after":{"id":3,"name":"c"},"op":"c"}}',
      '',
    ].join('\n'),
  );
  const expected = [
    ['+I', 1, 'a'],
    ['+I', 2, 'b'],
    ['-U', 1, 'a'],
    ['+U', 1, 'a2'],
    ['-D', 2, 'b'],
    ['+I', 3, 'c'],
  ];

  it('decodes c/r/u/d, unwraps payload, skips tombstones, at any chunking', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(rowsOf(feed(new DebeziumJsonDecoder(cols, [0, 1]), text, [cut], 1 + (cut % 4))), `cut ${cut}`).toEqual(expected);
    }
    expect(rowsOf(feed(new DebeziumJsonDecoder(cols, [1]), text, []))).toEqual(expected.map((r) => [r[0], r[2]]));
  });

  it('never splits an update across batches and resumes from every offset', () => {
    const batches = feed(new DebeziumJsonDecoder(cols, [0, 1]), text, [], 3);
    expect(batches.map((b) => b.batch.length)).toEqual([2, 3, 1]);
    expect(batches.map((b) => b.endLine)).toEqual([2, 4, 6]);
    for (const b of batches) {
      const rest = text.subarray(b.endOffset);
      const dec = new DebeziumJsonDecoder(cols, [0, 1], {}, 'd.json', { offset: b.endOffset, line: b.endLine });
      const upTo = rowsOf(batches.slice(0, batches.indexOf(b) + 1));
      expect([...upTo, ...rowsOf(feed(dec, rest, [7], 3, b.endOffset))]).toEqual(expected);
    }
    // maxRows 1: an update still comes whole
    expect(feed(new DebeziumJsonDecoder(cols, [0, 1]), text, [], 1).map((b) => b.batch.length)).toEqual([1, 1, 2, 1, 1]);
  });

  it('rejects updates without before, unknown ops, missing op', () => {
    const err = (line: string): string => catchError(() => feed(new DebeziumJsonDecoder(cols, [0, 1], {}, 'd.json'), Buffer.from(line), [])).message;
    expect(err('{"before":null,"after":{"id":1},"op":"u"}')).toMatch(/op 'u' needs a 'before' row.*REPLICA IDENTITY FULL.* at d\.json:1$/);
    expect(err('{"after":{"id":1},"op":"x"}')).toBe("unknown debezium-json op 'x' (expected c, r, u or d) at d.json:1");
    expect(err('{"after":{"id":1}}')).toBe("debezium-json record without an 'op' field at d.json:1");
    expect(err('{"before":{"id":"z"},"op":"d"}')).toMatch(/bad value 'z' for column id \(BIGINT\) at d\.json:1/);
    const dec = new DebeziumJsonDecoder(cols, [0, 1], { ignoreParseErrors: true }, 'd.json');
    expect(rowsOf(feed(dec, Buffer.from('{"op":"u","after":{"id":1}}\n{"op":"c","after":{"id":2}}\n'), []))).toEqual([['+I', 2, null]]);
    expect(dec.skipped.map((s) => s.line)).toEqual([1]);
  });

  it('encodes as Flink does: +I/+U as c with after, -U/-D as d with before', () => {
    const batch = batchFromRows(
      [T.BIGINT, T.STRING],
      [
        [1, 'a'],
        [1, 'a'],
        [1, 'b'],
        [1, 'b'],
      ],
      [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete],
    );
    expect(new DebeziumJsonEncoder(cols).encode(batch)).toBe(
      '{"before":null,"after":{"id":1,"name":"a"},"op":"c"}\n' +
        '{"before":{"id":1,"name":"a"},"after":null,"op":"d"}\n' +
        '{"before":null,"after":{"id":1,"name":"b"},"op":"c"}\n' +
        '{"before":{"id":1,"name":"b"},"after":null,"op":"d"}\n',
    );
  });
});

// ---------------------------------------------------------------------------------------
// DuckDB reads what weir writes

describe('round trip through DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-formats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cols: FormatColumn[] = [
    { name: 'i', type: T.INT },
    { name: 'big', type: T.BIGINT },
    { name: 'dbl', type: T.DOUBLE },
    { name: 'dec', type: T.decimal(10, 2) },
    { name: 's', type: T.STRING },
    { name: 'ts', type: T.TIMESTAMP },
    { name: 'd', type: T.DATE },
    { name: 'b', type: T.BOOLEAN },
  ];
  const duckTypes: Record<string, string> = { i: 'INTEGER', big: 'BIGINT', dbl: 'DOUBLE', dec: 'DECIMAL(10,2)', s: 'VARCHAR', ts: 'TIMESTAMP', d: 'DATE', b: 'BOOLEAN' };
  const tricky = ['', ' ', 'a,b', 'say "hi"', '"', '""', 'x\ny', 'cr\r\nlf', ' lead', 'trail ', '\ttab', 'Zürich 日本語 😀', 'null', 'NULL', '\\N', "it's", '{"json": [1]}', 'é\u2028'];
  const rows: Scalar[][] = [];
  const r = rng(20);
  tricky.forEach((s, k) => {
    rows.push([
      k === 0 ? 2147483647 : k === 1 ? -2147483648 : k * 1000 - 7,
      k === 0 ? 9007199254740991 : k === 1 ? -9007199254740991 : Math.floor((r() - 0.5) * 2 ** 53),
      [0.1, -0, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity, 123.456][k % 10]!,
      [1.5, -0.01, 12345678.99, 0, -99999999.99][k % 5]!,
      s,
      [ts('2015-07-15 00:00:00.001'), -1, ts('1900-02-28 23:59:59.999'), ts('2000-02-29 12:00:00'), ts('0001-01-01 00:00:00'), ts('9999-12-31 23:59:59.999')][k % 6]!,
      [0, -1, day('2000-02-29'), day('0001-01-01'), day('9999-12-31')][k % 5]!,
      k % 2 === 0,
    ]);
  });
  // a row of NULLs, and NULLs scattered over the others
  rows.push(cols.map(() => null));
  rows.forEach((row, k) => {
    if (k % 3 === 1 && k < rows.length - 1) row[(k * 5) % cols.length] = null;
  });
  const batch = batchFromRows(
    cols.map((c) => c.type),
    rows,
  );

  // DuckDB values normalised to weir's physical form
  const select =
    'SELECT i, big::DOUBLE, dbl, dec::DOUBLE, s, epoch_ms(ts)::DOUBLE, (d - DATE \'1970-01-01\')::DOUBLE, b FROM t';

  async function duckRows(sql: string): Promise<Scalar[][]> {
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    await con.run(sql);
    const reader = await con.runAndReadAll(select + ' ORDER BY rowid');
    const out = reader.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : (v as Scalar))));
    con.closeSync();
    return out;
  }

  const columnsSpec = `{${cols.map((c) => `'${c.name}': '${duckTypes[c.name]}'`).join(', ')}}`;

  it('csv: read_csv with the declared schema returns the same values', async () => {
    const path = join(dir, 'rows.csv');
    writeFileSync(path, new CsvEncoder(cols.map((c) => c.type)).encode(batch));
    const got = await duckRows(
      `CREATE TABLE t AS SELECT * FROM read_csv('${path}', columns=${columnsSpec}, header=false, delim=',', quote='"', escape='"', allow_quoted_nulls=false, auto_detect=false)`,
    );
    expect(got).toEqual(rows);
    // and weir reads its own file back identically
    expect(rowsOf(feed(new CsvDecoder(cols, all(cols.length)), Buffer.from(new CsvEncoder(cols.map((c) => c.type)).encode(batch)), [100]))).toEqual(rows);
  });

  it('json: read_json with the declared schema returns the same values', async () => {
    const path = join(dir, 'rows.json');
    writeFileSync(path, new JsonEncoder(cols).encode(batch));
    const got = await duckRows(`CREATE TABLE t AS SELECT * FROM read_json('${path}', columns=${columnsSpec}, format='newline_delimited')`);
    expect(got).toEqual(rows);
  });
});
