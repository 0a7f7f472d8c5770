// Recovery of an updating aggregate written as a changelog, AT_LEAST_ONCE mode, savepoints
// on SIGTERM, and corrupt checkpoints skipped. Real processes, real files.
import { existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashLoop, foldDebezium, runClean, start, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { CheckpointStorage } from '../../src/checkpoint/storage.js';
import { T } from '../../src/common/types.js';

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting for the job to start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function jobDirs(sql: string): string {
  const dir = tmp();
  mkdirSync(join(dir, 'clean'));
  writeJob(dir, sql);
  writeJob(join(dir, 'clean'), sql);
  return dir;
}

async function loadTables(sql: string, names: string[]): Promise<void> {
  const s = new Session();
  s.executeScript({ name: 'job.sql', text: sql.split('INSERT')[0]! });
  for (const n of names) {
    const t = s.catalog.get(n);
    if (t?.kind !== 'table') throw new Error(`no table ${n}`);
    await loadTable(await duckdb(), t, n);
  }
}

const BID = (events: number, rate: number, name = 'bid', extra = ''): string => `CREATE TABLE ${name} (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${events}', 'rows-per-second' = '${rate}'${extra});`;

// The crash test of the updating aggregate (5 kills, parallelism 1 and 2 alternating, folded
// changelog equal to DuckDB) is in incremental.test.ts, with incremental checkpoints.

describe('checkpointing modes', () => {
  // Two sources at different rates into one sink: the sink's task has two inputs, so a
  // barrier reaches it on one input before the other.
  const unionJob = (mode: string): string => `SET 'execution.checkpointing.mode' = '${mode}';
${BID(150_000, 40_000, 'a')}
${BID(150_000, 18_000, 'b', ", 'nexmark.seed' = '7'")}
CREATE TABLE result (src STRING, auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO result SELECT 'a', auction, bidder, price, date_time FROM a UNION ALL SELECT 'b', auction, bidder, price, date_time FROM b;`;

  it('AT_LEAST_ONCE may duplicate after a crash but never loses a row', async () => {
    const sql = unionJob('AT_LEAST_ONCE');
    const dir = jobDirs(sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [runs] = await Promise.all([crashLoop({ dir, kills: 4, seed: 66, parallelism: () => 1, killAfterMs: [1000, 2500], interval: '200ms' }), runClean(join(dir, 'clean'), 1, [], { paced: true })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length, 'kills before the input ended').toBe(4);
    const got = new Map<string, number>();
    for (const l of committedLines(join(dir, 'out'))) got.set(l, (got.get(l) ?? 0) + 1);
    const expected = committedLines(join(dir, 'clean', 'out'));
    expect(expected.length).toBe(2 * 138_000);
    const missing = expected.filter((l) => !got.has(l));
    expect(missing, 'rows lost').toEqual([]);
    // every row present is one of the input's rows
    const allowed = new Set(expected);
    expect([...got.keys()].filter((l) => !allowed.has(l))).toEqual([]);
  }, 180_000);

  it('EXACTLY_ONCE on the same two-input job: no row lost, none duplicated', async () => {
    const sql = unionJob('EXACTLY_ONCE');
    const dir = jobDirs(sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [runs] = await Promise.all([crashLoop({ dir, kills: 4, seed: 66, parallelism: () => 1, killAfterMs: [1000, 2500], interval: '200ms' }), runClean(join(dir, 'clean'), 1, [], { paced: true })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length, 'kills before the input ended').toBe(4);
    expect(committedLines(join(dir, 'out')).sort()).toEqual(committedLines(join(dir, 'clean', 'out')).sort());
  }, 180_000);
});

describe('savepoints', () => {
  it('SIGTERM takes a savepoint, commits and exits 0; a restore from it continues exactly (open windows included)', async () => {
    const sql = `${BID(400_000, 50_000)}
CREATE TABLE result (window_start TIMESTAMP(3), auction BIGINT, n BIGINT, total BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO result SELECT window_start, auction, COUNT(*), SUM(price)
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, auction;`;
    const dir = jobDirs(sql);
    const chk = join(dir, 'chk');
    // the uninterrupted run alongside the stopped and restored ones (it mostly waits on its
    // rate-limited source)
    const clean = runClean(join(dir, 'clean'), 1, [], { paced: true });
    // a long checkpoint interval: the savepoint is the only checkpoint of the first run
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '1h'], dir);
    // Signal once the job runs (its sink directory exists: the signal handlers are installed
    // before the sink opens), not at a fixed time after spawning: on a loaded machine the
    // process may still be loading its modules after 2.5 s, and a signal then kills it.
    await waitFor(() => existsSync(join(dir, 'out')), 60_000);
    setTimeout(() => child.kill('SIGTERM'), 1000);
    const first = await done;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('stopping with a savepoint');
    expect(first.stderr).toMatch(/last chk-1 \(savepoint\)/);
    const storage = new CheckpointStorage(chk);
    expect(storage.validate(1).savepoint).toBe(true);
    const committedAtStop = committedLines(join(dir, 'out')).length;
    const second = start(['run', 'job.sql', '--checkpoint-dir', chk, '--restore', 'latest'], dir);
    const r2 = await second.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toContain('restoring from');
    expect(r2.stderr).toContain('(savepoint)');
    await clean;
    const all = committedLines(join(dir, 'out'));
    expect(all.length).toBeGreaterThan(committedAtStop);
    expect(all.sort()).toEqual(committedLines(join(dir, 'clean', 'out')).sort());
  }, 180_000);
});

describe('corrupt checkpoints are skipped', () => {
  // An hour-long window holds all the input's event time, so nothing is committed before the
  // input ends: skipping the newest checkpoint and restoring an older one is then exact. (With
  // 10 s windows, a loaded machine completed its checkpoints late, a window fired and its rows
  // were committed with the newest checkpoint, and the restore from the older one wrote them
  // again, as any two-phase-commit sink would once the checkpoint that committed them is lost.)
  const sql = `${BID(300_000, 50_000)}
CREATE TABLE result (window_start TIMESTAMP(3), auction BIGINT, n BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO result SELECT window_start, auction, COUNT(*)
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '1' HOUR)) GROUP BY window_start, window_end, auction;`;

  /** Crashes the job once it has at least two complete checkpoints. */
  async function crashed(): Promise<{ dir: string; newest: number; storage: CheckpointStorage }> {
    // the uninterrupted run (once for the three cases) alongside the first crashed run
    void cleanLines();
    const dir = jobDirs(sql);
    const chk = join(dir, 'chk');
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '250ms', '-q'], dir);
    const storage = new CheckpointStorage(chk);
    const poll = setInterval(() => {
      const complete = storage.ids().filter((id) => {
        try {
          storage.validate(id);
          return true;
        } catch {
          return false;
        }
      });
      if (complete.length >= 3) child.kill('SIGKILL');
    }, 50);
    const r = await done;
    clearInterval(poll);
    expect(r.signal).toBe('SIGKILL');
    expect(committedLines(join(dir, 'out')), 'nothing committed before the crash').toEqual([]);
    return { dir, newest: storage.latest().id!, storage };
  }

  /** The uninterrupted run's output, computed once for the three cases (the same job). */
  let clean: Promise<string[]> | undefined;
  function cleanLines(): Promise<string[]> {
    clean ??= (async () => {
      const dir = jobDirs(sql);
      await runClean(join(dir, 'clean'), 1, [], { paced: true });
      return committedLines(join(dir, 'clean', 'out')).sort();
    })();
    return clean;
  }

  async function restoreAndCompare(dir: string, skippedId: number, reason: RegExp): Promise<void> {
    const expected = cleanLines();
    const { done } = start(['run', 'job.sql', '--checkpoint-dir', join(dir, 'chk'), '--restore', 'latest'], dir);
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`skipping chk-${skippedId}: .*${reason.source}`));
    expect(r.stderr).not.toContain(`restoring from ${join(dir, 'chk', `chk-${skippedId}`)}`);
    expect(committedLines(join(dir, 'out')).sort()).toEqual(await expected);
  }

  it('a checkpoint whose _metadata is missing', async () => {
    const { dir, newest } = await crashed();
    unlinkSync(join(dir, 'chk', `chk-${newest}`, '_metadata'));
    await restoreAndCompare(dir, newest, /has no _metadata/);
  }, 120_000);

  it('a checkpoint with a truncated state file', async () => {
    const { dir, newest } = await crashed();
    const d = join(dir, 'chk', `chk-${newest}`);
    const f = readdirSync(d).find((n) => n.endsWith('.state') && n.includes('window'))!;
    truncateSync(join(d, f), 10);
    await restoreAndCompare(dir, newest, /truncated/);
  }, 120_000);

  it('a checkpoint with one flipped byte in a state file', async () => {
    const { dir, newest } = await crashed();
    const d = join(dir, 'chk', `chk-${newest}`);
    const f = join(d, readdirSync(d).find((n) => n.endsWith('.state') && n.includes('source'))!);
    const buf = readFileSync(f);
    const mid = Math.floor(buf.length / 2);
    buf[mid] = buf[mid]! ^ 0x20;
    writeFileSync(f, buf);
    await restoreAndCompare(dir, newest, /fails its checksum/);
  }, 120_000);
});
