// Exactly-once recovery of an interval join (issue 9, item 9): a real `weir run` process joining
// two CSV inputs with a FULL OUTER interval join into a filesystem sink is killed with SIGKILL
// at five seeded moments and restored each time, alternately at parallelism 1 and 2. The join
// state (both sides' rows, which outer rows have matched) and its watermark restore by key
// group. The committed output must equal an uninterrupted run row for row, and DuckDB's join.
// The crashed runs take incremental checkpoints ('state.backend.incremental'): each killed run
// waits for a checkpoint whose join state is a delta on an earlier checkpoint's base, so the
// restores read chains (asserted), rescaling them between parallelism 1 and 2.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, prng, restoresFromDeltas, runClean, tmp, writeJob } from './crash.js';
import { runDuck } from '../sql/harness.js';
import { compareMultisets } from '../../src/verify/compare.js';
import { T } from '../../src/common/types.js';
import { formatTimestamp } from '../../src/common/time.js';

const FILES = 5;
const ROWS_PER_FILE = 20_000;
const BASE = Date.UTC(2024, 0, 1);

/**
 * One input: FILES files in time order, each row `key,id,ts`; a row is up to 400 ms out of
 * order (the watermark delay is 1 s, so no row is late and the result is exact).
 */
function writeInput(dir: string, seed: number, step: number): void {
  mkdirSync(dir);
  const rand = prng(seed);
  let id = 0;
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = 0; i < ROWS_PER_FILE; i++, id++) {
      const t = BASE + id * step + Math.floor(rand() * 400);
      lines.push(`${Math.floor(rand() * 400)},${id},${formatTimestamp(t)}`);
    }
    writeFileSync(join(dir, `part-${f}.csv`), lines.join('\n') + '\n');
  }
}


describe('exactly-once recovery of an interval join with SIGKILL', () => {
  it('FULL OUTER interval join over CSV files: 5 kills, restored alternately at parallelism 1 and 2', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    const left = join(dir, 'left');
    const right = join(dir, 'right');
    writeInput(left, 7, 10);
    writeInput(right, 8, 10);
    const sql = `CREATE TABLE l (k BIGINT, id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${left}', 'format' = 'csv', 'rows-per-second' = '10000');
CREATE TABLE r (k BIGINT, id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${right}', 'format' = 'csv', 'rows-per-second' = '10000');
CREATE TABLE result (lid BIGINT, rid BIGINT, lts TIMESTAMP(3), rts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO result SELECT l.id, r.id, l.ts, r.ts
FROM l FULL OUTER JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts + INTERVAL '2' SECOND;`;
    // the crashed runs with incremental checkpoints, the uninterrupted one with full ones
    writeJob(dir, `SET 'state.backend.incremental' = 'true';\n${sql}`);
    writeJob(join(dir, 'clean'), sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 5, 55, (i) => (i % 2 === 0 ? 1 : 2), [0, 400], { deltaOf: 'join' })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(5);
    // every run after the first restored state, and most of them a chain of a base and deltas
    expect(runs.filter((r) => r.args.includes('--restore')).length).toBe(runs.length - 1);
    expect(restoresFromDeltas(runs, 'join'), JSON.stringify(runs.map((r) => [r.restoredFrom, r.restoredDeltas]))).toBeGreaterThanOrEqual(2);

    const crash = committedLines(join(dir, 'out'));
    const clean = committedLines(join(dir, 'clean', 'out'));
    // row for row, no duplicates: the same multiset of lines as the uninterrupted run
    expect(crash.length).toBe(clean.length);
    expect(crash.slice().sort()).toEqual(clean.slice().sort());
    const types = [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];
    const got = await runDuck(`SELECT * FROM read_csv('${join(dir, 'out')}/*.csv', header = false, columns = {'lid': 'BIGINT', 'rid': 'BIGINT', 'lts': 'TIMESTAMP', 'rts': 'TIMESTAMP'})`, types);
    const cols = `columns = {'k': 'BIGINT', 'id': 'BIGINT', 'ts': 'TIMESTAMP'}`;
    const want = await runDuck(
      `SELECT l.id, r.id, l.ts, r.ts FROM read_csv('${left}/*.csv', header = false, ${cols}) l
       FULL OUTER JOIN read_csv('${right}/*.csv', header = false, ${cols}) r
       ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL 1 SECOND AND l.ts + INTERVAL 2 SECOND`,
      types,
    );
    // matched rows and padded rows of both sides all occur
    expect(want.filter((r) => r[0] !== null && r[1] !== null).length).toBeGreaterThan(10_000);
    expect(want.filter((r) => r[1] === null).length).toBeGreaterThan(1000);
    expect(want.filter((r) => r[0] === null).length).toBeGreaterThan(1000);
    const cmp = compareMultisets(got, want);
    expect(cmp.onlyLeft, 'rows only in weir').toEqual([]);
    expect(cmp.onlyRight, 'rows only in DuckDB').toEqual([]);
    // no uncommitted leftovers once the job finished
    expect(readdirSync(join(dir, 'out')).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 400_000);
});
