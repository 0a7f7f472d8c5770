// Processing time (PROCTIME()) checked by `weir verify`: the stream stamps each row with the
// clock, verify records the stamped rows and DuckDB computes the query over them, so the
// results must agree whatever the timing. The assertions hold under any load: a slower machine
// only spreads the rows over more windows (the sources are rate-limited, so the input lasts at
// least its length in seconds, which gives the lower bounds on the number of windows).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyScript } from '../../src/verify/verify.js';
import type { VerifyReport } from '../../src/verify/verify.js';
import { collectScript } from '../../src/verify/collect.js';
import { WeirError } from '../../src/common/errors.js';
import { Session } from '../../src/sql/session.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-proctime-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** 40 rows `id,k` with k cycling over k0, k1, k2. */
const ROWS = Array.from({ length: 40 }, (_, i) => `${i + 1},k${(i + 1) % 3}`).join('\n') + '\n';

function expectAllEqual(r: VerifyReport, queries: number): void {
  for (const v of r.verdicts) expect(v.equal, `${v.label} line ${v.line}: only stream ${JSON.stringify(v.onlyStream)}, only DuckDB ${JSON.stringify(v.onlyBatch)}`).toBe(true);
  expect(r.verdicts.length).toBe(queries);
  expect(r.lateDropped).toBe(0);
  expect(r.equal).toBe(true);
}

const table = (dir: string, rate: number): string =>
  `CREATE TABLE t (id INT, k STRING, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'rows.csv')}', 'format' = 'csv', 'rows-per-second' = '${rate}');`;

