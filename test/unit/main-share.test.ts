// A parallel job's default placement (execution.worker-threads = 'auto'): the main thread runs a
// share of the subtasks, as thread 0 of min(parallelism, cores) threads, so a p2 job starts one
// worker isolate instead of two (branch p2cold). An explicit worker count keeps every subtask on
// the workers. Either way the rows are the same.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';
import { threadOf } from '../../src/exec/job.js';
import { workerThreadsFor } from '../../src/exec/job-runner.js';
import { stopIdleWorkers, workerThreadsStarted } from '../../src/exec/worker-pool.js';
import { Session } from '../../src/sql/session.js';

describe('the main thread takes a share of a parallel job', () => {
  it('places subtask s on thread s mod (W + 1) with a share, on worker 1 + s mod W without', () => {
    const share = { workers: 1, mainChains: [7], mainShare: true };
    expect([0, 1, 2, 3].map((s) => threadOf(share, 3, s))).toEqual([0, 1, 0, 1]);
    // result collection stays on the main thread
    expect([0, 1].map((s) => threadOf(share, 7, s))).toEqual([0, 0]);
    const share2 = { workers: 2, mainChains: [], mainShare: true };
    expect([0, 1, 2, 3, 4].map((s) => threadOf(share2, 0, s))).toEqual([0, 1, 2, 0, 1]);
    const workersOnly = { workers: 2, mainChains: [], mainShare: false };
    expect([0, 1, 2, 3].map((s) => threadOf(workersOnly, 0, s))).toEqual([1, 2, 1, 2]);
    expect(threadOf({ workers: 0, mainChains: [], mainShare: true }, 0, 1)).toBe(0);
  });

  it("'auto' uses min(parallelism, cores) - 1 workers and the main thread; a number, that many workers", () => {
    const session = new Session();
    const plan = (p: number) => {
      const s = new Session();
      s.executeScript({ name: 't.sql', text: "CREATE TABLE t (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');" }).forEach(() => {});
      const q = [...s.executeScript({ name: 'q.sql', text: 'SELECT k, COUNT(*) FROM t GROUP BY k;' })][0]!.result;
      if (q.kind !== 'query') throw new Error('expected a query');
      return { plan: s.physicalPlan([], [q.plan], p), options: s.options };
    };
    const cores = availableParallelism();
    const p2 = plan(2);
    expect(workerThreadsFor(p2.plan, p2.options)).toEqual(cores >= 2 ? { workers: 1, mainShare: true } : { workers: 0, mainShare: true });
    const p3 = plan(3);
    expect(workerThreadsFor(p3.plan, p3.options)).toEqual({ workers: Math.min(3, cores) - 1, mainShare: true });
    expect(workerThreadsFor(plan(1).plan, session.options)).toEqual({ workers: 0, mainShare: false });
    p2.options.set('execution.worker-threads', '2');
    expect(workerThreadsFor(p2.plan, p2.options)).toEqual({ workers: 2, mainShare: false });
    p2.options.set('execution.worker-threads', '0');
    expect(workerThreadsFor(p2.plan, p2.options)).toEqual({ workers: 0, mainShare: false });
  });

  it('gives the same rows with the main thread running subtasks, across an exchange, at p2 and p3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-main-share-'));
    // four files, so every source subtask reads some; keys spread over the aggregate's subtasks
    const files = [
      ['a.csv', [[1, 10], [2, 20], [3, 30]]],
      ['b.csv', [[1, 1], [4, 40], [5, 50]]],
      ['c.csv', [[2, 2], [3, 3], [6, 60]]],
      ['d.csv', [[1, 100], [6, 6], [7, 70]]],
    ] as const;
    for (const [f, rows] of files) writeFileSync(join(dir, f), rows.map(([k, v]) => `${k},${v}\n`).join(''));
    const sql = `CREATE TABLE t (k INT, v INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');
SELECT k, SUM(v) AS s, COUNT(*) AS c FROM t GROUP BY k;`;
    // worked out by hand from the files above
    const expected = ['1 111 3', '2 22 2', '3 33 2', '4 40 1', '5 50 1', '6 66 2', '7 70 1'];
    const run = async (p: number, threads?: string): Promise<string[]> => {
      const r = await collectScript({ name: 'm.sql', text: sql }, { parallelism: p, batchSize: 1, options: threads === undefined ? {} : { 'execution.worker-threads': threads } });
      return r.queries[0]!.rows.map((row) => row.join(' ')).sort();
    };
    await stopIdleWorkers();
    const before = workerThreadsStarted();
    expect(await run(2)).toEqual(expected);
    // one worker for a p2 job (the main thread runs the other subtasks)
    expect(workerThreadsStarted() - before).toBe(Math.min(2, availableParallelism()) - 1);
    expect(await run(3)).toEqual(expected);
    expect(await run(2, '2')).toEqual(expected);
    expect(await run(3, '1')).toEqual(expected);
    await stopIdleWorkers();
  });
});
