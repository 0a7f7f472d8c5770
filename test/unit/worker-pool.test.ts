// Worker threads are kept between parallel jobs of one process (src/exec/cluster.ts): the next
// job runs on them without a thread start. A kept worker must not carry anything of the
// previous job: here the session time zone, which a worker-side projection uses.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';
import { prestartFromArgv, stopIdleWorkers, workerThreadsStarted } from '../../src/exec/worker-pool.js';
import { availableParallelism } from 'node:os';

describe('worker threads kept between jobs', () => {
  it('later p2 jobs reuse the threads, each with its own session time zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-pool-'));
    // two files: both source subtasks (on the main thread and a worker) read one
    writeFileSync(join(dir, 'a.csv'), '1,0\n');
    writeFileSync(join(dir, 'b.csv'), '2,3600000\n');
    const sql = `CREATE TABLE t (k INT, ms BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');
SELECT k, CAST(TO_TIMESTAMP_LTZ(ms, 3) AS STRING) AS s FROM t;`;
    const run = async (zone: string): Promise<string[]> => {
      const r = await collectScript({ name: 'z.sql', text: sql }, { parallelism: 2, options: { 'table.local-time-zone': zone } });
      return r.queries[0]!.rows.map((row) => `${String(row[0])} ${String(row[1])}`).sort();
    };
    // worked out by hand: epoch 0 and 1 h in each zone
    expect(await run('Asia/Tokyo')).toEqual(['1 1970-01-01 09:00:00.000', '2 1970-01-01 10:00:00.000']);
    const afterFirst = workerThreadsStarted();
    expect(await run('UTC')).toEqual(['1 1970-01-01 00:00:00.000', '2 1970-01-01 01:00:00.000']);
    expect(await run('America/New_York')).toEqual(['1 1969-12-31 19:00:00.000', '2 1969-12-31 20:00:00.000']);
    expect(workerThreadsStarted()).toBe(afterFirst);
  });

  it('the launcher starts a parallel run\'s workers from its arguments, and nothing otherwise', async () => {
    await stopIdleWorkers();
    const n = workerThreadsStarted();
    const started = (argv: string[]): number => {
      const before = workerThreadsStarted();
      prestartFromArgv(argv);
      return workerThreadsStarted() - before;
    };
    expect(started(['run', 'job.sql'])).toBe(0);
    expect(started(['explain', 'job.sql', '-p', '2'])).toBe(0);
    expect(started(['run', 'job.sql', '--set', 'execution.worker-threads=1', '-p', '2'])).toBe(0);
    // the main thread runs a share of the subtasks: one worker fewer than threads
    expect(started(['run', 'job.sql', '-p', '2'])).toBe(Math.min(2, availableParallelism()) - 1);
    await stopIdleWorkers();
    expect(started(['verify', 'job.sql', '--set', 'parallelism.default=3'])).toBe(Math.min(3, availableParallelism()) - 1);
    // kept workers are not started again
    expect(started(['run', 'job.sql', '--parallelism=3'])).toBe(0);
    await stopIdleWorkers();
    expect(workerThreadsStarted()).toBeGreaterThan(n);
  });
});
