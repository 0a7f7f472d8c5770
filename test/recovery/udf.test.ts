// Recovery of user-defined aggregate functions (JavaScript modules): their accumulators are in
// the checkpoints. A real `weir run` process is killed with SIGKILL at seeded moments and
// restored, alternating parallelism 1 and 2 (at 2 the module is loaded in each worker thread
// and the window aggregation runs in two phases, its partial accumulators crossing threads).
// The accumulator is a class instance with serialize/deserialize, so a restore that lost the
// deserialize step would fail on its first accumulate (a plain object has no `add` method).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashLoop, foldDebezium, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';
import { compareMultisets } from '../../src/verify/compare.js';

// n * 1e9 + (max - min): the count and the spread of prices in one exact BIGINT
const MODULE = `class Spread {
  constructor(n = 0, lo = null, hi = null) { this.n = n; this.lo = lo; this.hi = hi; }
  add(p) { this.n++; this.lo = this.lo === null || p < this.lo ? p : this.lo; this.hi = this.hi === null || p > this.hi ? p : this.hi; }
}
export default {
  kind: 'aggregate',
  args: ['BIGINT'],
  returns: 'BIGINT',
  createAccumulator() { return new Spread(); },
  accumulate(acc, p) { if (p !== null) acc.add(p); },
  merge(acc, others) { for (const o of others) { if (o.n === 0) continue; acc.n += o.n; acc.add(o.lo); acc.n--; acc.add(o.hi); acc.n--; } },
  getValue(acc) { return acc.n * 1e9 + (acc.n === 0 ? 0 : acc.hi - acc.lo); },
  serialize(acc) { return [acc.n, acc.lo, acc.hi]; },
  deserialize(d) { return new Spread(d[0], d[1], d[2]); },
};
`;

const SQL = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '200000', 'rows-per-second' = '21000');
CREATE FUNCTION spread AS 'spread.mjs' LANGUAGE JAVASCRIPT;
CREATE TABLE per_auction (auction BIGINT, s BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out_group', 'format' = 'debezium-json');
CREATE TABLE per_window (ws TIMESTAMP(3), auction BIGINT, s BIGINT) WITH ('connector' = 'filesystem', 'path' = 'out_window', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO per_auction SELECT auction, spread(price) FROM bid GROUP BY auction;
INSERT INTO per_window SELECT window_start, auction, spread(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, auction;
END;`;

describe('user-defined aggregate recovery', () => {
  it('GROUP BY and TUMBLE with a JavaScript aggregate: 4 kills, parallelism 1 and 2; results equal DuckDB', async () => {
    const dir = tmp();
    mkdirSync(dir, { recursive: true });
    writeJob(dir, SQL);
    writeFileSync(join(dir, 'spread.mjs'), MODULE);
    const runs = await crashLoop({ dir, kills: 4, seed: 12, parallelism: (i) => (i % 2 === 0 ? 1 : 2), killAfterMs: [1200, 2500] });
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(4);

    const s = new Session();
    s.executeScript({ name: 'job.sql', text: SQL.split('CREATE FUNCTION')[0]! });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no bid table');
    await loadTable(await duckdb(), t, 'bid');

    const group = foldDebezium(committedLines(join(dir, 'out_group')), ['auction', 's']);
    expect(group.negative, 'retractions of rows never inserted').toEqual([]);
    const wantGroup = await runDuck(`SELECT auction, count(*) * 1000000000 + max(price) - min(price) FROM bid GROUP BY ALL`, [T.BIGINT, T.BIGINT]);
    expect(group.rows).toEqual(wantGroup.map((r) => JSON.stringify(r)).sort());

    const got = await runDuck(`SELECT * FROM read_csv('${join(dir, 'out_window')}/*.csv', header = false, columns = {'ws': 'TIMESTAMP', 'auction': 'BIGINT', 's': 'BIGINT'})`, [T.TIMESTAMP, T.BIGINT, T.BIGINT]);
    const want = await runDuck(
      `SELECT make_timestamp((epoch_ms(date_time) // 10000) * 10000 * 1000), auction, count(*) * 1000000000 + max(price) - min(price) FROM bid GROUP BY ALL`,
      [T.TIMESTAMP, T.BIGINT, T.BIGINT],
    );
    const cmp = compareMultisets(got, want);
    expect(cmp.onlyLeft, 'rows only in weir').toEqual([]);
    expect(cmp.onlyRight, 'rows only in DuckDB').toEqual([]);
  }, 180_000);
});
