// METADATA columns of a filesystem table (file.path, file.name, file.size) in `weir verify`:
// DuckDB reads them itself (read_csv's filename, read_blob's size), and its rows match values
// worked out here from the file system.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { T } from '../../src/common/types.js';
import { duckRows } from '../../src/verify/duck-values.js';
import { verifyScript } from '../../src/verify/verify.js';

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