describe('processing time under weir verify', () => {
  it('Nexmark q12 (PROCTIME() in a view, TUMBLE over it, and the legacy GROUP BY TUMBLE form) agrees with DuckDB on the recorded times, at parallelism 1 and 2', async () => {
    const sql = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '200', 'rows-per-second' = '100');
CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;
SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '1' SECOND))
GROUP BY bidder, window_start, window_end;
SELECT B.bidder, count(*) AS bid_count, TUMBLE_START(B.p_time, INTERVAL '1' SECOND) AS starttime, TUMBLE_END(B.p_time, INTERVAL '1' SECOND) AS endtime
FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
GROUP BY B.bidder, TUMBLE(B.p_time, INTERVAL '1' SECOND);`;
    for (const p of [1, 2]) {
      const r = await verifyScript({ name: 'q12.sql', text: sql }, { parallelism: p });
      expectAllEqual(r, 2);
      expect(r.verdicts[0]!.streamRows).toBeGreaterThan(0);
      // the sources emit the clock, so bid's WATERMARK delay explains nothing and is not reported
      expect(r.watermarkDelays).toEqual([]);
    }
  }, 60_000);

  it('HOP, CUMULATE, SESSION and a bare TUMBLE over a PROCTIME() computed column agree with DuckDB', async () => {
    const dir = dirWith({ 'rows.csv': ROWS });
    const sql = `${table(dir, 20)}
SELECT k, count(*) AS n, sum(id) AS s, window_start, window_end FROM TABLE(HOP(TABLE t, DESCRIPTOR(pt), INTERVAL '0.5' SECOND, INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;
SELECT k, count(*) AS n, window_start, window_end FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(pt), INTERVAL '0.5' SECOND, INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;
SELECT k, count(*) AS n, window_start, window_end FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(pt), INTERVAL '0.3' SECOND)) GROUP BY k, window_start, window_end;
SELECT id, k, pt, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' SECOND));`;
    const r = await verifyScript({ name: 'w.sql', text: sql }, { parallelism: 2 });
    expectAllEqual(r, 4);
    expect(r.verdicts[3]!.streamRows).toBe(40);
  }, 60_000);

  it('deduplication on processing time (keep first: ORDER BY pt ASC, keep last: DESC) agrees with DuckDB, ties among rows stamped in one batch checked tie-aware', async () => {
    const dir = dirWith({ 'rows.csv': ROWS });
    const sql = `${table(dir, 40)}
SELECT id, k FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt ASC) AS rn FROM t) WHERE rn = 1;
SELECT id, k, pt FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM t) WHERE rn = 1;`;
    for (const p of [1, 2]) {
      const r = await verifyScript({ name: 'd.sql', text: sql }, { parallelism: p });
      expectAllEqual(r, 2);
      expect(r.verdicts.map((v) => v.streamRows)).toEqual([3, 3]);
    }
    // planned as deduplications on the processing time (not as a Top-N)
    const s = new Session();
    const explained = s.executeScript({ name: 'd.sql', text: sql.replace(/\nSELECT/g, '\nEXPLAIN SELECT') }).flatMap(({ result }) => (result.kind === 'explain' ? [result.text] : []));
    expect(explained.length).toBe(2);
    expect(explained[0]).toMatch(/\[\d+\] Deduplicate\(.*keep=first/);
    expect(explained[1]).toMatch(/\[\d+\] Deduplicate\(.*keep=last/);
  }, 60_000);

  it('a processing-time temporal join (FOR SYSTEM_TIME AS OF o.pt) joins each order with the rate read by then, and agrees with DuckDB on the recorded times', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => `${i + 1},c${(i + 1) % 3},${(i + 1) * 10}`).join('\n') + '\n';
    const rates = Array.from({ length: 15 }, (_, i) => `c${(i + 1) % 3},${i + 1}`).join('\n') + '\n';
    const dir = dirWith({ 'orders.csv': orders, 'rates.csv': rates });
    const sql = `CREATE TABLE orders (id INT, currency STRING, amount INT, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.csv')}', 'format' = 'csv', 'rows-per-second' = '20');
CREATE TABLE rates (currency STRING, rate INT, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'rates.csv')}', 'format' = 'csv', 'rows-per-second' = '10');
SELECT o.id, o.currency, o.amount * r.rate AS v, r.rate FROM orders AS o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.pt AS r ON o.currency = r.currency;
SELECT o.id, r.rate FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.pt AS r ON o.currency = r.currency;`;
    for (const p of [1, 2]) {
      const r = await verifyScript({ name: 'tj.sql', text: sql }, { parallelism: p });
      expectAllEqual(r, 2);
      expect(r.verdicts[0]!.streamRows).toBe(30);
    }
  }, 60_000);

  it('refuses --crash for a processing-time query, and PROCTIME() in a WHERE clause, saying why', async () => {
    const dir = dirWith({ 'rows.csv': ROWS });
    const crash = verifyScript({ name: 'c.sql', text: `${table(dir, 1000)}\nSELECT k, count(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;` }, { crash: 1 });
    await expect(crash).rejects.toThrow(/--crash cannot check a query on processing time/);
    const where = (): Promise<VerifyReport> => verifyScript({ name: 'w.sql', text: `${table(dir, 1000)}\nSELECT id FROM t WHERE PROCTIME() IS NOT NULL;` });
    await expect(where()).rejects.toThrow(WeirError);
    await expect(where()).rejects.toThrow(/PROCTIME\(\).*no recorded value/);
  }, 60_000);
});

describe('processing-time windows fire by the wall clock', () => {
  it('emits a window while the input is still running (1000 rows at 5 a second would take 200 s)', async () => {
    const dir = dirWith({ 'rows.csv': Array.from({ length: 1000 }, (_, i) => `${i},k${i % 2}`).join('\n') + '\n' });
    const r = await collectScript(
      { name: 'live.sql', text: `${table(dir, 5)}\nSELECT k, count(*) AS n, window_start, window_end FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;` },
      { until: (rows) => rows[0]!.length > 0 },
    );
    const rows = r.queries[0]!.rows;
    expect(rows.length).toBeGreaterThan(0);
    // a fired window is one the clock has passed: its end is at or before now
    for (const row of rows) expect(row[3] as number).toBeLessThanOrEqual(Date.now());
    expect(r.summary!.rowsRead).toBeLessThan(1000);
  }, 60_000);
});
