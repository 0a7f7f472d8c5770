// TIME(p) and BYTES / BINARY(n) / VARBINARY(n), value by value. The expected values are worked
// out from Flink's definitions, not from weir's output: TIME is the time of day in
// milliseconds (Flink's int millis of day), TIME(0) prints HH:mm:ss and TIME(p) p fraction
// digits; TIME +- a day-time interval wraps around midnight (Calcite's DATETIME_PLUS on TIME);
// BYTES compare byte by byte, unsigned; CAST between STRING and BYTES is UTF-8; Flink's
// print sink and SQL client show bytes as x'0aff'; the csv and json formats write them as
// Base64 (flink-csv, flink-json).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bind, evalWeir } from './function-harness.js';
import { batchFromRows } from '../../src/common/batch.js';
import type { Scalar } from '../../src/common/batch.js';
import { T, typeToString } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import { formatScalar } from '../../src/common/display.js';
import { Session } from '../../src/sql/session.js';
import { filesystemSink } from '../../src/connectors/filesystem/filesystem.js';
import { collectScript } from '../../src/verify/collect.js';
import { parseTimeOfDay } from '../../src/common/time-of-day.js';

const H = 3_600_000;
const M = 60_000;
const S = 1000;

/** The value and type of a constant expression. */
function value(sql: string): { v: Scalar; type: DataType } {
  const e = bind(sql, []);
  return { v: evalWeir(e, [], [[]])[0]!, type: e.type };
}
const v = (sql: string): Scalar => value(sql).v;
const bytes = (...b: number[]): string => String.fromCharCode(...b);

describe('TIME', () => {
  it('literals: milliseconds of the day, precision = fraction digits', () => {
    expect(value("TIME '12:34:56'")).toEqual({ v: 12 * H + 34 * M + 56 * S, type: T.time(0) });
    expect(value("TIME '12:34:56.789'")).toEqual({ v: 12 * H + 34 * M + 56 * S + 789, type: T.time(3) });
    expect(value("TIME '00:00:00.5'")).toEqual({ v: 500, type: T.time(1) });
    expect(v("TIME '23:59:59.999'")).toBe(86_400_000 - 1);
    expect(() => bind("TIME '24:00:00'", [])).toThrow(/invalid TIME literal/);
    expect(() => bind("TIME '12:60:00'", [])).toThrow(/invalid TIME literal/);
    expect(() => bind("TIME '12:34'", [])).toThrow(/invalid TIME literal/);
  });

  it('CAST to and from STRING, TIMESTAMP; a smaller precision truncates', () => {
    expect(v("CAST(TIME '12:34:56' AS STRING)")).toBe('12:34:56');
    expect(v("CAST(TIME '08:05:09.5' AS STRING)")).toBe('08:05:09.5');
    expect(v("CAST(CAST('8:05:09.5' AS TIME(3)) AS STRING)")).toBe('08:05:09.500');
    expect(v("CAST('7:5' AS TIME)")).toBe(7 * H + 5 * M);
    expect(v("CAST(' 12:34:56.123456789 ' AS TIME(3))")).toBe(12 * H + 34 * M + 56 * S + 123);
    // TIME(0): the fraction is dropped, not rounded
    expect(v("CAST('12:34:56.999' AS TIME)")).toBe(12 * H + 34 * M + 56 * S);
    expect(v("CAST(TIMESTAMP '2020-01-01 12:34:56.789' AS TIME)")).toBe(12 * H + 34 * M + 56 * S);
    expect(v("CAST(TIMESTAMP '2020-01-01 12:34:56.789' AS TIME(3))")).toBe(12 * H + 34 * M + 56 * S + 789);
    expect(v("CAST(TIMESTAMP '1969-12-31 23:00:00' AS TIME)")).toBe(23 * H);
    expect(v("CAST(TIME '12:34:56.789' AS TIME)")).toBe(12 * H + 34 * M + 56 * S);
    expect(v("CAST(TIME '12:34:56.789' AS TIME(2))")).toBe(12 * H + 34 * M + 56 * S + 780);
    expect(v("CAST(TIME '12:00:00' AS TIMESTAMP)")).toBe(12 * H);
    expect(v("TRY_CAST('25:00:00' AS TIME)")).toBe(null);
    expect(() => v("CAST('noon' AS TIME)")).toThrow(/cannot cast 'noon' to TIME\(0\)/);
    expect(() => bind("CAST(TIME '12:00:00' AS DATE)", [])).toThrow();
    expect(() => bind("CAST(TIME '12:00:00' AS INT)", [])).toThrow();
  });

  it('HOUR, MINUTE, SECOND, EXTRACT; no date fields', () => {
    expect(v("HOUR(TIME '12:34:56')")).toBe(12);
    expect(v("MINUTE(TIME '12:34:56')")).toBe(34);
    expect(v("SECOND(TIME '12:34:56')")).toBe(56);
    expect(v("EXTRACT(HOUR FROM TIME '23:01:02')")).toBe(23);
    expect(v("EXTRACT(SECOND FROM TIME '23:01:02.5')")).toBe(2);
    expect(() => bind("YEAR(TIME '12:00:00')", [])).toThrow(/cannot apply YEAR to \(TIME\(0\)\)/);
  });

  it('plus and minus a day-time interval wrap around midnight; a year-month interval is refused', () => {
    expect(v("TIME '23:30:00' + INTERVAL '1' HOUR")).toBe(30 * M);
    expect(v("INTERVAL '1' HOUR + TIME '23:30:00'")).toBe(30 * M);
    expect(v("TIME '00:15:00' - INTERVAL '1' HOUR")).toBe(23 * H + 15 * M);
    expect(v("TIME '01:00:00' - INTERVAL '3' DAY")).toBe(H);
    expect(v("TIME '01:00:00' + INTERVAL '2 23:00:00' DAY TO SECOND")).toBe(0);
    expect(value("TIME '01:00:00.250' + INTERVAL '1' SECOND")).toEqual({ v: H + S + 250, type: T.time(3) });
    expect(() => bind("TIME '01:00:00' + INTERVAL '1' MONTH", [])).toThrow(/cannot apply \+ to \(TIME\(0\), INTERVAL YEAR TO MONTH\)/);
    expect(() => bind("TIME '01:00:00' + 1", [])).toThrow();
  });

  it('comparison and display', () => {
    expect(v("TIME '12:00:00' < TIME '12:00:00.001'")).toBe(true);
    expect(v("TIME '12:00:00' = CAST('12:00' AS TIME)")).toBe(true);
    expect(formatScalar(12 * H + 5, T.time(0))).toBe('12:00:00');
    expect(formatScalar(12 * H + 5, T.time(3))).toBe('12:00:00.005');
    expect(typeToString(T.time(0))).toBe('TIME(0)');
    // declared TIME(p > 3) is carried in milliseconds, as TIME(3)
    expect(typeToString(T.time(9))).toBe('TIME(3)');
  });

  it('CURRENT_TIME and LOCALTIME: a TIME(0) of today in the session zone', () => {
    for (const name of ['CURRENT_TIME', 'LOCALTIME']) {
      const { v: t, type } = value(name);
      expect(type).toEqual(T.time(0));
      expect(typeof t === 'number' && t >= 0 && t < 86_400_000 && t % 1000 === 0).toBe(true);
    }
  });

  it('parses the text forms Flink casts from', () => {
    expect(parseTimeOfDay('1:2:3')).toBe(H + 2 * M + 3 * S);
    expect(parseTimeOfDay('12:34')).toBe(12 * H + 34 * M);
    expect(parseTimeOfDay('12:34:56.')).toBeNaN();
    expect(parseTimeOfDay('12')).toBeNaN();
  });
});

