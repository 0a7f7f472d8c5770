// `weir verify` compares DECIMAL exactly, at Flink's result types (verify/duck-decimal.ts,
// compare.ts). These fail if the comparison were inexact (a 1e-9 relative tolerance, or
// DECIMAL read as doubles) or if the translation used DuckDB's own DECIMAL rules.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/common/types.js';
import { alignDecimals, compareMultisets, exactColumns, type Row } from '../../src/verify/compare.js';
import { duckRows } from '../../src/verify/duck-values.js';
import { verifyScript } from '../../src/verify/verify.js';

/** verify's comparison of one DECIMAL column (verify.ts: every DECIMAL column exact). */
function compareDecimal(weir: Row[], duck: Row[], type = T.decimal(38, 20)): boolean {
  const types = [type];
  const exact = [true];
  alignDecimals(weir, duck, types, exact);
  return compareMultisets(weir, duck, exactColumns(types, exact)).equal;
}

describe('exact DECIMAL comparison in weir verify', () => {
  it('two DECIMAL(38, 20) values that differ only in the 20th significant digit are a difference', () => {
    // as doubles both are 1.2345678901234567 and a 1e-9 tolerance would call them equal
    expect(compareDecimal([['1.23456789012345678901']], [['1.23456789012345678902']])).toBe(false);
    expect(compareDecimal([['-98765432109876543.21000000000000000000']], [['-98765432109876543.22']])).toBe(false);
    // equal values in different spellings (trailing zeros, DuckDB's text) match
    expect(compareDecimal([['1.23456789012345678901']], [['1.23456789012345678901000']])).toBe(true);
    // a DECIMAL(p <= 15) value carried as a double matches its exact text, and not the next unit
    expect(compareDecimal([[0.1]], [['0.10']], T.decimal(10, 2))).toBe(true);
    expect(compareDecimal([[0.1]], [['0.11']], T.decimal(10, 2))).toBe(false);
    // a DuckDB DOUBLE in a DECIMAL column (a translation bug) is a difference, not "close enough"
    expect(compareDecimal([['0.3333333333333']], [[0.3333333333333]], T.decimal(23, 13))).toBe(false);
  });

  it("division, AVG, and + - * at Flink's bounded types agree; DuckDB's own types would be a difference", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-exact-decimal-'));
    try {
      const csv = join(dir, 't.csv');
      writeFileSync(csv, ['1.00,3.0000,1234567890123456789012345678.0123456789', '2.00,7.0000,-0.0000000001', '2.00,0.0000,0.5000000000'].join('\n') + '\n');
      const script = `CREATE TABLE t (b DECIMAL(10, 2), c DECIMAL(10, 4), a DECIMAL(38, 10)) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');
SELECT b / c AS q, a + a AS s2, a * 3 AS m3 FROM t;
SELECT b, AVG(c) AS av, SUM(a) AS sa FROM t GROUP BY b;
`;
      const r = await verifyScript({ name: 'exact.sql', text: script }, { parallelism: 1, set: [] });
      expect(r.verdicts.map((v) => v.equal)).toEqual([true, true]);
      // the translation's own values, worked out by hand at Flink's types:
      //   b / c: DECIMAL(10, 2) / DECIMAL(10, 4) is DECIMAL(23, 13) (scale max(6, 2 + 10 + 1)), HALF_UP
      //   a + a: DECIMAL(38, 10) + DECIMAL(38, 10) is DECIMAL(38, 9) (bounded), so 0.5 + 0.5 keeps 9 digits
      //   a * 3: DECIMAL(38, 10) * DECIMAL(10, 0) is DECIMAL(38, 6); the exact product has 29 integer digits
      //   AVG(c): DECIMAL(38, 6) (scale max(6, 4)), 3.5 for b = 2
      const inst = await DuckDBInstance.create(':memory:');
      const conn = await inst.connect();
      try {
        const run = async (sql: string, types: (typeof T.INT)[]): Promise<unknown[][]> => duckRows(await conn.runAndReadAll(sql), types).rows;
        const q = await run(r.verdicts[0]!.sql, [T.decimal(23, 13), T.decimal(38, 9), T.decimal(38, 6)]);
        expect(q.map((x) => x.map(String)).sort()).toEqual(
          [
            ['0.3333333333333', '2469135780246913578024691356.024691358', '3703703670370370367037037034.037037'],
            ['0.2857142857143', '0.000000000', '0.000000'],
            ['null', '1.000000000', '1.500000'],
          ].sort(),
        );
        const g = await run(r.verdicts[1]!.sql, [T.decimal(10, 2), T.decimal(38, 6), T.decimal(38, 10)]);
        expect(g.map((x) => x.map(String)).sort()).toEqual([['1.00', '3.000000', '1234567890123456789012345678.0123456789'], ['2.00', '3.500000', '0.4999999999']]);
        // DuckDB's defaults: b / c and AVG are DOUBLEs, a + a keeps 10 digits. A translation
        // using them would differ from the stream under the exact comparison.
        const read = `read_csv('${csv}', header = false, columns = {'b': 'DECIMAL(10, 2)', 'c': 'DECIMAL(10, 4)', 'a': 'DECIMAL(38, 10)'})`;
        const dq = await run(`SELECT b / c FROM ${read} WHERE c = 3`, [T.decimal(23, 13)]);
        expect(compareDecimal([['0.3333333333333']], dq as Row[], T.decimal(23, 13))).toBe(false);
        const dav = await run(`SELECT avg(c) FROM ${read} WHERE b = 1`, [T.decimal(38, 6)]);
        expect(compareDecimal([['3.000000']], dav as Row[], T.decimal(38, 6))).toBe(false);
        const dss = await run(`SELECT CAST(a + a AS VARCHAR) FROM ${read} WHERE b = 1`, [T.STRING]);
        expect(dss[0]![0]).toBe('2469135780246913578024691356.0246913578'); // Flink: ...356.024691358
      } finally {
        conn.closeSync();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// METADATA columns of a filesystem table (file.path, file.name, file.size): DuckDB reads them
// itself (read_csv's filename, read_blob's size), and its rows match values worked out here from
// the file system. (Here to share this file's verify and DuckDB set-up.)
describe('METADATA columns in weir verify', () => {
  it('file.path, file.name and file.size agree between the stream and DuckDB, in a database made with USE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-metadata-'));
    try {
      writeFileSync(join(dir, 'a.csv'), '1,x\n2,y\n3,z\n');
      writeFileSync(join(dir, 'b.csv'), '4,long value\n');
      const script = `CREATE DATABASE files;
USE files;
CREATE TABLE src (
  id INT,
  v STRING,
  fname STRING METADATA FROM 'file.name' VIRTUAL,
  \`file.size\` BIGINT METADATA VIRTUAL,
  fpath STRING METADATA FROM 'file.path' VIRTUAL
) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');
SELECT fname, fpath, \`file.size\` AS size, COUNT(*) AS n, SUM(id) AS s FROM default_catalog.files.src GROUP BY fname, fpath, \`file.size\`;
`;
      const r = await verifyScript({ name: 'meta.sql', text: script }, { parallelism: 1, set: [] });
      expect(r.verdicts.map((v) => v.equal)).toEqual([true]);
      const inst = await DuckDBInstance.create(':memory:');
      const conn = await inst.connect();
      try {
        const rows = duckRows(await conn.runAndReadAll(r.verdicts[0]!.sql), [T.STRING, T.STRING, T.BIGINT, T.BIGINT, T.INT]).rows;
        const size = (f: string): string => String(statSync(join(dir, f)).size);
        expect(rows.map((x) => x.map(String)).sort()).toEqual([
          ['a.csv', join(dir, 'a.csv'), size('a.csv'), '3', '6'],
          ['b.csv', join(dir, 'b.csv'), size('b.csv'), '1', '4'],
        ]);
      } finally {
        conn.closeSync();
        inst.closeSync();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
