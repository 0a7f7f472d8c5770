// Crash recovery of an updating GROUP BY with a STRING key (non-ASCII) and MIN/MAX of a STRING,
// with incremental checkpoints: tens of thousands of groups per subtask, so a full snapshot's
// string columns are packed at the barrier into the state file's slices (checkpoint/
// packed-array.ts) and deltas are chained on them. SIGKILL at seeded moments after each run's
// first new checkpoint whose aggregate state is a delta chain, the parallelism alternating 1
// and 2 (restores rescale the chains); the committed changelog, folded, equals an
// uninterrupted run and DuckDB. Real processes, real files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, foldDebezium, restoresFromDeltas, runClean, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { CheckpointStorage, filesOf } from '../../src/checkpoint/storage.js';
import { readStateFile } from '../../src/checkpoint/state-file.js';
import { BIG_ARRAY } from '../../src/checkpoint/packed-array.js';
import { T } from '../../src/common/types.js';

const EVENTS = 200_000;
const SQL = `SET 'state.backend.incremental' = 'true';
SET 'state.backend.incremental.full-every' = '3';
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${EVENTS}', 'rows-per-second' = '40000');
CREATE TABLE result (k STRING, n BIGINT, total BIGINT, lo STRING, hi STRING)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO result SELECT CONCAT('ключ-', CAST(MOD(price, 40000) AS STRING)), COUNT(*), SUM(price), MIN(CAST(bidder AS STRING)), MAX(CAST(bidder AS STRING))
FROM bid GROUP BY CONCAT('ключ-', CAST(MOD(price, 40000) AS STRING));`;
const cols = ['k', 'n', 'total', 'lo', 'hi'];

/** The largest number of groups in one full snapshot of the aggregate among the checkpoints still there. */
function largestFull(chk: string): number {
  const st = new CheckpointStorage(chk);
  let most = 0;
  for (const id of st.ids()) {
    const m = st.metadata(id);
    if (m === undefined) continue;
    for (const h of m.states.filter((s) => s.operatorId.includes('group-aggregate'))) {
      const base = filesOf(m, h)[0]!;
      const entry = readStateFile(join(chk, base.path)).keyed.values().next().value?.[0] as { high?: number; keys?: unknown[][] } | undefined;
      if (entry?.high !== undefined) most = Math.max(most, (entry.keys![0]![0] as string[]).length);
    }
  }
  return most;
}

/** The same sorted rows; else the first difference (a diff of 40,000 rows takes minutes). */
function sameRows(got: readonly string[], want: readonly string[]): void {
  const at = got.findIndex((r, i) => r !== want[i]);
  expect(at < 0 ? null : [at, got[at], want[at]]).toBeNull();
  expect(got.length).toBe(want.length);
}

describe('STRING-key GROUP BY under crashes', () => {
  it('3 SIGKILLs at seeded moments, parallelism 1, 2, 1, 2, restores of delta chains: output equals the uninterrupted run and DuckDB', async () => {
    const dir = tmp('weir-strgb-');
    mkdirSync(join(dir, 'clean'));
    writeJob(dir, SQL);
    writeJob(join(dir, 'clean'), SQL);
    const chk = join(dir, 'chk');
    let most = 0;
    const watch = setInterval(() => {
      try {
        most = Math.max(most, largestFull(chk));
      } catch {
        // a checkpoint dropped while read
      }
    }, 500);
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 1), crashAfterCheckpoints(dir, 3, 4242, (i) => (i % 2 === 0 ? 1 : 2), [150, 450], { deltaOf: 'group-aggregate' })]);
    clearInterval(watch);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(3);
    expect(restoresFromDeltas(runs, 'group-aggregate'), 'restores read delta chains').toBeGreaterThan(0);
    // full snapshots with more groups than a packed slice's worth were taken (and restored)
    expect(most).toBeGreaterThanOrEqual(BIG_ARRAY);
    const got = foldDebezium(committedLines(join(dir, 'out')), cols);
    expect(got.negative).toEqual([]);
    sameRows(got.rows, foldDebezium(committedLines(join(dir, 'clean', 'out')), cols).rows);
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: SQL.split('CREATE TABLE result')[0]! });
    const t = s.catalog.get('bid');
    if (t?.kind !== 'table') throw new Error('no table bid');
    await loadTable(await duckdb(), t, 'bid');
    const want = await runDuck(
      `SELECT concat('ключ-', CAST(price % 40000 AS VARCHAR)) AS k, count(*), sum(price), min(CAST(bidder AS VARCHAR)), max(CAST(bidder AS VARCHAR)) FROM bid GROUP BY k`,
      [T.STRING, T.BIGINT, T.BIGINT, T.STRING, T.STRING],
    );
    sameRows(got.rows, want.map((r) => JSON.stringify(r)).sort());
  }, 400_000);
});