describe('BYTES', () => {
  it('binary literals, and their type', () => {
    expect(value("X'0AFF'")).toEqual({ v: bytes(0x0a, 0xff), type: T.BYTES });
    expect(v("x''")).toBe('');
    expect(() => bind("X'ABC'", [])).toThrow(/invalid binary literal/);
    expect(() => bind("X'0G'", [])).toThrow(/invalid binary literal/);
  });

  it('CAST to and from STRING is UTF-8', () => {
    expect(v("CAST(X'68656C6C6F' AS STRING)")).toBe('hello');
    expect(v("CAST(X'C3A9' AS STRING)")).toBe('é');
    expect(v("CAST('é€' AS BYTES)")).toBe(bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac));
    expect(v("CAST('é' AS VARBINARY(10))")).toBe(bytes(0xc3, 0xa9));
    // bytes that are no UTF-8 decode to U+FFFD, as Java's String(byte[], UTF_8)
    expect(v("CAST(X'C3' AS STRING)")).toBe('\ufffd');
    expect(() => bind("CAST(X'01' AS INT)", [])).toThrow();
    expect(() => bind("CAST(1 AS BYTES)", [])).toThrow();
  });

  it('compare byte by byte, unsigned; a prefix is smaller', () => {
    expect(v("X'0AFF' < X'80'")).toBe(true);
    expect(v("X'FF' > X'0100'")).toBe(true);
    expect(v("X'01' < X'0100'")).toBe(true);
    expect(v("X'0AFF' = X'0aff'")).toBe(true);
    expect(v("X'00' = X''")).toBe(false);
    expect(() => bind("X'01' = '01'", [])).toThrow(/cannot apply = to \(BYTES, STRING\)/);
  });

  it('|| and CONCAT of BYTES are BYTES; hashes and TO_BASE64 read the bytes', () => {
    expect(value("X'0A' || X'FF'")).toEqual({ v: bytes(0x0a, 0xff), type: T.BYTES });
    expect(v("CONCAT(X'01', X'', X'02')")).toBe(bytes(1, 2));
    expect(() => bind("X'01' || 'a'", [])).toThrow();
    expect(v("MD5(X'')")).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(v("MD5(X'68656C6C6F')")).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(v("SHA1(X'68656C6C6F')")).toBe('aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
    expect(v("SHA256(X'FF')")).toBe('a8100ae6aa1940d0b663bb31cd466142ebbdbd5187131b92d93818987832eb89');
    expect(v("SHA2(X'FF', 256)")).toBe('a8100ae6aa1940d0b663bb31cd466142ebbdbd5187131b92d93818987832eb89');
    // of a string: its UTF-8 bytes (unchanged)
    expect(v("SHA256('\u00ff')")).toBe(v("SHA256(X'C3BF')"));
    expect(v("TO_BASE64(X'0AFF')")).toBe('Cv8=');
    expect(v("TO_BASE64(X'')")).toBe('');
    expect(() => bind("UPPER(X'61')", [])).toThrow();
  });

  it('ENCODE and DECODE in the charsets Flink names', () => {
    expect(v("ENCODE('é', 'UTF-8')")).toBe(bytes(0xc3, 0xa9));
    expect(v("ENCODE('é', 'ISO-8859-1')")).toBe(bytes(0xe9));
    expect(v("ENCODE('A€', 'US-ASCII')")).toBe('A?');
    expect(v("ENCODE('A€', 'UTF-16BE')")).toBe(bytes(0x00, 0x41, 0x20, 0xac));
    expect(v("ENCODE('A', 'UTF-16LE')")).toBe(bytes(0x41, 0x00));
    expect(v("ENCODE('A', 'UTF-16')")).toBe(bytes(0xfe, 0xff, 0x00, 0x41));
    expect(v("DECODE(X'E9', 'ISO-8859-1')")).toBe('é');
    expect(v("DECODE(X'C3A9', 'utf-8')")).toBe('é');
    expect(v("DECODE(X'FFFE4100', 'UTF-16')")).toBe('A');
    expect(v("DECODE(X'0041', 'UTF-16BE')")).toBe('A');
    expect(v("DECODE(ENCODE('x€y', 'UTF-16LE'), 'UTF-16LE')")).toBe('x€y');
    expect(() => v("ENCODE('a', 'EBCDIC')")).toThrow(/unsupported charset/);
    expect(() => bind("DECODE('a', 'UTF-8')", [])).toThrow(/cannot apply DECODE to \(STRING, STRING\)/);
  });

  it('display: x\'..\' in lower-case hex, as Flink prints bytes', () => {
    expect(formatScalar(bytes(0x0a, 0xff), T.BYTES)).toBe("x'0aff'");
    expect(formatScalar('', T.BYTES)).toBe("x''");
    expect(v("CAST(ARRAY[X'01'] AS STRING)")).toBe("[x'01']");
  });

  it('BINARY(n), VARBINARY(n) and BYTES columns are BYTES', () => {
    const s = new Session();
    s.executeScript({ name: 't.sql', text: "CREATE TABLE t (a BINARY(4), b VARBINARY(10), c BYTES, d BINARY, e TIME, f TIME(3), g TIME(9)) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'csv');" });
    const t = s.catalog.get('t');
    if (t?.kind !== 'table') throw new Error('no table');
    expect(t.columns.map((c) => typeToString(c.type))).toEqual(['BYTES', 'BYTES', 'BYTES', 'BYTES', 'TIME(0)', 'TIME(3)', 'TIME(3)']);
    expect(() => new Session().executeScript({ name: 't.sql', text: "CREATE TABLE u (a TIME(10)) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'csv');" })).toThrow(/TIME precision/);
  });
});

