// Exactly-once recovery of OVER aggregation and the temporal sort: a real `weir run` process is
// killed with SIGKILL at five seeded random moments and restored each time, alternately at
// parallelism 2 and 1 (the OVER state moves between subtasks by key group). The committed output
// must equal, row for row, an uninterrupted run's, and a DuckDB query over the same input.
// OVER over an updating input (an updating GROUP BY result) writes a changelog: its fold must
// equal an uninterrupted run's fold and DuckDB's windows over the final GROUP BY result.
// Both crashed jobs take incremental checkpoints ('state.backend.incremental'): each killed
// run waits for a checkpoint whose OVER state is a delta on an earlier base, then is killed a
// seeded moment later, so the restores read chains (asserted); the uninterrupted runs take
// full checkpoints.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, foldDebezium, restoresFromDeltas, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { compareMultisets } from '../../src/verify/compare.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';

// 24 s of input at 15,000 rows/s: each killed run reads on while it starts, restores and waits
// for a delta checkpoint, 3-8 s of input per run while the rest of the suite runs beside it
// (with 6, 10 and 14 s of input the job ended after 3 of 5 kills in full suite runs; the
// duration matters for the kills, not the rows: 720,000 rows at 30,000 rows/s cost more CPU)
const EVENTS = 360_000;

