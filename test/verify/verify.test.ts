// `weir verify` reports differences: late data, the rows that differ, the DuckDB SQL, and
// queries it cannot translate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from '../cli/weir.js';

function job(dir: string, sql: string): string {
  const f = join(dir, 'job.sql');
  writeFileSync(f, sql);
  return f;
}

describe('weir verify', () => {
  it('fails with exit 1 on records later than the watermark delay, naming the rows and the late count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-verify-'));
    // delay 2 s: after t=25 s the watermark is 23 s, so [0,10) has fired when t=3 s arrives
    writeFileSync(join(dir, 'bids.csv'), ['1,100,2020-01-01 00:00:01', '1,200,2020-01-01 00:00:05', '2,300,2020-01-01 00:00:25', '1,500,2020-01-01 00:00:03'].join('\n') + '\n');
    const f = job(dir, `CREATE TABLE bid (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
SELECT window_start, auction, COUNT(*) AS n, SUM(price) AS total
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, auction;
`);
    const r = await weir(['verify', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DIFF line 3 SELECT: the stream has 2 rows, DuckDB 2');
    expect(r.stdout).toContain('only in the stream (1):\n      [2020-01-01 00:00:00.000, 1, 2, 300]');
    expect(r.stdout).toContain('only in DuckDB (1):\n      [2020-01-01 00:00:00.000, 1, 3, 800]');
    expect(r.stdout).toContain("late: the stream dropped 1 late record, which arrived too late (after their windows fired, or behind a join's, OVER's or sort's watermark) (watermark delay bid.ts: 2s)");
  });

  it('passes the same input when the delay covers the disorder, and prints the DuckDB SQL with --show-sql', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-verify-'));
    writeFileSync(join(dir, 'bids.csv'), ['1,100,2020-01-01 00:00:01', '1,200,2020-01-01 00:00:05', '2,300,2020-01-01 00:00:25', '1,500,2020-01-01 00:00:03'].join('\n') + '\n');
    const f = job(dir, `CREATE TABLE bid (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '30' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
SELECT window_start, auction, COUNT(*) AS n, SUM(price) AS total
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, auction;
`);
    const r = await weir(['verify', f, '--show-sql', '-p', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('OK   line 3 SELECT: 2 rows, stream and DuckDB agree');
    expect(r.stdout).toMatch(/DuckDB SQL:\n\s+SELECT .*read_csv\(\[/);
    expect(r.stdout).toContain('late: no records dropped (watermark delay bid.ts: 30s)');
  });

  it('exits 2 for a query it cannot translate, naming the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-verify-'));
    writeFileSync(join(dir, 't.csv'), 'abc,b\n');
    const f = job(dir, `CREATE TABLE t (s STRING, p STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');
SELECT REGEXP_EXTRACT(s, p) FROM t;
`);
    const r = await weir(['verify', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SELECT (line 2)');
    expect(r.stderr).toContain('cannot translate');
  });

  it('exits 2 for a missing file', async () => {
    const r = await weir(['verify', 'nope.sql']);
    expect(r.code).toBe(2);
  });
});
