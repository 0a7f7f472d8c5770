// Exactly-once recovery of a PARTITIONED BY filesystem sink with partition commit: a real
// `weir run` is killed with SIGKILL at seeded random moments after a new checkpoint and restored (at parallelism 1
// and 2 in turn). Across the partition directories, the committed rows must equal those of an
// uninterrupted run and a DuckDB query over the same generated input: nothing lost, nothing
// duplicated; every partition ends with its _SUCCESS file and no in-progress file is left.
// Files also roll every 100 ms between checkpoints: those pending files must wait for their
// checkpoint too.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashAfterCheckpoints, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { compareMultisets } from '../../src/verify/compare.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { T } from '../../src/common/types.js';

const EVENTS = 120_000;

const sql = (out: string): string => `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '2' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${EVENTS}', 'first-event.rate' = '500', 'rows-per-second' = '15000');
CREATE TABLE out (auction BIGINT, bidder BIGINT, price BIGINT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv',
  'sink.partition-commit.trigger' = 'partition-time',
  'partition.time-extractor.timestamp-pattern' = '$dt $hm:00',
  'sink.partition-commit.delay' = '1 min',
  'sink.partition-commit.policy.kind' = 'success-file',
  'sink.rolling-policy.rollover-interval' = '100ms', 'sink.rolling-policy.check-interval' = '20ms');
INSERT INTO out SELECT auction, bidder, price, DATE_FORMAT(date_time, 'yyyy-MM-dd'), DATE_FORMAT(date_time, 'HH:mm') FROM bid;
`;

/** Committed lines of every partition, each with its directory appended; and the partitions' success files. */
function committed(dir: string): { lines: string[]; partitions: string[]; success: string[]; inProgress: string[] } {
  const lines: string[] = [];
  const partitions: string[] = [];
  const success: string[] = [];
  const inProgress: string[] = [];
  for (const dt of readdirSync(dir).sort()) {
    for (const hm of readdirSync(join(dir, dt)).sort()) {
      const p = `${dt}/${hm}`;
      partitions.push(p);
      for (const f of readdirSync(join(dir, p))) {
        if (f === '_SUCCESS') success.push(p);
        else if (f.startsWith('.')) inProgress.push(`${p}/${f}`);
        else for (const l of readFileSync(join(dir, p, f), 'utf8').split('\n')) if (l !== '') lines.push(`${l}|${p}`);
      }
    }
  }
  return { lines, partitions, success, inProgress };
}

describe('partitioned filesystem sink: exactly-once with SIGKILL', () => {
  it('4 kills, parallelism 1 and 2 alternating: every row once, in its partition, every partition committed', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, sql('out'));
    writeJob(join(dir, 'clean'), sql('out'));
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 4, 29, (i) => 1 + (i % 2), [50, 700])]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(4);

    const crash = committed(join(dir, 'out'));
    const clean = committed(join(dir, 'clean', 'out'));
    // 120,000 events at 500 per second of event time: four minutes, 'HH:mm' escaped
    expect(crash.partitions).toEqual(['dt=2015-07-15/hm=00%3A00', 'dt=2015-07-15/hm=00%3A01', 'dt=2015-07-15/hm=00%3A02', 'dt=2015-07-15/hm=00%3A03']);
    expect(crash.lines.length).toBe(clean.lines.length);
    expect(crash.lines.slice().sort()).toEqual(clean.lines.slice().sort());
    expect(crash.success).toEqual(crash.partitions);
    expect(crash.inProgress).toEqual([]);

    // DuckDB: the same generated bids, and weir's directories read with hive partitioning
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: sql('out').split('INSERT')[0]! });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no bid table');
    await loadTable(await duckdb(), t, 'bid');
    const types = [T.BIGINT, T.BIGINT, T.BIGINT, T.STRING, T.STRING];
    const got = await runDuck(
      `SELECT auction, bidder, price, dt, hm FROM read_csv('${join(dir, 'out')}/*/*/*.csv', header = false, auto_detect = false, hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hm': 'VARCHAR'}, columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT'})`,
      types,
    );
    const want = await runDuck(`SELECT auction, bidder, price, strftime(date_time, '%Y-%m-%d'), strftime(date_time, '%H:%M') FROM bid`, types);
    expect(want.length).toBeGreaterThan(100_000);
    const cmp = compareMultisets(got, want);
    expect(cmp.onlyLeft, 'rows only in weir').toEqual([]);
    expect(cmp.onlyRight, 'rows only in DuckDB').toEqual([]);
    expect(existsSync(join(dir, 'out', '_SUCCESS'))).toBe(false);
  }, 240_000);
});