describe('csv and json files', () => {
  const TYPES: DataType[] = [T.INT, T.time(0), T.time(3), T.BYTES];
  const ROWS: Scalar[][] = [
    [1, 12 * H + 34 * M + 56 * S, 8 * H + 5 * M + 9 * S + 500, bytes(0x0a, 0xff)],
    [2, 0, 86_400_000 - 1, ''],
    [3, null, null, null],
    [4, 23 * H, 1, bytes(0xc3, 0xa9, 0x00, 0x22, 0x2c)],
  ];
  // worked out: Base64 of 0a ff is Cv8=, of c3 a9 00 22 2c is w6kAIiw=
  const CSV = ['1,12:34:56,08:05:09.500,Cv8=', '2,00:00:00,23:59:59.999,', '3,,,', '4,23:00:00,00:00:00.001,w6kAIiw='];
  const JSON_LINES = [
    '{"id":1,"t":"12:34:56","t3":"08:05:09.500","b":"Cv8="}',
    '{"id":2,"t":"00:00:00","t3":"23:59:59.999","b":""}',
    '{"id":3,"t":null,"t3":null,"b":null}',
    '{"id":4,"t":"23:00:00","t3":"00:00:00.001","b":"w6kAIiw="}',
  ];

  for (const format of ['csv', 'json'] as const) {
    it(`${format}: written as Flink writes them, read back to the same values`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'weir-tb-'));
      const ddl = (name: string): string => `CREATE TABLE ${name} (id INT, t TIME, t3 TIME(3), b BYTES) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = '${format}');`;
      const s = new Session();
      s.executeScript({ name: 't.sql', text: ddl('t') });
      const t = s.catalog.get('t');
      if (t?.kind !== 'table') throw new Error('no table');
      const w = await filesystemSink(t).createWriter({ subtask: 0, parallelism: 1, schema: [], updating: false, jobId: 'test' });
      await w.write(batchFromRows(TYPES, ROWS));
      await w.commit([await w.prepareCommit(1)]);
      await w.close();
      const files = readdirSync(dir).filter((f) => !f.startsWith('.') && !f.startsWith('_'));
      const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
      const expected = format === 'csv' ? CSV : JSON_LINES;
      // the empty BYTES value in csv: an empty quoted field ("" is the empty value, as for STRING)
      const got = text.trimEnd().split('\n');
      if (format === 'csv') expect(got).toEqual([CSV[0], '2,00:00:00,23:59:59.999,""', CSV[2], CSV[3]]);
      else expect(got).toEqual(expected);
      const back = await collectScript({ name: 'r.sql', text: `${ddl('r')}\nSELECT id, t, t3, b FROM r;` });
      const rows = back.queries[0]!.rows.map((r) => [...r]).sort((a, b) => (a[0] as number) - (b[0] as number));
      expect(rows).toEqual(ROWS);
    });
  }

  it('bad values are clear errors, not wrong values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-tb-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'a.csv'), '1,25:00:00,Cv8=\n');
    const ddl = `CREATE TABLE r (id INT, t TIME, b BYTES) WITH ('connector' = 'filesystem', 'path' = '${dir}/a.csv', 'format' = 'csv');`;
    await expect(collectScript({ name: 'r.sql', text: `${ddl}\nSELECT * FROM r;` })).rejects.toThrow(/HH:mm:ss/);
    writeFileSync(join(dir, 'a.csv'), '1,12:00:00,not base64!\n');
    await expect(collectScript({ name: 'r.sql', text: `${ddl}\nSELECT * FROM r;` })).rejects.toThrow(/Base64/);
  });
});

