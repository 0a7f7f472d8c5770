// Exactly-once recovery of a regular outer join over an updating aggregate (issue 9, item 9).
// A real `weir run` process is killed with SIGKILL at five seeded moments and restored each
// time, alternating parallelism 1 and 2, so the join's state (both sides' rows by key, with
// their association counts) is snapshotted and redistributed by key group. Its committed
// debezium-json changelog must fold to the same table as an uninterrupted run's, retract
// nothing it never inserted, and equal DuckDB's FULL JOIN over the same generated rows.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashLoop, foldDebezium, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';

const EVENTS = 240_000;

// Auctions (append-only) FULL JOIN the bids per auction (an updating GROUP BY). The residual
// `g.n >= 3` makes both paddings move: an auction stays padded until its third bid, when the
// padded row is retracted and the joined row inserted; every later bid retracts and re-inserts
// the joined row; a bid group stays padded on the right until it has three bids.
const SQL = `CREATE TABLE auction (id BIGINT, seller BIGINT, reserve BIGINT)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'auction', 'events.num' = '${EVENTS}', 'rows-per-second' = '1250');
CREATE TABLE bid (auction BIGINT, price BIGINT)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${EVENTS}', 'rows-per-second' = '19000');
CREATE TABLE result (id BIGINT, seller BIGINT, auction BIGINT, n BIGINT, hi BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO result
SELECT a.id, a.seller, g.auction, g.n, g.hi
FROM auction a
FULL JOIN (SELECT auction, COUNT(*) AS n, MAX(price) AS hi FROM bid GROUP BY auction) g
ON a.id = g.auction AND g.n >= 3;`;

const COLS = ['id', 'seller', 'auction', 'n', 'hi'];

describe('regular join recovery', () => {
  it('FULL JOIN over an updating GROUP BY into debezium-json: 5 kills, parallelism 1 and 2 alternating; equals an uninterrupted run and DuckDB', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, SQL);
    writeJob(join(dir, 'clean'), SQL);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashLoop({ dir, kills: 5, seed: 909, parallelism: (i) => (i % 2 === 0 ? 1 : 2), killAfterMs: [900, 2200] })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(5);
    const crash = foldDebezium(committedLines(join(dir, 'out')), COLS);
    const clean = foldDebezium(committedLines(join(dir, 'clean', 'out')), COLS);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(clean.negative).toEqual([]);
    expect(crash.rows.length).toBeGreaterThan(1000);
    expect(crash.rows).toEqual(clean.rows);
    // DuckDB over the same generated rows
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: SQL.split('INSERT')[0]! });
    for (const name of ['auction', 'bid']) {
      const t = s.catalog.get(name);
      if (t?.kind !== 'table') throw new Error(`no table ${name}`);
      await loadTable(await duckdb(), t, name);
    }
    const want = await runDuck(
      `SELECT a.id, a.seller, g.auction, g.n, g.hi FROM auction a
       FULL JOIN (SELECT auction, count(*) AS n, max(price) AS hi FROM bid GROUP BY auction) g ON a.id = g.auction AND g.n >= 3`,
      [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT],
    );
    expect(crash.rows).toEqual(want.map((r) => JSON.stringify(r)).sort());
    // both paddings occur in the result, so the test exercises them
    expect(crash.rows.some((r) => r.startsWith('[null'))).toBe(true);
    expect(crash.rows.some((r) => r.endsWith('null,null,null]'))).toBe(true);
  }, 300_000);
});
