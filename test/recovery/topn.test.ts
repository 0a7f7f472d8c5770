// Recovery of Top-N state: a Top-N over an updating aggregate (debezium-json changelog) and a
// window Top-N after a window aggregation, in one job, killed 5 times at parallelism 1 and 2
// alternating. The ORDER BY ends in a unique column, so the result is deterministic: the
// committed changelog folds to DuckDB's answer and the window rows equal a clean run's.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashLoop, foldDebezium, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';

const SQL = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '300000', 'rows-per-second' = '22000');
CREATE TABLE top (bucket BIGINT, auction BIGINT, total BIGINT, rn BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
CREATE TABLE wtop (window_start TIMESTAMP(3), auction BIGINT, n BIGINT, rn BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'wout', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO top SELECT bucket, auction, total, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY total DESC, auction ASC) AS rn
  FROM (SELECT MOD(auction, 7) AS bucket, auction, SUM(price) AS total FROM bid GROUP BY MOD(auction, 7), auction))
WHERE rn <= 3;
INSERT INTO wtop SELECT window_start, auction, n, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY n DESC, auction ASC) AS rn
  FROM (SELECT window_start, window_end, auction, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND)) GROUP BY window_start, window_end, auction))
WHERE rn <= 2;
END;
`;

describe('Top-N recovery', () => {
  it('Top-N over an updating aggregate and a window Top-N: 5 kills at parallelism 1 and 2; the changelog folds to DuckDB', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, SQL);
    writeJob(join(dir, 'clean'), SQL);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashLoop({ dir, kills: 5, seed: 1010, parallelism: (i) => (i % 2 === 0 ? 1 : 2), killAfterMs: [1200, 2500] })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    const cols = ['bucket', 'auction', 'total', 'rn'];
    const crash = foldDebezium(committedLines(join(dir, 'out')), cols);
    const clean = foldDebezium(committedLines(join(dir, 'clean', 'out')), cols);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(crash.rows).toEqual(clean.rows);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: SQL.split('CREATE TABLE top')[0]! });
    const bid = s.catalog.get('bid');
    if (bid?.kind !== 'table') throw new Error('no table bid');
    await loadTable(await duckdb(), bid, 'bid');
    const want = await runDuck(
      `SELECT bucket, auction, total, rn FROM (SELECT *, row_number() OVER (PARTITION BY bucket ORDER BY total DESC, auction ASC) AS rn FROM (SELECT auction % 7 AS bucket, auction, sum(price) AS total FROM bid GROUP BY ALL)) WHERE rn <= 3`,
      [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT],
    );
    expect(crash.rows).toEqual(want.map((r) => JSON.stringify(r)).sort());
    // 7 buckets, 3 each
    expect(crash.rows.length).toBe(21);
    const windows = committedLines(join(dir, 'wout')).sort();
    // 300,000 events at 10,000 per second of event time: 15 windows of 2 s, 2 rows each
    expect(windows.length).toBe(30);
    expect(windows).toEqual(committedLines(join(dir, 'clean', 'wout')).sort());
  }, 300_000);

  it('keep-first and keep-last deduplication: 5 kills at parallelism 2 and 1; tie-free columns equal DuckDB', async () => {
    const sql = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '300000', 'rows-per-second' = '22000');
CREATE TABLE firsts (auction BIGINT, date_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'first', 'format' = 'csv');
CREATE TABLE lasts (bidder BIGINT, date_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'last', 'format' = 'debezium-json');
EXECUTE STATEMENT SET BEGIN
INSERT INTO firsts SELECT auction, date_time FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY date_time) AS rn FROM bid) WHERE rn = 1;
INSERT INTO lasts SELECT bidder, date_time FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY date_time DESC) AS rn FROM bid) WHERE rn = 1;
END;
`;
    const dir = tmp();
    writeJob(dir, sql);
    const runs = await crashLoop({ dir, kills: 5, seed: 2020, parallelism: (i) => (i % 2 === 0 ? 2 : 1), killAfterMs: [1200, 2500] });
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: sql.split('CREATE TABLE firsts')[0]! });
    const bid = s.catalog.get('bid');
    if (bid?.kind !== 'table') throw new Error('no table bid');
    await loadTable(await duckdb(), bid, 'bid');
    // keep-first is append-only: each auction once, at its earliest time (nexmark has no late bids)
    const firsts = committedLines(join(dir, 'first')).sort();
    const wantFirst = await runDuck(`SELECT auction, strftime(min(date_time), '%Y-%m-%d %H:%M:%S.%g') FROM bid GROUP BY auction`, [T.BIGINT, T.STRING]);
    expect(firsts).toEqual(wantFirst.map((r) => `${r[0]},${r[1]}`).sort());
    const lasts = foldDebezium(committedLines(join(dir, 'last')), ['bidder', 'date_time']);
    expect(lasts.negative).toEqual([]);
    const wantLast = await runDuck(`SELECT bidder, strftime(max(date_time), '%Y-%m-%d %H:%M:%S.%g') FROM bid GROUP BY bidder`, [T.BIGINT, T.STRING]);
    expect(lasts.rows).toEqual(wantLast.map((r) => JSON.stringify(r)).sort());
  }, 300_000);
});