describe('PostgreSQL text forms', () => {
  it('time and bytea read and write exactly; more fraction digits than TIME(p) carries are an error', async () => {
    const { pgTypeToWeir, textDecoder, valueEncoder, weirTypeToPg } = await import('../../src/connectors/postgres/common.js');
    expect(pgTypeToWeir('time', 'time(0) without time zone')).toEqual(T.time(0));
    expect(pgTypeToWeir('time', 'time without time zone')).toEqual(T.time(3));
    expect(pgTypeToWeir('bytea', 'bytea')).toEqual(T.BYTES);
    expect(pgTypeToWeir('timetz', 'time with time zone')).toBeUndefined();
    expect(textDecoder(T.time(3))('12:34:56.789000')).toBe(12 * H + 34 * M + 56 * S + 789);
    expect(textDecoder(T.time(0))('12:34:56')).toBe(12 * H + 34 * M + 56 * S);
    expect(() => textDecoder(T.time(0))('12:34:56.5')).toThrow(/would be truncated/);
    expect(() => textDecoder(T.time(3))('12:34:56.7891')).toThrow(/would be truncated/);
    expect(textDecoder(T.BYTES)('\\x0aff')).toBe(bytes(0x0a, 0xff));
    expect(() => textDecoder(T.BYTES)('\\012')).toThrow(/hex/);
    expect(valueEncoder(T.time(0))(12 * H + 5)).toBe('12:00:00.005');
    expect(valueEncoder(T.BYTES)(bytes(0x0a, 0xff))).toBe('\\x0aff');
    expect(weirTypeToPg(T.time(3))).toBe('time(3)');
    expect(weirTypeToPg(T.BYTES)).toBe('bytea');
  });
});
