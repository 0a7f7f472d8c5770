// CREATE TABLE ... AS SELECT and ALTER TABLE through the real `weir` command; `weir verify` on
// CTAS, on the variance family (rewritten into SUM/COUNT), and its refusals (order-dependent
// aggregates, JSON text); a "not supported yet" error as the CLI prints it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from './weir.js';

function setup(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-ctas-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function readDir(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.startsWith('_'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

describe('CTAS, ALTER TABLE and verify through the CLI', () => {
  it('weir run: CREATE TABLE ... AS SELECT creates the sink and writes the query into it; ALTER TABLE SET changes a source option', async () => {
    const dir = setup({ 'in.csv': '1;a\n2;b\n3;c\n' });
    const f = join(dir, 'job.sql');
    writeFileSync(
      f,
      `CREATE TABLE src (id INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.csv')}', 'format' = 'csv');
ALTER TABLE src SET ('csv.field-delimiter' = ';');
CREATE TABLE out WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out')}', 'format' = 'csv') AS SELECT id * 10 AS id10, UPPER(s) AS s FROM src WHERE id <> 2;
`,
    );
    const r = await weir(['run', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(readDir(join(dir, 'out'))).toEqual(['10,A', '30,C']);
  });

  it('weir verify: a CTAS query and the variance family agree with DuckDB', async () => {
    const dir = setup({ 'in.csv': '1,1.5\n1,2.5\n2,4.0\n2,8.0\n2,1.0\n3,5.0\n' });
    const f = join(dir, 'job.sql');
    writeFileSync(
      f,
      `CREATE TABLE src (k INT, x DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.csv')}', 'format' = 'csv');
CREATE TABLE out WITH ('connector' = 'print') AS SELECT k, VAR_POP(x) AS vp, STDDEV_SAMP(x) AS ss FROM src GROUP BY k;
`,
    );
    const r = await weir(['verify', f, '-p', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('OK   line 2 INSERT INTO out: 3 rows, stream and DuckDB agree');
  });

  it('weir verify refuses FIRST_VALUE and JSON_QUERY, saying why', async () => {
    const dir = setup({ 'in.csv': '1,a\n1,b\n' });
    const table = `CREATE TABLE src (k INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.csv')}', 'format' = 'csv');\n`;
    const f1 = join(dir, 'first.sql');
    writeFileSync(f1, `${table}SELECT k, FIRST_VALUE(s) FROM src GROUP BY k;\n`);
    const r1 = await weir(['verify', f1]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('FIRST_VALUE(s)');
    expect(r1.stderr).toContain('depends on the order rows arrive in');
    const f2 = join(dir, 'json.sql');
    writeFileSync(f2, `${table}SELECT JSON_QUERY(s, '$') FROM src;\n`);
    const r2 = await weir(['verify', f2]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("JSON_QUERY to DuckDB: the JSON text it makes is Flink's (Jackson's) form");
  });

  it('a statement weir does not support yet is named, with its position', async () => {
    const dir = setup({});
    const f = join(dir, 'job.sql');
    writeFileSync(f, `SET 'parallelism.default' = '1';\nALTER CATALOG c SET ('k' = 'v');\n`);
    const r = await weir(['run', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ALTER CATALOG is not supported yet');
    expect(r.stderr).toContain(`${f}:2:1`);
  });
});