const job = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${EVENTS}', 'rows-per-second' = '15000');
CREATE TABLE over_out (auction BIGINT, price BIGINT, date_time TIMESTAMP(3), n BIGINT, total BIGINT, hi BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'over', 'format' = 'csv');
CREATE TABLE sorted_out (bidder BIGINT, price BIGINT, date_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'sorted', 'format' = 'csv');
INSERT INTO over_out SELECT auction, price, date_time, COUNT(*) OVER w, SUM(price) OVER w, MAX(price) OVER w
FROM bid WINDOW w AS (PARTITION BY auction ORDER BY date_time RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW);
INSERT INTO sorted_out SELECT bidder, price, date_time FROM bid WHERE MOD(bidder, 3) = 0 ORDER BY date_time, price;`;

async function check(dir: string, out: string, columns: string, types: DataType[], expectedSql: string): Promise<void> {
  const crash = committedLines(join(dir, out));
  const clean = committedLines(join(dir, 'clean', out));
  expect(crash.length).toBeGreaterThan(0);
  expect(crash.slice().sort()).toEqual(clean.slice().sort());
  const got = await runDuck(`SELECT * FROM read_csv('${join(dir, out)}/*.csv', header = false, columns = {${columns}})`, types);
  const want = await runDuck(expectedSql, types);
  const cmp = compareMultisets(got, want);
  expect(cmp.onlyLeft.slice(0, 5), 'rows only in weir').toEqual([]);
  expect(cmp.onlyRight.slice(0, 5), 'rows only in DuckDB').toEqual([]);
  expect(readdirSync(join(dir, out)).filter((f) => f.startsWith('.'))).toEqual([]);
}

describe('exactly-once recovery of OVER and ORDER BY with SIGKILL', () => {
  it('OVER per auction and a temporal sort, at parallelism 2 restored alternately at 1 and 2', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, `SET 'state.backend.incremental' = 'true';\n${job}`);
    writeJob(join(dir, 'clean'), job);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 5, 55, (i) => (i % 2 === 0 ? 2 : 1), [0, 400], { deltaOf: 'over-aggregate' })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    expect(restoresFromDeltas(runs, 'over-aggregate'), JSON.stringify(runs.map((r) => [r.restoredFrom, r.restoredDeltas]))).toBeGreaterThanOrEqual(2);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: job.split('CREATE TABLE over_out')[0]! });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no bid table');
    await loadTable(await duckdb(), t, 'bid');
    // RANGE frames: bids of one auction at one millisecond are peers and get one result, so the
    // output does not depend on the order in which tied rows arrive (a ROWS frame's would)
    await check(
      dir,
      'over',
      `'auction': 'BIGINT', 'price': 'BIGINT', 'date_time': 'TIMESTAMP', 'n': 'BIGINT', 'total': 'BIGINT', 'hi': 'BIGINT'`,
      [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.BIGINT, T.BIGINT, T.BIGINT],
      `SELECT auction, price, date_time, count(*) OVER w, sum(price) OVER w, max(price) OVER w FROM bid WINDOW w AS (PARTITION BY auction ORDER BY date_time RANGE BETWEEN INTERVAL 3 SECOND PRECEDING AND CURRENT ROW)`,
    );
    await check(dir, 'sorted', `'bidder': 'BIGINT', 'price': 'BIGINT', 'date_time': 'TIMESTAMP'`, [T.BIGINT, T.BIGINT, T.TIMESTAMP], `SELECT bidder, price, date_time FROM bid WHERE bidder % 3 = 0`);
  }, 240_000);

  // about 20 s of input: each run waits for a checkpoint holding an OVER delta before its kill,
  // and on a loaded machine (load 15) five such waits outlasted 14 s of input (4 kills)
  it('OVER over an updating GROUP BY result: 5 kills at parallelism 1 and 2; the changelog folds to DuckDB', async () => {
    const sql = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '150000', 'rows-per-second' = '7000');
CREATE TABLE upd_out (bucket BIGINT, auction BIGINT, best BIGINT, first_ts TIMESTAMP(3), n BIGINT, total BIGINT, hi BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'upd', 'format' = 'debezium-json');
INSERT INTO upd_out SELECT bucket, auction, best, first_ts, COUNT(*) OVER w, SUM(best) OVER w, MAX(best) OVER w
FROM (SELECT MOD(auction, 31) AS bucket, auction, MAX(price) AS best, MIN(date_time) AS first_ts FROM bid GROUP BY auction)
WINDOW w AS (PARTITION BY bucket ORDER BY first_ts RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW);`;
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, `SET 'state.backend.incremental' = 'true';\n${sql}`);
    writeJob(join(dir, 'clean'), sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    // (at 10,000 rows/s the job runs long enough for 5 kills: since the OVER writes one net
    // change per row and batch, it writes far fewer rows and no longer outlasts a faster source)
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 5, 77, (i) => (i % 2 === 0 ? 1 : 2), [0, 400], { deltaOf: 'over-aggregate' })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    expect(restoresFromDeltas(runs, 'over-aggregate'), JSON.stringify(runs.map((r) => [r.restoredFrom, r.restoredDeltas]))).toBeGreaterThanOrEqual(2);
    const cols = ['bucket', 'auction', 'best', 'first_ts', 'n', 'total', 'hi'];
    const crash = foldDebezium(committedLines(join(dir, 'upd')), cols);
    const clean = foldDebezium(committedLines(join(dir, 'clean', 'upd')), cols);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(crash.rows).toEqual(clean.rows);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: sql.split('CREATE TABLE upd_out')[0]! });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no bid table');
    await loadTable(await duckdb(), t, 'bid');
    // RANGE frames: auctions of one bucket whose first bid has the same time are peers, so the
    // result does not depend on the order in which tied rows arrive
    const want = await runDuck(
      `WITH g AS (SELECT auction % 31 AS bucket, auction, max(price) AS best, min(date_time) AS first_ts FROM bid GROUP BY auction)
       SELECT bucket, auction, best, strftime(first_ts, '%Y-%m-%d %H:%M:%S.%g'), count(*) OVER w, sum(best) OVER w, max(best) OVER w
       FROM g WINDOW w AS (PARTITION BY bucket ORDER BY first_ts RANGE BETWEEN INTERVAL 1 SECOND PRECEDING AND CURRENT ROW)`,
      [T.BIGINT, T.BIGINT, T.BIGINT, T.STRING, T.BIGINT, T.BIGINT, T.BIGINT],
    );
    expect(crash.rows.length).toBeGreaterThan(1000);
    expect(crash.rows).toEqual(want.map((r) => JSON.stringify(r)).sort());
  }, 300_000);
});
