// Exactly-once recovery of MATCH_RECOGNIZE: a real `weir run` process is killed with SIGKILL at
// five seeded moments (each after a new checkpoint) and restored each time, alternately at
// parallelism 2 and 1 (partial matches and waiting rows move between subtasks by the key group
// of the PARTITION BY key). The committed matches must equal an uninterrupted run's and those of
// a brute-force matcher written here over the same input (read through DuckDB).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';

const source = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '300000', 'rows-per-second' = '20000');
`;
const job = `${source}CREATE TABLE out (auction BIGINT, a_bidder BIGINT, a_price BIGINT, b1 BIGINT, b2 BIGINT, bsum BIGINT, c_price BIGINT, c_bidder BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO out SELECT * FROM bid MATCH_RECOGNIZE (
  PARTITION BY auction
  ORDER BY date_time, bidder, price
  MEASURES A.bidder AS a_bidder, A.price AS a_price, FIRST(B.price) AS b1, LAST(B.price) AS b2, SUM(B.price) AS bsum, C.price AS c_price, C.bidder AS c_bidder
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B{2} C) WITHIN INTERVAL '3' SECOND
  DEFINE A AS MOD(A.price, 2) = 0, B AS B.price > A.price, C AS C.price < B.price
) AS m;`;

/**
 * Flink's matches of the job's pattern, by brute force: per auction in (time, bidder, price)
 * order, the first window of four rows that fits, then on after it (SKIP PAST LAST ROW). A
 * fixed-length pattern has no choices: a match found is the earliest-starting one, and none
 * started before it is still open.
 */
function bruteForce(rows: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j < rows.length && rows[j]![0] === rows[i]![0]) j++;
    const r = rows.slice(i, j); // [auction, bidder, price, ms]
    for (let k = 0; k + 3 < r.length; ) {
      const [a, b1, b2, c] = [r[k]!, r[k + 1]!, r[k + 2]!, r[k + 3]!];
      if (a[2]! % 2 === 0 && b1[2]! > a[2]! && b2[2]! > a[2]! && c[2]! < b2[2]! && c[3]! - a[3]! < 3000) {
        out.push([a[0], a[1], a[2], b1[2], b2[2], b1[2]! + b2[2]!, c[2], c[1]].join(','));
        k += 4;
      } else k++;
    }
    i = j;
  }
  return out;
}

describe('exactly-once recovery of MATCH_RECOGNIZE with SIGKILL', () => {
  it('A B{2} C per auction WITHIN 3 s: 5 kills, restored alternately at parallelism 2 and 1', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, job);
    writeJob(join(dir, 'clean'), job);
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 5, 31, (i) => (i % 2 === 0 ? 2 : 1), [0, 400])]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    const crash = committedLines(join(dir, 'out')).sort();
    const clean = committedLines(join(dir, 'clean', 'out')).sort();
    expect(crash.length).toBeGreaterThan(100);
    expect(crash).toEqual(clean);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: source });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no bid table');
    await loadTable(await duckdb(), t, 'bid');
    const rows = await runDuck(`SELECT auction, bidder, price, epoch_ms(date_time) FROM bid ORDER BY auction, date_time, bidder, price`, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT]);
    const want = bruteForce(rows.map((r) => r.map((v) => Number(v))));
    expect(crash).toEqual(want.sort());
  }, 300_000);
});
